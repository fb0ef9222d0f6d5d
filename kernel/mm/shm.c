/*
 * shm.c - named shared-memory objects: shm_open, ftruncate, shm_unlink
 * (shm.h). Mapping them is mmap's job (mmap.c).
 *
 * The object owns one reference to each of its frames; every page that
 * maps one owns another. So the object can go (unlinked, last descriptor
 * closed) while mappings still use its memory, and the memory goes when
 * the last mapping does: nobody has to count mappings.
 */
#include "mm/shm.h"
#include "file.h"
#include "sched.h"
#include "uaccess.h"
#include "lib/string.h"
#include "mm/frame.h"
#include "mm/kmalloc.h"
#include "mm/vm.h"
#include "x86/io.h"
#include "x86/mmu.h"
#include <mica/errno.h>

static LIST_HEAD(shm_objects); /* linked objects, findable by name */
unsigned shm_nr_objects;       /* objects alive, linked or not */

static struct shm_object *shm_find(const char *name)
{
	struct shm_object *obj;

	list_for_each_entry (obj, &shm_objects, link)
		if (strcmp(obj->name, name) == 0)
			return obj;
	return NULL;
}

/* Set the object's size to npages pages: new pages are zeroed frames. */
static long shm_resize(struct shm_object *obj, unsigned npages)
{
	phys_addr_t *pages = NULL;

	if (npages == obj->npages)
		return 0; /* same pages: nothing to allocate, nothing to fail */
	if (npages > obj->npages &&
	    npages - obj->npages + MM_RESERVE_FRAMES > frame_free_count())
		return -ENOMEM;
	if (npages) {
		pages = kzalloc(npages * sizeof *pages);
		if (!pages)
			return -ENOMEM;
	}
	for (unsigned i = 0; i < npages; i++) {
		if (i < obj->npages) {
			pages[i] = obj->pages[i];
			continue;
		}
		pages[i] = frame_alloc();
		if (!pages[i]) { /* undo: keep the object as it was */
			while (i-- > obj->npages)
				frame_free(pages[i]);
			kfree(pages);
			return -ENOMEM;
		}
		memset(phys_to_virt(pages[i]), 0, PAGE_SIZE);
	}
	for (unsigned i = npages; i < obj->npages; i++)
		frame_free(obj->pages[i]); /* mappings keep their own refs */
	kfree(obj->pages);
	obj->pages = pages;
	obj->npages = npages;
	return 0;
}

/*
 * Shrinking to a size inside a page keeps that page: zero its bytes past
 * the new size, so that growing again reads zeros there, as POSIX says
 * (the mappings of the page see the zeros too, as on Linux).
 */
static void shm_zero_tail(struct shm_object *obj, uint32_t size)
{
	uint32_t off = size % PAGE_SIZE;

	if (size < obj->size && off)
		memset((char *)phys_to_virt(obj->pages[size / PAGE_SIZE]) + off,
		       0, PAGE_SIZE - off);
}

void shm_put(struct shm_object *obj)
{
	uint32_t flags = irq_save();

	if (--obj->refs == 0) {
		shm_resize(obj, 0); /* frees the frames: cannot fail */
		shm_nr_objects--;
		kfree(obj);
	}
	irq_restore(flags);
}

/*
 * Copy a name in from user space. A name is 1 to SHM_NAME_MAX - 1 bytes;
 * POSIX writes them "/OS", the textbook "OS": a leading '/' is dropped,
 * so both name one object (as glibc does on Linux), and no other '/' is
 * allowed. -EFAULT, -ENAMETOOLONG or -EINVAL otherwise.
 */
static long shm_name_in(char *name, const char *uname)
{
	long len = strncpy_from_user(name, uname, SHM_NAME_MAX);

	if (len < 0)
		return len;
	if (name[0] == '/')
		memmove(name, name + 1, len--); /* the NUL comes along */
	if (len == 0 || strchr(name, '/'))
		return -EINVAL;
	return 0;
}

static struct shm_object *shm_create(const char *name)
{
	struct shm_object *obj;

	if (shm_nr_objects >= SHM_OBJECTS_MAX || !(obj = kzalloc(sizeof *obj)))
		return NULL;
	strlcpy(obj->name, name, sizeof obj->name);
	obj->linked = true;
	obj->refs = 1; /* the name's */
	list_add_tail(&obj->link, &shm_objects);
	shm_nr_objects++;
	return obj;
}

/* Find or create the object and give it a descriptor. */
static long shm_open_locked(const char *name, int oflag)
{
	struct shm_object *obj = shm_find(name);
	struct file *f;
	long fd;

	if (obj && (oflag & O_CREAT) && (oflag & O_EXCL))
		return -EEXIST;
	if (!obj && !(oflag & O_CREAT))
		return -ENOENT;
	if (!obj && !(obj = shm_create(name)))
		return shm_nr_objects >= SHM_OBJECTS_MAX ? -ENFILE : -ENOMEM;
	f = file_new(FILE_SHM);
	if (!f)
		return -ENOMEM; /* a new object stays, empty, as POSIX allows */
	f->shm = obj;
	f->flags = oflag & O_ACCMODE;
	obj->refs++;
	fd = fd_install(f);
	if (fd < 0) {
		obj->refs--;
		kfree(f);
		return fd;
	}
	if ((oflag & O_TRUNC) && f->flags == O_RDWR && !shm_resize(obj, 0))
		obj->size = 0; /* shrinking to nothing allocates nothing */
	return fd;
}

long sys_shm_open_k(const char *uname, int oflag, int mode)
{
	char name[SHM_NAME_MAX];
	long err = shm_name_in(name, uname);
	uint32_t flags;

	(void)mode; /* mica has no users, so no permissions */
	if (err)
		return err;
	if ((oflag & O_ACCMODE) == O_WRONLY || (oflag & O_ACCMODE) == 3 ||
	    (oflag & ~(O_ACCMODE | O_CREAT | O_EXCL | O_TRUNC)))
		return -EINVAL;
	flags = irq_save();
	err = shm_open_locked(name, oflag);
	irq_restore(flags);
	return err;
}

long sys_shm_unlink_k(const char *uname)
{
	char name[SHM_NAME_MAX];
	long err = shm_name_in(name, uname);
	struct shm_object *obj;
	uint32_t flags;

	if (err)
		return err;
	flags = irq_save();
	obj = shm_find(name);
	if (obj) {
		list_del(&obj->link);
		obj->linked = false;
	}
	irq_restore(flags);
	if (!obj)
		return -ENOENT;
	shm_put(obj); /* the name's reference */
	return 0;
}

long sys_ftruncate_k(int fd, uint32_t size)
{
	struct file *f = fd_file(fd);
	uint32_t flags;
	long err;

	if (!f)
		return -EBADF;
	if (f->type != FILE_SHM || f->flags != O_RDWR)
		return -EINVAL; /* only shared memory, opened for writing */
	if (size > SHM_SIZE_MAX)
		return -EFBIG;
	flags = irq_save();
	err = shm_resize(f->shm, PAGE_ALIGN_UP(size) / PAGE_SIZE);
	if (!err) {
		shm_zero_tail(f->shm, size);
		f->shm->size = size;
	}
	irq_restore(flags);
	return err;
}
