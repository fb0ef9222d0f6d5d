/*
 * syscall.h - system call numbers and the structures they exchange,
 * shared by the kernel (kernel/syscall.c, the one syscall table) and the
 * user library (user/lib/syscall.S).
 *
 * The ABI: `int $0x80` with the number in EAX and up to five arguments in
 * EBX, ECX, EDX, ESI, EDI. The result comes back in EAX: >= 0 on success,
 * a negative errno (mica/errno.h) on failure. No other register changes.
 */
#ifndef MICA_SYSCALL_H
#define MICA_SYSCALL_H

#include <stdint.h>

#define SYS_exit	0  /* (int status) never returns */
#define SYS_fork	1  /* () -> child pid in the parent, 0 in the child */
#define SYS_exec	2  /* (const char *path, char *const argv[]) */
#define SYS_spawn	3  /* (const char *path, char *const argv[]) -> pid */
#define SYS_waitpid	4  /* (int pid, int *status, int options) -> pid */
#define SYS_getpid	5  /* () -> pid */
#define SYS_getppid	6  /* () -> parent's pid */
#define SYS_yield	7  /* () -> 0 */
#define SYS_sleep	8  /* (unsigned ms) -> 0 */
#define SYS_uptime	9  /* () -> milliseconds since boot */
#define SYS_write	10 /* (int fd, const void *buf, unsigned n) -> n */
#define SYS_read	11 /* (int fd, void *buf, unsigned n) -> n, 0 = EOF */
#define SYS_open	12 /* (const char *path, int flags) -> fd */
#define SYS_close	13 /* (int fd) -> 0 */
#define SYS_readdir	14 /* (unsigned index, struct mica_dirent *) -> 1/0 */
#define SYS_sbrk	15 /* (int increment) -> old break */
#define SYS_kill	16 /* (int pid) -> 0 */
#define SYS_kill_tree	17 /* (int pid) -> number of tasks killed */
#define SYS_setpriority 18 /* (int pid, int prio) -> 0; pid 0 = self */
#define SYS_getpriority 19 /* (int pid) -> prio; pid 0 = self */
#define SYS_ps		20 /* (struct mica_task_info *, unsigned max) -> n */
#define SYS_memstat	21 /* (struct mica_memstat *) -> 0 */
#define SYS_poweroff	22 /* (int code) leaves QEMU (test mode) */
#define SYS_trace	23 /* (unsigned last_n) dumps the trace */

/* Ports and messages (include/mica/ipc.h, docs/ports.md). */
#define SYS_port_allocate	24 /* () -> name of a new receive right */
#define SYS_port_deallocate	25 /* (port_t) drop the right(s) the name holds */
#define SYS_port_type		26 /* (port_t) -> RIGHT_* mask */
#define SYS_port_make_send	27 /* (port_t rcv) add a send right to the name */
#define SYS_port_make_send_once 28 /* (port_t rcv) -> new name, send-once */
#define SYS_port_set_qlimit	29 /* (port_t rcv, unsigned n) 0 = rendezvous */
#define SYS_port_set_allocate	30 /* () -> name of a new, empty port set */
#define SYS_port_set_add	31 /* (port_t set, port_t rcv) */
#define SYS_port_set_remove	32 /* (port_t set, port_t rcv) */
#define SYS_port_request	33 /* (port_t, PORT_REQUEST_*) notifications */
#define SYS_msg_send		34 /* (struct msg *, options, timeout_ms) */
#define SYS_msg_receive		35 /* (port_t, struct msg *, size, options, timeout) */
#define SYS_msg_rpc                                                            \
	36		    /* (struct msg *, struct msg *reply, size, options,
			    * timeout_ms) -> size of the reply */
#define SYS_task_for_pid 37 /* (pid) -> send right to its Kernel port */
#define SYS_msg_reply_receive                                                  \
	38	      /* (struct msg *reply or NULL, port_t,
				  * struct msg *buf, size, options): a
				  * server's reply and its next receive */
#define SYS_kcheck 39 /* () -> problems the kernel's invariant check found */

