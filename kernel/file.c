/*
 * file.c - descriptors, the console and the read-only initrd (file.h).
 */
#include "file.h"
#include "bootinfo.h"
#include "console.h"
#include "initrd.h"
#include "sched.h"
#include "uaccess.h"
#include "lib/printk.h"
#include "lib/string.h"
#include "mm/kmalloc.h"
#include "x86/mmu.h"
#include <mica/errno.h>

struct initrd boot_initrd; /* count 0 if there is none, or it is bad */

/* Find and check the initrd among the boot modules (GRUB's `module`). */
void files_init(void)
{
	const struct boot_module *m;
	int err;

	if (boot_info.nmodules == 0) {
		printk("initrd: none loaded (no user programs)\n");
		return;
	}
	m = &boot_info.modules[0];
	err = initrd_open(&boot_initrd, phys_to_virt(m->start),
			  m->end - m->start);
	if (err < 0) {
		printk("initrd: %s is not a valid archive (error %d); "
		       "no user programs\n",
		       m->name[0] ? m->name : "module 0", err);
		boot_initrd.count = 0;
		return;
	}
	printk("initrd: %u files, %u bytes\n", boot_initrd.count,
	       m->end - m->start);
}

static struct file *file_new(enum file_type type)
{
	struct file *f = kzalloc(sizeof *f);

	if (f) {
		f->type = type;
		f->refs = 1;
	}
	return f;
}

static void file_put(struct file *f)
{
	if (--f->refs == 0)
		kfree(f);
}

struct files_struct *files_new_console(void)
{
	struct files_struct *fs = kzalloc(sizeof *fs);
	struct file *con;

	if (!fs)
		return NULL;
	con = file_new(FILE_CONSOLE);
	if (!con) {
		kfree(fs);
		return NULL;
	}
	con->refs = 3;
	fs->fd[0] = fs->fd[1] = fs->fd[2] = con;
	return fs;
}

struct files_struct *files_dup(struct files_struct *f)
{
	struct files_struct *fs = kzalloc(sizeof *fs);

	if (!fs)
		return NULL;
	for (int i = 0; i < NR_OPEN; i++) {
		fs->fd[i] = f->fd[i];
		if (fs->fd[i])
			fs->fd[i]->refs++;
	}
	return fs;
}

void files_release(struct files_struct *f)
{
	for (int i = 0; i < NR_OPEN; i++)
		if (f->fd[i])
			file_put(f->fd[i]);
	kfree(f);
}

static struct file *fd_file(int fd)
{
	if (fd < 0 || fd >= NR_OPEN || !current->files)
		return NULL;
	return current->files->fd[fd];
}

long file_open(const char *name)
{
	const void *data;
	uint32_t size;
	struct file *f;
	int fd;

	if (!current->files)
		return -EBADF;
	if (initrd_find(&boot_initrd, name, &data, &size) < 0)
		return -ENOENT;
	for (fd = 0; fd < NR_OPEN && current->files->fd[fd]; fd++)
		;
	if (fd == NR_OPEN)
		return -EMFILE;
	f = file_new(FILE_INITRD);
	if (!f)
		return -ENOMEM;
	f->data = data;
	f->size = size;
	current->files->fd[fd] = f;
	return fd;
}

/* Console input: block for the first character, then take what is there. */
static long console_read(uint8_t *buf, uint32_t n)
{
	uint32_t got = 0;
	int c = console_getc();

	if (c < 0)
		return c; /* -EINTR: killed while waiting */
	buf[got++] = c;
	while (got < n && (c = console_getc_nonblock()) >= 0)
		buf[got++] = c;
	return got;
}

long file_read(int fd, void *ubuf, uint32_t n)
{
	struct file *f = fd_file(fd);
	uint8_t kbuf[256];
	long got;

	if (!f)
		return -EBADF;
	if (!user_range_ok(ubuf, n))
		return -EFAULT;
	if (n > sizeof kbuf)
		n = sizeof kbuf; /* a short read is allowed */
	if (n == 0)
		return 0;
	if (f->type == FILE_CONSOLE) {
		got = console_read(kbuf, n);
	} else {
		got = f->size - f->pos < n ? f->size - f->pos : n;
		memcpy(kbuf, f->data + f->pos, got);
	}
	if (got > 0 && copy_to_user(ubuf, kbuf, got) < 0)
		return -EFAULT;
	if (got > 0 && f->type == FILE_INITRD)
		f->pos += got;
	return got;
}

long file_write(int fd, const void *ubuf, uint32_t n)
{
	struct file *f = fd_file(fd);
	char kbuf[256];
	uint32_t done = 0;

	if (!f)
		return -EBADF;
	if (f->type != FILE_CONSOLE)
		return -EBADF; /* the initrd is read-only */
	if (!user_range_ok(ubuf, n))
		return -EFAULT;
	/* System calls run with interrupts off: bound the time one takes. */
	if (n > FILE_WRITE_MAX)
		n = FILE_WRITE_MAX;
	while (done < n) {
		uint32_t chunk =
		    n - done < sizeof kbuf ? n - done : sizeof kbuf;

		if (copy_from_user(kbuf, (const char *)ubuf + done, chunk) < 0)
			return done ? (long)done : -EFAULT;
		console_write(kbuf, chunk);
		done += chunk;
	}
	return done;
}

long file_close(int fd)
{
	struct file *f = fd_file(fd);

	if (!f)
		return -EBADF;
	current->files->fd[fd] = NULL;
	file_put(f);
	return 0;
}
