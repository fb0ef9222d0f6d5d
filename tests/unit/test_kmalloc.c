/* test_kmalloc.c - host unit tests for the kernel heap. */
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "mm/kmalloc.h"
#include "mm/page.h"
#include "unit.h"

/*
 * The page provider, on top of aligned_alloc. It counts outstanding pages,
 * checks each free matches an allocation, can run out of memory on demand
 * and can keep freed pages around ("deferred") so that tests may kfree()
 * a pointer twice without a real use-after-free on the host.
 */
#define MAX_BLOCKS    4096
#define DEFAULT_LIMIT 65536 /* pages: 256 MiB */

struct block {
	void *p;
	size_t npages;
	bool live;
};

static struct block blocks[MAX_BLOCKS];
static size_t nr_blocks;
static size_t pages_outstanding;
static size_t page_limit = DEFAULT_LIMIT;
static size_t alloc_calls;
static bool defer_free;

void *kheap_pages_alloc(size_t npages)
{
	void *p;

	alloc_calls++;
	if (npages > page_limit - pages_outstanding || nr_blocks == MAX_BLOCKS)
		return NULL;
	p = aligned_alloc(PAGE_SIZE, npages * PAGE_SIZE);
	if (!p)
		return NULL;
	/* Dirty, so kzalloc() really has to clear. */
	memset(p, 0xcc, npages * PAGE_SIZE);
	blocks[nr_blocks++] = (struct block){p, npages, true};
	pages_outstanding += npages;
	return p;
}

void kheap_pages_free(void *p, size_t npages)
{
	for (size_t i = 0; i < nr_blocks; i++) {
		if (blocks[i].p != p || !blocks[i].live)
			continue;
		CHECK_EQ(npages, blocks[i].npages);
		pages_outstanding -= blocks[i].npages;
		blocks[i].live = false;
		if (!defer_free) {
			free(p);
			blocks[i] = blocks[--nr_blocks];
		}
		return;
	}
	CHECK(!"kheap_pages_free of pages never allocated");
}

/* Release pages kept by defer_free. */
__attribute__((destructor)) static void release_deferred(void)
{
	for (size_t i = 0; i < nr_blocks;) {
		if (blocks[i].live) {
			i++;
			continue;
		}
		free(blocks[i].p);
		blocks[i] = blocks[--nr_blocks];
	}
}

/* kheap_bug() hook: record instead of panicking. */
static int bug_calls;
static const char *bug_why;
static void *bug_ptr;

void kheap_bug(const char *why, void *p)
{
	bug_calls++;
	bug_why = why;
	bug_ptr = p;
}

static bool bug_was(const char *word, void *p)
{
	return bug_calls == 1 && bug_why && strstr(bug_why, word) &&
	       bug_ptr == p;
}

/* Every test starts with an empty heap holding no pages. */
static void setup(void)
{
	kheap_trim();
	release_deferred();
	CHECK_EQ(kheap_bytes_in_use(), 0);
	CHECK_EQ(pages_outstanding, 0);
	page_limit = DEFAULT_LIMIT;
	defer_free = false;
	alloc_calls = 0;
	bug_calls = 0;
	bug_why = NULL;
	bug_ptr = NULL;
}

/* What kmalloc(size) reserves, as documented in kmalloc.h. */
static size_t reserved(size_t size)
{
	size_t c = KMALLOC_MIN_SIZE;

	if (size > KMALLOC_MAX_SLAB_SIZE)
		return (size + 16 + PAGE_SIZE - 1) / PAGE_SIZE * PAGE_SIZE;
	while (c < size)
		c *= 2;
	return c;
}

static unsigned class_of(size_t size)
{
	unsigned c = 0;

	while ((size_t)KMALLOC_MIN_SIZE << c < size)
		c++;
	return c;
}

static size_t objs_per_slab(unsigned c)
{
	struct kheap_stats st;

	kheap_stats(&st);
	return st.classes[c].objs_per_slab;
}

