/* power.c - leaving the machine: QEMU's debug-exit port, or a halt. */
#include "x86/devices.h"
#include "x86/io.h"

#define DEBUG_EXIT_PORT 0xF4 /* -device isa-debug-exit,iobase=0xf4 */

/*
 * QEMU exits with status (code << 1) | 1 when a byte is written to the
 * isa-debug-exit port: tools/runtests.py reads 1 as pass, 3 as fail. On
 * hardware (or without the device) the write does nothing and we halt.
 */
void qemu_exit(int code)
{
	outb(DEBUG_EXIT_PORT, code);
	machine_halt();
}

void machine_halt(void)
{
	for (;;) {
		cli();
		hlt();
	}
}
