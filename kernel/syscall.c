/*
 * syscall.c - the system call table: the only door from user mode in.
 *
 * `int $0x80` arrives here through trap_dispatch with the caller's
 * registers in the trap frame: the number in EAX, arguments in EBX, ECX,
 * EDX, ESI, EDI (include/mica/syscall.h). Each sys_ function reads its
 * arguments from the frame and returns a value for EAX: >= 0, or -errno.
 * Every pointer argument is user memory and goes through uaccess.h.
 */
#include "syscall.h"
#include "check.h"
#include "file.h"
#include "initrd.h"
#include "pid.h"
#include "proc.h"
#include "sched.h"
#include "time.h"
#include "trace.h"
#include "uaccess.h"
#include "wait.h"
#include "lib/string.h"
#include "mm/memory.h"
#include "mm/mmap.h"
#include "mm/shm.h"
#include "mm/vm.h"
#include "ipc/ipc.h"
#include "x86/devices.h"
#include <mica/errno.h>
#include <mica/syscall.h>

#define ARG1(tf) ((tf)->ebx)
#define ARG2(tf) ((tf)->ecx)
#define ARG3(tf) ((tf)->edx)
#define ARG4(tf) ((tf)->esi)
#define ARG5(tf) ((tf)->edi)

static long sys_exit(struct trap_frame *tf)
{
	task_exit((ARG1(tf) & 0xFF) << 8); /* wait status: exited, code */
}

static long sys_fork(struct trap_frame *tf)
{
	return do_fork(tf);
}

static long sys_exec(struct trap_frame *tf)
{
	return do_exec((const char *)ARG1(tf), (char *const *)ARG2(tf), tf);
}

static long sys_spawn(struct trap_frame *tf)
{
	return do_spawn((const char *)ARG1(tf), (char *const *)ARG2(tf));
}

static long sys_waitpid(struct trap_frame *tf)
{
	int status = 0;
	pid_t pid;

	/* Check the pointer before reaping: a zombie must not be lost. */
	if (ARG2(tf) &&
	    copy_to_user((void *)ARG2(tf), &status, sizeof status) < 0)
		return -EFAULT;
	pid = task_wait((int)ARG1(tf), &status, (int)ARG3(tf));
	if (pid > 0 && ARG2(tf))
		copy_to_user((void *)ARG2(tf), &status, sizeof status);
	return pid;
}

static long sys_getpid(struct trap_frame *tf)
{
	(void)tf;
	return current->pid;
}

static long sys_getppid(struct trap_frame *tf)
{
	(void)tf;
	return current->parent ? current->parent->pid : 0;
}

static long sys_yield(struct trap_frame *tf)
{
	(void)tf;
	sched_yield();
	return 0;
}

static long sys_sleep(struct trap_frame *tf)
{
	if (ARG1(tf) > 24u * 3600 * 1000)
		return -EINVAL;
	sleep_ms(ARG1(tf));
	return 0;
}

static long sys_uptime(struct trap_frame *tf)
{
	(void)tf;
	return uptime_ms();
}

static long sys_write(struct trap_frame *tf)
{
	return file_write((int)ARG1(tf), (const void *)ARG2(tf), ARG3(tf));
}

static long sys_read(struct trap_frame *tf)
{
	return file_read((int)ARG1(tf), (void *)ARG2(tf), ARG3(tf));
}

static long sys_open(struct trap_frame *tf)
{
	char name[MICA_NAME_MAX];
	long len = strncpy_from_user(name, (const char *)ARG1(tf), sizeof name);

	if (len == -ENAMETOOLONG)
		return -ENOENT;
	if (len < 0)
		return len;
	if (ARG2(tf) != O_RDONLY)
		return -EACCES; /* the initrd is read-only */
	return file_open(name[0] == '/' ? name + 1 : name);
}

static long sys_close(struct trap_frame *tf)
{
	return file_close((int)ARG1(tf));
}

static long sys_readdir(struct trap_frame *tf)
{
	struct mica_dirent d;
	const char *name;
	const void *data;

	memset(&d, 0, sizeof d);
	if (initrd_entry(&boot_initrd, ARG1(tf), &name, &data, &d.size) < 0)
		return 0; /* past the last file */
	strlcpy(d.name, name, sizeof d.name);
	if (copy_to_user((void *)ARG2(tf), &d, sizeof d) < 0)
		return -EFAULT;
	return 1;
}

static long sys_sbrk(struct trap_frame *tf)
{
	return mm_sbrk(current->mm, (long)ARG1(tf));
}

static long sys_kill(struct trap_frame *tf)
{
	return task_kill(pid_lookup((int)ARG1(tf)), SIGKILL);
}

static long sys_kill_tree(struct trap_frame *tf)
{
	return task_kill_tree(pid_lookup((int)ARG1(tf)));
}

