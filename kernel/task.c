/*
 * task.c - creating, changing and ending tasks.
 *
 * This file owns the PCB's life: allocation (no fixed table: tasks come
 * from the kernel heap and are found by pid through kernel/pid.c), the one
 * function through which every state change goes, kernel threads, exit,
 * and the parent's wait that reaps a zombie.
 */
#include <stddef.h>

#include "task.h"
#include "pid.h"
#include "proc.h"
#include "uaccess.h"
#include <mica/syscall.h>
#include "sched.h"
#include "trace.h"
#include "panic.h"
#include "time.h"
#include "lib/cmdline.h"
#include "lib/string.h"
#include "mm/frame.h"
#include "mm/kmalloc.h"
#include "mm/kstack.h"
#include "x86/io.h"
#include <mica/errno.h>

_Static_assert(offsetof(struct task_struct, esp) == 0,
	       "switch.S finds the saved stack pointer at offset 0");

LIST_HEAD(task_list);
unsigned max_tasks;
static unsigned task_count;

static const char *const state_names[TASK_NR_STATES] = {
    [TASK_NEW] = "NEW",
    [TASK_READY] = "READY",
    [TASK_RUNNING] = "RUNNING",
    [TASK_WAITING] = "WAITING",
    [TASK_TERMINATED] = "TERMINATED",
};

const char *task_state_name(enum task_state s)
{
	return (unsigned)s < TASK_NR_STATES ? state_names[s] : "?";
}

/*
 * The textbook's process-state diagram, as a table: allowed[from][to].
 * There is no arrow into TERMINATED except from RUNNING: a task always
 * ends itself (a killed task is woken and exits when it next runs).
 */
static const bool allowed[TASK_NR_STATES][TASK_NR_STATES] = {
    [TASK_NEW][TASK_READY] = true,	    /* admitted */
    [TASK_READY][TASK_RUNNING] = true,	    /* scheduler dispatch */
    [TASK_RUNNING][TASK_READY] = true,	    /* interrupt, yield */
    [TASK_RUNNING][TASK_WAITING] = true,    /* I/O or event wait */
    [TASK_WAITING][TASK_READY] = true,	    /* I/O or event completion */
    [TASK_RUNNING][TASK_TERMINATED] = true, /* exit */
};

void task_set_state(struct task_struct *t, enum task_state to, int why)
{
	enum task_state from = t->state;

	if ((unsigned)to >= TASK_NR_STATES || !allowed[from][to])
		panic("illegal state transition for pid %d (%s): %s -> %s",
		      t->pid, t->name, task_state_name(from),
		      task_state_name(to));
	t->state = to;
	trace_record(t->pid, from, to, why);
}

/*
 * How many tasks may exist: limited by memory, not by a table. Each task
 * costs its PCB and a kernel stack (and, later, page tables); we allow
 * enough to use half of free memory, and never more pids than exist.
 */
void tasks_init(void)
{
	size_t per_task = KSTACK_SIZE + PAGE_SIZE + sizeof(struct task_struct);
	size_t by_memory = frame_free_count() * PAGE_SIZE / 2 / per_task;

	pid_init();
	max_tasks = by_memory < PID_MAX - 1 ? by_memory : PID_MAX - 1;
	max_tasks = cmdline_get_int("maxtasks", max_tasks, 2, max_tasks);
}

unsigned nr_tasks(void)
{
	return task_count;
}

/* A new task in state NEW, child of current; NULL if out of resources. */
struct task_struct *task_create(const char *name)
{
	struct task_struct *t;
	uint32_t flags;

	if (task_count >= max_tasks)
		return NULL;
	t = kzalloc(sizeof *t);
	if (!t)
		return NULL;
	t->kstack = kstack_alloc();
	t->pid = t->kstack ? pid_alloc() : -ENOMEM;
	if (t->pid < 0) {
		if (t->kstack)
			kstack_free(t->kstack);
		kfree(t);
		return NULL;
	}
	strlcpy(t->name, name, sizeof t->name);
	t->state = TASK_NEW;
	t->static_prio = t->prio =
	    current == idle_task ? PRIO_DEFAULT : current->static_prio;
	t->start_time = jiffies;
	INIT_LIST_HEAD(&t->run_list);
	INIT_LIST_HEAD(&t->wait_link);
	INIT_LIST_HEAD(&t->timer_link);
	INIT_LIST_HEAD(&t->children);
	wait_queue_init(&t->child_exit, "wait");

