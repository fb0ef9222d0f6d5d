/*
 * malloc.c - a first-fit allocator over sbrk().
 *
 * The design, in four rules:
 *
 * 1. Every block, used or free, starts with a header that records its
 *    size (header included). The pointer malloc returns is just past the
 *    header, so free(p) finds the header at p - 1.
 * 2. Sizes are multiples of 8 and blocks start 8-aligned, so every
 *    pointer handed out is suitably aligned for any C type.
 * 3. Free blocks are kept on one list, sorted by address. malloc takes
 *    the first block big enough (first fit) and splits off the rest if
 *    the rest can still hold a block.
 * 4. free() puts the block back in address order and merges it with the
 *    free block just before and just after it in memory, if they touch.
 *    Sorting by address makes both neighbours easy to find, and merging
 *    keeps the heap from crumbling into pieces too small to use.
 *
 * When no free block fits, the heap grows with sbrk() (at least a page at
 * a time) and the new memory is freed onto the list like any block. Memory
 * is never given back to the kernel.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

struct header {
	size_t size;	     /* bytes in the block, header included */
	struct header *next; /* next free block (only used while free) */
};

#define ALIGN	  8
#define MIN_BLOCK (sizeof(struct header) + ALIGN) /* a header + 8 bytes */
#define GROW_MIN  4096 /* ask sbrk for at least this much at a time */

static struct header *free_list; /* sorted by address; NULL when empty */

static size_t round_up(size_t n, size_t to)
{
	return (n + to - 1) / to * to;
}

/* Put block b on the free list and merge it with touching neighbours. */
static void insert_free(struct header *b)
{
	struct header *prev = NULL, *next = free_list;

	while (next != NULL && next < b) { /* find b's place in the list */
		prev = next;
		next = next->next;
	}
	b->next = next;
	if (prev != NULL)
		prev->next = b;
	else
		free_list = b;

	if (next != NULL && (char *)b + b->size == (char *)next) {
		b->size += next->size; /* b absorbs the block after it */
		b->next = next->next;
	}
	if (prev != NULL && (char *)prev + prev->size == (char *)b) {
		prev->size += b->size; /* the block before absorbs b */
		prev->next = b->next;
	}
}

/* Get at least `need` more bytes from the kernel onto the free list. */
static int grow_heap(size_t need)
{
	char *brk = sbrk(0);
	size_t gap, size;
	struct header *b;
	char *p;

	if (brk == (char *)-1)
		return -1;
	/* The first break is wherever the program's data ended: align it. */
	gap = round_up((uintptr_t)brk, ALIGN) - (uintptr_t)brk;
	size = round_up(need, GROW_MIN);
	if (size > 0x7fffffff - gap) /* sbrk takes an int */
		return -1;
	p = sbrk((int)(gap + size));
	if (p == (char *)-1)
		return -1;
	b = (struct header *)(p + gap);
	b->size = size;
	insert_free(b);
	return 0;
}

/* Take `need` bytes from the first free block that has them, or NULL. */
static struct header *take_first_fit(size_t need)
{
	struct header **link = &free_list;

	for (struct header *b = free_list; b != NULL; b = b->next) {
		if (b->size >= need) {
			if (b->size - need >= MIN_BLOCK) {
				/* split: the tail stays free, in b's place */
				struct header *rest =
				    (struct header *)((char *)b + need);
				rest->size = b->size - need;
				rest->next = b->next;
				*link = rest;
				b->size = need;
			} else {
				*link = b->next; /* use the whole block */
			}
			return b;
		}
		link = &b->next;
	}
	return NULL;
}

void *malloc(size_t size)
{
	size_t need;
	struct header *b;

	if (size > 0x7fff0000) /* would overflow the sums below */
		return NULL;
	need = round_up(size, ALIGN) + sizeof(struct header);
	if (need < MIN_BLOCK) /* malloc(0) still gets a block of its own */
		need = MIN_BLOCK;

	b = take_first_fit(need);
	if (b == NULL) {
		if (grow_heap(need) < 0)
			return NULL;
		b = take_first_fit(need);
	}
	return b ? b + 1 : NULL;
}

void free(void *p)
{
	if (p != NULL)
		insert_free((struct header *)p - 1);
}

void *calloc(size_t n, size_t size)
{
	void *p;

	if (size != 0 && n > 0x7fff0000 / size) /* n * size would overflow */
		return NULL;
	p = malloc(n * size);
	if (p != NULL)
		memset(p, 0, n * size);
	return p;
}

/* Keep the block if it is already big enough; otherwise move the data
 * to a new block. */
void *realloc(void *p, size_t size)
{
	struct header *b;
	size_t have;
	void *q;

	if (p == NULL)
		return malloc(size);
	if (size == 0) {
		free(p);
		return NULL;
	}
	b = (struct header *)p - 1;
	have = b->size - sizeof(struct header);
	if (have >= size)
		return p;
	q = malloc(size);
	if (q != NULL) {
		memcpy(q, p, have);
		free(p);
	}
	return q;
}
