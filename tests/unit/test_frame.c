/* test_frame.c - host unit tests for the physical frame allocator. */
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "mm/frame.h"
#include "unit.h"

/* frame_bug() hook: record instead of panicking. */
static int bug_calls;
static const char *bug_why;
static phys_addr_t bug_pa;

void frame_bug(const char *why, phys_addr_t pa)
{
	bug_calls++;
	bug_why = why;
	bug_pa = pa;
}

static void *storage;

/* Fresh allocator over nframes frames, all reserved, no bug recorded. */
static void setup(size_t nframes)
{
	free(storage);
	storage = malloc(frame_storage_bytes(nframes) + 1);
	/* Garbage in the storage must not matter: init owns all of it. */
	memset(storage, 0xa5, frame_storage_bytes(nframes) + 1);
	frame_init(storage, nframes);
	bug_calls = 0;
	bug_why = NULL;
	bug_pa = 0;
}

/* Keep LeakSanitizer quiet when only some tests run. */
__attribute__((destructor)) static void teardown(void)
{
	free(storage);
	storage = NULL;
}

#define FRAME(i) ((phys_addr_t)(i)*PAGE_SIZE)

/* Setup with every frame of nframes usable (frame 0 still reserved). */
static void setup_all_free(size_t nframes)
{
	setup(nframes);
	frame_add_free(0, FRAME(nframes));
}

static bool bug_was(const char *word, phys_addr_t pa)
{
	return bug_calls == 1 && bug_why && strstr(bug_why, word) &&
	       bug_pa == pa;
}

UNIT_TEST(page_macros)
{
	CHECK_EQ(PAGE_SIZE, 4096);
	CHECK_EQ(PAGE_ALIGN_DOWN(0x1fffu), 0x1000);
	CHECK_EQ(PAGE_ALIGN_UP(0x1001u), 0x2000);
	CHECK_EQ(PAGE_ALIGN_UP(0x2000u), 0x2000);
	/* The mask must keep the high half of a 64-bit uintptr_t. */
	CHECK(PAGE_ALIGN_DOWN((uintptr_t)0x123456789abcULL) ==
	      (uintptr_t)0x123456789000ULL);
}

UNIT_TEST(storage_bytes)
{
	CHECK_EQ(frame_storage_bytes(0), 0);
	CHECK_EQ(frame_storage_bytes(1), 4 + 2);
	CHECK_EQ(frame_storage_bytes(32), 4 + 64);
	CHECK_EQ(frame_storage_bytes(33), 8 + 66);
	CHECK_EQ(frame_storage_bytes(1 << 20), 131072 + 2097152);
}

UNIT_TEST(init_all_reserved)
{
	setup(100);
	CHECK_EQ(frame_free_count(), 0);
	CHECK_EQ(frame_total_count(), 0);
	CHECK_EQ(frame_alloc(), 0);
	CHECK_EQ(frame_alloc_contig(1), 0);
	CHECK_EQ(frame_refcount(FRAME(5)), 0);
	CHECK_EQ(bug_calls, 0);
}

UNIT_TEST(add_free_rounds_inward)
{
	setup(100);
	/* [0x1800, 0x5800): frames 2, 3, 4 are whole; 1 and 5 are partial. */
	frame_add_free(0x1800, 0x5800);
	CHECK_EQ(frame_free_count(), 3);
	CHECK_EQ(frame_total_count(), 3);
	/* Less than a frame, inside frame 6: nothing. */
	frame_add_free(0x6100, 0x6f00);
	CHECK_EQ(frame_free_count(), 3);
	/* Empty and inverted ranges: nothing. */
	frame_add_free(0x8000, 0x8000);
	frame_add_free(0x9000, 0x7000);
	CHECK_EQ(frame_free_count(), 3);
	CHECK_EQ(frame_alloc(), FRAME(2));
	CHECK_EQ(frame_alloc(), FRAME(3));
	CHECK_EQ(frame_alloc(), FRAME(4));
	CHECK_EQ(frame_alloc(), 0);
	CHECK_EQ(bug_calls, 0);
}

UNIT_TEST(add_free_overlap_counts_once)
{
	setup(100);
	frame_add_free(FRAME(10), FRAME(20));
	frame_add_free(FRAME(15), FRAME(25));
	frame_add_free(FRAME(10), FRAME(20));
	CHECK_EQ(frame_free_count(), 15);
	CHECK_EQ(frame_total_count(), 15);
}

