/*
 * stdio.c - printf and friends, and line input for the shell.
 *
 * All the formatting is done by one function, format(), which hands each
 * character to a "sink". A sink is either a caller's string (snprintf)
 * or a buffer on the stack that is written to a file descriptor when it
 * fills and when printf finishes. A short printf therefore reaches the
 * kernel as a single write(), so lines from tasks that print at the same
 * time do not interleave character by character.
 */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

static FILE stdin_file = {0}, stdout_file = {1}, stderr_file = {2};
FILE *stdin = &stdin_file;
FILE *stdout = &stdout_file;
FILE *stderr = &stderr_file;

struct sink {
	char *buf;
	size_t size;  /* capacity of buf */
	size_t len;   /* characters now in buf */
	size_t total; /* characters produced so far: printf's result */
	int fd;	      /* where a full buffer goes; -1 for snprintf */
};

static void flush(struct sink *s)
{
	if (s->fd >= 0 && s->len > 0)
		write(s->fd, s->buf, s->len);
	s->len = 0;
}

/* Add one character. A string sink keeps the last byte for the NUL and
 * drops what does not fit; an fd sink writes out a full buffer. */
static void put(struct sink *s, char c)
{
	if (s->fd >= 0 && s->len == s->size)
		flush(s);
	if (s->len + (s->fd < 0) < s->size)
		s->buf[s->len++] = c;
	s->total++;
}

static void pad(struct sink *s, char c, int n)
{
	while (n-- > 0)
		put(s, c);
}

/* What one % conversion asked for besides its letter. */
struct spec {
	int left;  /* '-': pad on the right */
	int zero;  /* '0': pad numbers with zeros */
	int width; /* minimum field width */
	int prec;  /* .N: at most N characters of a string; -1 if none */
};

static void put_str(struct sink *s, const char *str, struct spec *sp)
{
	int n = 0;

	if (str == NULL)
		str = "(null)";
	while (str[n] && (sp->prec < 0 || n < sp->prec))
		n++;
	if (!sp->left)
		pad(s, ' ', sp->width - n);
	for (int i = 0; i < n; i++)
		put(s, str[i]);
	if (sp->left)
		pad(s, ' ', sp->width - n);
}

/* Print v in base 10 or 16, with a sign if neg and "0x" if prefix. */
static void put_num(struct sink *s, unsigned long long v, int base, int neg,
		    int upper, int prefix, struct spec *sp)
{
	const char *digits = upper ? "0123456789ABCDEF" : "0123456789abcdef";
	char tmp[24]; /* 2^64 has 20 decimal digits */
	int n = 0, extra = neg + 2 * prefix;
	int used;

	do { /* digits come out backwards */
		tmp[n++] = digits[v % base];
		v /= base;
	} while (v != 0);
	used = n + extra; /* characters before any padding */

	if (!sp->left && !sp->zero)
		pad(s, ' ', sp->width - used);
	if (neg)
		put(s, '-');
	if (prefix) {
		put(s, '0');
		put(s, 'x');
	}
	if (!sp->left && sp->zero) /* zeros go after the sign: -0042 */
		pad(s, '0', sp->width - used);
	while (n > 0)
		put(s, tmp[--n]);
	if (sp->left)
		pad(s, ' ', sp->width - used);
}

/* Read a number from the format (a width or a precision), or '*'. */
static int parse_int(const char **fmt, va_list *ap)
{
	int n = 0;

	if (**fmt == '*') {
		(*fmt)++;
		return va_arg(*ap, int);
	}
	while (**fmt >= '0' && **fmt <= '9')
		n = n * 10 + (*(*fmt)++ - '0');
	return n;
}

/* Fetch a signed argument of the size that 'l' / "ll" said. */
static long long signed_arg(int longs, va_list *ap)
{
	if (longs >= 2)
		return va_arg(*ap, long long);
	if (longs == 1)
		return va_arg(*ap, long);
	return va_arg(*ap, int);
}

static unsigned long long unsigned_arg(int longs, va_list *ap)
{
	if (longs >= 2)
		return va_arg(*ap, unsigned long long);
	if (longs == 1)
		return va_arg(*ap, unsigned long);
	return va_arg(*ap, unsigned int);
}

/*
 * Handle the conversion that starts after a '%': flags, width, precision,
 * length, letter. va_list is passed by pointer so that the helpers above
 * can take arguments from it (a va_list cannot be copied portably).
 */
