/*
 * mmap.c - the mapping area of an address space: mmap and munmap, and
 * the pages of out-of-line message memory (mmap.h).
 *
 * Everything here lives in [USER_MMAP_BASE, USER_MMAP_TOP), recorded as
 * VM_MMAP regions in mm->regions. Pages are mapped when the region is
 * made (no faults later), and every mapped page owns one reference to its
 * frame: a shared-memory page is the object's frame with one more
 * reference, an out-of-line page the sender's frame with one more, marked
 * copy-on-write on both sides as fork does.
 */
#include "mm/mmap.h"
#include "file.h"
#include "sched.h"
#include "uaccess.h"
#include "lib/string.h"
#include "mm/frame.h"
#include "mm/kmalloc.h"
#include "mm/shm.h"
#include "mm/vm.h"
#include "x86/io.h"
#include "x86/paging.h"
#include <mica/errno.h>

static bool in_mmap_area(uintptr_t start, uintptr_t len)
{
	return start >= USER_MMAP_BASE && start < USER_MMAP_TOP &&
	       len <= USER_MMAP_TOP - start;
}

/* Does any region overlap [start, start + len)? */
static bool range_used(struct mm_struct *mm, uintptr_t start, uintptr_t len)
{
	struct vm_region *r;

	list_for_each_entry (r, &mm->regions, link)
		if (r->start < start + len && start < r->end)
			return true;
	return false;
}

/* A free, page-aligned range of len bytes: at hint if it is free, else
 * the lowest that fits (first fit over the sorted regions); 0 if none. */
static uintptr_t find_gap(struct mm_struct *mm, uintptr_t len, uintptr_t hint)
{
	uintptr_t start = USER_MMAP_BASE;
	struct vm_region *r;

	if (hint && !(hint & (PAGE_SIZE - 1)) && in_mmap_area(hint, len) &&
	    !range_used(mm, hint, len))
		return hint;
	list_for_each_entry (r, &mm->regions, link) {
		if (r->end <= start)
			continue;
		if (r->start >= USER_MMAP_TOP ||
		    (r->start >= start && r->start - start >= len))
			break;
		start = r->end;
	}
	return in_mmap_area(start, len) ? start : 0;
}

/*
 * Loops over many pages go one page table at a time: pte_chunk gives the
 * entries for the pages from va on that lie in one table (*ptep, NULL if
 * there is no table and !create) and returns how many, at most n. The
 * inner loops then walk a plain array, a few instructions a page.
 */
static unsigned pte_chunk(struct mm_struct *mm, uintptr_t va, unsigned n,
			  bool create, pte_t **ptep)
{
	unsigned left = 1024 - PTX(va); /* entries to the table's end */

	*ptep = mm_pte(mm, va, create);
	return n < left ? n : left;
}

/* Drop the pages of [start, end): each gives back its frame reference. */
static void unmap_pages(struct mm_struct *mm, uintptr_t start, uintptr_t end)
{
	phys_addr_t batch[64]; /* frames to give back, 64 per call */
	unsigned n = (end - start) / PAGE_SIZE, k, got;
	pte_t *pt;

	for (uintptr_t va = start; n > 0; va += k * PAGE_SIZE, n -= k) {
		k = pte_chunk(mm, va, n < 64 ? n : 64, false, &pt);
		got = 0;
		if (!pt)
			continue;
#pragma GCC unroll 4
		for (unsigned i = 0; i < k; i++) {
			if (!pt[i])
				continue; /* never mapped (lazy ool pages) */
			if (pt[i] & PTE_P)
				batch[got++] = PTE_ADDR(pt[i]);
			pt[i] = 0;
		}
		frame_free_many(batch, got);
		mm->pages -= got;
	}
	mm_flush_tlb(mm);
}

/*
 * Map npages at start: pages[i] if pages is given (taking a reference to
 * each), else new zeroed frames. 0, or -ENOMEM with nothing left mapped.
 */
static long map_pages(struct mm_struct *mm, uintptr_t start,
		      const phys_addr_t *pages, unsigned npages, pte_t bits)
{
	for (unsigned i = 0; i < npages; i++) {
		uintptr_t va = start + i * PAGE_SIZE;
		pte_t *pte = mm_pte(mm, va, true);
		phys_addr_t pa = pages ? pages[i] : frame_alloc();

		if (!pte || !pa) {
			if (pa && !pages)
				frame_free(pa);
			unmap_pages(mm, start, va);
			return -ENOMEM;
		}
		if (pages)
			frame_ref(pa);
		else
			memset(phys_to_virt(pa), 0, PAGE_SIZE);
		*pte = pa | bits;
		mm->pages++;
	}
	return 0;
}

