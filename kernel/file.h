/*
 * file.h - open files: the console and files of the initrd.
 *
 * The textbook's PCB lists "I/O status information: list of open files".
 * Each task has a files_struct: a small table from descriptor numbers to
 * open files. fork copies the table (both tasks then share each open
 * file, and its offset); exec keeps it; exit closes everything.
 */
#ifndef MICA_FILE_H
#define MICA_FILE_H

#include <stdint.h>

#define NR_OPEN	       16   /* descriptors per task */
#define FILE_WRITE_MAX 4096 /* bytes one write() takes at most (short write) */

enum file_type { FILE_CONSOLE, FILE_INITRD };

struct file {
	enum file_type type;
	int refs;	     /* descriptors (in any task) that point here */
	const uint8_t *data; /* FILE_INITRD: the file's bytes, read-only */
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

long file_open(const char *name);
long file_read(int fd, void *ubuf, uint32_t n);
long file_write(int fd, const void *ubuf, uint32_t n);
long file_close(int fd);

#endif
