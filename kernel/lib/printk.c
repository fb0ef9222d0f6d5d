/*
 * printk.c - a small vsnprintf and the kernel's printk on top of it.
 *
 * Output goes through struct outbuf, which counts every character it is
 * given but stores only those that fit. That one rule gives C's snprintf
 * semantics: the result is always NUL-terminated (when size > 0) and the
 * return value is the length the full output would have had.
 */
#include <stdbool.h>
#include <stdint.h>

#include "lib/printk.h"

struct outbuf {
	char *buf;
	size_t size; /* capacity of buf, including the final NUL */
	size_t len;  /* characters produced so far, stored or not */
};

/* What was parsed between '%' and the conversion character. */
struct fmt_spec {
	bool left;     /* '-': pad on the right */
	bool zero;     /* '0': pad numbers with zeros instead of spaces */
	int width;     /* minimum field width, 0 if none */
	int precision; /* -1 if none */
	int length;    /* 0: int, 1: long (l), 2: long long (ll) */
};

static void out_char(struct outbuf *o, char c)
{
	/* Keep the last byte free for the NUL. */
	if (o->len + 1 < o->size)
		o->buf[o->len] = c;
	o->len++;
}

static void out_repeat(struct outbuf *o, char c, int n)
{
	while (n-- > 0)
		out_char(o, c);
}

static void out_mem(struct outbuf *o, const char *s, int n)
{
	while (n-- > 0)
		out_char(o, *s++);
}

static int str_len_max(const char *s, int max)
{
	int n = 0;

	/*
	 * max < 0 means "no precision": stop only at the NUL. Test the limit
	 * first: with a precision, s need not be NUL-terminated at all.
	 */
	while ((max < 0 || n < max) && s[n])
		n++;
	return n;
}

static void format_string(struct outbuf *o, const char *s,
			  const struct fmt_spec *spec)
{
	int n;

	if (!s)
		s = "(null)";
	n = str_len_max(s, spec->precision);
	if (!spec->left)
		out_repeat(o, ' ', spec->width - n);
	out_mem(o, s, n);
	if (spec->left)
		out_repeat(o, ' ', spec->width - n);
}

static void format_char(struct outbuf *o, char c, const struct fmt_spec *spec)
{
	/* Unlike %s, a NUL character is still printed: it is one character. */
	if (!spec->left)
		out_repeat(o, ' ', spec->width - 1);
	out_char(o, c);
	if (spec->left)
		out_repeat(o, ' ', spec->width - 1);
}

/*
 * Prints prefix ("-", "0x" or ""), then val in the given base. The pieces
 * are laid out as [spaces][prefix][zeros][digits][spaces], and only the
 * lengths of the padding parts depend on the flags.
 */
static void format_number(struct outbuf *o, unsigned long long val,
			  unsigned int base, bool upper, const char *prefix,
			  const struct fmt_spec *spec)
{
	const char *digits = upper ? "0123456789ABCDEF" : "0123456789abcdef";
	char tmp[24]; /* 2^64 - 1 has 20 decimal digits */
	int ndigits = 0, nprefix = str_len_max(prefix, -1);
	int zeros, spaces;

	/* C rule: precision 0 and value 0 print no digits at all. */
	while (val || (ndigits == 0 && spec->precision != 0)) {
		tmp[ndigits++] = digits[val % base];
		val /= base;
	}

	zeros = spec->precision > ndigits ? spec->precision - ndigits : 0;
	spaces = spec->width - nprefix - zeros - ndigits;
	/* '0' only applies without a precision, as in C. */
	if (spec->zero && !spec->left && spec->precision < 0 && spaces > 0) {
		zeros += spaces;
		spaces = 0;
	}

	if (!spec->left)
		out_repeat(o, ' ', spaces);
	out_mem(o, prefix, nprefix);
	out_repeat(o, '0', zeros);
	while (ndigits > 0)
		out_char(o, tmp[--ndigits]);
	if (spec->left)
		out_repeat(o, ' ', spaces);
}

static long long arg_signed(va_list *ap, int length)
{
	if (length == 2)
		return va_arg(*ap, long long);
	if (length == 1)
		return va_arg(*ap, long);
	return va_arg(*ap, int);
}

static unsigned long long arg_unsigned(va_list *ap, int length)
{
	if (length == 2)
		return va_arg(*ap, unsigned long long);
	if (length == 1)
		return va_arg(*ap, unsigned long);
	return va_arg(*ap, unsigned int);
}

