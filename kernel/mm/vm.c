/*
 * vm.c - user address spaces (see vm.h for the layout).
 *
 * Three mechanisms live here, and each is used from exactly one place:
 *  - demand paging of the stack: the first touch of a stack page maps it;
 *  - copy-on-write after fork: parent and child share every frame
 *    read-only, and the first write to a shared frame copies it;
 *  - copy-in/copy-out of *another* address space (mm_copy_in/out): the
 *    kernel reaches its memory by walking its page tables itself. (The
 *    current task's memory is touched directly: kernel/uaccess.c.)
 */
#include "mm/vm.h"
#include "mm/frame.h"
#include "mm/kmalloc.h"
#include "x86/io.h"
#include "x86/paging.h"
#include "lib/string.h"
#include <mica/errno.h>

#define USER_PDES (USER_TOP >> PGDIR_SHIFT) /* 768 directory entries */

struct mm_struct *mm_create(void)
{
	struct mm_struct *mm = kzalloc(sizeof *mm);
	phys_addr_t pa;

	if (!mm)
		return NULL;
	pa = frame_alloc();
	if (!pa) {
		kfree(mm);
		return NULL;
	}
	mm->pgdir = phys_to_virt(pa);
	INIT_LIST_HEAD(&mm->regions);
	memset(mm->pgdir, 0, USER_PDES * sizeof(pde_t));
	/* The kernel half: the same entries, hence the same page tables. */
	memcpy(mm->pgdir + USER_PDES, kernel_pgdir + USER_PDES,
	       (1024 - USER_PDES) * sizeof(pde_t));
	return mm;
}

pte_t *mm_pte(struct mm_struct *mm, uintptr_t va, bool create)
{
	pde_t *pde = &mm->pgdir[PDX(va)];

	if (!(*pde & PTE_P)) {
		phys_addr_t pa;

		if (!create)
			return NULL;
		pa = frame_alloc();
		if (!pa)
			return NULL;
		memset(phys_to_virt(pa), 0, PAGE_SIZE);
		/* Permissions are decided per page, so the directory allows all. */
		*pde = pa | PTE_P | PTE_W | PTE_U;
	}
	return (pte_t *)phys_to_virt(PTE_ADDR(*pde)) + PTX(va);
}

/* A lazily mapped region's own frame references go (vm.h). */
void region_drop_pages(struct vm_region *r)
{
	if (r->pages) {
		frame_free_many(r->pages, (r->end - r->start) / PAGE_SIZE);
		kfree(r->pages);
		r->pages = NULL;
	}
}

void mm_destroy(struct mm_struct *mm)
{
	for (unsigned d = 0; d < USER_PDES; d++) {
		pte_t *pt;

		if (!(mm->pgdir[d] & PTE_P))
			continue;
		pt = phys_to_virt(PTE_ADDR(mm->pgdir[d]));
		for (unsigned i = 0; i < 1024; i++)
			if (pt[i] & PTE_P)
				frame_free(PTE_ADDR(pt[i])); /* shared: unref */
		frame_free(PTE_ADDR(mm->pgdir[d]));
	}
	frame_free(virt_to_phys(mm->pgdir));
	while (!list_empty(&mm->regions)) {
		struct vm_region *r =
		    list_first_entry(&mm->regions, struct vm_region, link);

		list_del(&r->link);
		region_drop_pages(r);
		kfree(r);
	}
	kfree(mm);
}

void mm_activate(struct mm_struct *mm)
{
	write_cr3(virt_to_phys(mm->pgdir));
}

void mm_flush_tlb(struct mm_struct *mm)
{
	if (read_cr3() == virt_to_phys(mm->pgdir))
		write_cr3(read_cr3());
}

/* Record [start, end) in mm's sorted region list; NULL if out of room. */
struct vm_region *mm_insert_region(struct mm_struct *mm, uintptr_t start,
				   uintptr_t end, bool writable, unsigned flags,
				   const char *name)
{
	struct vm_region *r, *next;

	if (mm->nregions >= MM_MAX_REGIONS || !(r = kmalloc(sizeof *r)))
		return NULL;
	*r = (struct vm_region){.start = start,
				.end = end,
				.writable = writable,
				.flags = flags,
				.name = name};
	list_for_each_entry (next, &mm->regions, link)
		if (next->start > start)
			break;
	list_add_tail(&r->link, &next->link); /* before next (or at the end) */
	mm->nregions++;
	return r;
}