/* ---- mmap --------------------------------------------------------------- */

struct mmap_req {
	uintptr_t addr, len;
	int prot, flags;
	struct shm_object *obj; /* NULL: anonymous */
	unsigned first;		/* the object's first page */
};

static long mmap_check(struct mmap_req *q, const struct mica_mmap *a)
{
	int share = a->flags & (MAP_SHARED | MAP_PRIVATE);
	struct file *f;

	if (a->len == 0 || (a->prot & ~(PROT_READ | PROT_WRITE | PROT_EXEC)) ||
	    (a->flags &
	     ~(MAP_SHARED | MAP_PRIVATE | MAP_FIXED | MAP_ANONYMOUS)) ||
	    (share != MAP_SHARED && share != MAP_PRIVATE) ||
	    (a->offset & (PAGE_SIZE - 1)))
		return -EINVAL;
	if (a->len > USER_MMAP_TOP - USER_MMAP_BASE)
		return -ENOMEM; /* larger than the whole area (POSIX's errno) */
	q->len = PAGE_ALIGN_UP(a->len);
	q->addr = a->addr;
	q->prot = a->prot;
	q->flags = a->flags;
	q->obj = NULL;
	q->first = a->offset / PAGE_SIZE;
	if ((q->flags & MAP_FIXED) &&
	    ((q->addr & (PAGE_SIZE - 1)) || !in_mmap_area(q->addr, q->len)))
		return -EINVAL;
	if (q->flags & MAP_ANONYMOUS)
		return a->offset ? -EINVAL : 0;
	f = fd_file(a->fd);
	if (!f)
		return -EBADF;
	if (f->type != FILE_SHM)
		return -ENODEV; /* only shared memory can be mapped */
	if ((q->prot & PROT_WRITE) && share == MAP_SHARED && f->flags != O_RDWR)
		return -EACCES;
	/* The whole mapping must lie inside the object. */
	if (q->first > f->shm->npages ||
	    q->len / PAGE_SIZE > f->shm->npages - q->first)
		return -ENXIO;
	q->obj = f->shm;
	return 0;
}

/* The PTE bits for the mapping's pages. */
static pte_t mmap_bits(const struct mmap_req *q)
{
	pte_t bits = PTE_P | PTE_U;

	if (q->flags & MAP_SHARED)
		return bits | PTE_SHARED | (q->prot & PROT_WRITE ? PTE_W : 0);
	if (q->obj) /* private view of an object: copy on the first write */
		return bits | (q->prot & PROT_WRITE ? PTE_COW : 0);
	return bits | (q->prot & PROT_WRITE ? PTE_W : 0);
}

static long do_mmap(struct mm_struct *mm, struct mmap_req *q)
{
	unsigned npages = q->len / PAGE_SIZE;
	struct vm_region *r;
	uintptr_t start;
	long err;

	if ((q->flags & MAP_FIXED) && range_used(mm, q->addr, q->len))
		return -EEXIST; /* mica never replaces a mapping */
	start = find_gap(mm, q->len, q->addr);
	if (!start)
		return -ENOMEM;
	if (q->prot == PROT_NONE)
		npages = 0; /* address space only: any touch faults */
	if (!q->obj && npages + MM_RESERVE_FRAMES > frame_free_count())
		return -ENOMEM;
	r = mm_insert_region(mm, start, start + q->len, q->prot & PROT_WRITE,
			     VM_MMAP | (q->flags & MAP_SHARED ? VM_SHARED : 0),
			     q->obj ? "shm" : "anon");
	if (!r)
		return -ENOMEM;
	err = map_pages(mm, start, q->obj ? q->obj->pages + q->first : NULL,
			npages, mmap_bits(q));
	if (err) {
		list_del(&r->link);
		mm->nregions--;
		kfree(r);
		return err;
	}
	return start;
}

long sys_mmap_k(const struct mica_mmap *uargs)
{
	struct mica_mmap a;
	struct mmap_req q;
	uint32_t flags;
	long err;

	if (copy_from_user(&a, uargs, sizeof a) < 0)
		return -EFAULT;
	flags = irq_save();
	err = mmap_check(&q, &a);
	if (!err)
		err = do_mmap(current->mm, &q);
	irq_restore(flags);
	return err;
}

/* ---- munmap ------------------------------------------------------------- */

/*
 * Map every page of lazily mapped region r that is not mapped yet, and
 * drop its array: a region that is cut in two cannot share one. Only the
 * page tables can need memory, so they come first: on -ENOMEM nothing
 * has changed.
 */
