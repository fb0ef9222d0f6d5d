/*
 * kmalloc.h - the kernel heap.
 *
 * Small requests come from per-size-class slabs (one page each), large ones
 * get whole pages. Every object is 16-byte aligned. Pages come from a
 * provider the kernel defines (kheap_pages_alloc/free below).
 */
#ifndef MICA_MM_KMALLOC_H
#define MICA_MM_KMALLOC_H

#include <stddef.h>

#define KMALLOC_ALIGN	      16
#define KMALLOC_MIN_SIZE      16
#define KMALLOC_NR_CLASSES    8 /* 16, 32, ..., 2048 bytes */
#define KMALLOC_MAX_SLAB_SIZE (KMALLOC_MIN_SIZE << (KMALLOC_NR_CLASSES - 1))

/* NULL for size 0, for absurd sizes and when out of memory. */
void *kmalloc(size_t size);

/* kmalloc() and zero the object. */
void *kzalloc(size_t size);

/* Free a kmalloc()ed object; NULL is a no-op. */
void kfree(void *p);

/*
 * Bytes currently handed out, counted by what each object really reserves:
 * its class size, or for large blocks the whole pages including the header.
 * Exact, and not affected by cached empty slabs: 0 means nothing is live.
 */
size_t kheap_bytes_in_use(void);

/* Give the cached empty slabs back to the page provider. */
void kheap_trim(void);

struct kheap_class_stats {
	size_t size; /* object size of this class */
	size_t objs_per_slab;
	size_t objs_in_use;
	size_t slab_pages; /* pages held, including the cached empty one */
};

struct kheap_stats {
	struct kheap_class_stats classes[KMALLOC_NR_CLASSES];
	size_t large_blocks; /* live whole-page blocks */
	size_t large_pages;  /* pages they occupy */
	size_t bytes_in_use; /* same as kheap_bytes_in_use() */
};

/* Snapshot the heap's counters, for a debug dump. */
void kheap_stats(struct kheap_stats *st);

/*
 * Defined by the kernel. kheap_pages_alloc returns npages contiguous,
 * page-aligned, mapped pages or NULL; kheap_pages_free gets back exactly
 * what one kheap_pages_alloc call returned.
 */
void *kheap_pages_alloc(size_t npages);
void kheap_pages_free(void *p, size_t npages);

/*
 * Called when kfree() gets something that is not a live object (double
 * free, garbage pointer, corrupted heap). The kernel panics; the unit tests
 * record the call. If it returns, the operation is ignored.
 */
void kheap_bug(const char *why, void *p);

#endif