int mm_add_region(struct mm_struct *mm, uintptr_t start, uintptr_t end,
		  bool writable, const char *name)
{
	return mm_insert_region(mm, start, end, writable, 0, name) ? 0
								   : -ENOMEM;
}

static int map_new_page(struct mm_struct *mm, uintptr_t va, bool writable)
{
	pte_t *pte = mm_pte(mm, va, true);
	phys_addr_t pa;

	if (!pte)
		return -ENOMEM;
	pa = frame_alloc();
	if (!pa)
		return -ENOMEM;
	memset(phys_to_virt(pa), 0, PAGE_SIZE);
	*pte = pa | PTE_P | PTE_U | (writable ? PTE_W : 0);
	mm->pages++;
	return 0;
}

/* Map fresh zeroed pages over [start, end). On failure the caller
 * destroys the mm, which frees what was mapped so far. */
int mm_map_zeroed(struct mm_struct *mm, uintptr_t start, uintptr_t end,
		  bool writable)
{
	for (uintptr_t va = start; va < end; va += PAGE_SIZE) {
		pte_t *pte = mm_pte(mm, va, false);

		if (pte && (*pte & PTE_P))
			continue; /* two ELF segments may share a page */
		if (map_new_page(mm, va, writable) < 0)
			return -ENOMEM;
	}
	return 0;
}

void mm_protect(struct mm_struct *mm, uintptr_t start, uintptr_t end)
{
	for (uintptr_t va = start; va < end; va += PAGE_SIZE) {
		pte_t *pte = mm_pte(mm, va, false);

		if (pte)
			*pte &= ~PTE_W;
	}
}

/*
 * fork's copy: new page tables, the same frames. Writable pages become
 * read-only and copy-on-write in *both* address spaces, since either may
 * write first; read-only pages (text) are simply shared.
 */
static int copy_page_table(struct mm_struct *child, pte_t *pt, unsigned d)
{
	for (unsigned i = 0; i < 1024; i++) {
		uintptr_t va =
		    ((uintptr_t)d << PGDIR_SHIFT) | (i << PAGE_SHIFT);
		pte_t *cpte;

		if (!(pt[i] & PTE_P))
			continue;
		cpte = mm_pte(child, va, true);
		if (!cpte)
			return -ENOMEM;
		if ((pt[i] & (PTE_W | PTE_COW)) && !(pt[i] & PTE_SHARED))
			pt[i] = (pt[i] & ~PTE_W) | PTE_COW;
		*cpte = pt[i];
		frame_ref(PTE_ADDR(pt[i]));
		child->pages++;
	}
	return 0;
}

struct mm_struct *mm_fork(struct mm_struct *parent)
{
	struct mm_struct *child = mm_create();
	struct vm_region *r;

	if (!child)
		return NULL;
	list_for_each_entry (r, &parent->regions, link) {
		struct vm_region *c = mm_insert_region(
		    child, r->start, r->end, r->writable, r->flags, r->name);

		if (c && r->pages) { /* the child's own references */
			size_t n = (r->end - r->start) / PAGE_SIZE;

			c->pages = kmalloc(n * sizeof *c->pages);
			if (c->pages) {
				memcpy(c->pages, r->pages,
				       n * sizeof *c->pages);
				frame_ref_many(c->pages, n);
			}
		}
		if (!c || (r->pages && !c->pages)) {
			mm_destroy(child);
			return NULL;
		}
	}
	child->brk_start = parent->brk_start;
	child->brk = parent->brk;
	for (unsigned d = 0; d < USER_PDES; d++) {
		if (!(parent->pgdir[d] & PTE_P))
			continue;
		if (copy_page_table(child,
				    phys_to_virt(PTE_ADDR(parent->pgdir[d])),
				    d) < 0) {
			mm_destroy(child);
			child = NULL;
			break;
		}
	}
	/* The parent's TLB may still hold its pages as writable: flush. */
	write_cr3(read_cr3());
	return child;
}