static void fill(void *p, size_t size, unsigned seed)
{
	unsigned char *b = p;

	for (size_t i = 0; i < size; i++)
		b[i] = (unsigned char)(seed * 131 + i * 7 + (i >> 8));
}

static bool intact(const void *p, size_t size, unsigned seed)
{
	const unsigned char *b = p;

	for (size_t i = 0; i < size; i++)
		if (b[i] != (unsigned char)(seed * 131 + i * 7 + (i >> 8)))
			return false;
	return true;
}

UNIT_TEST(zero_null_and_overflow)
{
	setup();
	CHECK(kmalloc(0) == NULL);
	CHECK(kzalloc(0) == NULL);
	CHECK(kmalloc(SIZE_MAX) == NULL);
	CHECK(kmalloc(SIZE_MAX - 15) == NULL);
	CHECK(kmalloc(SIZE_MAX - PAGE_SIZE) == NULL);
	CHECK(kzalloc(SIZE_MAX) == NULL);
	CHECK_EQ(alloc_calls, 0); /* rejected before asking for pages */
	kfree(NULL);
	CHECK_EQ(bug_calls, 0);
	CHECK_EQ(kheap_bytes_in_use(), 0);
	CHECK_EQ(pages_outstanding, 0);
}

UNIT_TEST(class_boundaries)
{
	static const size_t sizes[] = {
	    1,	  15,	16,   17,   32,	  33,	64,	65,
	    128,  129,	256,  257,  512,  513,	1024,	1025,
	    2047, 2048, 2049, 4080, 4081, 8192, 100000,
	};

	setup();
	for (size_t i = 0; i < sizeof(sizes) / sizeof(sizes[0]); i++) {
		size_t size = sizes[i];
		unsigned char *p = kmalloc(size);

		CHECK(p != NULL);
		if (!p)
			continue;
		CHECK_EQ((uintptr_t)p % KMALLOC_ALIGN, 0);
		CHECK_EQ(kheap_bytes_in_use(), reserved(size));
		if (size > KMALLOC_MAX_SLAB_SIZE) {
			/* Whole pages, pointer just after a 16-byte header. */
			CHECK_EQ((uintptr_t)p % PAGE_SIZE, 16);
			CHECK_EQ(pages_outstanding, reserved(size) / PAGE_SIZE);
		} else {
			CHECK_EQ(pages_outstanding, 1);
		}
		fill(p, size, i);
		CHECK(intact(p, size, i));
		kfree(p);
		CHECK_EQ(kheap_bytes_in_use(), 0);
		kheap_trim();
		CHECK_EQ(pages_outstanding, 0);
	}
	CHECK_EQ(reserved(17), 32);
	CHECK_EQ(reserved(2049), 4096);
	CHECK_EQ(reserved(4081), 8192);
	CHECK_EQ(reserved(100000), 25 * 4096);
	CHECK_EQ(bug_calls, 0);
}

UNIT_TEST(stats_exact)
{
	struct kheap_stats st;
	void *a = NULL, *b = NULL, *c = NULL, *d = NULL;

	setup();
	kheap_stats(&st);
	for (unsigned i = 0; i < KMALLOC_NR_CLASSES; i++) {
		size_t n = st.classes[i].objs_per_slab;

		CHECK_EQ(st.classes[i].size, 16u << i);
		/* The slab header takes at least 16 and at most 128 bytes. */
		CHECK(n * st.classes[i].size <= PAGE_SIZE - 16);
		CHECK(n >= (PAGE_SIZE - 128) / st.classes[i].size);
		CHECK_EQ(st.classes[i].objs_in_use, 0);
		CHECK_EQ(st.classes[i].slab_pages, 0);
	}
	CHECK_EQ(st.classes[KMALLOC_NR_CLASSES - 1].objs_per_slab, 1);
	CHECK_EQ(st.large_blocks, 0);

	a = kmalloc(10);
	b = kmalloc(16);
	c = kmalloc(2000);
	d = kmalloc(3 * PAGE_SIZE);
	kheap_stats(&st);
	CHECK_EQ(st.classes[0].objs_in_use, 2);
	CHECK_EQ(st.classes[0].slab_pages, 1);
	CHECK_EQ(st.classes[7].objs_in_use, 1);
	CHECK_EQ(st.classes[7].slab_pages, 1);
	CHECK_EQ(st.classes[3].objs_in_use, 0);
	CHECK_EQ(st.large_blocks, 1);
	CHECK_EQ(st.large_pages, 4);
	CHECK_EQ(st.bytes_in_use, 16 + 16 + 2048 + 4 * PAGE_SIZE);
	CHECK_EQ(st.bytes_in_use, kheap_bytes_in_use());
	kfree(a);
	kfree(b);
	kfree(c);
	kfree(d);
	kheap_stats(&st);
	CHECK_EQ(st.classes[0].objs_in_use, 0);
	CHECK_EQ(st.classes[0].slab_pages, 1); /* the cached empty slab */
	CHECK_EQ(st.large_blocks, 0);
	CHECK_EQ(st.large_pages, 0);
	CHECK_EQ(st.bytes_in_use, 0);
}