UNIT_TEST(add_free_skips_frame0_and_clips)
{
	setup(40);
	frame_add_free(0, FRAME(3));
	CHECK_EQ(frame_free_count(), 2); /* frames 1, 2 */
	/* Regions beyond the tracked frames are clipped. */
	frame_add_free(FRAME(38), 0xfffff000u);
	CHECK_EQ(frame_free_count(), 4); /* + 38, 39 */
	frame_add_free(FRAME(100), FRAME(200));
	CHECK_EQ(frame_free_count(), 4);
	CHECK_EQ(frame_total_count(), 4);
}

UNIT_TEST(add_free_keeps_allocated)
{
	phys_addr_t pa;

	setup_all_free(64);
	pa = frame_alloc();
	CHECK_EQ(pa, FRAME(1));
	/* Adding a region again must not free the live frame. */
	frame_add_free(0, FRAME(64));
	CHECK_EQ(frame_free_count(), 62);
	CHECK_EQ(frame_total_count(), 63);
	CHECK_EQ(frame_refcount(pa), 1);
	CHECK(frame_alloc() != pa);
}

UNIT_TEST(reserve_rounds_outward)
{
	setup_all_free(100);
	CHECK_EQ(frame_free_count(), 99);
	/* [0x2fff, 0x3001) touches frames 2 and 3. */
	frame_reserve(0x2fff, 0x3001);
	CHECK_EQ(frame_free_count(), 97);
	CHECK_EQ(frame_total_count(), 97);
	/* Reserving again, or overlapping, counts only new frames. */
	frame_reserve(FRAME(2), FRAME(5)); /* adds frame 4 */
	CHECK_EQ(frame_free_count(), 96);
	frame_reserve(FRAME(7), FRAME(7)); /* empty */
	CHECK_EQ(frame_free_count(), 96);
	frame_reserve(0, 1); /* frame 0: already reserved */
	CHECK_EQ(frame_free_count(), 96);
	frame_reserve(FRAME(98), 0xffffffffu); /* 98, 99, rest clipped */
	CHECK_EQ(frame_free_count(), 94);
	CHECK_EQ(frame_total_count(), 94);
	CHECK_EQ(frame_alloc(), FRAME(1));
	CHECK_EQ(frame_alloc(), FRAME(5));
	CHECK_EQ(bug_calls, 0);
}

UNIT_TEST(reserve_allocated_is_bug)
{
	phys_addr_t pa;

	setup_all_free(64);
	pa = frame_alloc();
	frame_reserve(pa, pa + 1);
	CHECK(bug_was("allocated", pa));
	CHECK_EQ(frame_refcount(pa), 1);
	CHECK_EQ(frame_free_count(), 62);
}

UNIT_TEST(frame0_never_returned)
{
	size_t n = 0;
	phys_addr_t pa;

	setup_all_free(70);
	frame_add_free(0, 0x1000);
	CHECK_EQ(frame_total_count(), 69);
	while ((pa = frame_alloc()) != 0) {
		CHECK(pa >= FRAME(1) && pa < FRAME(70));
		n++;
	}
	CHECK_EQ(n, 69);
	CHECK_EQ(frame_refcount(0), 0);
}

UNIT_TEST(exhaust_free_realloc)
{
	enum { N = 77 }; /* not a multiple of 32: padding bits */
	static uint8_t seen[N];
	phys_addr_t pa;
	size_t n = 0;

	setup_all_free(N);
	memset(seen, 0, sizeof(seen));
	while ((pa = frame_alloc()) != 0) {
		CHECK(PAGE_ALIGNED(pa));
		CHECK(pa / PAGE_SIZE < N);
		CHECK_EQ(seen[pa / PAGE_SIZE], 0);
		seen[pa / PAGE_SIZE] = 1;
		CHECK_EQ(frame_refcount(pa), 1);
		n++;
		CHECK_EQ(frame_free_count(), N - 1 - n);
	}
	CHECK_EQ(n, N - 1);
	CHECK_EQ(frame_alloc(), 0);
	CHECK_EQ(frame_free_count(), 0);
	CHECK_EQ(frame_total_count(), N - 1);

	frame_free(FRAME(40));
	CHECK_EQ(frame_free_count(), 1);
	CHECK_EQ(frame_alloc(), FRAME(40));
	CHECK_EQ(frame_alloc(), 0);

	for (size_t i = 1; i < N; i++)
		frame_free(FRAME(i));
	CHECK_EQ(frame_free_count(), N - 1);
	CHECK_EQ(bug_calls, 0);
}

UNIT_TEST(lowest_free_first_after_free)
{
	setup_all_free(200);
	for (int i = 1; i < 150; i++)
		CHECK_EQ(frame_alloc(), FRAME(i));
	/* A free far below the search hint must be found next. */
	frame_free(FRAME(3));
	frame_free(FRAME(100));
	CHECK_EQ(frame_alloc(), FRAME(3));
	CHECK_EQ(frame_alloc(), FRAME(100));
	CHECK_EQ(frame_alloc(), FRAME(150));
}