	flags = irq_save();
	t->parent = current;
	list_add_tail(&t->sibling, &current->children);
	list_add_tail(&t->tasks, &task_list);
	task_count++;
	pid_attach(t->pid, t);
	trace_record(t->pid, TASK_NEW, TASK_NEW, TR_CREATE);
	trace_record_name(t->pid, current->pid, t->name);
	irq_restore(flags);
	return t;
}

/* Free a zombie's PCB, kernel stack and pid. Interrupts are off. */
static void task_free(struct task_struct *t)
{
	trace_record(t->pid, t->state, t->state, TR_REAP);
	list_del(&t->sibling);
	list_del(&t->tasks);
	pid_free(t->pid);
	task_count--;
	kstack_free(t->kstack);
	kfree(t);
}

void task_destroy_new(struct task_struct *t)
{
	uint32_t flags = irq_save();

	assert(t->state == TASK_NEW);
	task_free(t);
	irq_restore(flags);
}

extern void task_trampoline(void);

/*
 * Make the new task's kernel stack look as if it had called switch_to()
 * itself (the frame switch.S pops): four zero registers, then a "return
 * address" of task_trampoline. Its first dispatch returns there.
 */
static void task_setup_stack(struct task_struct *t)
{
	uint32_t *sp = (uint32_t *)((uintptr_t)t->kstack + KSTACK_SIZE);

	*--sp = 0;			   /* no caller: ends backtraces */
	*--sp = (uint32_t)task_trampoline; /* switch_to's `ret` goes here */
	*--sp = 0;			   /* ebp */
	*--sp = 0;			   /* ebx */
	*--sp = 0;			   /* esi */
	*--sp = 0;			   /* edi */
	t->esp = (uint32_t)sp;
}

/* The first C code a kernel thread runs (from task_trampoline). */
void task_start(void)
{
	sti(); /* the scheduler switched to us with interrupts off */
	current->entry(current->entry_arg);
	task_exit(0);
}

struct task_struct *kthread_create(void (*fn)(void *), void *arg,
				   const char *name)
{
	struct task_struct *t = task_create(name);

	if (!t)
		return NULL;
	t->entry = fn;
	t->entry_arg = arg;
	task_setup_stack(t);
	sched_admit(t);
	return t;
}

/* A dying task's children become children of init (pid 1). */
static void reparent_children(struct task_struct *t)
{
	struct task_struct *init = pid_lookup(1), *c, *tmp;
	bool zombies = false;

	list_for_each_entry_safe (c, tmp, &t->children, sibling) {
		c->parent = init;
		list_move_tail(&c->sibling, &init->children);
		zombies |= c->state == TASK_TERMINATED;
	}
	if (zombies)
		wake_up_all(&init->child_exit, 0);
}

void task_exit(int code)
{
	struct task_struct *t = current;

	cli(); /* for good: this task never runs again */
	if (t == idle_task || t->pid == 1)
		panic("%s (pid %d) tried to exit", t->name, t->pid);
	t->exit_code = code;
	proc_release(t); /* a zombie keeps only its PCB and kernel stack */
	reparent_children(t);
	task_set_state(t, TASK_TERMINATED, TR_EXIT);
	sched_retire(t);
	wake_up_all(&t->parent->child_exit, 0);
	schedule();
	panic("a zombie ran again");
}

static struct task_struct *find_zombie(pid_t pid, bool *have_child)
{
	struct task_struct *c;

	list_for_each_entry (c, &current->children, sibling) {
		if (pid != -1 && c->pid != pid)
			continue;
		*have_child = true;
		if (c->state == TASK_TERMINATED)
			return c;
	}
	return NULL;
}