UNIT_TEST(alignment_all_sizes)
{
	enum { N = 600 };
	static void *p[N];

	setup();
	for (size_t i = 0; i < N; i++) {
		p[i] = kmalloc(i * 13 + 1);
		CHECK(p[i] != NULL);
		CHECK_EQ((uintptr_t)p[i] % 16, 0);
	}
	for (size_t i = 0; i < N; i++)
		kfree(p[i]);
	CHECK_EQ(kheap_bytes_in_use(), 0);
	CHECK_EQ(bug_calls, 0);
}

struct range {
	uintptr_t start, end;
};

static int range_cmp(const void *a, const void *b)
{
	const struct range *x = a, *y = b;

	return x->start < y->start ? -1 : x->start > y->start;
}

UNIT_TEST(no_overlap_between_live_objects)
{
	enum { N = 700 };
	static void *p[N];
	static size_t size[N];
	static struct range r[N];

	setup();
	for (unsigned i = 0; i < N; i++) {
		size[i] = (i * 37) % 3000 + 1;
		p[i] = kmalloc(size[i]);
		CHECK(p[i] != NULL);
		if (!p[i])
			return;
		fill(p[i], size[i], i);
		/* Each object owns its whole reserved class slot. */
		r[i].start = (uintptr_t)p[i];
		r[i].end = r[i].start + (size[i] > KMALLOC_MAX_SLAB_SIZE
					     ? size[i]
					     : reserved(size[i]));
	}
	qsort(r, N, sizeof(r[0]), range_cmp);
	for (unsigned i = 1; i < N; i++)
		CHECK(r[i - 1].end <= r[i].start);
	for (unsigned i = 0; i < N; i++)
		CHECK(intact(p[i], size[i], i));
	for (unsigned i = 0; i < N; i += 2)
		kfree(p[i]);
	for (unsigned i = 1; i < N; i += 2)
		CHECK(intact(p[i], size[i], i));
	for (unsigned i = 1; i < N; i += 2)
		kfree(p[i]);
	CHECK_EQ(kheap_bytes_in_use(), 0);
	CHECK_EQ(bug_calls, 0);
}

UNIT_TEST(kzalloc_zeroes)
{
	static const size_t sizes[] = {1, 24, 100, 2048, 2049, 9000};

	setup();
	for (size_t i = 0; i < sizeof(sizes) / sizeof(sizes[0]); i++) {
		size_t n = sizes[i];
		unsigned char *p = kmalloc(n), *q;
		bool zero = true;

		/* Dirty the slot; the heap hands the same slot back (LIFO). */
		memset(p, 0xff, n);
		kfree(p);
		q = kzalloc(n);
		CHECK(q != NULL);
		if (!q)
			continue;
		if (n <= KMALLOC_MAX_SLAB_SIZE)
			CHECK(q == p);
		for (size_t j = 0; j < n; j++)
			zero &= q[j] == 0;
		CHECK(zero);
		kfree(q);
	}
	CHECK_EQ(kheap_bytes_in_use(), 0);
}

