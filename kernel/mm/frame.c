/*
 * frame.c - the physical frame allocator: a bitmap plus refcounts.
 *
 * One bit per frame says "not available" (reserved or allocated); a 16-bit
 * refcount per frame tells the two apart (0 = reserved) and lets fork share
 * frames copy-on-write. Both arrays live in storage the caller provides.
 */
#include <stdbool.h>
#include <stdint.h>

#include "mm/frame.h"

#define BITS_PER_WORD 32
#define WORD_FULL     0xffffffffu
#define REFCOUNT_MAX  0xffffu

static uint32_t *frame_bitmap; /* bit set: reserved or allocated */
static uint16_t *frame_refs;   /* 0 for free and reserved frames */
static size_t nr_frames;
static size_t nr_words;
static size_t nr_free;
static size_t nr_usable;

/*
 * Search hint: every bitmap word below this index is full. frame_alloc()
 * starts there instead of at word 0, so the common case costs O(1) words
 * instead of rescanning the low memory that boot allocations filled up.
 * Frees below the hint move it back down, which keeps the "lowest free frame
 * first" order and makes the allocator deterministic.
 */
static size_t search_hint;

static size_t words_for(size_t nframes)
{
	return (nframes + BITS_PER_WORD - 1) / BITS_PER_WORD;
}

size_t frame_storage_bytes(size_t nframes)
{
	return words_for(nframes) * sizeof(uint32_t) +
	       nframes * sizeof(uint16_t);
}

static bool frame_used(size_t i)
{
	return frame_bitmap[i / BITS_PER_WORD] & (1u << (i % BITS_PER_WORD));
}

static void set_used(size_t i)
{
	frame_bitmap[i / BITS_PER_WORD] |= 1u << (i % BITS_PER_WORD);
}

static void set_free(size_t i)
{
	frame_bitmap[i / BITS_PER_WORD] &= ~(1u << (i % BITS_PER_WORD));
	nr_free++;
	if (i / BITS_PER_WORD < search_hint)
		search_hint = i / BITS_PER_WORD;
}

static phys_addr_t frame_addr(size_t i)
{
	return (phys_addr_t)i << PAGE_SHIFT;
}

void frame_init(void *storage, size_t nframes)
{
	if (nframes > FRAME_MAX_FRAMES)
		nframes = FRAME_MAX_FRAMES;
	nr_frames = nframes;
	nr_words = words_for(nframes);
	frame_bitmap = storage;
	frame_refs = (uint16_t *)(frame_bitmap + nr_words);

	/*
	 * Everything starts reserved, including the padding bits past the last
	 * frame: they are never cleared, so the scanners need no bounds check
	 * inside the last word.
	 */
	for (size_t w = 0; w < nr_words; w++)
		frame_bitmap[w] = WORD_FULL;
	for (size_t i = 0; i < nframes; i++)
		frame_refs[i] = 0;
	nr_free = 0;
	nr_usable = 0;
	search_hint = nr_words;
}

void frame_add_free(phys_addr_t start, phys_addr_t end)
{
	/* 64-bit math so rounding up near 4 GiB cannot wrap to 0. */
	uint64_t first = PAGE_ALIGN_UP((uint64_t)start) >> PAGE_SHIFT;
	uint64_t last = (uint64_t)end >> PAGE_SHIFT;

	/* Frame 0 stays reserved so that 0 can mean "no frame". */
	if (first == 0)
		first = 1;
	if (last > nr_frames)
		last = nr_frames;
	for (size_t i = first; i < last; i++) {
		/* Overlapping map entries must not count a frame twice. */
		if (frame_used(i) && frame_refs[i] == 0) {
			set_free(i);
			nr_usable++;
		}
	}
}

void frame_reserve(phys_addr_t start, phys_addr_t end)
{
	uint64_t first = start >> PAGE_SHIFT;
	uint64_t last = PAGE_ALIGN_UP((uint64_t)end) >> PAGE_SHIFT;

	if (last > nr_frames)
		last = nr_frames;
	for (size_t i = first; i < last; i++) {
		if (frame_refs[i] != 0) {
			/* Someone owns it: reserving it would be a conflict. */
			frame_bug("reserving an allocated frame",
				  frame_addr(i));
		} else if (!frame_used(i)) {
			set_used(i);
			nr_free--;
			nr_usable--;
		}
	}
}

static void take_frame(size_t i)
{
	set_used(i);
	frame_refs[i] = 1;
	nr_free--;
}

phys_addr_t frame_alloc(void)
{
	if (nr_free == 0)
		return 0;
	/* Full words are skipped with one compare, then ctz finds the bit. */
	for (size_t w = search_hint; w < nr_words; w++) {
		if (frame_bitmap[w] == WORD_FULL)
			continue;
		size_t i = w * BITS_PER_WORD + __builtin_ctz(~frame_bitmap[w]);

		search_hint = w;
		take_frame(i);
		return frame_addr(i);
	}
	return 0; /* unreachable while nr_free is right */
}