/* The first write to a shared page: give the writer its own copy. */
static enum vm_fault break_cow(pte_t *pte, uintptr_t va)
{
	phys_addr_t old = PTE_ADDR(*pte), copy;

	if (frame_refcount(old) == 1) {
		/* The other sharers are gone: the page is ours alone. */
		*pte = (*pte | PTE_W) & ~PTE_COW;
	} else {
		copy = frame_alloc();
		if (!copy)
			return VM_NOMEM;
		memcpy(phys_to_virt(copy), phys_to_virt(old), PAGE_SIZE);
		*pte = copy | PTE_P | PTE_U | PTE_W;
		frame_free(old);
	}
	invlpg(va);
	return VM_OK;
}

/*
 * Map page va of lazily mapped region r into *pte, copy-on-write: the
 * region's reference to the frame becomes the page table's. Needs no
 * memory. (The sender may still share the frame; if not, the first write
 * finds it ours alone and writes in place.)
 */
void region_map_page(struct mm_struct *mm, struct vm_region *r, pte_t *pte,
		     uintptr_t va)
{
	phys_addr_t *slot = &r->pages[(va - r->start) / PAGE_SIZE];

	*pte = *slot | PTE_P | PTE_U | (r->writable ? PTE_COW : 0);
	*slot = 0; /* handed over */
	mm->pages++;
}

/*
 * The first touch of a page of received out-of-line memory: map the
 * region's frame for it. Anything else there is unmapped.
 */
static enum vm_fault fault_lazy(struct mm_struct *mm, uintptr_t va, bool write)
{
	struct vm_region *r;
	pte_t *pte;

	list_for_each_entry (r, &mm->regions, link) {
		if (va < r->start || va >= r->end)
			continue;
		if (!r->pages || !r->pages[(va - r->start) / PAGE_SIZE])
			return VM_SEGV;
		if (!(pte = mm_pte(mm, va, true)))
			return VM_NOMEM;
		region_map_page(mm, r, pte, va);
		if (write && r->writable)
			return break_cow(pte, va);
		return write ? VM_SEGV : VM_OK;
	}
	return VM_SEGV;
}

enum vm_fault mm_fault_in(struct mm_struct *mm, uintptr_t va, bool write)
{
	pte_t *pte;

	if (!mm || va >= USER_TOP)
		return VM_SEGV;
	va &= PAGE_MASK;
	pte = mm_pte(mm, va, false);
	if (pte && (*pte & PTE_P)) {
		if (!write || (*pte & PTE_W))
			return VM_OK;
		return (*pte & PTE_COW) ? break_cow(pte, va) : VM_SEGV;
	}
	if (va >= USER_MMAP_BASE && va < USER_MMAP_TOP)
		return fault_lazy(mm, va, write);
	if (va >= USER_STACK_LIMIT && va < USER_STACK_TOP)
		return map_new_page(mm, va, true) ? VM_NOMEM : VM_OK;
	if (va >= USER_STACK_LIMIT - USER_STACK_GUARD && va < USER_STACK_LIMIT)
		return VM_STACK_OVF;
	/* Text, data and heap pages are all mapped when they are created. */
	return VM_SEGV;
}

/* The kernel address of user address va, faulting it in; NULL if bad. */
static uint8_t *user_page(struct mm_struct *mm, uintptr_t va, bool write)
{
	if (mm_fault_in(mm, va, write) != VM_OK)
		return NULL;
	return (uint8_t *)phys_to_virt(PTE_ADDR(*mm_pte(mm, va, false))) +
	       (va & (PAGE_SIZE - 1));
}