static void format_signed(struct outbuf *o, long long v,
			  const struct fmt_spec *spec)
{
	/* Negate in unsigned arithmetic so that LLONG_MIN does not overflow. */
	if (v < 0)
		format_number(o, 0ULL - (unsigned long long)v, 10, false, "-",
			      spec);
	else
		format_number(o, (unsigned long long)v, 10, false, "", spec);
}

static void format_pointer(struct outbuf *o, void *p, struct fmt_spec *spec)
{
	/* At least 8 digits: a full i386 address, so columns line up. */
	if (spec->precision < 8)
		spec->precision = 8;
	format_number(o, (uintptr_t)p, 16, false, "0x", spec);
}

static int parse_number(const char **fmt)
{
	int n = 0;

	while (**fmt >= '0' && **fmt <= '9')
		n = n * 10 + (*(*fmt)++ - '0');
	return n;
}

/* Parses flags, width, precision and length; leaves *fmt at the conversion. */
static void parse_spec(const char **fmt, struct fmt_spec *spec, va_list *ap)
{
	*spec = (struct fmt_spec){.precision = -1};

	for (;; (*fmt)++) {
		if (**fmt == '-')
			spec->left = true;
		else if (**fmt == '0')
			spec->zero = true;
		else
			break;
	}

	if (**fmt == '*') {
		(*fmt)++;
		spec->width = va_arg(*ap, int);
		/* C rule: a negative '*' width means '-' plus that width. */
		if (spec->width < 0) {
			spec->left = true;
			spec->width = -spec->width;
		}
	} else {
		spec->width = parse_number(fmt);
	}

	if (**fmt == '.') {
		(*fmt)++;
		if (**fmt == '*') {
			(*fmt)++;
			spec->precision = va_arg(*ap, int);
			if (spec->precision < 0) /* as if omitted */
				spec->precision = -1;
		} else {
			spec->precision = parse_number(fmt);
		}
	}

	while (**fmt == 'l' && spec->length < 2) {
		spec->length++;
		(*fmt)++;
	}
}

/*
 * Handles one conversion character c. Returns false if c is not one we
 * know, so the caller can print the whole directive literally.
 */
static bool format_one(struct outbuf *o, char c, struct fmt_spec *spec,
		       va_list *ap)
{
	switch (c) {
	case 'd':
	case 'i':
		format_signed(o, arg_signed(ap, spec->length), spec);
		return true;
	case 'u':
		format_number(o, arg_unsigned(ap, spec->length), 10, false, "",
			      spec);
		return true;
	case 'x':
	case 'X':
		format_number(o, arg_unsigned(ap, spec->length), 16, c == 'X',
			      "", spec);
		return true;
	case 'p':
		format_pointer(o, va_arg(*ap, void *), spec);
		return true;
	case 's':
		format_string(o, va_arg(*ap, const char *), spec);
		return true;
	case 'c':
		format_char(o, (char)va_arg(*ap, int), spec);
		return true;
	case '%':
		out_char(o, '%');
		return true;
	default:
		return false;
	}
}

int vsnprintf(char *buf, size_t size, const char *fmt, va_list ap)
{
	struct outbuf o = {.buf = buf, .size = size, .len = 0};
	struct fmt_spec spec;
	va_list args;

	/*
	 * Helpers take a va_list pointer so they all consume the same list.
	 * A va_list parameter may be an array that decayed to a pointer (as on
	 * x86-64), so take the address of a local copy, never of ap.
	 */
	va_copy(args, ap);
	while (*fmt) {
		const char *start = fmt;

		if (*fmt != '%') {
			out_char(&o, *fmt++);
			continue;
		}
		fmt++;
		parse_spec(&fmt, &spec, &args);
		if (*fmt && format_one(&o, *fmt, &spec, &args)) {
			fmt++;
			continue;
		}
		/* Unknown or missing conversion: print "%..." as written. */
		if (*fmt)
			fmt++;
		out_mem(&o, start, (int)(fmt - start));
	}
	va_end(args);

	if (size > 0)
		buf[o.len < size ? o.len : size - 1] = '\0';
	return (int)o.len;
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

void vprintk(const char *fmt, va_list ap)
{
	char buf[PRINTK_BUF_SIZE];
	int n = vsnprintf(buf, sizeof(buf), fmt, ap);

	/* Only what fit in buf was stored; the NUL is not sent. */
	if (n > (int)sizeof(buf) - 1)
		n = sizeof(buf) - 1;
	console_write(buf, (size_t)n);
}

void printk(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vprintk(fmt, ap);
	va_end(ap);
}