/* pid 0 means the caller, as in POSIX. */
static struct task_struct *task_or_self(int pid)
{
	return pid == 0 ? current : pid_lookup(pid);
}

static long sys_setpriority(struct trap_frame *tf)
{
	struct task_struct *t = task_or_self((int)ARG1(tf));

	if (!t || t == idle_task)
		return -ESRCH;
	return sched_set_priority(t, (int)ARG2(tf)) < 0 ? -EINVAL : 0;
}

static long sys_getpriority(struct trap_frame *tf)
{
	struct task_struct *t = task_or_self((int)ARG1(tf));

	return t ? t->static_prio : -ESRCH;
}

static long sys_ps(struct trap_frame *tf)
{
	return task_snapshot((struct mica_task_info *)ARG1(tf), ARG2(tf));
}

static long sys_memstat(struct trap_frame *tf)
{
	struct mica_memstat st;
	struct mem_usage u;

	mem_usage(&u);
	memset(&st, 0, sizeof st);
	st.free_frames = u.free_frames;
	st.heap_bytes = u.heap_bytes;
	st.kstacks = u.kstacks;
	st.tasks = nr_tasks();
	st.ports = ipc_nr_ports;
	st.messages = ipc_nr_messages;
	st.shm_objects = shm_nr_objects;
	return copy_to_user((void *)ARG1(tf), &st, sizeof st);
}

static long sys_poweroff(struct trap_frame *tf)
{
	qemu_exit(ARG1(tf) & 0x7F);
}

static long sys_trace(struct trap_frame *tf)
{
	trace_dump(ARG1(tf));
	return 0;
}

/* ---- ports and messages (kernel/ipc) ---- */

static long sys_port_allocate(struct trap_frame *tf)
{
	(void)tf;
	return sys_port_allocate_k();
}

static long sys_port_deallocate(struct trap_frame *tf)
{
	return sys_port_deallocate_k((port_t)ARG1(tf));
}

static long sys_port_type(struct trap_frame *tf)
{
	return sys_port_type_k((port_t)ARG1(tf));
}

static long sys_port_make_send(struct trap_frame *tf)
{
	return sys_port_make_send_k((port_t)ARG1(tf));
}

static long sys_port_make_send_once(struct trap_frame *tf)
{
	return sys_port_make_send_once_k((port_t)ARG1(tf));
}

static long sys_port_set_qlimit(struct trap_frame *tf)
{
	return sys_port_set_qlimit_k((port_t)ARG1(tf), ARG2(tf));
}

static long sys_port_set_allocate(struct trap_frame *tf)
{
	(void)tf;
	return sys_port_set_allocate_k();
}

static long sys_port_set_add(struct trap_frame *tf)
{
	return sys_port_set_add_k((port_t)ARG1(tf), (port_t)ARG2(tf));
}

static long sys_port_set_remove(struct trap_frame *tf)
{
	return sys_port_set_remove_k((port_t)ARG1(tf), (port_t)ARG2(tf));
}

static long sys_port_request(struct trap_frame *tf)
{
	return sys_port_request_k((port_t)ARG1(tf), (int)ARG2(tf));
}

static long sys_msg_send(struct trap_frame *tf)
{
	return ipc_msg_send((const struct msg *)ARG1(tf), ARG2(tf), ARG3(tf));
}

static long sys_msg_receive(struct trap_frame *tf)
{
	return ipc_msg_receive((port_t)ARG1(tf), (struct msg *)ARG2(tf),
			       ARG3(tf), ARG4(tf), ARG5(tf));
}

static long sys_msg_rpc(struct trap_frame *tf)
{
	return ipc_msg_rpc((struct msg *)ARG1(tf), (struct msg *)ARG2(tf),
			   ARG3(tf), ARG4(tf), ARG5(tf));
}

static long sys_msg_reply_receive(struct trap_frame *tf)
{
	return ipc_msg_reply_receive((const struct msg *)ARG1(tf),
				     (port_t)ARG2(tf), (struct msg *)ARG3(tf),
				     ARG4(tf), ARG5(tf));
}

static long sys_task_for_pid(struct trap_frame *tf)
{
	return sys_task_for_pid_k((int)ARG1(tf));
}

/* Run the kernel's invariant checker (kernel/check.c): problems found. */
static long sys_kcheck(struct trap_frame *tf)
{
	(void)tf;
	return kernel_check();
}

/* ---- shared memory and mappings (kernel/mm/shm.c, kernel/mm/mmap.c) ---- */

static long sys_shm_open(struct trap_frame *tf)
{
	return sys_shm_open_k((const char *)ARG1(tf), (int)ARG2(tf),
			      (int)ARG3(tf));
}

