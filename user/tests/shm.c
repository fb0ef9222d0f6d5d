/*
 * shm.c - shared memory and mappings: shm_open, ftruncate, mmap, munmap,
 * shm_unlink (docs/shm.md), and the producer-consumer programs built on
 * them (prodcons-shm, prodcons-msg, the textbook's shm-producer and
 * shm-consumer).
 *
 * Every test ends with EXPECT_SHM_NO_LEAK: free frames, heap bytes and
 * tasks as before, and no shared-memory object left alive.
 */
#include "utest.h"

#include <sys/mman.h>

#define PAGE	    4096
#define AREA_BASE   0x40000000u /* the mapping area (kernel/mm/vm.h) */
#define AREA_TOP    0x80000000u
#define SIZE_MAX_B  (16u << 20) /* SHM_SIZE_MAX */
#define NAME_MAX_B  32		/* SHM_NAME_MAX, with the NUL */
#define OBJECTS_MAX 256		/* SHM_OBJECTS_MAX */
#define RW	    (PROT_READ | PROT_WRITE)
#define ANON	    (MAP_PRIVATE | MAP_ANONYMOUS)

/* ---- helpers ------------------------------------------------------------- */

static unsigned shm_objects_now(void)
{
	struct mica_memstat now;

	memstat(&now);
	return now.shm_objects;
}

/*
 * The baseline for these tests. A task's page tables stay until it exits
 * (kernel/mm/mmap.c), so make the two that the tests' mappings use now,
 * at the bottom and the top of the area, so that their frames count in
 * the baseline rather than as a leak.
 */
static void shm_baseline(void)
{
	munmap(mmap(NULL, PAGE, RW, ANON, -1, 0), PAGE);
	munmap(
	    mmap((void *)(AREA_TOP - PAGE), PAGE, RW, ANON | MAP_FIXED, -1, 0),
	    PAGE);
	take_baseline();
}

/* expect_no_leak, and no shared-memory object left behind either. */
static void expect_shm_no_leak(int line)
{
	expect_no_leak(line);
	if (shm_objects_now() != baseline.shm_objects)
		fail_eq(line, "shm objects", shm_objects_now(),
			baseline.shm_objects);
}

#define EXPECT_SHM_NO_LEAK() expect_shm_no_leak(__LINE__)

/* Expect call (an int or pointer result) to fail with errno e. */
#define EXPECT_ERR(call, e)                                                    \
	do {                                                                   \
		errno = 0;                                                     \
		EXPECT_EQ((long)(call), -1);                                   \
		EXPECT_EQ(errno, (e));                                         \
	} while (0)

/* A name of our own for each test, so a leftover never meets another. */
static const char *tname(const char *what)
{
	static char buf[2][NAME_MAX_B];
	static int turn;
	char *b = buf[turn++ & 1];

	snprintf(b, NAME_MAX_B, "t%d.%s", getpid(), what);
	return b;
}

/* Create name with size bytes and map it read-write and shared. */
static char *shm_make(const char *name, unsigned size, int *fdp)
{
	int fd = shm_open(name, O_CREAT | O_EXCL | O_RDWR, 0600);
	void *p;

	EXPECT(fd >= 0);
	EXPECT_EQ(ftruncate(fd, size), 0);
	p = mmap(NULL, size, RW, MAP_SHARED, fd, 0);
	EXPECT(p != MAP_FAILED);
	if (fdp)
		*fdp = fd;
	else
		close(fd);
	return p == MAP_FAILED ? NULL : p;
}

/* Run fn in a child; return its wait status. */
static int child_status(void (*fn)(void))
{
	int status = -1;
	pid_t pid = ipc_fork();

	if (pid == 0) {
		fn();
		child_done();
	}
	if (pid < 0 || waitpid(pid, &status, 0) != pid)
		return -1;
	return status;
}

/* spawn argv[0] with argv and return its wait status. */
static int run(char *const argv[])
{
	int status = -1;
	pid_t pid = spawn(argv[0], argv);

	if (pid < 0 || waitpid(pid, &status, 0) != pid)
		return -1;
	return status;
}

/* ---- visibility across tasks -------------------------------------------- */

static char *vis_shared, *vis_private, *vis_anon, *vis_anon_shared;
static const char *vis_name;

static void vis_child(void)
{
	int fd = shm_open(vis_name, O_RDWR, 0);
	char *own = mmap(NULL, 2 * PAGE, RW, MAP_SHARED, fd, 0);

	/* What the parent wrote before fork, through each mapping. */
	EXPECT_EQ(vis_shared[0], 1);
	EXPECT_EQ(vis_private[0], 1); /* not written yet: the object's page */
	EXPECT_EQ(vis_anon[0], 1);
	EXPECT_EQ(vis_anon_shared[0], 1);
	EXPECT(own != MAP_FAILED);
	if (own == MAP_FAILED)
		return;
	/* Our own mapping, made by name, is the same memory as the
	 * inherited one: a write through one shows through the other. */
	EXPECT_EQ(own[0], 1);
	own[100] = 7;
	EXPECT_EQ(vis_shared[100], 7);
	vis_shared[0] = 2;
	vis_shared[PAGE] = 2;
	vis_private[0] = 9; /* copy-on-write: stays in this task */
	EXPECT_EQ(own[0], 2);
	vis_anon[0] = 2;	/* private: the parent keeps its 1 */
	vis_anon_shared[0] = 2; /* MAP_SHARED anonymous: the parent sees it */
	close(fd);
}