UNIT_TEST(refcounts)
{
	phys_addr_t pa;

	setup_all_free(64);
	pa = frame_alloc();
	CHECK_EQ(frame_refcount(pa), 1);
	frame_ref(pa);
	CHECK_EQ(frame_refcount(pa), 2);
	CHECK_EQ(frame_free_count(), 62);
	frame_free(pa);
	CHECK_EQ(frame_refcount(pa), 1);
	CHECK_EQ(frame_free_count(), 62);
	frame_free(pa);
	CHECK_EQ(frame_refcount(pa), 0);
	CHECK_EQ(frame_free_count(), 63);
	CHECK_EQ(bug_calls, 0);
	frame_free(pa);
	CHECK(bug_was("free", pa));
	CHECK_EQ(frame_free_count(), 63);
}

UNIT_TEST(refcount_overflow_is_bug)
{
	phys_addr_t pa;

	setup_all_free(64);
	pa = frame_alloc();
	for (int i = 1; i < 0xffff; i++)
		frame_ref(pa);
	CHECK_EQ(frame_refcount(pa), 0xffff);
	CHECK_EQ(bug_calls, 0);
	frame_ref(pa);
	CHECK(bug_was("overflow", pa));
	CHECK_EQ(frame_refcount(pa), 0xffff);
}

UNIT_TEST(contig_basic)
{
	phys_addr_t pa;

	setup_all_free(256);
	CHECK_EQ(frame_alloc_contig(0), 0);
	CHECK_EQ(frame_alloc_contig(256), 0); /* frame 0 is reserved */
	pa = frame_alloc_contig(4);
	CHECK_EQ(pa, FRAME(1));
	CHECK(PAGE_ALIGNED(pa));
	for (int i = 0; i < 4; i++)
		CHECK_EQ(frame_refcount(pa + FRAME(i)), 1);
	CHECK_EQ(frame_refcount(pa + FRAME(4)), 0);
	CHECK_EQ(frame_free_count(), 255 - 4);
	/* A run crossing a bitmap word boundary (frames 5..39). */
	CHECK_EQ(frame_alloc_contig(35), FRAME(5));
	CHECK_EQ(frame_free_count(), 255 - 39);
	CHECK_EQ(frame_alloc(), FRAME(40));
	for (int i = 0; i < 4; i++)
		frame_free(pa + FRAME(i));
	CHECK_EQ(frame_free_count(), 255 - 36);
	/* The whole rest, 216 frames from 41, still fits. */
	CHECK_EQ(frame_alloc_contig(216), 0); /* only 215 after frame 40 */
	CHECK_EQ(frame_alloc_contig(215), FRAME(41));
	CHECK_EQ(frame_free_count(), 4);
	CHECK_EQ(bug_calls, 0);
}

UNIT_TEST(contig_fragmented)
{
	setup_all_free(128);
	for (int i = 1; i < 128; i++)
		CHECK_EQ(frame_alloc(), FRAME(i));
	/* Free every other frame: plenty free, no two adjacent. */
	for (int i = 2; i < 128; i += 2)
		frame_free(FRAME(i));
	CHECK_EQ(frame_free_count(), 63);
	CHECK_EQ(frame_alloc_contig(2), 0);
	CHECK_EQ(frame_free_count(), 63);
	/* Freeing 71 makes 70..72 a run of three. */
	frame_free(FRAME(71));
	CHECK_EQ(frame_alloc_contig(4), 0);
	CHECK_EQ(frame_alloc_contig(3), FRAME(70));
	CHECK_EQ(frame_free_count(), 61);
	CHECK_EQ(frame_refcount(FRAME(72)), 1);
	CHECK_EQ(bug_calls, 0);
}

UNIT_TEST(contig_run_broken_by_full_word)
{
	setup_all_free(128);
	for (int i = 1; i < 128; i++)
		frame_alloc();
	/* 31 ends word 0, word 1 (32..63) is full, 64 starts word 2. */
	frame_free(FRAME(31));
	frame_free(FRAME(64));
	CHECK_EQ(frame_alloc_contig(2), 0);
	frame_free(FRAME(65));
	CHECK_EQ(frame_alloc_contig(2), FRAME(64));
	CHECK_EQ(frame_free_count(), 1);
	CHECK_EQ(frame_alloc(), FRAME(31));
	CHECK_EQ(bug_calls, 0);
}

UNIT_TEST(bug_double_free)
{
	phys_addr_t pa;

	setup_all_free(64);
	pa = frame_alloc();
	frame_free(pa);
	CHECK_EQ(bug_calls, 0);
	frame_free(pa);
	CHECK(bug_was("already free", pa));
	CHECK_EQ(frame_free_count(), 63);
}

