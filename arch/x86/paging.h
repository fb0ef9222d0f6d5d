/* paging.h - the kernel page directory and the kernel's own mappings. */
#ifndef MICA_X86_PAGING_H
#define MICA_X86_PAGING_H

#include <stdbool.h>
#include <stdint.h>

#include "x86/mmu.h"
#include "x86/trap.h"

extern pde_t kernel_pgdir[1024];

void paging_init(uint32_t ram_top);
uint32_t direct_map_top(void);
void kvmap_map(uintptr_t va, uint32_t pa);
uint32_t kvmap_unmap(uintptr_t va);
bool kernel_addr_mapped(uintptr_t va);
void page_fault(struct trap_frame *tf);

#endif
