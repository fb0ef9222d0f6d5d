/*
 * gdt.c - the global descriptor table and the task-state segments.
 *
 * Descriptor formats are from the Intel SDM vol. 3A, 3.4.5 (segment
 * descriptors) and 8.2.2 (TSS descriptor).
 */
#include "x86/segment.h"
#include "x86/io.h"
#include "x86/mmu.h"
#include "lib/string.h"

struct tss tss;
struct tss df_tss;

static uint64_t gdt[GDT_ENTRIES];

/* Access byte: present, DPL, descriptor type. */
#define SEG_P	       0x80
#define SEG_DPL(n)     ((n) << 5)
#define SEG_S	       0x10 /* code or data (not a system segment) */
#define SEG_CODE       0x0A /* execute / read */
#define SEG_DATA       0x02 /* read / write */
#define SEG_TSS32      0x09 /* available 32-bit TSS */
/* Flags nibble: 4 KiB granularity, 32-bit. */
#define SEG_FLAGS_4K32 0xC

static uint64_t seg_desc(uint32_t base, uint32_t limit, uint8_t access,
			 uint8_t flags)
{
	uint64_t d = 0;

	d |= limit & 0xFFFF;
	d |= (uint64_t)(base & 0xFFFFFF) << 16;
	d |= (uint64_t)access << 40;
	d |= (uint64_t)((limit >> 16) & 0xF) << 48;
	d |= (uint64_t)(flags & 0xF) << 52;
	d |= (uint64_t)((base >> 24) & 0xFF) << 56;
	return d;
}

/*
 * A double fault usually means the kernel stack overflowed into its guard
 * page: the CPU could not push the page-fault frame. Handling it on the
 * same stack would fault a third time and reset the machine, so vector 8
 * is a task gate: the CPU switches to df_tss, with its own stack, and the
 * handler can still print a panic message.
 */
static uint8_t df_stack[8192] __attribute__((aligned(16)));
extern void double_fault_task(void);

static void df_tss_init(void)
{
	memset(&df_tss, 0, sizeof df_tss);
	df_tss.esp = (uint32_t)(df_stack + sizeof df_stack);
	df_tss.ss = KERNEL_DS;
	df_tss.eip = (uint32_t)double_fault_task;
	df_tss.eflags = 0x2; /* bit 1 is always set; interrupts off */
	df_tss.cs = KERNEL_CS;
	df_tss.ds = df_tss.es = df_tss.fs = df_tss.gs = KERNEL_DS;
	df_tss.cr3 = read_cr3(); /* the kernel page directory, set by now */
	df_tss.iomap_base = sizeof df_tss;
}

void gdt_init(void)
{
	memset(&tss, 0, sizeof tss);
	tss.ss0 = KERNEL_DS;
	tss.iomap_base = sizeof tss; /* no I/O bitmap: ring 3 gets no ports */
	df_tss_init();

	gdt[0] = 0;
	gdt[GDT_KERNEL_CODE] = seg_desc(
	    0, 0xFFFFF, SEG_P | SEG_DPL(0) | SEG_S | SEG_CODE, SEG_FLAGS_4K32);
	gdt[GDT_KERNEL_DATA] = seg_desc(
	    0, 0xFFFFF, SEG_P | SEG_DPL(0) | SEG_S | SEG_DATA, SEG_FLAGS_4K32);
	gdt[GDT_USER_CODE] = seg_desc(
	    0, 0xFFFFF, SEG_P | SEG_DPL(3) | SEG_S | SEG_CODE, SEG_FLAGS_4K32);
	gdt[GDT_USER_DATA] = seg_desc(
	    0, 0xFFFFF, SEG_P | SEG_DPL(3) | SEG_S | SEG_DATA, SEG_FLAGS_4K32);
	gdt[GDT_TSS] =
	    seg_desc((uint32_t)&tss, sizeof tss - 1, SEG_P | SEG_TSS32, 0);
	gdt[GDT_DF_TSS] = seg_desc((uint32_t)&df_tss, sizeof df_tss - 1,
				   SEG_P | SEG_TSS32, 0);

	struct {
		uint16_t limit;
		uint32_t base;
	} __attribute__((packed)) gdtr = {sizeof gdt - 1, (uint32_t)gdt};

	/*
	 * Load the table, then reload every segment register: the CPU keeps
	 * using cached descriptors until a register is written. CS can only
	 * be changed by a far jump (or call, or iret).
	 */
	asm volatile("lgdt %0\n\t"
		     "ljmp %1, $1f\n"
		     "1:\n\t"
		     "movw %w2, %%ds\n\t"
		     "movw %w2, %%es\n\t"
		     "movw %w2, %%fs\n\t"
		     "movw %w2, %%gs\n\t"
		     "movw %w2, %%ss\n\t"
		     :
		     : "m"(gdtr), "i"(KERNEL_CS), "r"(KERNEL_DS)
		     : "memory");
	asm volatile("ltr %w0" : : "r"(TSS_SEL));
}