UNIT_TEST(bytes_in_use_exact)
{
	static const size_t sizes[] = {5, 16, 17, 300, 2048, 2049, 7000, 64};
	enum { N = sizeof(sizes) / sizeof(sizes[0]) };
	void *p[N];
	size_t expect = 0;

	setup();
	for (size_t i = 0; i < N; i++) {
		p[i] = kmalloc(sizes[i]);
		expect += reserved(sizes[i]);
		CHECK_EQ(kheap_bytes_in_use(), expect);
	}
	CHECK_EQ(expect, 16 + 16 + 32 + 512 + 2048 + 4096 + 8192 + 64);
	for (size_t i = N; i-- > 0;) {
		size_t k = (i * 3) % N; /* free in a shuffled order */

		kfree(p[k]);
		expect -= reserved(sizes[k]);
		CHECK_EQ(kheap_bytes_in_use(), expect);
	}
	CHECK_EQ(kheap_bytes_in_use(), 0);
}

UNIT_TEST(slab_pages_returned_except_one_cached)
{
	enum { MAXN = 1024 };
	static void *p[MAXN];
	unsigned c = class_of(64);
	size_t per = objs_per_slab(c), n = 3 * per + 1;
	struct kheap_stats st;

	setup();
	for (size_t i = 0; i < n; i++)
		p[i] = kmalloc(64);
	CHECK_EQ(pages_outstanding, 4);
	kheap_stats(&st);
	CHECK_EQ(st.classes[c].slab_pages, 4);
	for (size_t i = 0; i < n; i++)
		kfree(p[i]);
	/* At most one empty slab per class is kept. */
	CHECK_EQ(pages_outstanding, 1);
	kheap_stats(&st);
	CHECK_EQ(st.classes[c].slab_pages, 1);
	CHECK_EQ(kheap_bytes_in_use(), 0);

	/* That cached slab is reused: no page traffic for a kmalloc loop. */
	alloc_calls = 0;
	for (int i = 0; i < 100; i++)
		kfree(kmalloc(64));
	CHECK_EQ(alloc_calls, 0);
	CHECK_EQ(pages_outstanding, 1);

	/* One object in each class: one cached page per class afterwards. */
	for (unsigned k = 0; k < KMALLOC_NR_CLASSES; k++)
		p[k] = kmalloc(16u << k);
	CHECK_EQ(pages_outstanding, KMALLOC_NR_CLASSES);
	for (unsigned k = 0; k < KMALLOC_NR_CLASSES; k++)
		kfree(p[k]);
	CHECK_EQ(pages_outstanding, KMALLOC_NR_CLASSES);
	kheap_trim();
	CHECK_EQ(pages_outstanding, 0);
	CHECK_EQ(bug_calls, 0);
}

UNIT_TEST(full_slab_hole_is_reused)
{
	enum { MAXN = 1024 };
	static void *p[MAXN];
	size_t per = objs_per_slab(class_of(256));

	setup();
	for (size_t i = 0; i < per; i++)
		p[i] = kmalloc(256);
	CHECK_EQ(pages_outstanding, 1);
	/* The slab was full; freeing one object must make it usable again. */
	kfree(p[per / 2]);
	CHECK(kmalloc(256) == p[per / 2]);
	CHECK_EQ(pages_outstanding, 1);
	for (size_t i = 0; i < per; i++)
		kfree(p[i]);
	CHECK_EQ(kheap_bytes_in_use(), 0);
	CHECK_EQ(pages_outstanding, 1);
	CHECK_EQ(bug_calls, 0);
}

UNIT_TEST(large_pages_returned_at_once)
{
	void *a, *b;

	setup();
	a = kmalloc(100000);
	b = kmalloc(2049);
	CHECK_EQ(pages_outstanding, 25 + 1);
	kfree(a);
	CHECK_EQ(pages_outstanding, 1);
	kfree(b);
	CHECK_EQ(pages_outstanding, 0);
	CHECK_EQ(kheap_bytes_in_use(), 0);
}

