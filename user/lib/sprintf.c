/*
 * sprintf.c - sprintf, for programs written for POSIX (the textbook's
 * shared-memory producer uses it). It cannot know the buffer's size:
 * prefer snprintf in new code.
 */
#include <stdarg.h>
#include <stdio.h>

int sprintf(char *buf, const char *fmt, ...)
{
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(buf, (size_t)-1 / 2, fmt, ap);
	va_end(ap);
	return n;
}
