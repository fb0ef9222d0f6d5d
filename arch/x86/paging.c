/*
 * paging.c - the kernel's half of every address space.
 *
 * The top 1 GiB of virtual memory belongs to the kernel (docs/memory-map.md):
 *
 *   0xC0000000 .. 0xEFFFFFFF  all RAM, at KERNEL_BASE + its physical address
 *                             (4 MiB pages, so no page tables are needed)
 *   0xF0000000 .. 0xF7FFFFFF  kernel stacks, each with an unmapped guard page
 *                             below it (4 KiB pages, tables allocated here)
 *
 * Every kernel page-directory entry is fixed at boot and copied into each
 * new address space. Since the entries never change afterwards, a mapping
 * made in a kernel page table is seen by every address space at once.
 */
#include "x86/paging.h"
#include "x86/io.h"
#include "lib/string.h"
#include "mm/kstack.h"
#include "mm/vm.h"
#include "sched.h"
#include "panic.h"

pde_t kernel_pgdir[1024] __attribute__((aligned(PAGE_SIZE)));

#define KVMAP_TABLES ((KVMAP_END - KVMAP_START) >> PGDIR_SHIFT)
static pte_t kvmap_tables[KVMAP_TABLES][1024]
    __attribute__((aligned(PAGE_SIZE)));

static uint32_t direct_top; /* physical end of the direct map */

uint32_t direct_map_top(void)
{
	return direct_top;
}

void paging_init(uint32_t ram_top)
{
	const uint32_t max_direct = DIRECT_MAP_END - KERNEL_BASE;

	/* RAM beyond 768 MiB stays unused; see docs/memory-map.md. */
	direct_top = ram_top < max_direct ? ram_top : max_direct;
	direct_top &= ~((1u << PGDIR_SHIFT) - 1);
	if (direct_top < ram_top && direct_top < max_direct)
		direct_top += 1u
			      << PGDIR_SHIFT; /* cover a partial last 4 MiB */

	memset(kernel_pgdir, 0, sizeof kernel_pgdir);
	for (uint32_t pa = 0; pa < direct_top; pa += 1u << PGDIR_SHIFT)
		kernel_pgdir[PDX(KERNEL_BASE + pa)] =
		    pa | PTE_P | PTE_W | PTE_PS | PTE_G;

	for (uint32_t i = 0; i < KVMAP_TABLES; i++)
		kernel_pgdir[PDX(KVMAP_START) + i] =
		    virt_to_phys(kvmap_tables[i]) | PTE_P | PTE_W;

	/*
	 * Global pages stay in the TLB when CR3 is reloaded: a context switch
	 * between two address spaces does not throw away the kernel's
	 * translations, which are the same in both.
	 */
	write_cr4(read_cr4() | CR4_PGE);
	write_cr3(virt_to_phys(kernel_pgdir)); /* the identity map is gone */
}

static pte_t *kvmap_pte(uintptr_t va)
{
	if (va < KVMAP_START || va >= KVMAP_END)
		panic("kvmap: address %p outside the kernel map", (void *)va);
	return &kvmap_tables[(va - KVMAP_START) >> PGDIR_SHIFT][PTX(va)];
}

void kvmap_map(uintptr_t va, uint32_t pa)
{
	*kvmap_pte(va) = pa | PTE_P | PTE_W | PTE_G;
	invlpg(va);
}

/* Remove a kernel mapping and return the frame it pointed at. */
uint32_t kvmap_unmap(uintptr_t va)
{
	pte_t *pte = kvmap_pte(va);
	uint32_t pa = PTE_ADDR(*pte);

	*pte = 0;
	invlpg(va);
	return pa;
}

/* May the kernel read va without faulting? (For backtraces in a panic.) */
bool kernel_addr_mapped(uintptr_t va)
{
	pde_t pde;

	if (va >= KERNEL_BASE && va < KERNEL_BASE + direct_top)
		return true;
	if (va < KVMAP_START || va >= KVMAP_END)
		return false;
	pde = kernel_pgdir[PDX(va)];
	return (pde & PTE_P) && (*kvmap_pte(va) & PTE_P);
}

/* arch/x86/usercopy.S: the instructions that may fault on user memory. */
extern const char copy_user_start[], copy_user_end[], copy_user_fixup[];

/*
 * A fault inside __copy_user: make the user page present if a user access
 * could (then the copy resumes), else send the copy to its fixup, which
 * returns -EFAULT. Returns false if the fault was not one of these.
 */
static bool user_copy_fault(struct trap_frame *tf, uint32_t addr)
{
	if (tf->eip < (uintptr_t)copy_user_start ||
	    tf->eip >= (uintptr_t)copy_user_end)
		return false;
	if (addr >= USER_TOP || !current->mm ||
	    mm_fault_in(current->mm, addr, tf->error & PFE_W) != VM_OK)
		tf->eip = (uintptr_t)copy_user_fixup;
	return true;
}

void page_fault(struct trap_frame *tf)
{
	uint32_t addr = read_cr2();

	if (user_copy_fault(tf, addr))
		return;

	if (kstack_is_guard(addr))
		panic_trap(tf,
			   "kernel stack overflow: touched the guard page "
			   "at %p",
			   (void *)addr);
	panic_trap(tf, "page fault in the kernel at %p: %s %s", (void *)addr,
		   tf->error & PFE_W ? "write to" : "read from",
		   tf->error & PFE_P ? "a protected page" : "an unmapped page");
}
