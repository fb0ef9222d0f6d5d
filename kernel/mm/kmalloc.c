/*
 * kmalloc.c - the kernel heap: size-class slabs plus whole-page blocks.
 *
 * A slab is one page holding objects of one size class. Its header sits at
 * the start of the page, so kfree() finds it by rounding the pointer down:
 *
 *   page: [struct slab | pad to 16][obj 0][obj 1]...[obj n-1][unused tail]
 *
 * Free objects are chained through their first word (free_list, O(1)
 * alloc/free) and also marked in free_map, one bit per object, which is what
 * catches double frees and pointers into the middle of objects.
 *
 * Requests above the largest class get whole pages:
 *
 *   pages: [struct large_hdr | pad to 16][caller's bytes ...]
 *
 * Both headers start with a magic number; kfree() dispatches on it.
 */
#include <stdbool.h>
#include <stdint.h>

#include "mm/kmalloc.h"
#include "mm/page.h"

#define ALIGN_UP(x, a) (((x) + (a)-1) / (a) * (a))

#define SLAB_MAGIC  0x51ab51abu
#define SLAB_DEAD   0xdead51abu /* slab page given back */
#define LARGE_MAGIC 0x1a46e0b1u
#define LARGE_DEAD  0xdead0b1u /* large block freed */

#define MAX_OBJS_PER_SLAB (PAGE_SIZE / KMALLOC_MIN_SIZE)

struct free_obj {
	struct free_obj *next;
};

struct slab {
	uint32_t magic;
	uint16_t class;
	uint16_t nr_objs;
	uint16_t nr_free;
	struct free_obj *free_list;
	struct slab *next, *prev; /* in the class's partial list */
	uint32_t free_map[MAX_OBJS_PER_SLAB / 32]; /* bit set: free */
};

struct large_hdr {
	uint32_t magic;
	size_t npages;
};

#define SLAB_HDR_SIZE  ALIGN_UP(sizeof(struct slab), KMALLOC_ALIGN)
#define LARGE_HDR_SIZE ALIGN_UP(sizeof(struct large_hdr), KMALLOC_ALIGN)

_Static_assert(SLAB_HDR_SIZE + KMALLOC_MAX_SLAB_SIZE <= PAGE_SIZE,
	       "the largest class must fit in a page with the slab header");

/*
 * Per size class: slabs with some (not all) objects free, plus at most one
 * completely empty slab kept back. Without that cache, a loop doing
 * kmalloc/kfree of one object would get and give back a page every time.
 * Full slabs are on no list: nothing needs to find them but kfree(), which
 * uses the page address.
 */
struct kmem_class {
	struct slab *partial;
	struct slab *empty;
	size_t objs_in_use;
	size_t nr_slabs; /* pages held, the cached empty one included */
};

static struct kmem_class classes[KMALLOC_NR_CLASSES];
static size_t bytes_in_use;
static size_t large_blocks, large_pages;

static size_t class_size(unsigned c)
{
	return (size_t)KMALLOC_MIN_SIZE << c;
}

static size_t objs_per_slab(unsigned c)
{
	return (PAGE_SIZE - SLAB_HDR_SIZE) / class_size(c);
}

/* Smallest class that holds size; size must be <= KMALLOC_MAX_SLAB_SIZE. */
static unsigned size_to_class(size_t size)
{
	if (size <= KMALLOC_MIN_SIZE)
		return 0;
	/* Class c holds up to 2^(c + 4) bytes: c = bits in size - 1, less 4
	 * (17..32 -> 1, 33..64 -> 2, ...). */
	return 32 - __builtin_clz((unsigned)(size - 1)) -
	       __builtin_ctz(KMALLOC_MIN_SIZE);
}

static void *slab_obj(struct slab *s, size_t i)
{
	return (char *)s + SLAB_HDR_SIZE + i * class_size(s->class);
}

/* Index of the object starting at p, or -1 if p is not an object start. */
static long slab_index(struct slab *s, const void *p)
{
	uintptr_t first = (uintptr_t)s + SLAB_HDR_SIZE;
	uintptr_t addr = (uintptr_t)p;
	size_t size = class_size(s->class);

	if (addr < first || (addr - first) % size != 0)
		return -1;
	if ((addr - first) / size >= s->nr_objs)
		return -1;
	return (long)((addr - first) / size);
}

static bool obj_is_free(struct slab *s, size_t i)
{
	return s->free_map[i / 32] & (1u << (i % 32));
}

static void mark_free(struct slab *s, size_t i, bool free)
{
	if (free)
		s->free_map[i / 32] |= 1u << (i % 32);
	else
		s->free_map[i / 32] &= ~(1u << (i % 32));
}

static void partial_add(struct kmem_class *cls, struct slab *s)
{
	s->prev = NULL;
	s->next = cls->partial;
	if (cls->partial)
		cls->partial->prev = s;
	cls->partial = s;
}

static void partial_del(struct kmem_class *cls, struct slab *s)
{
	if (s->prev)
		s->prev->next = s->next;
	else
		cls->partial = s->next;
	if (s->next)
		s->next->prev = s->prev;
	s->next = s->prev = NULL;
}

static struct slab *slab_create(unsigned c)
{
	struct slab *s = kheap_pages_alloc(1);

	if (!s)
		return NULL;
	s->magic = SLAB_MAGIC;
	s->class = c;
	s->nr_objs = objs_per_slab(c);
	s->nr_free = s->nr_objs;
	s->free_list = NULL;
	s->next = s->prev = NULL;
	for (size_t w = 0; w < MAX_OBJS_PER_SLAB / 32; w++)
		s->free_map[w] = 0;
	/* Chain backwards so the lowest address is handed out first. */
	for (size_t i = s->nr_objs; i-- > 0;) {
		struct free_obj *obj = slab_obj(s, i);

		obj->next = s->free_list;
		s->free_list = obj;
		mark_free(s, i, true);
	}
	classes[c].nr_slabs++;
	return s;
}

