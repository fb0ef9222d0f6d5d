/*
 * ool.c - out-of-line message memory: pages that travel with a message,
 * mapped copy-on-write into the receiver (include/mica/ipc.h, msg_ool).
 */
#include "utest.h"

#include <sys/mman.h>

#define PAGE	4096
#define ID_OOL	0x700
#define ID_BACK 0x701

static char data_pages[3 * PAGE] __attribute__((aligned(PAGE)));

static void fill(char *p, unsigned n, unsigned seed)
{
	for (unsigned i = 0; i < n; i++)
		p[i] = (char)(i * 7 + seed);
}

static int same(const char *p, unsigned n, unsigned seed)
{
	for (unsigned i = 0; i < n; i++)
		if (p[i] != (char)(i * 7 + seed))
			return 0;
	return 1;
}

static void msg_add_ool(struct msg *m, void *addr, unsigned size,
			unsigned flags)
{
	m->h.ool[m->h.nool++] = (struct msg_ool){(uint32_t)addr, size, flags};
}

static void *map_anon(unsigned size)
{
	return mmap(0, size, PROT_READ | PROT_WRITE,
		    MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
}

/*
 * The baseline for these tests: the page table that will hold mappings
 * at the bottom of the mmap area is made once, here, so that its frame
 * counts in the baseline (page tables stay until the task exits).
 */
static void ool_baseline(void)
{
	munmap(map_anon(PAGE), PAGE);
	ipc_baseline();
}

/* Receive one OOL message on p, check it, scribble on it (a private
 * copy-on-write copy) and give it back. */
static void ool_receive_check(port_t p, unsigned size, unsigned seed)
{
	struct msg m;
	long n = recv_wait(p, &m);
	char *got = (char *)m.h.ool[0].addr;

	EXPECT_EQ(n, (long)MSG_SIZE_MIN);
	EXPECT_EQ(m.h.id, ID_OOL);
	EXPECT_EQ(m.h.nool, 1);
	EXPECT_EQ(m.h.ool[0].size, size);
	EXPECT(m.h.ool[0].addr >= 0x40000000 && m.h.ool[0].addr < 0x80000000);
	EXPECT((m.h.ool[0].addr & (PAGE - 1)) == 0);
	if (n == (long)MSG_SIZE_MIN && m.h.nool == 1) {
		EXPECT(same(got, size, seed));
		memset(got, 0x5A, size);
		EXPECT_EQ(munmap(got, size), 0);
	}
}

/* Copy semantics: the receiver sees the memory as it was at the send;
 * the sender's later writes and the receiver's writes stay private. */
UTEST(ool_copy_on_write)
{
	port_t p;
	struct msg m;

	ool_baseline();
	p = port_allocate();
	EXPECT_EQ(port_make_send(p), 0);
	fill(data_pages, sizeof data_pages, 3);
	msg_init(&m, p, ID_OOL, NULL, 0);
	msg_add_ool(&m, data_pages, sizeof data_pages, 0);
	EXPECT_EQ(raw_send(&m, 0, 0), 0);
	fill(data_pages, PAGE, 9); /* after the send: the message keeps 3 */
	ool_receive_check(p, sizeof data_pages, 3);
	EXPECT(same(data_pages, PAGE, 9));
	EXPECT(same(data_pages + PAGE, 2 * PAGE, 3 + PAGE * 7));
	EXPECT_EQ(port_deallocate(p), 0);
	EXPECT_IPC_NO_LEAK();
}

/* 1 MiB in one message from another task, moved out of its mmap'ed
 * region: gone from the sender, which can map that range afresh. */
UTEST(ool_move_1m)
{
	unsigned size = 1 << 20;
	port_t p;
	pid_t pid;

	ool_baseline();
	p = port_allocate();
	EXPECT_EQ(port_make_send(p), 0);
	pid = ipc_fork();
	if (pid == 0) {
		char *buf = map_anon(size);
		struct msg m;
		int status = 0;
		pid_t kid;

		EXPECT(buf != MAP_FAILED);
		fill(buf, size, 11);
		msg_init(&m, p, ID_OOL, NULL, 0);
		msg_add_ool(&m, buf, size, MSG_OOL_MOVE);
		EXPECT_EQ(raw_send(&m, 0, 0), 0);
		kid = fork();
		if (kid == 0) {
			buf[0] = 1; /* moved away: must fault */
			exit(0);
		}
		EXPECT_EQ(waitpid(kid, &status, 0), kid);
		EXPECT(WIFSIGNALED(status) && WTERMSIG(status) == SIGSEGV);
		EXPECT(mmap(buf, size, PROT_READ | PROT_WRITE,
			    MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED, -1,
			    0) == buf);
		child_done();
	}
	ool_receive_check(p, size, 11);
	EXPECT_CHILD_OK(pid);
	EXPECT_EQ(port_deallocate(p), 0);
	EXPECT_IPC_NO_LEAK();
}

/* A region of a shared mapping is sent as a snapshot, not shared. */
UTEST(ool_from_shared_memory_is_a_copy)
{
	port_t p;
	struct msg m, r;
	char *shared;

	ool_baseline();
	p = port_allocate();
	shared = mmap(0, PAGE, PROT_READ | PROT_WRITE,
		      MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	EXPECT(shared != MAP_FAILED);
	strcpy(shared, "before");
	EXPECT_EQ(port_make_send(p), 0);
	msg_init(&m, p, ID_OOL, NULL, 0);
	msg_add_ool(&m, shared, PAGE, 0);
	EXPECT_EQ(raw_send(&m, 0, 0), 0);
	strcpy(shared, "after");
	EXPECT_EQ(recv_wait(p, &r), (long)MSG_SIZE_MIN);
	EXPECT_EQ(r.h.nool, 1);
	if (r.h.nool == 1) {
		EXPECT_EQ(strcmp((char *)r.h.ool[0].addr, "before"), 0);
		EXPECT_EQ(munmap((void *)r.h.ool[0].addr, PAGE), 0);
	}
	EXPECT_EQ(munmap(shared, PAGE), 0);
	EXPECT_EQ(port_deallocate(p), 0);
	EXPECT_IPC_NO_LEAK();
}

/* Bad regions: a clear error, and the sender's memory as it was. */
UTEST(ool_bad_input)
{
	port_t p;
	struct msg m;
	char *mapped;

	ool_baseline();
	p = port_allocate();
	mapped = map_anon(2 * PAGE);
	EXPECT_EQ(port_make_send(p), 0);
	fill(data_pages, sizeof data_pages, 5);
	static const struct {
		uint32_t addr, size, flags;
		long err;
	} bad[] = {
	    {(uint32_t)data_pages + 1, PAGE, 0, -EINVAL},  /* unaligned */
	    {(uint32_t)data_pages, 0, 0, -EINVAL},	   /* empty */
	    {(uint32_t)data_pages, 100, 0, -EINVAL},	   /* part of a page */
	    {(uint32_t)data_pages, PAGE, 2, -EINVAL},	   /* unknown flag */
	    {(uint32_t)data_pages, 32u << 20, 0, -EINVAL}, /* too big */
	    {0xC0000000, PAGE, 0, -EINVAL},		   /* the kernel */
	    {0xBFFFF000, 2 * PAGE, 0, -EINVAL},		   /* runs into it */
	    {0x7FFF0000, PAGE, 0, -EFAULT},		   /* unmapped */
	    {0, PAGE, 0, -EFAULT},			   /* page 0 */
	    {(uint32_t)data_pages, PAGE, MSG_OOL_MOVE, -EINVAL}, /* not mmap */
	};
	for (unsigned i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		msg_init(&m, p, ID_OOL, NULL, 0);
		m.h.nool = 1;
		m.h.ool[0] =
		    (struct msg_ool){bad[i].addr, bad[i].size, bad[i].flags};
		EXPECT_EQ(raw_send(&m, 0, 0), bad[i].err);
	}
	/* Too many regions; two moves of one page. */
	msg_init(&m, p, ID_OOL, NULL, 0);
	m.h.nool = MSG_OOL_MAX + 1;
	EXPECT_EQ(raw_send(&m, 0, 0), -EINVAL);
	msg_init(&m, p, ID_OOL, NULL, 0);
	msg_add_ool(&m, mapped, 2 * PAGE, MSG_OOL_MOVE);
	msg_add_ool(&m, mapped + PAGE, PAGE, 0);
	EXPECT_EQ(raw_send(&m, 0, 0), -EINVAL);
	/* One good region and one bad: nothing is taken. */
	msg_init(&m, p, ID_OOL, NULL, 0);
	msg_add_ool(&m, mapped, PAGE, MSG_OOL_MOVE);
	msg_add_ool(&m, (void *)0x7FFF0000, PAGE, 0);
	EXPECT_EQ(raw_send(&m, 0, 0), -EFAULT);
	mapped[0] = 1; /* still mapped here */
	EXPECT(same(data_pages, sizeof data_pages, 5));
	EXPECT_EQ(queued_now(), 0);
	EXPECT_EQ(munmap(mapped, 2 * PAGE), 0);
	EXPECT_EQ(port_deallocate(p), 0);
	EXPECT_IPC_NO_LEAK();
}

/* Pages in a queued message go back when the port dies unreceived, and
 * a receive into a buffer too small keeps the message (and its pages). */
UTEST(ool_freed_with_the_port)
{
	port_t p;
	struct msg m;
	char small[MSG_SIZE_MIN - 4];

	ool_baseline();
	p = port_allocate();
	EXPECT_EQ(port_make_send(p), 0);
	for (int i = 0; i < 3; i++) {
		msg_init(&m, p, ID_OOL, NULL, 0);
		msg_add_ool(&m, data_pages, sizeof data_pages, 0);
		EXPECT_EQ(raw_send(&m, 0, 0), 0);
	}
	EXPECT_EQ(
	    raw_recv(p, (struct msg *)small, sizeof small, MSG_TIMEOUT, 0),
	    -EMSGSIZE);
	EXPECT_EQ(queued_now(), 3);
	EXPECT_EQ(port_deallocate(p), 0);
	data_pages[0] = 1; /* break the copy-on-write sharing here */
	EXPECT_IPC_NO_LEAK();
}

/* An rpc whose request and reply both carry regions: the server (us)
 * moves the pages it got back to the client, changed. */
UTEST(ool_rpc_both_ways)
{
	port_t p;
	struct msg m, r;
	pid_t pid;
	char *got;

	ool_baseline();
	p = port_allocate();
	EXPECT_EQ(port_make_send(p), 0);
	pid = ipc_fork();
	if (pid == 0) {
		fill(data_pages, 2 * PAGE, 1);
		msg_init(&m, p, ID_OOL, NULL, 0);
		msg_add_ool(&m, data_pages, 2 * PAGE, 0);
		EXPECT_EQ(raw_rpc(&m, &r, sizeof r, MSG_TIMEOUT, IPC_WAIT),
			  (long)MSG_SIZE_MIN);
		EXPECT_EQ(r.h.id, ID_BACK);
		EXPECT_EQ(r.h.nool, 1);
		if (r.h.nool == 1)
			EXPECT(same((char *)r.h.ool[0].addr, 2 * PAGE, 2));
		EXPECT(same(data_pages, 2 * PAGE, 1));
		child_done();
	}
	EXPECT_EQ(recv_wait(p, &m), (long)MSG_SIZE_MIN);
	EXPECT_EQ(m.h.nool, 1);
	got = (char *)m.h.ool[0].addr;
	if (m.h.nool == 1) {
		EXPECT(same(got, 2 * PAGE, 1));
		fill(got, 2 * PAGE, 2);
		msg_init(&r, m.h.reply, ID_BACK, NULL, 0);
		msg_add_ool(&r, got, 2 * PAGE, MSG_OOL_MOVE);
		EXPECT_EQ(raw_send(&r, 0, 0), 0);
	}
	EXPECT_CHILD_OK(pid);
	EXPECT_EQ(port_deallocate(p), 0);
	EXPECT_IPC_NO_LEAK();
}

/* Received memory is mapped at its first touch: a fork before the touch
 * still sees it, and a partial munmap keeps the rest readable. */
UTEST(ool_lazy_fork_and_partial_unmap)
{
	port_t p;
	struct msg m;
	char *got;
	pid_t pid;

	ool_baseline();
	p = port_allocate();
	EXPECT_EQ(port_make_send(p), 0);
	fill(data_pages, sizeof data_pages, 21);
	msg_init(&m, p, ID_OOL, NULL, 0);
	msg_add_ool(&m, data_pages, sizeof data_pages, 0);
	EXPECT_EQ(raw_send(&m, 0, 0), 0);
	EXPECT_EQ(recv_wait(p, &m), (long)MSG_SIZE_MIN);
	EXPECT_EQ(m.h.nool, 1);
	got = (char *)m.h.ool[0].addr;
	if (m.h.nool == 1) {
		EXPECT_EQ(got[0],
			  (char)21); /* only the first page is touched */
		pid = ipc_fork();
		if (pid == 0) { /* the child's copy of the untouched pages */
			EXPECT(same(got, sizeof data_pages, 21));
			got[PAGE] = 0; /* private to the child */
			child_done();
		}
		EXPECT_CHILD_OK(pid);
		EXPECT_EQ(munmap(got + PAGE, PAGE), 0); /* the middle page */
		EXPECT(same(got, PAGE, 21));
		EXPECT(same(got + 2 * PAGE, PAGE, 21 + 2 * PAGE * 7));
		pid = fork();
		if (pid == 0) {
			got[PAGE] = 1; /* unmapped now: must fault */
			exit(0);
		}
		{
			int status = 0;

			EXPECT_EQ(waitpid(pid, &status, 0), pid);
			EXPECT(WIFSIGNALED(status) &&
			       WTERMSIG(status) == SIGSEGV);
		}
		EXPECT_EQ(munmap(got, sizeof data_pages), 0);
	}
	EXPECT_EQ(port_deallocate(p), 0);
	EXPECT_IPC_NO_LEAK();
}

/* ---- edge cases found in review ---------------------------------------- */

/* Moving the middle page of a received region never touched: the rest
 * stays, with its contents. */
UTEST(ool_move_part_of_untouched_region)
{
	port_t p, q;
	struct msg m, r;
	char *got;

	ool_baseline();
	p = port_allocate();
	q = port_allocate();
	EXPECT_EQ(port_make_send(p), 0);
	EXPECT_EQ(port_make_send(q), 0);
	fill(data_pages, sizeof data_pages, 31);
	msg_init(&m, p, ID_OOL, NULL, 0);
	msg_add_ool(&m, data_pages, sizeof data_pages, 0);
	EXPECT_EQ(raw_send(&m, 0, 0), 0);
	EXPECT_EQ(recv_wait(p, &m), (long)MSG_SIZE_MIN);
	got = (char *)m.h.ool[0].addr;
	msg_init(&r, q, ID_OOL, NULL, 0);
	msg_add_ool(&r, got + PAGE, PAGE, MSG_OOL_MOVE);
	EXPECT_EQ(raw_send(&r, 0, 0), 0);
	EXPECT(same(got, PAGE, 31));
	EXPECT(same(got + 2 * PAGE, PAGE, 31 + 2 * PAGE * 7));
	EXPECT_EQ(recv_wait(q, &r), (long)MSG_SIZE_MIN);
	EXPECT_EQ(r.h.nool, 1);
	EXPECT(same((char *)r.h.ool[0].addr, PAGE, 31 + PAGE * 7));
	EXPECT_EQ(munmap((void *)r.h.ool[0].addr, PAGE), 0);
	EXPECT_EQ(munmap(got, sizeof data_pages), 0);
	EXPECT_EQ(port_deallocate(p), 0);
	EXPECT_EQ(port_deallocate(q), 0);
	EXPECT_IPC_NO_LEAK();
}

/* One message: a private region (shared copy-on-write) and regions with
 * a MAP_SHARED page (copied at the send, so later writes stay apart). */
UTEST(ool_private_and_shared_pages_in_one_message)
{
	port_t p;
	struct msg m, r;
	char *anon, *shared;

	ool_baseline();
	p = port_allocate();
	EXPECT_EQ(port_make_send(p), 0);
	anon = map_anon(2 * PAGE);
	EXPECT(anon != MAP_FAILED);
	EXPECT_EQ(munmap(anon + PAGE, PAGE), 0);
	shared = mmap(anon + PAGE, PAGE, PROT_READ | PROT_WRITE,
		      MAP_SHARED | MAP_ANONYMOUS | MAP_FIXED, -1, 0);
	EXPECT(shared == anon + PAGE);
	fill(anon, PAGE, 41);
	fill(shared, PAGE, 42);
	msg_init(&m, p, ID_OOL, NULL, 0);
	msg_add_ool(&m, anon, PAGE, 0);
	msg_add_ool(&m, anon, 2 * PAGE, 0);
	msg_add_ool(&m, shared, PAGE, 0);
	EXPECT_EQ(raw_send(&m, 0, 0), 0);
	fill(anon, PAGE, 43);
	fill(shared, PAGE, 44);
	EXPECT_EQ(recv_wait(p, &r), (long)MSG_SIZE_MIN);
	EXPECT_EQ(r.h.nool, 3);
	if (r.h.nool == 3) {
		char *a = (char *)r.h.ool[0].addr, *b = (char *)r.h.ool[1].addr,
		     *c = (char *)r.h.ool[2].addr;
		EXPECT(same(a, PAGE, 41));
		EXPECT(same(b, PAGE, 41));
		EXPECT(same(b + PAGE, PAGE, 42));
		EXPECT(same(c, PAGE, 42));
		fill(b + PAGE, PAGE, 45);
		EXPECT(same(shared, PAGE, 44));
		EXPECT_EQ(munmap(a, PAGE), 0);
		EXPECT_EQ(munmap(b, 2 * PAGE), 0);
		EXPECT_EQ(munmap(c, PAGE), 0);
	}
	EXPECT_EQ(munmap(anon, 2 * PAGE), 0);
	EXPECT_EQ(port_deallocate(p), 0);
	EXPECT_IPC_NO_LEAK();
}

/* fork before the received memory is touched: the child cuts a hole in
 * it and moves a page on; the parent still sees all of it. */
UTEST(ool_fork_before_touch)
{
	port_t p, q;
	struct msg m, r;
	char *got;
	pid_t pid;

	ool_baseline();
	p = port_allocate();
	q = port_allocate();
	EXPECT_EQ(port_make_send(p), 0);
	EXPECT_EQ(port_make_send(q), 0);
	fill(data_pages, sizeof data_pages, 51);
	msg_init(&m, p, ID_OOL, NULL, 0);
	msg_add_ool(&m, data_pages, sizeof data_pages, 0);
	EXPECT_EQ(raw_send(&m, 0, 0), 0);
	fill(data_pages, sizeof data_pages, 52);
	EXPECT_EQ(recv_wait(p, &m), (long)MSG_SIZE_MIN);
	got = (char *)m.h.ool[0].addr;
	pid = ipc_fork();
	if (pid == 0) {
		EXPECT_EQ(munmap(got + 2 * PAGE, PAGE), 0);
		got[0] = 9;
		msg_init(&r, q, ID_OOL, NULL, 0);
		msg_add_ool(&r, got + PAGE, PAGE, MSG_OOL_MOVE);
		EXPECT_EQ(raw_send(&r, 0, 0), 0);
		child_done();
	}
	EXPECT_CHILD_OK(pid);
	EXPECT(same(got, sizeof data_pages, 51));
	EXPECT_EQ(recv_wait(q, &r), (long)MSG_SIZE_MIN);
	if (r.h.nool == 1) {
		EXPECT(same((char *)r.h.ool[0].addr, PAGE, 51 + PAGE * 7));
		EXPECT_EQ(munmap((void *)r.h.ool[0].addr, PAGE), 0);
	}
	EXPECT_EQ(munmap(got, sizeof data_pages), 0);
	EXPECT_EQ(port_deallocate(p), 0);
	EXPECT_EQ(port_deallocate(q), 0);
	EXPECT_IPC_NO_LEAK();
}

/* Received memory never touched, sent on: copied, then moved. */
UTEST(ool_forward_untouched)
{
	port_t p;
	struct msg m, r, s;
	char *got;

	ool_baseline();
	p = port_allocate();
	EXPECT_EQ(port_make_send(p), 0);
	fill(data_pages, sizeof data_pages, 61);
	msg_init(&m, p, ID_OOL, NULL, 0);
	msg_add_ool(&m, data_pages, sizeof data_pages, 0);
	EXPECT_EQ(raw_send(&m, 0, 0), 0);
	EXPECT_EQ(recv_wait(p, &m), (long)MSG_SIZE_MIN);
	got = (char *)m.h.ool[0].addr;
	msg_init(&r, p, ID_OOL, NULL, 0);
	msg_add_ool(&r, got, sizeof data_pages, 0);
	EXPECT_EQ(raw_send(&r, 0, 0), 0);
	msg_init(&s, p, ID_OOL, NULL, 0);
	msg_add_ool(&s, got, sizeof data_pages, MSG_OOL_MOVE);
	EXPECT_EQ(raw_send(&s, 0, 0), 0);
	EXPECT_EQ(recv_wait(p, &r), (long)MSG_SIZE_MIN);
	EXPECT_EQ(recv_wait(p, &s), (long)MSG_SIZE_MIN);
	EXPECT(same((char *)r.h.ool[0].addr, sizeof data_pages, 61));
	EXPECT(same((char *)s.h.ool[0].addr, sizeof data_pages, 61));
	EXPECT_EQ(munmap((void *)r.h.ool[0].addr, sizeof data_pages), 0);
	EXPECT_EQ(munmap((void *)s.h.ool[0].addr, sizeof data_pages), 0);
	EXPECT_EQ(port_deallocate(p), 0);
	EXPECT_IPC_NO_LEAK();
}

/* MSG_NOTIFY on a full queue: the cached message keeps its region. */
UTEST(ool_notify_cached_keeps_region)
{
	port_t p;
	struct msg m;

	ool_baseline();
	p = port_allocate();
	EXPECT_EQ(port_make_send(p), 0);
	EXPECT_EQ(port_set_qlimit(p, 1), 0);
	EXPECT_EQ(send_int(p, 'A', 0, 0), 0);
	fill(data_pages, PAGE, 71);
	msg_init(&m, p, ID_OOL, NULL, 0);
	msg_add_ool(&m, data_pages, PAGE, 0);
	EXPECT_EQ(raw_send(&m, MSG_NOTIFY, 0), MSG_WILL_NOTIFY);
	EXPECT_EQ(recv_wait(p, &m), MSG_SIZE_MIN + sizeof(int));
	EXPECT_EQ(recv_wait(PORT_NOTIFY, &m), MSG_SIZE_MIN + sizeof(port_t));
	EXPECT_EQ(recv_wait(p, &m), (long)MSG_SIZE_MIN);
	EXPECT_EQ(m.h.id, ID_OOL);
	EXPECT_EQ(m.h.nool, 1);
	if (m.h.nool == 1)
		EXPECT_EQ(munmap((void *)m.h.ool[0].addr, PAGE), 0);
	/* A region that is not there: refused, nothing cached. */
	EXPECT_EQ(send_int(p, 'B', 0, 0), 0);
	msg_init(&m, p, ID_OOL, NULL, 0);
	msg_add_ool(&m, (void *)0x7fff0000, PAGE, 0); /* mmap area, unmapped */
	EXPECT_EQ(raw_send(&m, MSG_NOTIFY, 0), -EFAULT);
	EXPECT_EQ(recv_wait(p, &m), MSG_SIZE_MIN + sizeof(int));
	EXPECT_EQ(port_deallocate(p), 0);
	EXPECT_IPC_NO_LEAK();
}

/*
 * Moving the middle of a region needs two more regions for the cut. With
 * the task's region table full the send fails with -ENOMEM and nothing
 * moves: the page is still there, with its contents.
 */
UTEST(ool_move_needs_a_region)
{
	port_t p, q;
	struct msg m, r;
	char *got, *maps[300];
	int n = 0;

	ool_baseline();
	p = port_allocate();
	q = port_allocate();
	EXPECT_EQ(port_make_send(p), 0);
	EXPECT_EQ(port_make_send(q), 0);
	fill(data_pages, sizeof data_pages, 81);
	msg_init(&m, p, ID_OOL, NULL, 0);
	msg_add_ool(&m, data_pages, sizeof data_pages, 0);
	EXPECT_EQ(raw_send(&m, 0, 0), 0);
	EXPECT_EQ(recv_wait(p, &m), (long)MSG_SIZE_MIN);
	got = (char *)m.h.ool[0].addr;
	while (n < 300 && (maps[n] = map_anon(PAGE)) != MAP_FAILED)
		n++;
	EXPECT(n > 0 && n < 300); /* the table filled up */
	msg_init(&r, q, ID_OOL, NULL, 0);
	msg_add_ool(&r, got + PAGE, PAGE, MSG_OOL_MOVE);
	EXPECT_EQ(raw_send(&r, 0, 0), -ENOMEM);
	EXPECT(same(got, sizeof data_pages, 81));
	while (n > 0)
		EXPECT_EQ(munmap(maps[--n], PAGE), 0);
	/* With room again, the same move works and the page leaves. */
	EXPECT_EQ(raw_send(&r, 0, 0), 0);
	EXPECT_EQ(recv_wait(q, &r), (long)MSG_SIZE_MIN);
	EXPECT_EQ(r.h.nool, 1);
	if (r.h.nool == 1) {
		EXPECT(same((char *)r.h.ool[0].addr, PAGE, 81 + PAGE * 7));
		EXPECT_EQ(munmap((void *)r.h.ool[0].addr, PAGE), 0);
	}
	EXPECT_EQ(munmap(got, PAGE), 0);
	EXPECT_EQ(munmap(got + 2 * PAGE, PAGE), 0);
	EXPECT_EQ(port_deallocate(p), 0);
	EXPECT_EQ(port_deallocate(q), 0);
	EXPECT_IPC_NO_LEAK();
}

/*
 * Received memory whose sender has let go of it is the receiver's alone:
 * writing it copies nothing (the first touch hands the region's frame
 * reference to the page table, so the write finds the count at one).
 */
UTEST(ool_write_after_sender_let_go_copies_nothing)
{
	struct mica_memstat before, after;
	port_t p;
	struct msg m;
	char *buf, *got;

	ool_baseline();
	p = port_allocate();
	EXPECT_EQ(port_make_send(p), 0);
	buf = map_anon(2 * PAGE);
	EXPECT(buf != MAP_FAILED);
	fill(buf, 2 * PAGE, 91);
	msg_init(&m, p, ID_OOL, NULL, 0);
	msg_add_ool(&m, buf, 2 * PAGE, 0);
	EXPECT_EQ(raw_send(&m, 0, 0), 0);
	EXPECT_EQ(munmap(buf, 2 * PAGE), 0); /* the sender lets go */
	EXPECT_EQ(recv_wait(p, &m), (long)MSG_SIZE_MIN);
	got = (char *)m.h.ool[0].addr;
	EXPECT(same(got, 2 * PAGE, 91)); /* read first, then write */
	memstat(&before);
	fill(got, 2 * PAGE, 92);
	memstat(&after);
	EXPECT_EQ(after.free_frames, before.free_frames);
	EXPECT(same(got, 2 * PAGE, 92));
	EXPECT_EQ(munmap(got, 2 * PAGE), 0);
	EXPECT_EQ(port_deallocate(p), 0);
	EXPECT_IPC_NO_LEAK();
}
