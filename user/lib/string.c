/*
 * string.c - memory and string functions, and number parsing.
 *
 * Written for clarity, one byte at a time. The compiler may itself emit
 * calls to memcpy and memset (to copy a struct, say), so these must exist
 * even in a program that never calls them. user.mk builds this library
 * with -fno-tree-loop-distribute-patterns, so that gcc does not turn the
 * loop in memset into a call to memset.
 */
#include <stdlib.h>
#include <string.h>

void *memcpy(void *dst, const void *src, size_t n)
{
	char *d = dst;
	const char *s = src;

	while (n-- > 0)
		*d++ = *s++;
	return dst;
}

/* Like memcpy, but the areas may overlap: copy backwards if dst is
 * above src, so that no byte is overwritten before it is read. */
void *memmove(void *dst, const void *src, size_t n)
{
	char *d = dst;
	const char *s = src;

	if (d <= s || d >= s + n)
		return memcpy(dst, src, n);
	while (n-- > 0)
		d[n] = s[n];
	return dst;
}

void *memset(void *dst, int c, size_t n)
{
	unsigned char *d = dst;

	while (n-- > 0)
		*d++ = (unsigned char)c;
	return dst;
}

int memcmp(const void *a, const void *b, size_t n)
{
	const unsigned char *p = a, *q = b;

	for (; n > 0; n--, p++, q++)
		if (*p != *q)
			return *p - *q;
	return 0;
}

size_t strlen(const char *s)
{
	size_t n = 0;

	while (s[n])
		n++;
	return n;
}

/* Compare as unsigned char, as C requires, so 'é' sorts after 'z'. */
int strcmp(const char *a, const char *b)
{
	while (*a && *a == *b)
		a++, b++;
	return (unsigned char)*a - (unsigned char)*b;
}

int strncmp(const char *a, const char *b, size_t n)
{
	for (; n > 0; n--, a++, b++)
		if (*a != *b || *a == '\0')
			return (unsigned char)*a - (unsigned char)*b;
	return 0;
}

char *strcpy(char *dst, const char *src)
{
	char *d = dst;

	while ((*d++ = *src++) != '\0')
		;
	return dst;
}

/* C's strncpy: pads with NULs to n, and does not terminate a source of
 * n or more characters. */
char *strncpy(char *dst, const char *src, size_t n)
{
	size_t i = 0;

	for (; i < n && src[i]; i++)
		dst[i] = src[i];
	for (; i < n; i++)
		dst[i] = '\0';
	return dst;
}

char *strcat(char *dst, const char *src)
{
	strcpy(dst + strlen(dst), src);
	return dst;
}

/* The terminating NUL counts as part of the string: strchr(s, 0) finds it. */
char *strchr(const char *s, int c)
{
	for (;; s++) {
		if (*s == (char)c)
			return (char *)s;
		if (*s == '\0')
			return NULL;
	}
}

char *strrchr(const char *s, int c)
{
	const char *last = NULL;

	for (;; s++) {
		if (*s == (char)c)
			last = s;
		if (*s == '\0')
			return (char *)last;
	}
}

char *strdup(const char *s)
{
	size_t n = strlen(s) + 1;
	char *p = malloc(n);

	return p ? memcpy(p, s, n) : NULL;
}

/*
 * strtok(line, " ") returns the first token and remembers where it
 * stopped; strtok(NULL, " ") continues from there. The delimiters after
 * a token are overwritten with a NUL. Not reentrant: one string at a time.
 */
char *strtok(char *s, const char *delim)
{
	static char *next;
	char *tok;

	if (s == NULL)
		s = next;
	if (s == NULL)
		return NULL;
	while (*s && strchr(delim, *s)) /* skip leading delimiters */
		s++;
	if (*s == '\0') {
		next = NULL;
		return NULL;
	}
	tok = s;
	while (*s && !strchr(delim, *s))
		s++;
	if (*s) {
		*s = '\0';
		next = s + 1;
	} else {
		next = NULL;
	}
	return tok;
}

static int digit_value(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'z')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'Z')
		return c - 'A' + 10;
	return 99; /* not a digit in any base */
}

/*
 * Parse an optionally signed number in base 2..36. Base 0 means "as C
 * writes it": 0x1f is hex, 017 octal, 17 decimal. *end (if end is not
 * NULL) is set to the first character not used. Values too large to
 * fit are clamped to LONG_MAX / LONG_MIN.
 */
long strtol(const char *s, char **end, int base)
{
	const char *start = s;
	unsigned long v = 0, limit;
	int neg = 0, any = 0, overflow = 0;

	while (*s == ' ' || *s == '\t' || *s == '\n')
		s++;
	if (*s == '-' || *s == '+')
		neg = (*s++ == '-');
	if ((base == 0 || base == 16) && s[0] == '0' &&
	    (s[1] == 'x' || s[1] == 'X') && digit_value(s[2]) < 16) {
		s += 2;
		base = 16;
	} else if (base == 0) {
		base = (*s == '0') ? 8 : 10;
	}
	limit = neg ? -(unsigned long)(-__LONG_MAX__ - 1) : __LONG_MAX__;
	for (; digit_value(*s) < base; s++, any = 1) {
		unsigned d = digit_value(*s);

		if (v > (limit - d) / base)
			overflow = 1;
		else
			v = v * base + d;
	}
	if (end != NULL)
		*end = (char *)(any ? s : start);
	if (overflow)
		v = limit;
	return neg ? -(long)(v - 1) - 1 : (long)v; /* -(v) without overflow */
}

int atoi(const char *s)
{
	return (int)strtol(s, NULL, 10);
}

int abs(int x)
{
	return x < 0 ? -x : x;
}