phys_addr_t frame_alloc_contig(size_t n)
{
	size_t run = 0;

	if (n == 0 || n > nr_free)
		return 0;
	/* First fit; rare (large kmalloc blocks), so a plain scan is fine. */
	for (size_t i = search_hint * BITS_PER_WORD; i < nr_frames; i++) {
		if (i % BITS_PER_WORD == 0 &&
		    frame_bitmap[i / BITS_PER_WORD] == WORD_FULL) {
			run = 0;
			i += BITS_PER_WORD - 1;
			continue;
		}
		if (frame_used(i)) {
			run = 0;
			continue;
		}
		if (++run == n) {
			size_t first = i + 1 - n;

			for (size_t j = first; j <= i; j++)
				take_frame(j);
			return frame_addr(first);
		}
	}
	return 0;
}

/* Why pa is not an allocated frame (frame_bug's complaint), or NULL. */
static const char *misuse(phys_addr_t pa)
{
	size_t i = pa >> PAGE_SHIFT;

	if (!PAGE_ALIGNED(pa))
		return "unaligned frame address";
	if (i >= nr_frames)
		return "frame address out of range";
	if (!frame_used(i))
		return "frame is already free";
	return frame_refs[i] == 0 ? "frame is reserved" : NULL;
}

/*
 * The index of the allocated frame at pa, or -1 after reporting misuse
 * through frame_bug(). Inline, and the common case is two tests: these
 * run once per page when memory is shared or given back (fork, exit,
 * out-of-line messages).
 */
static inline __attribute__((always_inline)) long
lookup_allocated(phys_addr_t pa)
{
	size_t i = pa >> PAGE_SHIFT;

	if (PAGE_ALIGNED(pa) && i < nr_frames && frame_refs[i] != 0)
		return (long)i; /* refs != 0 implies used (frame.h) */
	frame_bug(misuse(pa) ? misuse(pa) : "frame is reserved", pa);
	return -1;
}

void frame_free(phys_addr_t pa)
{
	long i = lookup_allocated(pa);

	if (i < 0)
		return;
	if (--frame_refs[i] == 0)
		set_free(i);
}

void frame_ref(phys_addr_t pa)
{
	long i = lookup_allocated(pa);

	if (i < 0)
		return;
	if (frame_refs[i] == REFCOUNT_MAX) {
		frame_bug("frame refcount overflow", pa);
		return;
	}
	frame_refs[i]++;
}

/*
 * The same for n frames at once (page-aligned addresses of frames below
 * nr_frames, as page tables hold them): out-of-line
 * messages share and give back hundreds of pages per call, and one loop
 * here costs a few instructions a page where a call each costs tens.
 */
/*
 * The inner loops call nothing, so that everything stays in registers:
 * each stops at the first frame that needs the slow path and returns it.
 */
static __attribute__((noinline)) const phys_addr_t *
ref_run(uint16_t *refs, const phys_addr_t *pa, const phys_addr_t *end)
{
#pragma GCC unroll 4
	for (; pa < end; pa++) {
		/* Frames named by page tables are < nr_frames by making. */
		uint16_t *r = &refs[*pa >> PAGE_SHIFT];
		uint16_t c = *r + 1; /* wraps to 0 at the max */

		if (c < 2) /* the frame was free, or is at the max */
			break;
		*r = c;
	}
	return pa;
}

static __attribute__((noinline)) const phys_addr_t *
free_run(uint16_t *refs, const phys_addr_t *pa, const phys_addr_t *end)
{
#pragma GCC unroll 4
	for (; pa < end; pa++) {
		uint16_t *r = &refs[*pa >> PAGE_SHIFT];
		uint16_t c = *r;

		if (c <= 1) /* the last reference, or a misuse */
			break;
		*r = c - 1; /* still in use: the common case */
	}
	return pa;
}

void frame_ref_many(const phys_addr_t *pa, size_t n)
{
	const phys_addr_t *end = pa + n;

	for (; (pa = ref_run(frame_refs, pa, end)) < end; pa++)
		if (*pa != 0)		/* 0: no frame here */
			frame_ref(*pa); /* reports the misuse */
}

void frame_free_many(const phys_addr_t *pa, size_t n)
{
	const phys_addr_t *end = pa + n;

	for (; (pa = free_run(frame_refs, pa, end)) < end; pa++)
		if (*pa != 0) /* 0: no frame here */
			frame_free(*pa);
}

unsigned frame_refcount(phys_addr_t pa)
{
	size_t i = pa >> PAGE_SHIFT;

	return i < nr_frames ? frame_refs[i] : 0;
}

size_t frame_free_count(void)
{
	return nr_free;
}

size_t frame_total_count(void)
{
	return nr_usable;
}