UNIT_TEST(bug_free_reserved)
{
	setup_all_free(64);
	frame_reserve(FRAME(10), FRAME(11));
	frame_free(FRAME(10));
	CHECK(bug_was("reserved", FRAME(10)));
	bug_calls = 0;
	frame_free(0);
	CHECK(bug_was("reserved", 0));
	CHECK_EQ(frame_free_count(), 62);
	bug_calls = 0;
	frame_ref(FRAME(10));
	CHECK(bug_was("reserved", FRAME(10)));
	CHECK_EQ(frame_refcount(FRAME(10)), 0);
}

UNIT_TEST(bug_unaligned_and_out_of_range)
{
	phys_addr_t pa;

	setup_all_free(64);
	pa = frame_alloc();
	frame_free(pa + 4);
	CHECK(bug_was("unaligned", pa + 4));
	CHECK_EQ(frame_refcount(pa), 1);
	bug_calls = 0;
	frame_free(FRAME(64));
	CHECK(bug_was("range", FRAME(64)));
	bug_calls = 0;
	frame_ref(0xfffff000u);
	CHECK(bug_was("range", 0xfffff000u));
	bug_calls = 0;
	frame_ref(pa + 1);
	CHECK(bug_was("unaligned", pa + 1));
	CHECK_EQ(frame_free_count(), 62);
	CHECK_EQ(frame_refcount(FRAME(64)), 0);
}

UNIT_TEST(full_4gib)
{
	size_t n = 0;
	phys_addr_t pa, last = 0;

	setup(FRAME_MAX_FRAMES);
	/* A map entry ending at the top: the last frame is partial. */
	frame_add_free(0, 0xffffffffu);
	CHECK_EQ(frame_total_count(), FRAME_MAX_FRAMES - 2);
	frame_add_free(0xfffff000u, 0xffffffffu);
	CHECK_EQ(frame_total_count(), FRAME_MAX_FRAMES - 2);
	while ((pa = frame_alloc()) != 0) {
		if (pa != last + PAGE_SIZE)
			break; /* must come in order, checked below */
		last = pa;
		n++;
	}
	CHECK_EQ(n, FRAME_MAX_FRAMES - 2);
	CHECK_EQ(last, 0xffffe000u);
	CHECK_EQ(frame_free_count(), 0);
	frame_free(0xffffe000u);
	CHECK_EQ(frame_alloc_contig(1), 0xffffe000u);
	frame_reserve(0xfffff000u, 0xffffffffu);
	CHECK_EQ(bug_calls, 0);
}

/* frame_ref_many / frame_free_many: the same counts as one call a page. */
UNIT_TEST(ref_and_free_many)
{
	phys_addr_t pa[3];
	size_t before;

	setup_all_free(16);
	for (int i = 0; i < 3; i++)
		pa[i] = frame_alloc();
	before = frame_free_count();
	frame_ref_many(pa, 3);
	frame_ref_many(pa, 2);
	CHECK(frame_refcount(pa[0]) == 3 && frame_refcount(pa[2]) == 2);
	frame_free_many(pa, 3);
	CHECK(frame_refcount(pa[0]) == 2 && frame_refcount(pa[2]) == 1);
	frame_free_many(pa, 3); /* the last references: the frames go */
	CHECK(frame_free_count() == before + 1);
	CHECK(frame_refcount(pa[2]) == 0);
	frame_free_many(pa, 2);
	CHECK(frame_free_count() == before + 3);
	CHECK(bug_calls == 0);
	frame_free_many(pa, 1); /* already free: reported, not counted */
	CHECK(bug_was("free", pa[0]));
	CHECK(frame_free_count() == before + 3);
	frame_ref_many(pa + 1, 1); /* a free frame cannot gain a reference */
	CHECK(bug_calls == 2 && frame_refcount(pa[1]) == 0);
}

/* An entry of 0 is no frame (a received page already mapped): skipped,
 * not reported, and the entries after it still count. */
UNIT_TEST(many_skips_zero_entries)
{
	phys_addr_t pa[3];

	setup_all_free(16);
	pa[0] = frame_alloc();
	pa[1] = 0;
	pa[2] = frame_alloc();
	frame_ref_many(pa, 3);
	CHECK(frame_refcount(pa[0]) == 2 && frame_refcount(pa[2]) == 2);
	frame_free_many(pa, 3);
	CHECK(frame_refcount(pa[0]) == 1 && frame_refcount(pa[2]) == 1);
	CHECK_EQ(bug_calls, 0);
}
