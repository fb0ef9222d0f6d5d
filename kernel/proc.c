/*
 * proc.c - user processes: the program loader, fork, exec and spawn.
 *
 * The three ways a process gets a program, as the textbook tells them:
 *   fork:  a copy of the parent (address space shared copy-on-write);
 *   exec:  replace my program with another, keeping pid and open files;
 *   spawn: a new child running a new program at once (the textbook's
 *          CreateProcess), which skips fork's copy only to throw it away.
 */
#include "proc.h"
#include "file.h"
#include "initrd.h"
#include "elf.h"
#include "ipc/ipc.h"
#include "panic.h"
#include "trace.h"
#include "sched.h"
#include "uaccess.h"
#include "lib/printk.h"
#include "lib/string.h"
#include "mm/frame.h"
#include "mm/kmalloc.h"
#include "mm/kstack.h"
#include "mm/vm.h"
#include "x86/io.h"
#include "x86/paging.h"
#include "x86/segment.h"
#include <mica/errno.h>
#include <mica/syscall.h>

/* argv, copied into the kernel before the old image can be destroyed. */
struct exec_args {
	int argc;
	char *argv[MICA_ARG_MAX + 1];
	char strings[MICA_ARGLEN_MAX];
};

static const char *basename(const char *path)
{
	const char *slash = strrchr(path, '/');

	return slash ? slash + 1 : path;
}

static struct exec_args *args_from_kernel(int argc, const char *const argv[])
{
	struct exec_args *a = kzalloc(sizeof *a);
	size_t used = 0;

	if (!a)
		return NULL;
	for (a->argc = 0; a->argc < argc && a->argc < MICA_ARG_MAX; a->argc++) {
		size_t len = strlen(argv[a->argc]) + 1;

		if (used + len > sizeof a->strings)
			break;
		a->argv[a->argc] =
		    memcpy(a->strings + used, argv[a->argc], len);
		used += len;
	}
	return a;
}

/* Copy a user argv (NULL-terminated array of strings) into the kernel. */
static long args_from_user(char *const *uargv, const char *path,
			   struct exec_args **out)
{
	struct exec_args *a;
	size_t used = 0;
	long err = 0;

	if (!uargv) { /* exec(path, NULL): run it with argv = { path } */
		const char *argv[] = {path};

		*out = args_from_kernel(1, argv);
		return *out ? 0 : -ENOMEM;
	}
	a = kzalloc(sizeof *a);
	if (!a)
		return -ENOMEM;
	for (;;) {
		char *up;
		long len;

		if (copy_from_user(&up, &uargv[a->argc], sizeof up) < 0) {
			err = -EFAULT;
			break;
		}
		if (!up)
			break;
		if (a->argc == MICA_ARG_MAX) {
			err = -E2BIG;
			break;
		}
		len = strncpy_from_user(a->strings + used, up,
					sizeof a->strings - used);
		if (len < 0) {
			err = len == -EFAULT ? -EFAULT : -E2BIG;
			break;
		}
		a->argv[a->argc++] = a->strings + used;
		used += len + 1;
	}
	if (err) {
		kfree(a);
		return err;
	}
	*out = a;
	return 0;
}

/* Map one ELF segment and copy its bytes from the initrd. */
static int load_segment(struct mm_struct *mm, const uint8_t *image,
			const struct elf_seg *seg)
{
	uintptr_t start = PAGE_ALIGN_DOWN(seg->vaddr);
	uintptr_t end = PAGE_ALIGN_UP(seg->vaddr + seg->memsz);

	/* Writable while we fill it; text is made read-only afterwards. */
	if (mm_map_zeroed(mm, start, end, true) < 0 ||
	    mm_copy_out(mm, seg->vaddr, image + seg->offset, seg->filesz) < 0)
		return -ENOMEM;
	if (!seg->writable)
		mm_protect(mm, start, end);
	return mm_add_region(mm, start, end, seg->writable,
			     seg->executable ? "text" : "data");
}

/*
 * The initial user stack, as crt0.S expects it:
 *
 *     USER_STACK_TOP ->  the argument strings
 *                        argv[argc] = NULL ... argv[0]
 *     esp + 4        ->  argv (pointer to argv[0])
 *     esp            ->  argc
 */