static long materialize(struct mm_struct *mm, struct vm_region *r)
{
	for (uintptr_t va = r->start; va < r->end;
	     va = (va | ((1u << PGDIR_SHIFT) - 1)) + 1)
		if (!mm_pte(mm, va, true))
			return -ENOMEM;
	for (uintptr_t va = r->start; va < r->end; va += PAGE_SIZE) {
		pte_t *pte = mm_pte(mm, va, false);

		if (!(*pte & PTE_P) && r->pages[(va - r->start) / PAGE_SIZE])
			region_map_page(mm, r, pte, va);
	}
	region_drop_pages(r);
	return 0;
}

/* The region of the mapping area that has va strictly inside, or NULL. */
static struct vm_region *spanning(struct mm_struct *mm, uintptr_t va)
{
	struct vm_region *r;

	list_for_each_entry (r, &mm->regions, link)
		if ((r->flags & VM_MMAP) && r->start < va && va < r->end)
			return r;
	return NULL;
}

/*
 * Make va a boundary between regions of the mapping area: a region that
 * spans it is cut in two (the same memory, the same rights); *made is
 * the new second piece (NULL if no cut was needed). 0, or -ENOMEM with
 * nothing changed.
 */
static long split_at(struct mm_struct *mm, uintptr_t va,
		     struct vm_region **made)
{
	struct vm_region *r = spanning(mm, va), *tail;
	long err;

	*made = NULL;
	if (!r)
		return 0;
	tail = kmalloc(sizeof *tail);
	if (!tail)
		return -ENOMEM;
	if (r->pages && (err = materialize(mm, r)) < 0) {
		kfree(tail);
		return err;
	}
	*tail = *r;
	tail->start = va;
	r->end = va;
	list_add(&tail->link, &r->link);
	mm->nregions++;
	*made = tail;
	return 0;
}

/* Undo split_at: its piece goes back into the region before it. */
static void unsplit(struct mm_struct *mm, struct vm_region *tail)
{
	struct vm_region *r =
	    list_entry(tail->link.prev, struct vm_region, link);

	r->end = tail->end;
	list_del(&tail->link);
	mm->nregions--;
	kfree(tail);
}

/*
 * Cut the mapping area's regions at start and end, for a caller that
 * then removes whatever lies between: munmap, and a message that moves
 * memory out (which must not fail half-way, so it cuts first). The
 * pieces between go, so only a hole in one region leaves one region
 * more, and only that needs room in the table. 0, or -ENOMEM with
 * nothing changed.
 */
long mm_carve(struct mm_struct *mm, uintptr_t start, uintptr_t end)
{
	struct vm_region *r = spanning(mm, start), *first, *second;
	long err;

	if (r && end < r->end && mm->nregions >= MM_MAX_REGIONS)
		return -ENOMEM; /* as Linux: no room for the piece */
	if ((err = split_at(mm, start, &first)) < 0)
		return err;
	if ((err = split_at(mm, end, &second)) < 0 && first)
		unsplit(mm, first);
	return err;
}

/* Take [start, end) out of the mapping area: pages and regions. */
long mm_munmap(struct mm_struct *mm, uintptr_t start, uintptr_t len)
{
	uintptr_t end = start + PAGE_ALIGN_UP(len);
	struct vm_region *r, *tmp;
	long err;

	if ((start & (PAGE_SIZE - 1)) || len == 0 ||
	    !in_mmap_area(start, PAGE_ALIGN_UP(len)) || PAGE_ALIGN_UP(len) == 0)
		return -EINVAL;
	if ((err = mm_carve(mm, start, end)) < 0)
		return err;
	/* Now every region of the area that [start, end) touches lies
	 * inside it. */
	list_for_each_entry_safe (r, tmp, &mm->regions, link) {
		if (!(r->flags & VM_MMAP) || r->end <= start || r->start >= end)
			continue;
		unmap_pages(mm, r->start, r->end);
		list_del(&r->link);
		mm->nregions--;
		region_drop_pages(r);
		kfree(r);
	}
	return 0;
}

long sys_munmap_k(uintptr_t addr, uintptr_t len)
{
	uint32_t flags = irq_save();
	long err = mm_munmap(current->mm, addr, len);

	irq_restore(flags);
	return err;
}

/* ---- out-of-line message memory ----------------------------------------- */

/*
 * The sender's side, in two steps so that a message with several regions
 * takes all of them or none. mm_ool_check makes every page of
 * [va, va + npages pages) present and returns how many of them will need
 * a new frame (shared-memory pages are copied: sharing them would let
 * later writes through), or -EFAULT if a page cannot be there.
 */
