/*
 * frame.h - the physical frame allocator.
 *
 * Hands out 4 KiB physical frames. Every frame is in one of three states:
 *   reserved  - not RAM, or RAM we must not touch (bitmap 1, refcount 0)
 *   free      - usable and unused                 (bitmap 0, refcount 0)
 *   allocated - owned by someone                  (bitmap 1, refcount > 0)
 *
 * Boot sequence: frame_init() with storage for the bitmap and refcounts,
 * frame_add_free() for each available memory-map region, then
 * frame_reserve() for the kernel image, modules, the storage itself.
 *
 * The module allocates nothing itself and never touches frame contents, so
 * it works the same before paging is on and in the host unit tests.
 */
#ifndef MICA_MM_FRAME_H
#define MICA_MM_FRAME_H

#include <stddef.h>

#include "mm/page.h"

/* phys_addr_t is 32 bits, so at most 2^20 frames (4 GiB) can be tracked. */
#define FRAME_MAX_FRAMES ((size_t)1 << (32 - PAGE_SHIFT))

/* Bytes of (4-byte aligned) storage frame_init() needs for nframes frames. */
size_t frame_storage_bytes(size_t nframes);

/* Start tracking frames [0, nframes), all reserved. Forgets earlier state. */
void frame_init(void *storage, size_t nframes);

/* Free the whole frames inside [start, end). Frame 0 always stays reserved. */
void frame_add_free(phys_addr_t start, phys_addr_t end);

/* Reserve every frame that [start, end) touches, even partially. */
void frame_reserve(phys_addr_t start, phys_addr_t end);

/* One frame with refcount 1, or 0 if memory is exhausted. */
phys_addr_t frame_alloc(void);

/* n physically contiguous frames, each with refcount 1, or 0 on failure. */
phys_addr_t frame_alloc_contig(size_t n);

/* Drop one reference; the frame becomes free when none are left. */
void frame_free(phys_addr_t pa);

/* Add a reference to an allocated frame (copy-on-write sharing). */
void frame_ref(phys_addr_t pa);

/* frame_ref and frame_free for n page-aligned frames in one call; an
 * entry of 0 (frame 0 is never allocated) stands for no frame and is
 * skipped. */
void frame_ref_many(const phys_addr_t *pa, size_t n);
void frame_free_many(const phys_addr_t *pa, size_t n);

/* References to the frame holding pa; 0 for free, reserved or unknown. */
unsigned frame_refcount(phys_addr_t pa);

/* Free frames right now; exact, so leak tests can compare it. */
size_t frame_free_count(void);

/* Usable frames: free plus allocated (added, minus later reserved). */
size_t frame_total_count(void);

/*
 * Called on misuse (double free, freeing a reserved frame, bad address).
 * Defined by the kernel as a panic; the unit tests record the call. If it
 * returns, the offending operation is ignored.
 */
void frame_bug(const char *why, phys_addr_t pa);

#endif