UNIT_TEST(out_of_memory)
{
	enum { MAXN = 1024 };
	static void *p[MAXN];
	size_t per = objs_per_slab(class_of(128));

	setup();
	page_limit = 0;
	CHECK(kmalloc(16) == NULL);
	CHECK(kzalloc(16) == NULL);
	CHECK(kmalloc(5000) == NULL);
	CHECK(kmalloc((size_t)1 << 40) == NULL);
	CHECK_EQ(kheap_bytes_in_use(), 0);
	CHECK_EQ(pages_outstanding, 0);

	/* One page: a slab fills up, then the next object fails. */
	page_limit = 1;
	CHECK(kmalloc(5000) == NULL); /* needs 2 pages */
	for (size_t i = 0; i < per; i++) {
		p[i] = kmalloc(128);
		CHECK(p[i] != NULL);
	}
	CHECK(kmalloc(128) == NULL);
	CHECK(kmalloc(16) == NULL);
	CHECK_EQ(kheap_bytes_in_use(), per * 128);

	/* Memory back: the heap carries on as if nothing happened. */
	page_limit = DEFAULT_LIMIT;
	void *q = kmalloc(128);

	CHECK(q != NULL);
	kfree(q);
	for (size_t i = 0; i < per; i++)
		kfree(p[i]);
	CHECK_EQ(kheap_bytes_in_use(), 0);
	CHECK_EQ(bug_calls, 0);
}

UNIT_TEST(double_free_live_slab)
{
	void *p, *q, *a, *b;

	setup();
	p = kmalloc(32);
	q = kmalloc(32);
	kfree(p);
	CHECK_EQ(bug_calls, 0);
	kfree(p);
	CHECK(bug_was("double free", p));
	CHECK_EQ(kheap_bytes_in_use(), 32);
	/* The free list was not corrupted: p comes back once only. */
	a = kmalloc(32);
	b = kmalloc(32);
	CHECK(a == p);
	CHECK(b != p && b != q);
	kfree(a);
	kfree(b);
	kfree(q);
	CHECK_EQ(kheap_bytes_in_use(), 0);
}

UNIT_TEST(double_free_cached_slab)
{
	void *p;

	setup();
	p = kmalloc(200);
	kfree(p);
	CHECK_EQ(pages_outstanding, 1);
	kfree(p);
	CHECK(bug_was("double free", p));
	CHECK_EQ(kheap_bytes_in_use(), 0);
}

UNIT_TEST(double_free_released_slab)
{
	enum { MAXN = 1024 };
	static void *p[MAXN];
	size_t per = objs_per_slab(class_of(512));

	setup();
	defer_free = true;
	for (size_t i = 0; i <= per; i++)
		p[i] = kmalloc(512);
	CHECK_EQ(pages_outstanding, 2);
	/* The second slab empties first and is cached; the first is freed. */
	kfree(p[per]);
	for (size_t i = 0; i < per; i++)
		kfree(p[i]);
	CHECK_EQ(pages_outstanding, 1);
	kfree(p[0]);
	CHECK(bug_was("double free", p[0]));
	CHECK_EQ(kheap_bytes_in_use(), 0);
}

UNIT_TEST(double_free_large)
{
	void *p;

	setup();
	defer_free = true;
	p = kmalloc(10000);
	kfree(p);
	CHECK_EQ(pages_outstanding, 0);
	kfree(p);
	CHECK(bug_was("double free", p));
	CHECK_EQ(kheap_bytes_in_use(), 0);
}