long mm_ool_check(struct mm_struct *mm, uintptr_t va, unsigned npages)
{
	long copies = 0;
	unsigned k;
	pte_t *pt;

	for (; npages > 0; va += k * PAGE_SIZE, npages -= k) {
		pte_t all = PTE_P, any = 0; /* AND and OR of the entries */
		bool missing;

		k = pte_chunk(mm, va, npages, false, &pt);
		if (pt) {
#pragma GCC unroll 4
			for (unsigned i = 0; i < k; i++) {
				all &= pt[i];
				any |= pt[i];
			}
		}
		missing = !pt || !(all & PTE_P);
		for (unsigned i = 0; !missing && (any & PTE_SHARED) && i < k;
		     i++)
			copies += (pt[i] & PTE_SHARED) != 0;
		if (missing) { /* the rare case: page by page */
			for (unsigned i = 0; i < k; i++) {
				enum vm_fault f =
				    mm_fault_in(mm, va + i * PAGE_SIZE, false);

				if (f != VM_OK)
					return f == VM_NOMEM ? -ENOMEM
							     : -EFAULT;
			}
			k = 0; /* and look at this chunk again */
		}
	}
	return copies;
}

/*
 * Then mm_ool_take puts a reference to each page's frame into pages[].
 * With move, the pages leave the sender (their references move into
 * pages[]); otherwise they become copy-on-write in the sender, as after
 * fork, so the message keeps what the memory held at the send. The
 * caller has checked the range and that frames for the copies are free.
 */
_Static_assert((PTE_W << 8) == PTE_COW, "share_cow's shift");

/*
 * The common case, k pages of private memory to share copy-on-write:
 * without a branch, PTE_W moves to PTE_COW (0x2 << 8 == 0x200) and a
 * read-only page stays read-only. Unrolled, since 1 MiB is 256 turns.
 */
static void share_cow(pte_t *pt, unsigned k, phys_addr_t *pages)
{
#pragma GCC unroll 4
	for (unsigned i = 0; i < k; i++) {
		pte_t e = pt[i];

		pages[i] = PTE_ADDR(e);
		pt[i] = (e & ~PTE_W) | (e & PTE_W) << 8;
	}
}

void mm_ool_take(struct mm_struct *mm, uintptr_t va, unsigned npages, bool move,
		 bool copies, phys_addr_t *pages)
{
	unsigned done = 0, shared = 0, k;
	pte_t *pt;

	for (; done < npages; done += k) {
		k = pte_chunk(mm, va + done * PAGE_SIZE, npages - done, false,
			      &pt);
		if (!move && !copies) {
			share_cow(pt, k, pages + done);
			continue;
		}
		for (unsigned i = 0; i < k; i++) {
			pte_t e = pt[i];

			pages[done + i] = PTE_ADDR(e);
			if (e & PTE_SHARED)
				shared++; /* copied below */
			else if (move)
				pt[i] = 0;
			else if (e & PTE_W)
				pt[i] = (e & ~PTE_W) | PTE_COW;
		}
	}
	if (move)
		mm->pages -= npages - shared;
	else
		frame_ref_many(pages, npages); /* the message's references */
	for (unsigned i = 0; shared && i < npages; i++) {
		pte_t *pte = mm_pte(mm, va + i * PAGE_SIZE, false);
		phys_addr_t pa = pages[i];

		if (!(*pte & PTE_SHARED))
			continue;
		if (!move)
			frame_free(
			    pa); /* referenced above: not sent after all */
		pages[i] = frame_alloc(); /* the caller checked there is one */
		memcpy(phys_to_virt(pages[i]), phys_to_virt(pa), PAGE_SIZE);
		shared--;
	}
	mm_flush_tlb(mm);
}

/*
 * The receiver's side: a region in the mapping area that takes over the
 * message's array of frame references (pages[], on success) and maps
 * nothing yet: each page is mapped at its first touch (mm_fault_in), so
 * receiving 1 MiB costs no more than receiving 4 KiB, and the pages a
 * receiver never touches cost only their references. Returns the address
 * or -ENOMEM.
 */
long mm_ool_map(struct mm_struct *mm, phys_addr_t *pages, unsigned npages)
{
	uintptr_t len = (uintptr_t)npages * PAGE_SIZE;
	uintptr_t start = find_gap(mm, len, 0);
	struct vm_region *r;

	if (!start)
		return -ENOMEM;
	r = mm_insert_region(mm, start, start + len, true, VM_MMAP, "ool");
	if (!r)
		return -ENOMEM;
	r->pages = pages;
	return start;
}

/* Take back what mm_ool_map just gave: the array stays the caller's. */
void mm_ool_unmap_undo(struct mm_struct *mm, uintptr_t start)
{
	struct vm_region *r;

	list_for_each_entry (r, &mm->regions, link) {
		if (r->start == start && r->pages) {
			r->pages = NULL; /* nothing was mapped from it yet */
			mm_munmap(mm, start, r->end - start);
			return;
		}
	}
}
