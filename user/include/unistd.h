/*
 * unistd.h - the system calls, as C functions (lib/unistd.c).
 *
 * Every wrapper returns -1 and sets errno if the kernel reports an error,
 * except sys_raw, which returns exactly what the kernel put in EAX.
 */
#ifndef _UNISTD_H
#define _UNISTD_H

#include <stddef.h>
#include <sys/types.h>
#include <mica/syscall.h> /* the structures below, WNOHANG, O_RDONLY */

#define STDIN_FILENO  0
#define STDOUT_FILENO 1
#define STDERR_FILENO 2

/* Processes. */
void exit(int status) __attribute__((noreturn));
pid_t fork(void);
int exec(const char *path, char *const argv[]); /* returns only on error */
int execv(const char *path, char *const argv[]);
int execlp(const char *file, const char *arg0, ...); /* list ends in NULL */
pid_t spawn(const char *path, char *const argv[]);   /* fork+exec in one */
pid_t waitpid(pid_t pid, int *status, int options);
pid_t wait(int *status); /* waitpid(-1, status, 0) */
pid_t getpid(void);
pid_t getppid(void);
int yield(void);
int kill(pid_t pid);	  /* ends the task (WTERMSIG = SIGKILL) */
int kill_tree(pid_t pid); /* ends it and its descendants; returns count */

/* Time. */
int sleep_ms(unsigned ms);
unsigned sleep(unsigned seconds);
unsigned long uptime_ms(void);

/* Files: the console (fds 0, 1, 2), the initrd, and pipes and FIFOs
 * (served by the pipe server, docs/pipes.md). Every descriptor is
 * inherited across fork and exec. */
ssize_t write(int fd, const void *buf, size_t n);
ssize_t read(int fd, void *buf, size_t n);
int open(const char *path, int flags); /* O_RDONLY; a FIFO: or O_WRONLY */
int close(int fd);
int dup(int fd);	     /* the lowest free fd, for the same file */
int dup2(int fd, int newfd); /* newfd (closed first if open) */
int readdir(unsigned index, struct mica_dirent *d); /* 1, or 0 at the end */

/* Pipes: fd[0] the read end, fd[1] the write end. read() gives 0 (EOF)
 * once every write end is closed; write() fails with EPIPE once every
 * read end is. */
int pipe(int fd[2]);
int mkfifo(const char *path, int mode); /* POSIX has it in sys/stat.h */
int unlink(const char *path);		/* a FIFO's name */
int fd_attach(int port_name);		/* a send right becomes a descriptor */

/* Memory. */
void *sbrk(int increment); /* old break, or (void *)-1 */

/* Scheduling and inspection. pid 0 means the calling task. */
int setpriority(pid_t pid, int prio);
int getpriority(pid_t pid);
int ps_snapshot(struct mica_task_info *tasks, unsigned max);
int memstat(struct mica_memstat *m);
int trace_dump(unsigned last_n);
int poweroff(int code); /* leaves QEMU when booted for tests */

/* Any system call, with the kernel's result unchanged (-errno on error). */
long sys_raw(long n, long a, long b, long c, long d, long e);

#endif
