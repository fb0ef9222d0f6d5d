/* stdlib.h - memory allocation (lib/malloc.c), numbers, exit. */
#ifndef _STDLIB_H
#define _STDLIB_H

#include <stddef.h>

#define EXIT_SUCCESS 0
#define EXIT_FAILURE 1

void *malloc(size_t size);
void free(void *p);
void *calloc(size_t n, size_t size);
void *realloc(void *p, size_t size);

int atoi(const char *s);
long strtol(const char *s, char **end, int base);
int abs(int x);

void exit(int status) __attribute__((noreturn));

#endif
