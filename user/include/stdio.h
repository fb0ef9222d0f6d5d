/*
 * stdio.h - formatted output and line input (lib/stdio.c).
 *
 * There is no buffering between calls: each printf formats into a buffer
 * on the stack and hands it to write() in one piece, so that lines from
 * tasks printing at the same time do not mix character by character.
 */
#ifndef _STDIO_H
#define _STDIO_H

#include <stdarg.h>
#include <stddef.h>

#define EOF (-1)

/* A FILE is only a file descriptor: enough for stdout and stderr. */
typedef struct {
	int fd;
} FILE;

extern FILE *stdin, *stdout, *stderr;

int printf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
int fprintf(FILE *f, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));
int sprintf(char *buf, const char *fmt, ...) /* no size: prefer snprintf */
    __attribute__((format(printf, 2, 3)));
int snprintf(char *buf, size_t size, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
int vprintf(const char *fmt, va_list ap);
int vfprintf(FILE *f, const char *fmt, va_list ap);
int vsnprintf(char *buf, size_t size, const char *fmt, va_list ap);

int puts(const char *s); /* s and a newline */
int fputs(const char *s, FILE *f);
int putchar(int c);
int getchar(void); /* one byte from fd 0, or EOF */

/* Read a line from fd 0 into buf, echoing it; no newline is stored.
 * Returns buf, or NULL at end of input with nothing read. */
char *gets_line(char *buf, int size);

#endif
