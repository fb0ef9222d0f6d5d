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
#include "mm/shm.h"
#include "ipc/ipc.h"
#include "x86/io.h"
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

struct file *file_new(enum file_type type)
{
	struct file *f = kzalloc(sizeof *f);

	if (f) {
		f->type = type;
		f->refs = 1;
	}
	return f;
}

/*
 * The last descriptor of a port-served file is gone: its send right goes
 * (which may fire the server's no-senders notification: for a pipe end,
 * "no more writers" or "no more readers"), then the kernel's reference.
 * IPC state changes only with interrupts off.
 */
static void port_file_release(struct port *p)
{
	uint32_t flags = irq_save();

	port_release_right(p, RIGHT_SEND);
	port_unref(p);
	irq_restore(flags);
}

static void file_put(struct file *f)
{
	if (--f->refs > 0)
		return;
	if (f->type == FILE_SHM)
		shm_put(f->shm);
	if (f->type == FILE_PORT)
		port_file_release(f->port);
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

struct file *fd_file(int fd)
{
	if (fd < 0 || fd >= NR_OPEN || !current->files)
		return NULL;
	return current->files->fd[fd];
}

long fd_install(struct file *f)
{
	int fd;

	if (!current->files)
		return -EBADF;
	for (fd = 0; fd < NR_OPEN && current->files->fd[fd]; fd++)
		;
	if (fd == NR_OPEN)
		return -EMFILE;
	current->files->fd[fd] = f;
	return fd;
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
	if (f->type == FILE_SHM)
		return -EINVAL; /* shared memory is mapped, not read */
	if (!user_range_ok(ubuf, n))
		return -EFAULT;
	if (f->type == FILE_PORT)
		return -EREMOTE; /* the kernel never talks to servers: libc does */
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
	if (f->type == FILE_PORT)
		return user_range_ok(ubuf, n) ? -EREMOTE : -EFAULT;
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

/* ---- descriptors served by ports, and dup -------------------------------- */

/*
 * Move one send right out of the caller's name `name` (as MSG_MOVE_SEND
 * would): 0 with *out referenced for the caller, or -errno with nothing
 * changed. The right itself moves, so the port's count of send rights
 * (srights) stays the same.
 */
static long take_send_right(port_t name, struct port **out)
{
	struct ipc_entry *e = ipc_lookup(current->ipc, name);
	struct port *p;

	if (!e)
		return -EINVAL;
	if (!(e->bits & RIGHT_SEND))
		return -EBADRIGHT; /* a receive or send-once right, or a set */
	p = e->object;
	if (p->dead)
		return -EDEADNAME;
	port_ref(p); /* the file's reference */
	if (--e->urefs == 0)
		e->bits &= ~RIGHT_SEND;
	if (!e->bits) { /* the name is empty now */
		e->object = NULL;
		port_unref(p);
	}
	*out = p;
	return 0;
}

/* Is there a free descriptor? (fd_install takes the lowest one.) */
static bool fd_table_full(void)
{
	for (int fd = 0; current->files && fd < NR_OPEN; fd++)
		if (!current->files->fd[fd])
			return false;
	return true;
}

/*
 * SYS_fd_attach: a new descriptor (the lowest free) for the port behind
 * one of the caller's send rights. Everything that can fail is checked
 * before the right moves, so a failed call leaves the name as it was.
 */
long file_attach(port_t name)
{
	uint32_t flags = irq_save();
	struct file *f = file_new(FILE_PORT);
	long fd = f ? 0 : -ENOMEM;

	if (!fd && fd_table_full())
		fd = -EMFILE;
	if (!fd && !current->ipc)
		fd = -EPERM;
	if (!fd)
		fd = take_send_right(name, &f->port);
	if (!fd)
		fd = fd_install(f); /* cannot fail: a slot was free */
	else if (f)
		kfree(f); /* never held a right: a plain free */
	irq_restore(flags);
	return fd;
}

/*
 * MSG_TO_FD: the port a descriptor is served by. Called with interrupts
 * off (from msg.c's resolve_dest); the file's own reference keeps the
 * port alive while the caller uses it.
 */
long file_port(int fd, struct port **out)
{
	struct file *f = fd_file(fd);

	if (!f)
		return -EBADF;
	if (f->type != FILE_PORT)
		return -EINVAL; /* a real descriptor, but no server behind it */
	*out = f->port;
	return 0;
}

long file_dup(int fd)
{
	struct file *f = fd_file(fd);
	long newfd;

	if (!f)
		return -EBADF;
	newfd = fd_install(f);
	if (newfd >= 0)
		f->refs++;
	return newfd;
}

/* POSIX dup2: newfd is closed first (if open); dup2(fd, fd) is fd. */
long file_dup2(int fd, int newfd)
{
	struct file *f = fd_file(fd), *old;

	if (!f || newfd < 0 || newfd >= NR_OPEN)
		return -EBADF;
	if (newfd == fd)
		return newfd;
	old = current->files->fd[newfd];
	f->refs++;
	current->files->fd[newfd] = f;
	if (old)
		file_put(old);
	return newfd;
}
