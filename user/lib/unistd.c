/*
 * unistd.c - C wrappers around the system calls.
 *
 * The kernel answers a failed call with a negative errno in EAX. POSIX
 * programs expect -1 and the reason in the global errno instead, so each
 * wrapper passes the kernel's answer through check().
 */
#include <errno.h>
#include <stdarg.h>
#include <string.h>
#include <unistd.h>

#include "remote.h"
#include "syscall.h"

int errno;

/*
 * Turn the kernel's answer into the POSIX convention. Only -4095..-1 are
 * errors: a larger "negative" value could be a real result (an address
 * above 2 GiB from sbrk, say), so it is not mistaken for one.
 */
static long check(long r)
{
	if (r < 0 && r >= -4095) {
		errno = (int)-r;
		return -1;
	}
	return r;
}

/* ---- processes ---------------------------------------------------------- */

void exit(int status)
{
	syscall1(SYS_exit, status);
	for (;;) /* the kernel never returns here; keep the compiler sure */
		;
}

pid_t fork(void)
{
	return check(syscall0(SYS_fork));
}

int exec(const char *path, char *const argv[])
{
	return check(syscall2(SYS_exec, path, argv));
}

int execv(const char *path, char *const argv[])
{
	return exec(path, argv);
}

/*
 * execlp("/bin/ls", "ls", "-l", NULL): the arguments come as a list that
 * ends in NULL; gather them into an argv array. The initrd is flat (no
 * directories), so "/bin/ls" is looked up as plain "ls".
 */
int execlp(const char *file, const char *arg0, ...)
{
	char *argv[MICA_ARG_MAX + 1];
	const char *base = strrchr(file, '/');
	int argc = 0;
	va_list ap;

	va_start(ap, arg0);
	for (const char *a = arg0; a != NULL; a = va_arg(ap, const char *)) {
		if (argc == MICA_ARG_MAX) {
			va_end(ap);
			errno = E2BIG;
			return -1;
		}
		argv[argc++] = (char *)a;
	}
	va_end(ap);
	argv[argc] = NULL;
	return exec(base ? base + 1 : file, argv);
}

pid_t spawn(const char *path, char *const argv[])
{
	return check(syscall2(SYS_spawn, path, argv));
}

/*
 * The status goes through a local variable, so that callers may pass
 * NULL (as the textbook's wait(NULL) does) whatever the kernel does
 * with a NULL pointer.
 */
pid_t waitpid(pid_t pid, int *status, int options)
{
	int st = 0;
	long r = check(syscall3(SYS_waitpid, pid, &st, options));

	if (r > 0 && status != NULL)
		*status = st;
	return r;
}

pid_t wait(int *status)
{
	return waitpid(-1, status, 0);
}

pid_t getpid(void)
{
	return check(syscall0(SYS_getpid));
}

pid_t getppid(void)
{
	return check(syscall0(SYS_getppid));
}

int yield(void)
{
	return check(syscall0(SYS_yield));
}

int kill(pid_t pid)
{
	return check(syscall1(SYS_kill, pid));
}

int kill_tree(pid_t pid)
{
	return check(syscall1(SYS_kill_tree, pid));
}

/* ---- time ----------------------------------------------------------------- */

int sleep_ms(unsigned ms)
{
	return check(syscall1(SYS_sleep, ms));
}

/* POSIX sleep returns the seconds left if interrupted; ours never is. */
unsigned sleep(unsigned seconds)
{
	sleep_ms(seconds * 1000);
	return 0;
}

unsigned long uptime_ms(void)
{
	return (unsigned long)syscall0(SYS_uptime); /* cannot fail */
}

/* ---- files ---------------------------------------------------------------- */

/*
 * The kernel serves the console and the initrd itself. A descriptor
 * served by a port (a pipe end) makes it answer -EREMOTE: then we talk
 * to the descriptor's server ourselves (lib/pipe.c).
 */
ssize_t write(int fd, const void *buf, size_t n)
{
	long r = syscall3(SYS_write, fd, buf, n);

	return r == -EREMOTE ? pipe_write(fd, buf, n) : check(r);
}

ssize_t read(int fd, void *buf, size_t n)
{
	long r = syscall3(SYS_read, fd, buf, n);

	return r == -EREMOTE ? pipe_read(fd, buf, n) : check(r);
}

/* A name the initrd does not have may be a FIFO (lib/pipe.c). */
int open(const char *path, int flags)
{
	long r = syscall2(SYS_open, path, flags);

	if (r == -ENOENT || r == -EACCES)
		r = fifo_open(path, flags, r);
	return check(r);
}

int close(int fd)
{
	return check(syscall1(SYS_close, fd));
}

int dup(int fd)
{
	return check(syscall1(SYS_dup, fd));
}

int dup2(int fd, int newfd)
{
	return check(syscall2(SYS_dup2, fd, newfd));
}

int readdir(unsigned index, struct mica_dirent *d)
{
	return check(syscall2(SYS_readdir, index, d));
}

/* ---- memory --------------------------------------------------------------- */

void *sbrk(int increment)
{
	long r = check(syscall1(SYS_sbrk, increment));

	return r == -1 ? (void *)-1 : (void *)r;
}

/* ---- scheduling and inspection ------------------------------------------- */

int setpriority(pid_t pid, int prio)
{
	return check(syscall2(SYS_setpriority, pid, prio));
}

int getpriority(pid_t pid)
{
	return check(syscall1(SYS_getpriority, pid));
}

int ps_snapshot(struct mica_task_info *tasks, unsigned max)
{
	return check(syscall2(SYS_ps, tasks, max));
}

int memstat(struct mica_memstat *m)
{
	return check(syscall1(SYS_memstat, m));
}

int trace_dump(unsigned last_n)
{
	return check(syscall1(SYS_trace, last_n));
}

int poweroff(int code)
{
	return check(syscall1(SYS_poweroff, code));
}