/* Copy n bytes between kernel buf and user va, one page at a time. */
static int mm_copy(struct mm_struct *mm, uintptr_t va, void *buf, size_t n,
		   bool to_user)
{
	uint8_t *k = buf;

	if (va >= USER_TOP || n > USER_TOP - va)
		return -EFAULT; /* reaches into the kernel, or wraps */
	while (n > 0) {
		size_t chunk = PAGE_SIZE - (va & (PAGE_SIZE - 1));
		uint8_t *u = user_page(mm, va, to_user);

		if (!u)
			return -EFAULT;
		if (chunk > n)
			chunk = n;
		if (to_user)
			memcpy(u, k, chunk);
		else
			memcpy(k, u, chunk);
		va += chunk;
		k += chunk;
		n -= chunk;
	}
	return 0;
}

/*
 * Copy n bytes from one address space straight into another, a page piece
 * at a time through the kernel's map of both frames: one copy, no bounce
 * buffer. Returns 0, -EFAULT if the source is bad, -EIO if the destination.
 */
int mm_copy_between(struct mm_struct *dst_mm, uintptr_t dst,
		    struct mm_struct *src_mm, uintptr_t src, size_t n)
{
	if (src >= USER_TOP || n > USER_TOP - src)
		return -EFAULT;
	if (dst >= USER_TOP || n > USER_TOP - dst)
		return -EIO;
	while (n > 0) {
		size_t chunk = PAGE_SIZE - (src & (PAGE_SIZE - 1));
		size_t dchunk = PAGE_SIZE - (dst & (PAGE_SIZE - 1));
		uint8_t *s = user_page(src_mm, src, false);
		uint8_t *d = user_page(dst_mm, dst, true);

		if (!s)
			return -EFAULT;
		if (!d)
			return -EIO;
		if (dchunk < chunk)
			chunk = dchunk;
		if (chunk > n)
			chunk = n;
		memcpy(d, s, chunk);
		src += chunk;
		dst += chunk;
		n -= chunk;
	}
	return 0;
}

int mm_copy_out(struct mm_struct *mm, uintptr_t va, const void *src, size_t n)
{
	return mm_copy(mm, va, (void *)src, n, true);
}

int mm_copy_in(struct mm_struct *mm, void *dst, uintptr_t va, size_t n)
{
	return mm_copy(mm, va, dst, n, false);
}

static void unmap_range(struct mm_struct *mm, uintptr_t start, uintptr_t end)
{
	for (uintptr_t va = start; va < end; va += PAGE_SIZE) {
		pte_t *pte = mm_pte(mm, va, false);

		if (pte && (*pte & PTE_P)) {
			frame_free(PTE_ADDR(*pte));
			*pte = 0;
			invlpg(va);
			mm->pages--;
		}
	}
}

static void mm_zero(struct mm_struct *mm, uintptr_t va, size_t n)
{
	static const uint8_t zeros[256];

	while (n > 0) {
		size_t chunk = n < sizeof zeros ? n : sizeof zeros;

		mm_copy_out(mm, va, zeros, chunk);
		va += chunk;
		n -= chunk;
	}
}

long mm_sbrk(struct mm_struct *mm, long incr)
{
	uintptr_t old = mm->brk, new = old + incr;
	uintptr_t old_top = PAGE_ALIGN_UP(old), new_top;

	if ((incr > 0 && (new < old || new > USER_HEAP_LIMIT)) ||
	    (incr < 0 && (new > old || new < mm->brk_start)))
		return -ENOMEM;
	new_top = PAGE_ALIGN_UP(new);
	/* Say no at once to more than there is, rather than fill memory. */
	if (new_top > old_top &&
	    (new_top - old_top) / PAGE_SIZE + MM_RESERVE_FRAMES >
		frame_free_count())
		return -ENOMEM;
	if (new_top > old_top && mm_map_zeroed(mm, old_top, new_top, true)) {
		unmap_range(mm, old_top, new_top); /* undo a partial growth */
		return -ENOMEM;
	}
	if (new_top < old_top)
		unmap_range(mm, new_top, old_top);
	/* Bytes given back in a page we keep must read as zero if regrown. */
	if (new < old &&new < new_top)
		mm_zero(mm, new, (old < new_top ? old : new_top) - new);
	mm->brk = new;
	return (long)old;
}
