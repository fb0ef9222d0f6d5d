/*
 * doublefault.c - the double-fault task (vector 8 is a task gate; gdt.c).
 *
 * We arrive here on df_tss's own stack. The CPU stored the registers of
 * the code that faulted in the main TSS when it switched tasks, so we
 * rebuild a trap frame from there to print them.
 */
#include "x86/segment.h"
#include "x86/trap.h"
#include "x86/io.h"
#include "mm/kstack.h"
#include "panic.h"

void double_fault_task(void)
{
	struct trap_frame tf = {
	    .gs = tss.gs,
	    .fs = tss.fs,
	    .es = tss.es,
	    .ds = tss.ds,
	    .edi = tss.edi,
	    .esi = tss.esi,
	    .ebp = tss.ebp,
	    .esp_at_pusha = tss.esp - 20,
	    .ebx = tss.ebx,
	    .edx = tss.edx,
	    .ecx = tss.ecx,
	    .eax = tss.eax,
	    .vector = T_DOUBLE_FAULT,
	    .eip = tss.eip,
	    .cs = tss.cs,
	    .eflags = tss.eflags,
	};

	if (kstack_is_guard(read_cr2()) || kstack_is_guard(tss.esp - 4))
		panic_trap(&tf,
			   "kernel stack overflow: touched the guard "
			   "page at %p",
			   (void *)read_cr2());
	panic_trap(&tf, "double fault");
}