static int push_args(struct mm_struct *mm, const struct exec_args *a,
		     uint32_t *esp)
{
	uint32_t uargv[MICA_ARG_MAX + 1];
	uint32_t sp = USER_STACK_TOP, frame[2];

	for (int i = a->argc - 1; i >= 0; i--) {
		size_t len = strlen(a->argv[i]) + 1;

		sp -= len;
		if (mm_copy_out(mm, sp, a->argv[i], len) < 0)
			return -ENOMEM;
		uargv[i] = sp;
	}
	uargv[a->argc] = 0;
	sp &= ~3u;
	sp -= (a->argc + 1) * sizeof(uint32_t);
	if (mm_copy_out(mm, sp, uargv, (a->argc + 1) * sizeof(uint32_t)) < 0)
		return -ENOMEM;
	frame[0] = a->argc;
	frame[1] = sp;
	sp -= sizeof frame;
	if (mm_copy_out(mm, sp, frame, sizeof frame) < 0)
		return -ENOMEM;
	*esp = sp;
	return 0;
}

/*
 * Build a complete new address space for the program `name` from the
 * initrd, with its arguments on the stack. Nothing of the caller's is
 * touched, so a failure anywhere leaves the old image intact.
 */
static long load_image(const char *name, const struct exec_args *a,
		       struct mm_struct **out, uint32_t *entry, uint32_t *esp)
{
	const void *image;
	uint32_t size;
	struct elf_info info;
	struct mm_struct *mm;
	long err = 0;

	if (initrd_find(&boot_initrd, name, &image, &size) < 0)
		return -ENOENT;
	/* Segments must leave room for the stack and its guard gap. */
	if (elf_check(image, size, USER_HEAP_LIMIT, &info) < 0) {
		printk("exec %s: %s\n", name, info.why ? info.why : "bad ELF");
		return -ENOEXEC;
	}
	mm = mm_create();
	if (!mm)
		return -ENOMEM;
	for (uint32_t i = 0; i < info.nsegs && !err; i++)
		err = load_segment(mm, image, &info.segs[i]);
	mm->brk_start = mm->brk = info.brk;
	if (!err)
		err = mm_add_region(mm, USER_STACK_LIMIT, USER_STACK_TOP, true,
				    "stack");
	if (!err)
		err = push_args(mm, a, esp);
	if (err) {
		mm_destroy(mm);
		return err;
	}
	*entry = info.entry;
	*out = mm;
	return 0;
}

/* Registers for the first instruction of a program in ring 3. */
static void user_frame(struct trap_frame *tf, uint32_t entry, uint32_t esp)
{
	memset(tf, 0, sizeof *tf);
	tf->ds = tf->es = tf->fs = tf->gs = USER_DS;
	tf->cs = USER_CS;
	tf->user_ss = USER_DS;
	tf->eip = entry;
	tf->user_esp = esp;
	tf->eflags = EFLAGS_IF | 0x2; /* interrupts on; bit 1 is always 1 */
}

void return_to_user(void)
{
	if (current->suspended)
		task_suspend_point(); /* stopped through its Kernel port */
	if (current->killed)
		task_exit(current->killed);
}

/* A new user task's first instructions in the kernel (entry.S). */
extern void ret_from_fork(void);

/*
 * A new user task's kernel stack: the trap frame it will "return" to user
 * mode with, at the very top (where the CPU would have pushed it), and
 * under it the frame switch_to pops, whose return address is ret_from_fork
 * (entry.S): the checks every return to user mode makes, then trap_return.
 */
static void user_task_stack(struct task_struct *t, const struct trap_frame *tf)
{
	uintptr_t top = (uintptr_t)t->kstack + KSTACK_SIZE;
	struct trap_frame *ktf = (struct trap_frame *)(top - sizeof *ktf);
	uint32_t *sp = (uint32_t *)ktf;

	*ktf = *tf;
	*--sp = (uint32_t)ret_from_fork; /* switch_to's `ret` goes here */
	*--sp = 0;			 /* ebp */
	*--sp = 0;			 /* ebx */
	*--sp = 0;			 /* esi */
	*--sp = 0;			 /* edi */
	t->esp = (uint32_t)sp;
}