static long sys_shm_unlink(struct trap_frame *tf)
{
	return sys_shm_unlink_k((const char *)ARG1(tf));
}

static long sys_ftruncate(struct trap_frame *tf)
{
	return sys_ftruncate_k((int)ARG1(tf), ARG2(tf));
}

static long sys_mmap(struct trap_frame *tf)
{
	return sys_mmap_k((const struct mica_mmap *)ARG1(tf));
}

static long sys_munmap(struct trap_frame *tf)
{
	return sys_munmap_k(ARG1(tf), ARG2(tf));
}

/* ---- the bootstrap port (kernel/ipc/port.c) ----------------------------- */

static long sys_task_set_bootstrap(struct trap_frame *tf)
{
	return sys_task_set_bootstrap_k((port_t)ARG1(tf));
}

static long sys_task_get_bootstrap(struct trap_frame *tf)
{
	(void)tf;
	return sys_task_get_bootstrap_k();
}

/* ---- descriptors served by ports, and dup (kernel/file.c) --------------- */

/* A send right in the caller's name space becomes a descriptor (a pipe
 * end): the kernel holds the right; read and write on it say -EREMOTE,
 * and libc talks to the server with MSG_TO_FD (docs/pipes.md). */
static long sys_fd_attach(struct trap_frame *tf)
{
	return file_attach((port_t)ARG1(tf));
}

static long sys_dup(struct trap_frame *tf)
{
	return file_dup((int)ARG1(tf));
}

static long sys_dup2(struct trap_frame *tf)
{
	return file_dup2((int)ARG1(tf), (int)ARG2(tf));
}

typedef long (*syscall_fn)(struct trap_frame *tf);

/* The system call table: number -> handler (include/mica/syscall.h). */
static const syscall_fn syscall_table[NR_SYSCALLS] = {
    [SYS_exit] = sys_exit,
    [SYS_fork] = sys_fork,
    [SYS_exec] = sys_exec,
    [SYS_spawn] = sys_spawn,
    [SYS_waitpid] = sys_waitpid,
    [SYS_getpid] = sys_getpid,
    [SYS_getppid] = sys_getppid,
    [SYS_yield] = sys_yield,
    [SYS_sleep] = sys_sleep,
    [SYS_uptime] = sys_uptime,
    [SYS_write] = sys_write,
    [SYS_read] = sys_read,
    [SYS_open] = sys_open,
    [SYS_close] = sys_close,
    [SYS_readdir] = sys_readdir,
    [SYS_sbrk] = sys_sbrk,
    [SYS_kill] = sys_kill,
    [SYS_kill_tree] = sys_kill_tree,
    [SYS_setpriority] = sys_setpriority,
    [SYS_getpriority] = sys_getpriority,
    [SYS_ps] = sys_ps,
    [SYS_memstat] = sys_memstat,
    [SYS_poweroff] = sys_poweroff,
    [SYS_trace] = sys_trace,
    [SYS_port_allocate] = sys_port_allocate,
    [SYS_port_deallocate] = sys_port_deallocate,
    [SYS_port_type] = sys_port_type,
    [SYS_port_make_send] = sys_port_make_send,
    [SYS_port_make_send_once] = sys_port_make_send_once,
    [SYS_port_set_qlimit] = sys_port_set_qlimit,
    [SYS_port_set_allocate] = sys_port_set_allocate,
    [SYS_port_set_add] = sys_port_set_add,
    [SYS_port_set_remove] = sys_port_set_remove,
    [SYS_port_request] = sys_port_request,
    [SYS_msg_send] = sys_msg_send,
    [SYS_msg_receive] = sys_msg_receive,
    [SYS_msg_rpc] = sys_msg_rpc,
    [SYS_task_for_pid] = sys_task_for_pid,
    [SYS_msg_reply_receive] = sys_msg_reply_receive,
    [SYS_kcheck] = sys_kcheck,
    [SYS_shm_open] = sys_shm_open,
    [SYS_shm_unlink] = sys_shm_unlink,
    [SYS_ftruncate] = sys_ftruncate,
    [SYS_mmap] = sys_mmap,
    [SYS_munmap] = sys_munmap,
    [SYS_task_set_bootstrap] = sys_task_set_bootstrap,
    [SYS_task_get_bootstrap] = sys_task_get_bootstrap,
    [SYS_fd_attach] = sys_fd_attach,
    [SYS_dup] = sys_dup,
    [SYS_dup2] = sys_dup2,
};

void syscall_dispatch(struct trap_frame *tf)
{
	uint32_t nr = tf->eax;

	if (nr >= NR_SYSCALLS || !syscall_table[nr]) {
		tf->eax = -ENOSYS;
		return;
	}
	tf->eax = syscall_table[nr](tf);
}
