/*
 * file.h - open files: the console, files of the initrd, and files served
 * by a port (pipes: the kernel keeps the send right, libc talks to the
 * server; docs/pipes.md).
 *
 * The textbook's PCB lists "I/O status information: list of open files".
 * Each task has a files_struct: a small table from descriptor numbers to
 * open files. fork copies the table (both tasks then share each open
 * file, and its offset); exec keeps it; exit closes everything.
 */
#ifndef MICA_FILE_H
#define MICA_FILE_H

#include <stdint.h>
#include <mica/ipc.h> /* port_t */

#define NR_OPEN	       16   /* descriptors per task */
#define FILE_WRITE_MAX 4096 /* bytes one write() takes at most (short write) */

enum file_type { FILE_CONSOLE, FILE_INITRD, FILE_SHM, FILE_PORT };

struct shm_object;
struct port;

struct file {
	enum file_type type;
	int refs;		/* descriptors (in any task) that point here */
	struct shm_object *shm; /* FILE_SHM: the object (kernel/mm/shm.c) */
	int flags;		/* FILE_SHM: O_RDONLY or O_RDWR */
	struct port *port;	/* FILE_PORT: its server's port (one send
				 * right to it is the file's: docs/pipes.md) */
	const uint8_t *data;	/* FILE_INITRD: the file's bytes, read-only */
	uint32_t size, pos;
};

struct files_struct {
	struct file *fd[NR_OPEN];
};

struct initrd;
extern struct initrd boot_initrd;
void files_init(void);

struct files_struct *files_new_console(void); /* fds 0, 1, 2 */
struct files_struct *files_dup(struct files_struct *f);
void files_release(struct files_struct *f);

struct file *file_new(enum file_type type);
long fd_install(struct file *f); /* the lowest free fd now holds f */
struct file *fd_file(int fd);	 /* current's file under fd, or NULL */

long file_open(const char *name);
long file_read(int fd, void *ubuf, uint32_t n);
long file_write(int fd, const void *ubuf, uint32_t n);
long file_close(int fd);

/* Descriptors served by a port (pipes), and dup (docs/pipes.md). */
long file_attach(port_t name); /* its send right moves to a new fd */
long file_port(int fd, struct port **out); /* 0, -EBADF or -EINVAL */
long file_dup(int fd);
long file_dup2(int fd, int newfd);

#endif
