/*
 * printk.h - formatted output for the kernel.
 *
 * vsnprintf/snprintf format into a caller's buffer with C semantics; printk
 * formats into a small stack buffer and hands the text to console_write.
 *
 * Supported: %d %i %u %x %X %p %s %c %%, length modifiers l and ll, flags
 * '-' and '0', a field width (digits or '*') and a precision (digits or '*';
 * maximum length for %s, minimum digit count for numbers). %p prints "0x"
 * and at least 8 hex digits. An unknown conversion is printed literally.
 */
#ifndef MICA_LIB_PRINTK_H
#define MICA_LIB_PRINTK_H

#include <stdarg.h>
#include <stddef.h>

/*
 * On the host (unit tests) libc already owns snprintf and vsnprintf, and gcc
 * treats those names as builtins it may evaluate at compile time. So that the
 * tests really run our code, the host build renames ours with a mica_ prefix.
 */
#ifdef MICA_HOST_TEST
#include <stdio.h> /* libc's declarations first, so they keep their names */
#define vsnprintf mica_vsnprintf
#define snprintf  mica_snprintf
#endif

/* Size of printk's stack buffer; longer messages are cut, never overflowed. */
#define PRINTK_BUF_SIZE 512

int vsnprintf(char *buf, size_t size, const char *fmt, va_list ap)
    __attribute__((format(printf, 3, 0)));
int snprintf(char *buf, size_t size, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

void vprintk(const char *fmt, va_list ap) __attribute__((format(printf, 1, 0)));
void printk(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/* Writes n bytes to the console. Defined in kernel/console.c, not here. */
void console_write(const char *s, size_t n);

#endif