static void slab_destroy(struct slab *s)
{
	/* A later kfree() into this page then reads "dead", not "slab". */
	s->magic = SLAB_DEAD;
	classes[s->class].nr_slabs--;
	kheap_pages_free(s, 1);
}

static void *slab_alloc(unsigned c)
{
	struct kmem_class *cls = &classes[c];
	struct slab *s = cls->partial;
	struct free_obj *obj;
	long i;

	if (!s) {
		s = cls->empty ? cls->empty : slab_create(c);
		if (!s)
			return NULL;
		cls->empty = NULL;
		partial_add(cls, s);
	}
	obj = s->free_list;
	/* A write after free usually clobbers the link: catch it here. */
	i = slab_index(s, obj);
	if (i < 0 || !obj_is_free(s, i)) {
		kheap_bug("kmalloc: corrupted slab free list", obj);
		return NULL;
	}
	s->free_list = obj->next;
	mark_free(s, i, false);
	if (--s->nr_free == 0)
		partial_del(cls, s);
	cls->objs_in_use++;
	bytes_in_use += class_size(c);
	return obj;
}

static void slab_free(struct slab *s, void *p)
{
	struct kmem_class *cls = &classes[s->class];
	struct free_obj *obj = p;
	long i = slab_index(s, p);

	if (i < 0) {
		kheap_bug("kfree: pointer is not the start of an object", p);
		return;
	}
	if (obj_is_free(s, i)) {
		kheap_bug("kfree: double free", p);
		return;
	}
	obj->next = s->free_list;
	s->free_list = obj;
	mark_free(s, i, true);
	cls->objs_in_use--;
	bytes_in_use -= class_size(s->class);

	if (++s->nr_free < s->nr_objs) {
		if (s->nr_free == 1) /* was full, so on no list */
			partial_add(cls, s);
		return;
	}
	/* Now empty: keep one per class, give any other back. */
	if (s->nr_objs > 1)
		partial_del(cls, s);
	if (!cls->empty)
		cls->empty = s;
	else
		slab_destroy(s);
}

static void *large_alloc(size_t size)
{
	struct large_hdr *h;
	size_t npages;

	if (size > SIZE_MAX - LARGE_HDR_SIZE - PAGE_SIZE)
		return NULL;
	npages = (size + LARGE_HDR_SIZE + PAGE_SIZE - 1) / PAGE_SIZE;
	h = kheap_pages_alloc(npages);
	if (!h)
		return NULL;
	h->magic = LARGE_MAGIC;
	h->npages = npages;
	large_blocks++;
	large_pages += npages;
	bytes_in_use += npages * PAGE_SIZE;
	return (char *)h + LARGE_HDR_SIZE;
}

static void large_free(struct large_hdr *h, void *p)
{
	if ((char *)p != (char *)h + LARGE_HDR_SIZE) {
		kheap_bug("kfree: pointer inside a large block", p);
		return;
	}
	h->magic = LARGE_DEAD;
	large_blocks--;
	large_pages -= h->npages;
	bytes_in_use -= h->npages * PAGE_SIZE;
	kheap_pages_free(h, h->npages);
}

void *kmalloc(size_t size)
{
	if (size == 0)
		return NULL;
	if (size > KMALLOC_MAX_SLAB_SIZE)
		return large_alloc(size);
	return slab_alloc(size_to_class(size));
}

void *kzalloc(size_t size)
{
	void *p = kmalloc(size);

	/* memset is the kernel's (kernel/lib/string.c, `rep stosl`) or, in
	 * the host unit tests, the C library's. */
	if (p)
		__builtin_memset(p, 0, size);
	return p;
}

void kfree(void *p)
{
	uintptr_t page = PAGE_ALIGN_DOWN((uintptr_t)p);
	uint32_t magic;

	if (!p)
		return;
	/*
	 * Every object is 16-aligned; anything else is garbage. Check that
	 * before reading the page header, which p may not even belong to.
	 */
	if ((uintptr_t)p % KMALLOC_ALIGN != 0) {
		kheap_bug("kfree: misaligned pointer", p);
		return;
	}
	magic = *(uint32_t *)page;
	if (magic == SLAB_MAGIC)
		slab_free((struct slab *)page, p);
	else if (magic == LARGE_MAGIC)
		large_free((struct large_hdr *)page, p);
	else if (magic == SLAB_DEAD || magic == LARGE_DEAD)
		kheap_bug("kfree: double free (block already released)", p);
	else
		kheap_bug("kfree: not a heap pointer", p);
}

size_t kheap_bytes_in_use(void)
{
	return bytes_in_use;
}

void kheap_trim(void)
{
	for (unsigned c = 0; c < KMALLOC_NR_CLASSES; c++) {
		if (classes[c].empty) {
			slab_destroy(classes[c].empty);
			classes[c].empty = NULL;
		}
	}
}

void kheap_stats(struct kheap_stats *st)
{
	for (unsigned c = 0; c < KMALLOC_NR_CLASSES; c++) {
		st->classes[c].size = class_size(c);
		st->classes[c].objs_per_slab = objs_per_slab(c);
		st->classes[c].objs_in_use = classes[c].objs_in_use;
		st->classes[c].slab_pages = classes[c].nr_slabs;
	}
	st->large_blocks = large_blocks;
	st->large_pages = large_pages;
	st->bytes_in_use = bytes_in_use;
}