UNIT_TEST(bad_pointers)
{
	unsigned char *s, *l, *junk = aligned_alloc(PAGE_SIZE, PAGE_SIZE);

	setup();
	s = kmalloc(64);
	l = kmalloc(3 * PAGE_SIZE);
	memset(junk, 0, PAGE_SIZE);

	kfree(s + 1);
	CHECK(bug_was("misaligned", s + 1));
	bug_calls = 0;
	kfree(s + 16); /* inside the object, 16-aligned */
	CHECK(bug_was("not the start", s + 16));
	bug_calls = 0;
	kfree(l + 32); /* first page of a large block */
	CHECK(bug_was("large block", l + 32));
	bug_calls = 0;
	kfree(l + PAGE_SIZE); /* second page: no header there */
	CHECK(bug_was("not a heap pointer", l + PAGE_SIZE));
	bug_calls = 0;
	kfree(junk + 16);
	CHECK(bug_was("not a heap pointer", junk + 16));
	CHECK_EQ(kheap_bytes_in_use(), 64 + 4 * PAGE_SIZE);

	kfree(s);
	kfree(l);
	free(junk);
	CHECK_EQ(kheap_bytes_in_use(), 0);
	CHECK_EQ(bug_calls, 1);
}

UNIT_TEST(write_after_free_caught)
{
	void *p, *q, *link;

	setup();
	p = kmalloc(64);
	q = kmalloc(64);
	kfree(p);
	/* Scribble on the free object's link word, as a buggy caller would. */
	link = *(void **)p;
	*(void **)p = (char *)p + 3;
	CHECK(kmalloc(64) == p);
	CHECK(kmalloc(64) == NULL);
	CHECK(bug_was("corrupted", (char *)p + 3));
	/* Repair: freeing p links it to the bad head, so fix that link. */
	kfree(p);
	*(void **)p = link;
	bug_calls = 0;
	p = kmalloc(64);
	kfree(p);
	kfree(q);
	CHECK_EQ(bug_calls, 0);
	CHECK_EQ(kheap_bytes_in_use(), 0);
}

static uint32_t rng_state;

static uint32_t rng(void)
{
	/* xorshift32: deterministic, so a failure reproduces. */
	rng_state ^= rng_state << 13;
	rng_state ^= rng_state >> 17;
	rng_state ^= rng_state << 5;
	return rng_state;
}

static size_t random_size(void)
{
	uint32_t r = rng() % 100;

	if (r < 80)
		return rng() % 256 + 1;
	if (r < 95)
		return rng() % 2048 + 1;
	return rng() % 20000 + 1;
}

UNIT_TEST(random_stress)
{
	enum { SLOTS = 512, OPS = 20000 };
	static void *p[SLOTS];
	static size_t size[SLOTS];
	static unsigned seed[SLOTS];
	size_t expect = 0, live = 0;

	setup();
	rng_state = 12345;
	for (unsigned op = 0; op < OPS; op++) {
		unsigned i = rng() % SLOTS;

		if (p[i]) {
			CHECK(intact(p[i], size[i], seed[i]));
			kfree(p[i]);
			p[i] = NULL;
			expect -= reserved(size[i]);
			live--;
		} else {
			size[i] = random_size();
			seed[i] = op;
			p[i] = kmalloc(size[i]);
			CHECK(p[i] != NULL);
			if (!p[i])
				break;
			CHECK_EQ((uintptr_t)p[i] % 16, 0);
			fill(p[i], size[i], seed[i]);
			expect += reserved(size[i]);
			live++;
		}
		if (kheap_bytes_in_use() != expect) {
			CHECK_EQ(kheap_bytes_in_use(), expect);
			break; /* one report, not thousands */
		}
		if (op % 2000 == 0) {
			for (unsigned j = 0; j < SLOTS; j++)
				if (p[j])
					CHECK(intact(p[j], size[j], seed[j]));
		}
	}
	CHECK(live > 100);
	for (unsigned i = 0; i < SLOTS; i++) {
		if (p[i]) {
			CHECK(intact(p[i], size[i], seed[i]));
			kfree(p[i]);
			p[i] = NULL;
		}
	}
	CHECK_EQ(kheap_bytes_in_use(), 0);
	CHECK(pages_outstanding <= KMALLOC_NR_CLASSES);
	kheap_trim();
	CHECK_EQ(pages_outstanding, 0);
	CHECK_EQ(bug_calls, 0);
}
