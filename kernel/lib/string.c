/*
 * string.c - memory and string functions for the kernel (no libc here).
 *
 * Plain byte loops: easy to read and to trust, and fast enough for a
 * teaching kernel.
 */
#include <stdbool.h>
#include <stdint.h>

#include "lib/string.h"

/*
 * gcc can recognise a byte-copy or byte-fill loop and replace it with a
 * call to memcpy or memset. Inside memcpy and memset themselves that call
 * would be endless recursion, so that optimisation is turned off here.
 */
#define NO_LIBCALL __attribute__((optimize("no-tree-loop-distribute-patterns")))

/*
 * memcpy and memset move four bytes per step with the string
 * instructions (`rep movsl`, `rep stosl`), then the 0-3 bytes left over:
 * a page is copied or cleared in about a thousand steps instead of four
 * thousand. They are on every hot path (fork, exec, messages).
 */
void *memcpy(void *dst, const void *src, size_t n)
{
	void *d = dst;
	size_t words = n / 4;

	asm volatile("rep movsl\n\t"
		     "movl %3, %%ecx\n\t"
		     "rep movsb"
		     : "+D"(d), "+S"(src), "+c"(words)
		     : "r"(n % 4)
		     : "memory");
	return dst;
}

NO_LIBCALL void *memmove(void *dst, const void *src, size_t n)
{
	unsigned char *d = dst;
	const unsigned char *s = src;

	/* If dst starts inside src, copy backwards so src is read first. */
	if (d > s && d < s + n) {
		while (n--)
			d[n] = s[n];
		return dst;
	}
	return memcpy(dst, src, n); /* forwards is always safe here */
}

void *memset(void *s, int c, size_t n)
{
	void *p = s;
	size_t words = n / 4;
	uint32_t v = (uint8_t)c * 0x01010101u; /* the byte, four times */

	asm volatile("rep stosl\n\t"
		     "movl %3, %%ecx\n\t"
		     "rep stosb"
		     : "+D"(p), "+c"(words)
		     : "a"(v), "r"(n % 4)
		     : "memory");
	return s;
}

int memcmp(const void *a, const void *b, size_t n)
{
	const unsigned char *x = a, *y = b;

	for (; n; n--, x++, y++) {
		if (*x != *y)
			return *x - *y;
	}
	return 0;
}

size_t strlen(const char *s)
{
	size_t n = 0;

	while (s[n])
		n++;
	return n;
}

size_t strnlen(const char *s, size_t max)
{
	size_t n = 0;

	while (n < max && s[n])
		n++;
	return n;
}

/* Like C, compare as unsigned char so that bytes >= 0x80 sort last. */
int strcmp(const char *a, const char *b)
{
	while (*a && *a == *b) {
		a++;
		b++;
	}
	return (unsigned char)*a - (unsigned char)*b;
}

int strncmp(const char *a, const char *b, size_t n)
{
	for (; n; n--, a++, b++) {
		if (*a != *b || !*a)
			return (unsigned char)*a - (unsigned char)*b;
	}
	return 0;
}

/* As in C, the terminating NUL counts as part of the string. */
char *strchr(const char *s, int c)
{
	for (;; s++) {
		if (*s == (char)c)
			return (char *)s;
		if (!*s)
			return NULL;
	}
}

char *strrchr(const char *s, int c)
{
	const char *last = NULL;

	for (;; s++) {
		if (*s == (char)c)
			last = s;
		if (!*s)
			return (char *)last;
	}
}

size_t strlcpy(char *dst, const char *src, size_t size)
{
	size_t len = strlen(src);

	if (size > 0) {
		size_t n = len < size - 1 ? len : size - 1;

		memcpy(dst, src, n);
		dst[n] = '\0';
	}
	return len;
}

/* Value of c as a digit in base 36, or 36 if it is not a digit at all. */
static unsigned int digit_value(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'z')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'Z')
		return c - 'A' + 10;
	return 36;
}

static bool has_hex_prefix(const char *s)
{
	return s[0] == '0' && (s[1] == 'x' || s[1] == 'X') &&
	       digit_value(s[2]) < 16;
}

/*
 * Parses digits only: no blanks and no sign (the callers handle those).
 * *end is set past the last digit used, so *end == s means "no digits".
 */
static unsigned long parse_digits(const char *s, const char **end, int base)
{
	unsigned long val = 0;
	const char *p = s;

	if (base == 0) {
		if (has_hex_prefix(p))
			base = 16;
		else if (p[0] == '0')
			base = 8;
		else
			base = 10;
	}
	/* Skip "0x" only if a hex digit follows: "0x" alone parses as 0. */
	if (base == 16 && has_hex_prefix(p))
		p += 2;

	while (base >= 2 && base <= 36 && digit_value(*p) < (unsigned int)base)
		val = val * base + digit_value(*p++);

	*end = p;
	return val;
}

static const char *skip_blanks(const char *s)
{
	while (*s == ' ' || *s == '\t' || *s == '\n')
		s++;
	return s;
}

unsigned long simple_strtoul(const char *s, const char **end, int base)
{
	const char *p = skip_blanks(s), *e;
	unsigned long val = parse_digits(p, &e, base);

	if (end)
		*end = e == p ? s : e;
	return val;
}

long simple_strtol(const char *s, const char **end, int base)
{
	const char *p = skip_blanks(s), *e;
	bool neg = *p == '-';
	unsigned long val;

	if (*p == '-' || *p == '+')
		p++;
	val = parse_digits(p, &e, base);
	if (end)
		*end = e == p ? s : e;
	/* Negate as unsigned: well defined, and LONG_MIN comes out right. */
	return (long)(neg ? 0UL - val : val);
}

/* The first place needle occurs in haystack: the obvious O(n*m) search. */
char *strstr(const char *haystack, const char *needle)
{
	size_t n = strlen(needle);

	for (; *haystack; haystack++)
		if (strncmp(haystack, needle, n) == 0)
			return (char *)haystack;
	return n == 0 ? (char *)haystack : NULL;
}
