/*
 * segment.h - the GDT layout and the task-state segment.
 *
 * mica uses flat segments (base 0, limit 4 GiB): protection comes from
 * paging. Segments still matter for one thing, the privilege level: code
 * running with CS = USER_CS is ring 3 and cannot touch kernel pages.
 */
#ifndef MICA_X86_SEGMENT_H
#define MICA_X86_SEGMENT_H

#define GDT_KERNEL_CODE 1
#define GDT_KERNEL_DATA 2
#define GDT_USER_CODE	3
#define GDT_USER_DATA	4
#define GDT_TSS		5 /* the TSS every trap from ring 3 uses */
#define GDT_DF_TSS	6 /* the double-fault task (see gdt.c) */
#define GDT_ENTRIES	7

/* A selector is the GDT index * 8 plus the requested privilege level. */
#define KERNEL_CS  (GDT_KERNEL_CODE * 8)
#define KERNEL_DS  (GDT_KERNEL_DATA * 8)
#define USER_CS	   (GDT_USER_CODE * 8 + 3)
#define USER_DS	   (GDT_USER_DATA * 8 + 3)
#define TSS_SEL	   (GDT_TSS * 8)
#define DF_TSS_SEL (GDT_DF_TSS * 8)

#ifndef __ASSEMBLY__
#include <stdint.h>

/* The 32-bit task-state segment (Intel SDM vol. 3A, 8.2.1). */
struct tss {
	uint32_t link;
	uint32_t esp0, ss0; /* stack the CPU switches to on a ring 3 trap */
	uint32_t esp1, ss1, esp2, ss2;
	uint32_t cr3, eip, eflags;
	uint32_t eax, ecx, edx, ebx, esp, ebp, esi, edi;
	uint32_t es, cs, ss, ds, fs, gs;
	uint32_t ldt;
	uint16_t trap, iomap_base;
} __attribute__((packed));

extern struct tss tss;
extern struct tss df_tss;

void gdt_init(void);

/* The kernel stack the CPU loads on the next trap from user mode. */
static inline void tss_set_kernel_stack(uint32_t esp0)
{
	tss.esp0 = esp0;
}
#endif

#endif