static const char *convert(struct sink *s, const char *fmt, va_list *ap)
{
	struct spec sp = {0, 0, 0, -1};
	int longs = 0;
	long long v;

	for (;; fmt++) {
		if (*fmt == '-')
			sp.left = 1;
		else if (*fmt == '0')
			sp.zero = 1;
		else
			break;
	}
	sp.width = parse_int(&fmt, ap);
	if (sp.width < 0) { /* printf("%*d", -5, x) means left-justify */
		sp.left = 1;
		sp.width = -sp.width;
	}
	if (*fmt == '.') {
		fmt++;
		sp.prec = parse_int(&fmt, ap);
	}
	while (*fmt == 'l' || *fmt == 'z')
		longs += (*fmt++ == 'l'); /* size_t is unsigned int on i386 */

	switch (*fmt) {
	case 'd':
	case 'i':
		v = signed_arg(longs, ap);
		/* negate as unsigned, so the most negative value works too */
		put_num(s,
			v < 0 ? -(unsigned long long)v : (unsigned long long)v,
			10, v < 0, 0, 0, &sp);
		break;
	case 'u':
		put_num(s, unsigned_arg(longs, ap), 10, 0, 0, 0, &sp);
		break;
	case 'x':
	case 'X':
		put_num(s, unsigned_arg(longs, ap), 16, 0, *fmt == 'X', 0, &sp);
		break;
	case 'p':
		put_num(s, (unsigned long)va_arg(*ap, void *), 16, 0, 0, 1,
			&sp);
		break;
	case 's':
		put_str(s, va_arg(*ap, const char *), &sp);
		break;
	case 'c':
		sp.prec = -1;
		put_str(s, (char[]){(char)va_arg(*ap, int), '\0'}, &sp);
		break;
	case '%':
		put(s, '%');
		break;
	case '\0': /* a lone '%' at the end: print it, stop there */
		put(s, '%');
		return fmt;
	default: /* unknown: show it as written, so the mistake is visible */
		put(s, '%');
		put(s, *fmt);
		break;
	}
	return fmt + 1;
}

static void format(struct sink *s, const char *fmt, va_list ap)
{
	va_list args;

	va_copy(args, ap);
	while (*fmt) {
		if (*fmt == '%')
			fmt = convert(s, fmt + 1, &args);
		else
			put(s, *fmt++);
	}
	va_end(args);
}

int vsnprintf(char *buf, size_t size, const char *fmt, va_list ap)
{
	struct sink s = {buf, size, 0, 0, -1};

	format(&s, fmt, ap);
	if (size > 0)
		buf[s.len] = '\0';
	return (int)s.total; /* what it would have been, as C says */
}

int snprintf(char *buf, size_t size, const char *fmt, ...)
{
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(buf, size, fmt, ap);
	va_end(ap);
	return n;
}

int vfprintf(FILE *f, const char *fmt, va_list ap)
{
	char buf[256]; /* most lines fit: one write() per call */
	struct sink s = {buf, sizeof(buf), 0, 0, f->fd};

	format(&s, fmt, ap);
	flush(&s);
	return (int)s.total;
}

int fprintf(FILE *f, const char *fmt, ...)
{
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vfprintf(f, fmt, ap);
	va_end(ap);
	return n;
}

int vprintf(const char *fmt, va_list ap)
{
	return vfprintf(stdout, fmt, ap);
}

int printf(const char *fmt, ...)
{
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vfprintf(stdout, fmt, ap);
	va_end(ap);
	return n;
}

int fputs(const char *s, FILE *f)
{
	return write(f->fd, s, strlen(s)) < 0 ? EOF : 0;
}

int puts(const char *s)
{
	return printf("%s\n", s) < 0 ? EOF : 0;
}

int putchar(int c)
{
	char ch = (char)c;

	return write(1, &ch, 1) == 1 ? (unsigned char)c : EOF;
}

int getchar(void)
{
	unsigned char c;

	return read(0, &c, 1) == 1 ? c : EOF;
}

/*
 * The console hands user programs raw keys and does not echo them, so
 * the reader echoes: each key is written back, and a backspace erases
 * the last character on screen with "\b \b" (back, blank, back).
 *
 * A serial terminal sends '\r' for Enter, the keyboard '\n'; either ends
 * the line. A '\n' right after a '\r' is the second half of one Enter
 * (some terminals send both) and is skipped.
 */
char *gets_line(char *buf, int size)
{
	static int last_was_cr;
	int len = 0;
	int c;

	if (size <= 0)
		return NULL;
	while ((c = getchar()) != EOF) {
		int was_cr = last_was_cr;

		last_was_cr = (c == '\r');
		if (c == '\n' && was_cr)
			continue;
		if (c == '\r' || c == '\n') {
			write(1, "\n", 1);
			buf[len] = '\0';
			return buf;
		}
		if (c == '\b' || c == 0x7f) { /* Backspace or Delete */
			if (len > 0) {
				len--;
				write(1, "\b \b", 3);
			}
			continue;
		}
		if (c < ' ' || len >= size - 1)
			continue; /* control keys, and a full buffer, are ignored */
		buf[len++] = (char)c;
		write(1, &buf[len - 1], 1);
	}
	if (len == 0)
		return NULL;
	buf[len] = '\0'; /* end of input ends the last line too */
	return buf;
}
