/*
 * boot.S - the first instructions mica runs.
 *
 * GRUB (or QEMU's -kernel loader) finds the multiboot header below, loads
 * the kernel at physical 1 MiB and jumps to _start in 32-bit protected mode
 * with paging off, EAX = the multiboot magic and EBX = the physical address
 * of the multiboot information structure.
 *
 * The kernel is linked to run at 0xC0100000 (see linker.ld), so before any C
 * runs we turn paging on with a temporary page directory that maps the first
 * 128 MiB of RAM twice: at 0 (so the next instruction still exists after
 * paging is switched on) and at 0xC0000000 (where the kernel was linked).
 * arch/x86/paging.c replaces it with the real kernel page directory.
 */
#include "x86/mmu.h"

#define MB_MAGIC	0x1BADB002	/* multiboot v1 header magic */
#define MB_PAGE_ALIGN	(1 << 0)	/* load modules on page boundaries */
#define MB_MEMORY_INFO	(1 << 1)	/* give us the memory map */
#define MB_FLAGS	(MB_PAGE_ALIGN | MB_MEMORY_INFO)

#define BOOT_MAP_MB	128		/* RAM mapped by the boot directory */

	.section .multiboot, "a"
	.align 4
	.long MB_MAGIC
	.long MB_FLAGS
	.long -(MB_MAGIC + MB_FLAGS)	/* the three words must sum to 0 */

	.section .boot.text, "ax"
	.global _start
_start:
	cli				# no interrupts until we have an IDT
	movl	%eax, %esi		# keep the multiboot magic
	movl	%ebx, %edi		# keep the multiboot info address

	movl	%cr4, %eax
	orl	$CR4_PSE, %eax		# allow 4 MiB pages in the directory
	movl	%eax, %cr4

	movl	$boot_page_dir, %eax	# a physical address: .boot is not relocated
	movl	%eax, %cr3		# the directory the MMU will walk

	movl	%cr0, %eax
	orl	$(CR0_PG | CR0_WP), %eax	# paging on; honour read-only pages in ring 0
	movl	%eax, %cr0

	movl	$start_higher_half, %eax	# an absolute jump to 0xC01xxxxx
	jmp	*%eax

	.section .boot.data, "aw"
	.align PAGE_SIZE
boot_page_dir:
	/* Entries 0..BOOT_MAP_MB/4-1: identity map, used only until the jump. */
	.set i, 0
	.rept BOOT_MAP_MB / 4
	.long (i << 22) | PTE_P | PTE_W | PTE_PS
	.set i, i + 1
	.endr
	.fill (KERNEL_BASE >> 22) - BOOT_MAP_MB / 4, 4, 0
	/* Entries 768..: the same RAM at KERNEL_BASE, where the kernel runs. */
	.set i, 0
	.rept BOOT_MAP_MB / 4
	.long (i << 22) | PTE_P | PTE_W | PTE_PS
	.set i, i + 1
	.endr
	.fill 1024 - (KERNEL_BASE >> 22) - BOOT_MAP_MB / 4, 4, 0

	.text
start_higher_half:
	movl	$boot_stack_top, %esp	# a stack (in .bss, so zero and mapped)
	xorl	%ebp, %ebp		# ebp = 0 ends every backtrace here
	pushl	%edi			# kmain(magic, multiboot info physical address)
	pushl	%esi
	call	kmain
1:	cli				# kmain never returns; if it does, stop
	hlt
	jmp	1b

	.bss
	.align PAGE_SIZE
	.global boot_stack_bottom, boot_stack_top
boot_stack_bottom:
	.skip 16384
boot_stack_top:
