/*
 * string.h - the kernel's own memory and string functions.
 *
 * Same names and behaviour as the C library ones, so code reads as usual,
 * plus strlcpy (BSD) and simple_strtol/simple_strtoul. gcc may also emit
 * calls to memcpy, memmove, memset and memcmp on its own (struct copies, big
 * initialisers), which is one more reason every kernel must provide them.
 */
#ifndef MICA_LIB_STRING_H
#define MICA_LIB_STRING_H

#include <stddef.h>

void *memcpy(void *dst, const void *src, size_t n);
void *memmove(void *dst, const void *src, size_t n);
void *memset(void *s, int c, size_t n);
int memcmp(const void *a, const void *b, size_t n);

size_t strlen(const char *s);
size_t strnlen(const char *s, size_t max);
int strcmp(const char *a, const char *b);
int strncmp(const char *a, const char *b, size_t n);
char *strchr(const char *s, int c);
char *strrchr(const char *s, int c);

/*
 * Copies src into dst (size bytes), always NUL-terminating when size > 0.
 * Returns strlen(src): a result >= size means the copy was truncated.
 */
size_t strlcpy(char *dst, const char *src, size_t size);

/*
 * Parses an integer like strtol: leading blanks, an optional sign (for
 * simple_strtol only), then digits in base 2..36, or base 0 to pick 16 for
 * "0x", 8 for "0", else 10. Base 16 also accepts a "0x" prefix. If end is
 * not NULL, *end is set to the first character not used (s itself if there
 * were no digits). Overflow is not detected: the value wraps.
 */
long simple_strtol(const char *s, const char **end, int base);
unsigned long simple_strtoul(const char *s, const char **end, int base);
char *strstr(const char *haystack, const char *needle);

#endif
