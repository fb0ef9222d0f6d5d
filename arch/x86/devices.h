/* devices.h - the PC devices mica drives: serial, VGA text, keyboard. */
#ifndef MICA_X86_DEVICES_H
#define MICA_X86_DEVICES_H

#include <stddef.h>

void serial_init(void);
void serial_putc(char c);
void serial_enable_input(void);

void vga_init(void);
void vga_putc(char c);

void kbd_init(void);

/* Leave QEMU with a status (isa-debug-exit), or halt for good. */
void qemu_exit(int code) __attribute__((noreturn));
void machine_halt(void) __attribute__((noreturn));

#endif