/* Shared memory (docs/shm.md): POSIX's shape, objects kept by the kernel. */
#define SYS_shm_open   40 /* (const char *name, int oflag, int mode) -> fd */
#define SYS_shm_unlink 41 /* (const char *name) */
#define SYS_ftruncate  42 /* (int fd, unsigned size): a shm object's size */
#define SYS_mmap       43 /* (struct mica_mmap *) -> the mapped address */
#define SYS_munmap     44 /* (void *addr, unsigned len); also OOL memory */

/* The bootstrap (name server) port, inherited by every new task. */
#define SYS_task_set_bootstrap                                                 \
	45			  /* (port_t send right) mine, and my
				   * children's from now on */
#define SYS_task_get_bootstrap 46 /* () -> a name for a send right to it */

/* Descriptors served by a port (pipes): the kernel holds the send right. */
#define SYS_fd_attach 47 /* (port_t send right) -> fd; the right moves in */
#define SYS_dup	      48 /* (int fd) -> the lowest free fd, same file */
#define SYS_dup2      49 /* (int fd, int newfd) -> newfd, closed first */
#define NR_SYSCALLS   50

#define MICA_NAME_MAX	32   /* file names in the initrd */
#define MICA_ARG_MAX	32   /* exec: at most this many arguments */
#define MICA_ARGLEN_MAX 4096 /* exec: at most this many bytes of them */

/* readdir: one file of the initrd. */
struct mica_dirent {
	char name[MICA_NAME_MAX];
	unsigned size;
};

/* ps: a snapshot of one task (SYS_ps fills an array of these). */
struct mica_task_info {
	int pid, ppid;
	int state; /* enum task_state: 0 NEW .. 4 TERMINATED */
	int prio, static_prio;
	unsigned utime, stime; /* ticks */
	unsigned nvcsw, nivcsw;
	char name[16];
	char wait[16]; /* the wait queue it sleeps on, or "" */
	char policy[8];
};

/* memstat: counters that leak tests compare before and after. */
struct mica_memstat {
	unsigned free_frames;
	unsigned heap_bytes;
	unsigned tasks;
	unsigned kstacks;
	unsigned ports;	      /* live ports */
	unsigned messages;    /* messages queued (or cached) in the kernel */
	unsigned shm_objects; /* shared-memory objects alive (docs/shm.md) */
};

/* wait status, as POSIX encodes it: exit code, or the fault that killed. */
#define WNOHANG	       1
#define WIFEXITED(s)   (((s)&0x7f) == 0)
#define WEXITSTATUS(s) (((s) >> 8) & 0xff)
#define WIFSIGNALED(s) (((s)&0x7f) != 0)
#define WTERMSIG(s)    ((s)&0x7f)

/* Why a task was killed (WTERMSIG), numbered as the Linux signals are. */
#define SIGILL	  4  /* invalid opcode */
#define SIGTRAP	  5  /* breakpoint */
#define SIGFPE	  8  /* divide error */
#define SIGKILL	  9  /* kill() */
#define SIGSEGV	  11 /* page fault or general protection fault */
#define SIGSTKFLT 16 /* user stack overflow (hit the guard gap) */
#define SIGXCPU	  24 /* CPU-time limit exceeded */

/* open and shm_open flags (the low two bits: the access mode). */
#define O_RDONLY  0
#define O_WRONLY  1
#define O_RDWR	  2
#define O_ACCMODE 3
#define O_CREAT	  0100
#define O_EXCL	  0200
#define O_TRUNC	  01000

/* mmap: protection, and how the mapping is shared. */
#define PROT_NONE     0
#define PROT_READ     1
#define PROT_WRITE    2
#define PROT_EXEC     4
#define MAP_SHARED    0x01 /* writes go to the object, seen by all */
#define MAP_PRIVATE   0x02 /* writes are copy-on-write, private */
#define MAP_FIXED     0x10 /* exactly at addr */
#define MAP_ANONYMOUS 0x20 /* zeroed memory, no object (fd ignored) */
#define MAP_FAILED    ((void *)-1)

/* SYS_mmap's arguments: six of them, more than the registers hold. */
struct mica_mmap {
	uint32_t addr; /* a hint (or the place, with MAP_FIXED), or 0 */
	uint32_t len;
	int32_t prot, flags;
	int32_t fd;
	uint32_t offset; /* page-aligned */
};

#define SHM_NAME_MAX 32 /* bytes of a shm object's name, with its NUL */

#endif