long do_fork(struct trap_frame *tf)
{
	struct task_struct *child;
	struct trap_frame ctf;

	if (frame_free_count() < MM_RESERVE_FRAMES)
		return -ENOMEM;
	child = task_create(current->name);
	if (!child)
		return -EAGAIN;
	child->mm = mm_fork(current->mm);
	child->files = files_dup(current->files);
	if (!child->mm || !child->files || ipc_task_init(child, current)) {
		proc_release(child);
		task_destroy_new(child);
		return -ENOMEM;
	}
	ctf = *tf;
	ctf.eax = 0; /* fork returns 0 in the child */
	user_task_stack(child, &ctf);
	sched_admit(child);
	return child->pid;
}

static long fetch_path(const char *upath, char *path, size_t size)
{
	long len = strncpy_from_user(path, upath, size);

	if (len == -ENAMETOOLONG)
		return -ENOENT; /* longer than any name in the initrd */
	return len < 0 ? len : 0;
}

long do_exec(const char *upath, char *const *uargv, struct trap_frame *tf)
{
	char path[MICA_NAME_MAX];
	struct exec_args *a;
	struct mm_struct *mm, *old = current->mm;
	uint32_t entry, esp;
	long err = fetch_path(upath, path, sizeof path);

	if (err < 0 || (err = args_from_user(uargv, path, &a)) < 0)
		return err;
	err = load_image(basename(path), a, &mm, &entry, &esp);
	kfree(a);
	if (err < 0)
		return err; /* the old program goes on, untouched */
	current->mm = mm;
	mm_activate(mm);
	mm_destroy(old);
	strlcpy(current->name, basename(path), sizeof current->name);
	trace_record_name(current->pid, current->parent->pid, current->name);
	user_frame(tf, entry, esp);
	return 0;
}

long do_spawn(const char *upath, char *const *uargv)
{
	char path[MICA_NAME_MAX];
	struct exec_args *a;
	struct task_struct *t;
	struct trap_frame tf;
	uint32_t entry, esp;
	long err = fetch_path(upath, path, sizeof path);

	if (err < 0 || (err = args_from_user(uargv, path, &a)) < 0)
		return err;
	t = frame_free_count() < MM_RESERVE_FRAMES
		? NULL
		: task_create(basename(path));
	if (!t) {
		kfree(a);
		return -EAGAIN;
	}
	err = load_image(basename(path), a, &t->mm, &entry, &esp);
	kfree(a);
	if (!err && !(t->files = files_dup(current->files)))
		err = -ENOMEM;
	if (!err)
		err = ipc_task_init(t, current);
	if (err) {
		proc_release(t);
		task_destroy_new(t);
		return err;
	}
	user_frame(&tf, entry, esp);
	user_task_stack(t, &tf);
	sched_admit(t);
	return t->pid;
}

extern void user_enter(struct trap_frame *tf) __attribute__((noreturn));

int proc_start_init(int argc, const char *const argv[])
{
	struct exec_args *a = args_from_kernel(argc, argv);
	struct trap_frame tf;
	uint32_t entry, esp;
	long err;

	if (!a)
		return -ENOMEM;
	err = load_image(argv[0], a, &current->mm, &entry, &esp);
	kfree(a);
	if (err < 0)
		return err;
	current->files = files_new_console();
	if (!current->files || ipc_task_init(current, NULL) < 0)
		return -ENOMEM;
	strlcpy(current->name, argv[0], sizeof current->name);
	mm_activate(current->mm);
	user_frame(&tf, entry, esp);
	user_enter(&tf); /* leave the kernel through trap_return, to ring 3 */
}

void proc_release(struct task_struct *t)
{
	if (t->mm) {
		if (t == current)
			write_cr3(
			    virt_to_phys(kernel_pgdir)); /* off its tables */
		mm_destroy(t->mm);
		t->mm = NULL;
	}
	if (t->files) {
		files_release(t->files);
		t->files = NULL;
	}
	if (t->ipc || t->kport)
		ipc_task_exit(t); /* every right it held, its ports */
}

void proc_fault(struct trap_frame *tf, int reason, const char *what,
		uint32_t addr)
{
	printk("mica: pid %d (%s) killed: %s at %p (eip %p)\n", current->pid,
	       current->name, what, (void *)addr, (void *)tf->eip);
	task_exit(reason);
}