/* The parent writes, the child reads and writes back: MAP_SHARED memory
 * stays shared across fork, MAP_PRIVATE (of an object, or anonymous) is
 * copy-on-write, and two mappings of one object by name are one memory. */
UTEST(shm_visible_across_fork)
{
	int fd;

	shm_baseline();
	vis_name = tname("vis");
	vis_shared = shm_make(vis_name, 2 * PAGE, &fd);
	vis_private = mmap(NULL, 2 * PAGE, RW, MAP_PRIVATE, fd, 0);
	vis_anon = mmap(NULL, PAGE, RW, ANON, -1, 0);
	vis_anon_shared =
	    mmap(NULL, PAGE, RW, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	EXPECT(vis_private != MAP_FAILED && vis_anon != MAP_FAILED &&
	       vis_anon_shared != MAP_FAILED);
	if (!vis_shared || vis_private == MAP_FAILED ||
	    vis_anon == MAP_FAILED || vis_anon_shared == MAP_FAILED)
		return;
	vis_shared[0] = 1;
	vis_anon[0] = 1;
	vis_anon_shared[0] = 1;
	EXPECT_EQ(vis_private[0], 1); /* a private view reads the object */
	EXPECT_EQ(child_status(vis_child), 0);
	EXPECT_EQ(vis_shared[0], 2);
	EXPECT_EQ(vis_shared[PAGE], 2);
	EXPECT_EQ(vis_shared[100], 7);
	EXPECT_EQ(vis_anon[0], 1);
	EXPECT_EQ(vis_anon_shared[0], 2);
	/* Our private view: the object's page (the child's 9 stayed in the
	 * child) until we write it; then the copy is ours alone. */
	EXPECT_EQ(vis_private[0], 2);
	vis_private[0] = 5;
	EXPECT_EQ(vis_shared[0], 2);
	EXPECT_EQ(vis_private[0], 5);
	EXPECT_EQ(munmap(vis_shared, 2 * PAGE), 0);
	EXPECT_EQ(munmap(vis_private, 2 * PAGE), 0);
	EXPECT_EQ(munmap(vis_anon, PAGE), 0);
	EXPECT_EQ(munmap(vis_anon_shared, PAGE), 0);
	EXPECT_EQ(close(fd), 0);
	EXPECT_EQ(shm_unlink(vis_name), 0);
	EXPECT_SHM_NO_LEAK();
}

static void exec_child(void)
{
	char *argv[] = {"true", NULL};
	char *p = mmap(NULL, 4 * PAGE, RW, MAP_SHARED | MAP_ANONYMOUS, -1, 0);

	if (p != MAP_FAILED)
		p[0] = 1;
	exec("true", argv); /* the new program starts with no mappings */
	exit(99);
}

/* exec and exit drop every mapping: their frames come back. */
UTEST(shm_exec_and_exit_drop_mappings)
{
	int status;

	shm_baseline();
	status = child_status(exec_child);
	EXPECT(WIFEXITED(status));
	EXPECT_EQ(WEXITSTATUS(status), 0);
	EXPECT_SHM_NO_LEAK();
}

/* ---- persistence until unlink ------------------------------------------- */

static const char *pers_name;

static void pers_creator(void)
{
	char *p = shm_make(pers_name, 3 * PAGE, NULL);

	if (p)
		for (unsigned i = 0; i < 3 * PAGE; i++)
			p[i] = (char)(i * 7 + 3);
	/* exit without munmap, close or unlink: the object stays */
}

static int pers_same(const char *p)
{
	for (unsigned i = 0; i < 3 * PAGE; i++)
		if (p[i] != (char)(i * 7 + 3))
			return 0;
	return 1;
}

static void pers_reader(void)
{
	int fd = shm_open(pers_name, O_RDONLY, 0);
	char *p = mmap(NULL, 3 * PAGE, PROT_READ, MAP_SHARED, fd, 0);

	EXPECT(fd >= 0);
	EXPECT(p != MAP_FAILED);
	if (p != MAP_FAILED)
		EXPECT(pers_same(p));
}

/* An object outlives the task that made it, until it is unlinked; after
 * shm_unlink the name is gone but the memory lives on while mapped, and
 * the last munmap gives its frames back. */
UTEST(shm_persists_until_unlink)
{
	struct mica_memstat mid;
	char *p;
	int fd;

	shm_baseline();
	pers_name = tname("persist");
	EXPECT_EQ(child_status(pers_creator), 0);
	EXPECT_EQ(shm_objects_now(), baseline.shm_objects + 1);
	EXPECT_EQ(child_status(pers_reader), 0); /* a second task reads it */
	fd = shm_open(pers_name, O_RDWR, 0);
	EXPECT(fd >= 0);
	p = mmap(NULL, 3 * PAGE, PROT_READ, MAP_SHARED, fd, 0);
	EXPECT(p != MAP_FAILED);
	if (p == MAP_FAILED)
		return;
	EXPECT_EQ(shm_unlink(pers_name), 0);
	EXPECT_ERR(shm_open(pers_name, O_RDWR, 0), ENOENT);
	EXPECT_ERR(shm_unlink(pers_name), ENOENT);
	EXPECT(pers_same(p)); /* unlinked, still mapped: still there */
	EXPECT_EQ(shm_objects_now(), baseline.shm_objects + 1); /* our fd */
	EXPECT_EQ(close(fd), 0);
	EXPECT_EQ(shm_objects_now(), baseline.shm_objects); /* object gone */
	EXPECT(pers_same(p)); /* ... its frames are not */
	memstat(&mid);
	EXPECT(mid.free_frames + 3 <= baseline.free_frames);
	/* The name is free again: O_CREAT makes a new, empty object. */
	fd = shm_open(pers_name, O_CREAT | O_EXCL | O_RDWR, 0);
	EXPECT(fd >= 0);
	EXPECT_ERR(mmap(NULL, PAGE, PROT_READ, MAP_SHARED, fd, 0), ENXIO);
	EXPECT_EQ(close(fd), 0);
	EXPECT_EQ(shm_unlink(pers_name), 0);
	EXPECT_EQ(munmap(p, 3 * PAGE), 0);
	EXPECT_SHM_NO_LEAK();
}

static volatile unsigned *unl_counter;

static void unl_writer(void)
{
	for (unsigned i = 0; i < 200; i++) {
		(*unl_counter)++;
		yield();
	}
}

/* Unlinking and closing an object while another task is writing to it is
 * safe: the writer goes on, and the memory goes when the last user does. */
UTEST(shm_unlink_while_in_use)
{
	const char *name;
	pid_t pid;

	shm_baseline();
	name = tname("inuse");
	unl_counter = (volatile unsigned *)shm_make(name, PAGE, NULL);
	if (!unl_counter)
		return;
	pid = ipc_fork();
	if (pid == 0) {
		unl_writer();
		child_done();
	}
	yield();
	EXPECT_EQ(shm_unlink(name), 0);
	EXPECT_EQ(shm_objects_now(), baseline.shm_objects);
	EXPECT_CHILD_OK(pid);
	EXPECT_EQ(*unl_counter, 200);
	EXPECT_EQ(munmap((void *)unl_counter, PAGE), 0);
	EXPECT_SHM_NO_LEAK();
}

/* ---- sizes -------------------------------------------------------------- */

/* ftruncate grows with zeroed pages, shrinks giving frames back, zeroes
 * what is cut off inside a page, and refuses sizes over the limit. */
UTEST(shm_ftruncate_sizes)
{
	const char *name;
	struct mica_memstat a, b;
	char *p, *q;
	int fd, zero = 1;

	shm_baseline();
	name = tname("size");
	fd = shm_open(name, O_CREAT | O_EXCL | O_RDWR, 0);
	EXPECT(fd >= 0);
	EXPECT_ERR(mmap(NULL, PAGE, RW, MAP_SHARED, fd, 0), ENXIO); /* size 0 */
	EXPECT_EQ(ftruncate(fd, 100), 0); /* one page */
	EXPECT_ERR(mmap(NULL, 2 * PAGE, RW, MAP_SHARED, fd, 0), ENXIO);
	p = mmap(NULL, PAGE, RW, MAP_SHARED, fd, 0);
	EXPECT(p != MAP_FAILED);
	if (p == MAP_FAILED)
		return;
	for (unsigned i = 0; i < PAGE; i++) {
		zero &= p[i] == 0;
		p[i] = (char)0xAA;
	}
	EXPECT(zero); /* new memory is zeroed */
	/* Shrink inside the page: the bytes past the new end read as 0. */
	EXPECT_EQ(ftruncate(fd, 10), 0);
	EXPECT_EQ(p[9], (char)0xAA);
	EXPECT_EQ(p[10], 0);
	EXPECT_EQ(p[PAGE - 1], 0);
	/* Grow: the old bytes stay, the new page is zero. */
	EXPECT_EQ(ftruncate(fd, 2 * PAGE), 0);
	q = mmap(NULL, 2 * PAGE, RW, MAP_SHARED, fd, 0);
	EXPECT(q != MAP_FAILED);
	if (q != MAP_FAILED) {
		EXPECT_EQ(q[9], (char)0xAA);
		EXPECT_EQ(q[10], 0);
		EXPECT_EQ(q[PAGE], 0);
		EXPECT_EQ(munmap(q, 2 * PAGE), 0);
	}
	EXPECT_EQ(munmap(p, PAGE), 0);
	/* The largest size takes its frames; shrinking gives them back. */
	memstat(&a);
	EXPECT_EQ(ftruncate(fd, SIZE_MAX_B), 0);
	memstat(&b);
	EXPECT(b.free_frames + SIZE_MAX_B / PAGE <= a.free_frames);
	EXPECT_ERR(ftruncate(fd, SIZE_MAX_B + 1), EFBIG);
	EXPECT_ERR(ftruncate(fd, -1), EINVAL);
	EXPECT_EQ(ftruncate(fd, 0), 0);
	memstat(&b);
	EXPECT(b.free_frames >= a.free_frames);
	/* O_TRUNC empties it again. */
	EXPECT_EQ(ftruncate(fd, PAGE), 0);
	EXPECT_EQ(close(fd), 0);
	fd = shm_open(name, O_RDWR | O_TRUNC, 0);
	EXPECT(fd >= 0);
	EXPECT_ERR(mmap(NULL, PAGE, RW, MAP_SHARED, fd, 0), ENXIO);
	EXPECT_EQ(close(fd), 0);
	EXPECT_EQ(shm_unlink(name), 0);
	EXPECT_SHM_NO_LEAK();
}

/* When memory runs out, ftruncate fails with ENOMEM and the object is
 * left as it was; everything comes back once the objects are unlinked. */
UTEST(shm_out_of_memory)
{
	char names[32][NAME_MAX_B];
	int made = 0, err = 0;

	shm_baseline();
	for (; made < 32; made++) {
		int fd;

		snprintf(names[made], NAME_MAX_B, "t%d.oom%d", getpid(), made);
		fd = shm_open(names[made], O_CREAT | O_EXCL | O_RDWR, 0);
		EXPECT(fd >= 0);
		if (ftruncate(fd, SIZE_MAX_B) < 0) {
			err = errno;
			/* still empty: nothing half-allocated */
			EXPECT_ERR(
			    mmap(NULL, PAGE, PROT_READ, MAP_SHARED, fd, 0),
			    ENXIO);
			close(fd);
			made++;
			break;
		}
		close(fd);
	}
	EXPECT_EQ(err, ENOMEM); /* 32 x 16 MiB is more than the machine has */
	EXPECT_ERR(mmap(NULL, SIZE_MAX_B, RW, ANON, -1, 0), ENOMEM);
	for (int i = 0; i < made; i++)
		EXPECT_EQ(shm_unlink(names[i]), 0);
	EXPECT_SHM_NO_LEAK();
}

/* ---- protection ----------------------------------------------------------- */

static volatile char *prot_page;

static void prot_write(void)
{
	EXPECT_EQ(prot_page[0], 'r'); /* reading is allowed */
	prot_page[0] = 'w';	      /* writing kills us */
	exit(0);
}

static void prot_none_touch(void)
{
	(void)prot_page[0];
	exit(0);
}

/* A PROT_READ mapping can be read, and a write to it kills the task with
 * SIGSEGV (and the kernel will not write there either); a PROT_NONE
 * mapping reserves addresses and any touch kills. */
UTEST(shm_prot_read_write_kills)
{
	const char *name;
	char *w;
	int fd, status;

	shm_baseline();
	name = tname("prot");
	w = shm_make(name, PAGE, &fd);
	if (!w)
		return;
	w[0] = 'r';
	prot_page = mmap(NULL, PAGE, PROT_READ, MAP_SHARED, fd, 0);
	EXPECT(prot_page != MAP_FAILED);
	status = in_child(prot_write);
	EXPECT(WIFSIGNALED(status));
	EXPECT_EQ(WTERMSIG(status), SIGSEGV);
	EXPECT_EQ(w[0], 'r');
	/* The kernel honours PROT_READ too: memstat cannot write there. */
	EXPECT_ERR(memstat((struct mica_memstat *)prot_page), EFAULT);
	EXPECT_EQ(munmap((void *)prot_page, PAGE), 0);
	/* PROT_NONE: addresses only. */
	prot_page = mmap(NULL, PAGE, PROT_NONE, MAP_SHARED, fd, 0);
	EXPECT(prot_page != MAP_FAILED);
	status = in_child(prot_none_touch);
	EXPECT(WIFSIGNALED(status));
	EXPECT_EQ(WTERMSIG(status), SIGSEGV);
	EXPECT_EQ(munmap((void *)prot_page, PAGE), 0);
	EXPECT_EQ(munmap(w, PAGE), 0);
	EXPECT_EQ(close(fd), 0);
	EXPECT_EQ(shm_unlink(name), 0);
	EXPECT_SHM_NO_LEAK();
}

/* A large PROT_NONE reservation costs no frames. */
UTEST(shm_prot_none_reserves)
{
	struct mica_memstat a, b;
	void *p;

	shm_baseline();
	memstat(&a);
	p = mmap(NULL, 512u << 20, PROT_NONE, ANON, -1, 0); /* half the area */
	EXPECT(p != MAP_FAILED);
	memstat(&b);
	EXPECT(b.free_frames + 2 >= a.free_frames); /* at most heap pages */
	EXPECT_EQ(munmap(p, 512u << 20), 0);
	EXPECT_SHM_NO_LEAK();
}

/* O_RDONLY: no shared writable mapping (EACCES) and no ftruncate; a
 * private writable mapping is allowed, and its writes stay private. */
UTEST(shm_rdonly_no_shared_write)
{
	const char *name;
	char *w, *priv;
	int fd, ro;

	shm_baseline();
	name = tname("ro");
	w = shm_make(name, PAGE, &fd);
	if (!w)
		return;
	w[0] = 'o';
	ro = shm_open(name, O_RDONLY, 0);
	EXPECT(ro >= 0);
	EXPECT_ERR(mmap(NULL, PAGE, PROT_WRITE, MAP_SHARED, ro, 0), EACCES);
	EXPECT_ERR(mmap(NULL, PAGE, RW, MAP_SHARED, ro, 0), EACCES);
	EXPECT_ERR(ftruncate(ro, 2 * PAGE), EINVAL);
	priv = mmap(NULL, PAGE, RW, MAP_PRIVATE, ro, 0);
	EXPECT(priv != MAP_FAILED);
	if (priv != MAP_FAILED) {
		EXPECT_EQ(priv[0], 'o');
		priv[0] = 'p';
		EXPECT_EQ(w[0], 'o');
		EXPECT_EQ(munmap(priv, PAGE), 0);
	}
	EXPECT_EQ(close(ro), 0);
	EXPECT_EQ(munmap(w, PAGE), 0);
	EXPECT_EQ(close(fd), 0);
	EXPECT_EQ(shm_unlink(name), 0);
	EXPECT_SHM_NO_LEAK();
}

/* ---- bad input ------------------------------------------------------------ */

/* Names: 1..31 bytes, a leading '/' optional ("/OS" is "OS"), no other
 * '/'; a bad pointer or an unterminated name is EFAULT. */
UTEST(shm_bad_names)
{
	char longname[NAME_MAX_B + 8];
	char *edge;
	int fd;

	shm_baseline();
	EXPECT_ERR(shm_open("", O_CREAT | O_RDWR, 0), EINVAL);
	EXPECT_ERR(shm_open("/", O_CREAT | O_RDWR, 0), EINVAL);
	EXPECT_ERR(shm_open("a/b", O_CREAT | O_RDWR, 0), EINVAL);
	EXPECT_ERR(shm_open(NULL, O_CREAT | O_RDWR, 0), EFAULT);
	EXPECT_ERR(shm_open((char *)0xC0100000, O_CREAT | O_RDWR, 0), EFAULT);
	EXPECT_ERR(shm_unlink(""), EINVAL);
	EXPECT_ERR(shm_unlink(NULL), EFAULT);
	memset(longname, 'n', sizeof longname);
	longname[NAME_MAX_B] = '\0'; /* 32 bytes: one too many */
	EXPECT_ERR(shm_open(longname, O_CREAT | O_RDWR, 0), ENAMETOOLONG);
	EXPECT_ERR(shm_unlink(longname), ENAMETOOLONG);
	longname[NAME_MAX_B - 1] = '\0'; /* 31: the longest */
	fd = shm_open(longname, O_CREAT | O_EXCL | O_RDWR, 0);
	EXPECT(fd >= 0);
	EXPECT_EQ(close(fd), 0);
	EXPECT_EQ(shm_unlink(longname), 0);
	/* "/x" and "x" are one object. */
	fd = shm_open("/shm_bad_names", O_CREAT | O_EXCL | O_RDWR, 0);
	EXPECT(fd >= 0);
	EXPECT_ERR(shm_open("shm_bad_names", O_CREAT | O_EXCL | O_RDWR, 0),
		   EEXIST);
	EXPECT_EQ(close(fd), 0);
	EXPECT_EQ(shm_unlink("shm_bad_names"), 0);
	/* A name that runs into an unmapped page without its NUL. */
	edge = mmap(NULL, 2 * PAGE, RW, ANON, -1, 0);
	EXPECT(edge != MAP_FAILED);
	if (edge != MAP_FAILED) {
		EXPECT_EQ(munmap(edge + PAGE, PAGE), 0);
		memset(edge, 'u', PAGE);
		EXPECT_ERR(shm_open(edge + PAGE - 4, O_CREAT | O_RDWR, 0),
			   EFAULT);
		EXPECT_ERR(shm_open(edge, O_CREAT | O_RDWR, 0), ENAMETOOLONG);
		EXPECT_EQ(munmap(edge, PAGE), 0);
	}
	EXPECT_SHM_NO_LEAK();
}

/* Flags: O_RDONLY or O_RDWR, plus O_CREAT, O_EXCL, O_TRUNC only. */
UTEST(shm_bad_flags)
{
	const char *name;
	int fd;

	shm_baseline();
	name = tname("flags");
	EXPECT_ERR(shm_open(name, O_RDWR, 0), ENOENT); /* no O_CREAT */
	EXPECT_ERR(shm_open(name, O_CREAT | O_WRONLY, 0), EINVAL);
	EXPECT_ERR(shm_open(name, O_CREAT | O_ACCMODE, 0), EINVAL);
	EXPECT_ERR(shm_open(name, O_CREAT | O_RDWR | 0x40000, 0), EINVAL);
	EXPECT_EQ(shm_objects_now(), baseline.shm_objects); /* none made */
	fd = shm_open(name, O_CREAT | O_EXCL | O_RDWR, 0);
	EXPECT(fd >= 0);
	EXPECT_ERR(shm_open(name, O_CREAT | O_EXCL | O_RDWR, 0), EEXIST);
	EXPECT_ERR(shm_open(name, O_CREAT | O_EXCL | O_RDONLY, 0), EEXIST);
	EXPECT_EQ(close(fd), 0);
	EXPECT_EQ(shm_unlink(name), 0);
	EXPECT_SHM_NO_LEAK();
}

/* At most 256 objects at once: the next is ENFILE. */
UTEST(shm_object_limit)
{
	char name[NAME_MAX_B];
	int made, fd = -1;

	shm_baseline();
	for (made = 0; made < OBJECTS_MAX + 1; made++) {
		snprintf(name, sizeof name, "t%d.lim%d", getpid(), made);
		fd = shm_open(name, O_CREAT | O_EXCL | O_RDWR, 0);
		if (fd < 0)
			break;
		close(fd); /* the name keeps it */
	}
	EXPECT_EQ(fd, -1);
	EXPECT_EQ(errno, ENFILE);
	EXPECT_EQ(made + baseline.shm_objects, OBJECTS_MAX);
	for (int i = 0; i < made; i++) {
		snprintf(name, sizeof name, "t%d.lim%d", getpid(), i);
		EXPECT_EQ(shm_unlink(name), 0);
	}
	EXPECT_SHM_NO_LEAK();
}

/* ftruncate wants a shared-memory descriptor open for writing. */
UTEST(shm_ftruncate_bad_fds)
{
	int fd;

	shm_baseline();
	fd = open("motd", O_RDONLY);
	EXPECT(fd >= 0);
	EXPECT_ERR(ftruncate(fd, PAGE), EINVAL); /* an initrd file */
	EXPECT_ERR(ftruncate(1, PAGE), EINVAL);	 /* the console */
	EXPECT_ERR(ftruncate(-1, PAGE), EBADF);
	EXPECT_ERR(ftruncate(15, PAGE), EBADF); /* not open */
	EXPECT_ERR(ftruncate(9999, PAGE), EBADF);
	EXPECT_EQ(close(fd), 0);
	EXPECT_SHM_NO_LEAK();
}

/* mmap's arguments: every one is checked, with POSIX's errors. */
UTEST(shm_mmap_bad_args)
{
	const char *name;
	int fd, file;
	char *p;

	shm_baseline();
	file = open("motd", O_RDONLY);
	name = tname("args");
	p = shm_make(name, 2 * PAGE, &fd);
	EXPECT_ERR(mmap(NULL, 0, RW, MAP_SHARED, fd, 0), EINVAL);
	EXPECT_ERR(mmap(NULL, PAGE, RW, MAP_SHARED, fd, 100), EINVAL);
	EXPECT_ERR(mmap(NULL, PAGE, RW, MAP_SHARED, fd, 2 * PAGE), ENXIO);
	EXPECT_ERR(mmap(NULL, 2 * PAGE, RW, MAP_SHARED, fd, PAGE), ENXIO);
	EXPECT_ERR(mmap(NULL, 3 * PAGE, RW, MAP_SHARED, fd, 0), ENXIO);
	EXPECT_ERR(mmap(NULL, PAGE, RW, MAP_SHARED, 15, 0), EBADF);
	EXPECT_ERR(mmap(NULL, PAGE, RW, MAP_SHARED, -1, 0), EBADF);
	EXPECT_ERR(mmap(NULL, PAGE, PROT_READ, MAP_SHARED, file, 0), ENODEV);
	EXPECT_ERR(mmap(NULL, PAGE, PROT_READ, MAP_SHARED, 0, 0), ENODEV);
	EXPECT_ERR(mmap(NULL, PAGE, 8, MAP_SHARED, fd, 0), EINVAL);
	EXPECT_ERR(mmap(NULL, PAGE, RW, 0, fd, 0), EINVAL);
	EXPECT_ERR(mmap(NULL, PAGE, RW, MAP_SHARED | MAP_PRIVATE, fd, 0),
		   EINVAL);
	EXPECT_ERR(mmap(NULL, PAGE, RW, MAP_SHARED | 0x1000, fd, 0), EINVAL);
	EXPECT_ERR(mmap(NULL, PAGE, RW, ANON, -1, PAGE), EINVAL);
	EXPECT_ERR(mmap(NULL, AREA_TOP - AREA_BASE + 1, RW, ANON, -1, 0),
		   ENOMEM);
	EXPECT_EQ(sys_raw(SYS_mmap, 0, 0, 0, 0, 0), -EFAULT); /* no args */
	EXPECT_EQ(sys_raw(SYS_mmap, 0xC0000000, 0, 0, 0, 0), -EFAULT);
	EXPECT_EQ(close(file), 0);
	if (p)
		EXPECT_EQ(munmap(p, 2 * PAGE), 0);
	EXPECT_EQ(close(fd), 0);
	EXPECT_EQ(shm_unlink(name), 0);
	EXPECT_SHM_NO_LEAK();
}

/* MAP_FIXED: exactly there, only inside the area, never over another
 * mapping (EEXIST: mica does not replace). A plain hint is used if free. */
UTEST(shm_map_fixed)
{
	char *a, *b;
	uintptr_t at = AREA_BASE + 0x100000;

	shm_baseline();
	a = mmap((void *)at, 2 * PAGE, RW, ANON | MAP_FIXED, -1, 0);
	EXPECT_EQ((uintptr_t)a, at);
	EXPECT_ERR(mmap((void *)(at + PAGE), PAGE, RW, ANON | MAP_FIXED, -1, 0),
		   EEXIST);
	EXPECT_ERR(
	    mmap((void *)(at - PAGE), 2 * PAGE, RW, ANON | MAP_FIXED, -1, 0),
	    EEXIST);
	EXPECT_ERR(mmap((void *)(at + 2 * PAGE + 1), PAGE, RW, ANON | MAP_FIXED,
			-1, 0),
		   EINVAL);
	EXPECT_ERR(mmap((void *)0x10000000, PAGE, RW, ANON | MAP_FIXED, -1, 0),
		   EINVAL); /* the heap's part */
	EXPECT_ERR(mmap((void *)(AREA_BASE - PAGE), 2 * PAGE, RW,
			ANON | MAP_FIXED, -1, 0),
		   EINVAL);
	EXPECT_ERR(mmap((void *)(AREA_TOP - PAGE), 2 * PAGE, RW,
			ANON | MAP_FIXED, -1, 0),
		   EINVAL);
	EXPECT_ERR(mmap((void *)AREA_TOP, PAGE, RW, ANON | MAP_FIXED, -1, 0),
		   EINVAL);
	EXPECT_ERR(mmap(NULL, PAGE, RW, ANON | MAP_FIXED, -1, 0), EINVAL);
	/* The last page of the area is usable. */
	b = mmap((void *)(AREA_TOP - PAGE), PAGE, RW, ANON | MAP_FIXED, -1, 0);
	EXPECT_EQ((uintptr_t)b, AREA_TOP - PAGE);
	if (b != MAP_FAILED) {
		b[PAGE - 1] = 1;
		EXPECT_EQ(munmap(b, PAGE), 0);
	}
	/* A free hint is taken; a used one is not, but the call works. */
	b = mmap((void *)(at + 4 * PAGE), PAGE, RW, ANON, -1, 0);
	EXPECT_EQ((uintptr_t)b, at + 4 * PAGE);
	if (b != MAP_FAILED)
		EXPECT_EQ(munmap(b, PAGE), 0);
	b = mmap((void *)at, PAGE, RW, ANON, -1, 0);
	EXPECT(b != MAP_FAILED && (uintptr_t)b != at);
	if (b != MAP_FAILED)
		EXPECT_EQ(munmap(b, PAGE), 0);
	if (a != MAP_FAILED)
		EXPECT_EQ(munmap(a, 2 * PAGE), 0);
	EXPECT_SHM_NO_LEAK();
}

/* munmap works only inside the mapping area; an empty range is fine. */
UTEST(shm_munmap_outside_area)
{
	static char data_page[PAGE] __attribute__((aligned(PAGE)));
	int local;

	shm_baseline();
	data_page[0] = 1;
	EXPECT_ERR(munmap((void *)0x08048000, PAGE), EINVAL); /* our text */
	EXPECT_ERR(munmap(data_page, PAGE), EINVAL);
	EXPECT_ERR(munmap((void *)((uintptr_t)&local & ~(PAGE - 1)), PAGE),
		   EINVAL); /* the stack */
	EXPECT_ERR(munmap((void *)(AREA_BASE + 1), PAGE), EINVAL);
	EXPECT_ERR(munmap((void *)AREA_BASE, 0), EINVAL);
	EXPECT_ERR(munmap((void *)(AREA_TOP - PAGE), 2 * PAGE), EINVAL);
	EXPECT_ERR(munmap((void *)(AREA_BASE - PAGE), 2 * PAGE), EINVAL);
	EXPECT_ERR(munmap((void *)0xC0000000, PAGE), EINVAL);
	EXPECT_ERR(munmap((void *)AREA_BASE, 0xFFFFFFFF), EINVAL);
	EXPECT_EQ(munmap((void *)(AREA_BASE + 0x200000), 4 * PAGE), 0);
	EXPECT_EQ(data_page[0], 1); /* all still there */
	EXPECT_SHM_NO_LEAK();
}

static volatile char *touch_at;

static void touch(void)
{
	(void)*touch_at;
	exit(0);
}

/* Would touching addr kill a task (SIGSEGV)? */
static int touch_kills(volatile char *addr)
{
	int status;

	touch_at = addr;
	status = in_child(touch);
	return WIFSIGNALED(status) && WTERMSIG(status) == SIGSEGV;
}

/* A partial munmap cuts a region: the middle (two regions left), the
 * ends; what is left works, what was cut faults and can be mapped again. */
UTEST(shm_munmap_partial)
{
	char *p, *q;

	shm_baseline();
	p = mmap(NULL, 5 * PAGE, RW, ANON, -1, 0);
	EXPECT(p != MAP_FAILED);
	if (p == MAP_FAILED)
		return;
	for (int i = 0; i < 5; i++)
		p[i * PAGE] = (char)('a' + i);
	EXPECT_EQ(munmap(p + 2 * PAGE, PAGE), 0); /* the middle: a split */
	EXPECT_EQ(p[PAGE], 'b');
	EXPECT_EQ(p[3 * PAGE], 'd');
	EXPECT(touch_kills(p + 2 * PAGE));
	EXPECT(!touch_kills(p + 3 * PAGE));
	q = mmap(p + 2 * PAGE, PAGE, RW, ANON | MAP_FIXED, -1, 0);
	EXPECT_EQ(q, p + 2 * PAGE); /* the hole is free again */
	if (q != MAP_FAILED)
		EXPECT_EQ(q[0], 0);		  /* new memory, zeroed */
	EXPECT_EQ(munmap(p, PAGE), 0);		  /* the front of a region */
	EXPECT_EQ(munmap(p + 4 * PAGE, PAGE), 0); /* the back of one */
	EXPECT(touch_kills(p));
	EXPECT(touch_kills(p + 4 * PAGE));
	EXPECT_EQ(p[PAGE], 'b');
	EXPECT_EQ(p[3 * PAGE], 'd');
	/* One call over three regions and the holes between them. */
	EXPECT_EQ(munmap(p, 5 * PAGE), 0);
	EXPECT(touch_kills(p + PAGE));
	EXPECT(touch_kills(p + 3 * PAGE));
	EXPECT_SHM_NO_LEAK();
}

/* At most 256 regions per address space: mapping past that is ENOMEM, as
 * is a munmap that would need one more region; freeing one makes room. */
UTEST(shm_region_limit)
{
	static char *maps[300];
	char *big;
	int n = 0;

	shm_baseline();
	big = mmap(NULL, 3 * PAGE, RW, ANON, -1, 0);
	EXPECT(big != MAP_FAILED);
	if (big == MAP_FAILED)
		return;
	big[PAGE] = 'm';
	while (n < 300) {
		char *m = mmap(NULL, PAGE, PROT_NONE, ANON, -1, 0);

		if (m == MAP_FAILED)
			break;
		maps[n++] = m;
	}
	EXPECT_EQ(errno, ENOMEM);
	EXPECT(n > 200 && n < 256);
	EXPECT_ERR(munmap(big + PAGE, PAGE), ENOMEM); /* a split: no room */
	EXPECT_EQ(big[PAGE], 'm');		      /* nothing changed */
	EXPECT_EQ(munmap(big, PAGE), 0); /* trimming needs no new region */
	EXPECT_EQ(munmap(maps[n / 2], PAGE), 0);
	maps[n / 2] = mmap(NULL, PAGE, PROT_NONE, ANON, -1, 0);
	EXPECT(maps[n / 2] != MAP_FAILED);
	EXPECT_ERR(mmap(NULL, PAGE, PROT_NONE, ANON, -1, 0), ENOMEM);
	for (int i = 0; i < n; i++)
		EXPECT_EQ(munmap(maps[i], PAGE), 0);
	EXPECT_EQ(munmap(big, 3 * PAGE), 0);
	EXPECT_SHM_NO_LEAK();
}

/* ---- the programs --------------------------------------------------------- */

/* The textbook's producer then consumer: the object "OS" holds
 * "HelloWorld!" between them, and the consumer unlinks it. */
UTEST(shm_textbook_producer_consumer)
{
	char *producer[] = {"shm-producer", NULL};
	char *consumer[] = {"shm-consumer", NULL};
	char *p;
	int fd;

	shm_baseline();
	EXPECT_EQ(run(producer), 0);
	EXPECT_EQ(shm_objects_now(), baseline.shm_objects + 1);
	fd = shm_open("OS", O_RDONLY, 0);
	EXPECT(fd >= 0);
	p = mmap(NULL, 4096, PROT_READ, MAP_SHARED, fd, 0);
	EXPECT(p != MAP_FAILED);
	if (p == MAP_FAILED)
		return;
	EXPECT_EQ(strcmp(p, "HelloWorld!"), 0);
	EXPECT_EQ(close(fd), 0);
	EXPECT_EQ(run(consumer), 0);
	printf("\n"); /* it printed "HelloWorld!" with no newline */
	EXPECT_ERR(shm_open("OS", O_RDONLY, 0), ENOENT); /* unlinked */
	EXPECT_EQ(strcmp(p, "HelloWorld!"), 0);
	EXPECT_EQ(munmap(p, 4096), 0);
	EXPECT_SHM_NO_LEAK();
}

/* A program that must exit 0: it checks every item itself. */
static void expect_program_ok(char *const argv[], int line)
{
	int status = run(argv);

	if (!WIFEXITED(status) || WEXITSTATUS(status) != 0)
		fail_eq(line, argv[0], status, 0);
}

/* The shared-memory bounded buffer, blocking: 100,000 items, each once
 * and in order (the consumer checks sequence numbers and values). */
UTEST(prodcons_shm_block_100000)
{
	char *argv[] = {"prodcons-shm", "100000", NULL};

	shm_baseline();
	expect_program_ok(argv, __LINE__);
	EXPECT_SHM_NO_LEAK();
}

UTEST(prodcons_shm_yield)
{
	char *argv[] = {"prodcons-shm", "-yield", "10000", NULL};

	shm_baseline();
	expect_program_ok(argv, __LINE__);
	EXPECT_SHM_NO_LEAK();
}

/* The book's busy-wait: correct, only slow (each turn spins out a
 * quantum), so a small count. */
UTEST(prodcons_shm_spin)
{
	char *argv[] = {"prodcons-shm", "-spin", "20", NULL};

	shm_baseline();
	expect_program_ok(argv, __LINE__);
	EXPECT_SHM_NO_LEAK();
}

/* The same problem with messages: the port's queue is the buffer. */
UTEST(prodcons_msg_100000)
{
	char *argv[] = {"prodcons-msg", "100000", NULL};

	ipc_baseline();
	expect_program_ok(argv, __LINE__);
	EXPECT_IPC_NO_LEAK();
	EXPECT_SHM_NO_LEAK();
}