pid_t task_wait(pid_t pid, int *code, int options)
{
	uint32_t flags = irq_save();
	pid_t ret;

	for (;;) {
		bool have_child = false;
		struct task_struct *z = find_zombie(pid, &have_child);

		if (z) {
			ret = z->pid;
			if (code)
				*code = z->exit_code;
			task_free(z);
			break;
		}
		if (!have_child) {
			ret = -ECHILD;
			break;
		}
		if (options & WNOHANG) {
			ret = 0;
			break;
		}
		if (sleep_on(&current->child_exit) == -EINTR) {
			ret = -EINTR; /* killed while waiting */
			break;
		}
	}
	irq_restore(flags);
	return ret;
}

void pid_bug(const char *why, pid_t pid)
{
	panic("pid allocator: %s (pid %d)", why, pid);
}

/*
 * Killing: the victim is marked, and woken if it sleeps; it then exits by
 * itself on its way back to user mode (trap_dispatch), so TERMINATED is
 * still reached only from RUNNING. Kernel threads and init cannot be
 * killed.
 */
int task_kill(struct task_struct *t, int reason)
{
	uint32_t flags;

	if (!t || t == idle_task)
		return -ESRCH;
	if (!t->mm || t->pid == 1)
		return -EPERM;
	flags = irq_save();
	if (t->state != TASK_TERMINATED && !t->killed) {
		t->killed = reason;
		if (t->state == TASK_WAITING)
			wake_up_task(t, -EINTR);
		else if (t->state == TASK_NEW)
			sched_admit_now(
			    t); /* waiting for admission: let it die */
	}
	irq_restore(flags);
	return 0;
}

/* Depth first, without recursion: the tree may be deep. */
int task_kill_tree(struct task_struct *root)
{
	struct task_struct *t = root;
	int killed = 0;
	uint32_t flags;

	if (!root || root == idle_task)
		return -ESRCH;
	if (!root->mm || root->pid == 1 || root == current)
		return -EPERM;
	flags = irq_save();
	for (;;) {
		if (!t->killed && t->state != TASK_TERMINATED &&
		    task_kill(t, SIGKILL) == 0)
			killed++;
		if (!list_empty(&t->children)) { /* go down */
			t = list_first_entry(&t->children, struct task_struct,
					     sibling);
			continue;
		}
		/* go right, or up until there is a right */
		while (t != root &&
		       list_is_last(&t->sibling, &t->parent->children))
			t = t->parent;
		if (t == root)
			break;
		t = list_next_entry(t, sibling);
	}
	irq_restore(flags);
	return killed;
}

void task_fill_info(struct task_struct *t, struct mica_task_info *info)
{
	memset(info, 0, sizeof *info);
	info->pid = t->pid;
	info->ppid = t->parent ? t->parent->pid : 0;
	info->state = t->state;
	info->prio = t->prio;
	info->static_prio = t->static_prio;
	info->utime = t->utime;
	info->stime = t->stime;
	info->nvcsw = t->nvcsw;
	info->nivcsw = t->nivcsw;
	strlcpy(info->name, t->name, sizeof info->name);
	if (t->state == TASK_WAITING && t->waiting_on)
		strlcpy(info->wait, t->waiting_on->name, sizeof info->wait);
	strlcpy(info->policy, policy->name, sizeof info->policy);
}

long task_snapshot(struct mica_task_info *ubuf, unsigned max)
{
	struct mica_task_info info;
	struct task_struct *t;
	unsigned n = 0;
	uint32_t flags = irq_save();

	list_for_each_entry (t, &task_list, tasks) {
		if (n == max)
			break;
		task_fill_info(t, &info);
		/* copy_to_user may fault a page in; that cannot sleep here */
		if (copy_to_user(&ubuf[n], &info, sizeof info) < 0) {
			irq_restore(flags);
			return -EFAULT;
		}
		n++;
	}
	irq_restore(flags);
	return n;
}
