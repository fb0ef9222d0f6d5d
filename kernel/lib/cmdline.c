/*
 * cmdline.c - split the kernel command line into key=value options.
 *
 * The line is copied twice into static buffers: raw keeps it as given (for
 * the boot banner), and words is cut in place, a NUL replacing each
 * separator, so that every key and value is a C string pointing into it.
 * Static buffers because this runs early in boot, before any allocator.
 *
 * Quotes are only understood at the start of a value: msg="a b" is one
 * option, but "a b" as a bare word is two words, '"a' and 'b"'. A closing
 * quote ends the value, so msg="a b"c gives msg and a bare word c.
 *
 * Only memcpy and strcmp come from lib/string.h, so the unit tests can link
 * this file alone against the host's C library.
 */
#include <stddef.h>

#include "lib/cmdline.h"
#include "lib/string.h"

struct cmdline_opt {
	const char *key;
	const char *value;
};

static char raw[CMDLINE_MAX_LEN];
static char words[CMDLINE_MAX_LEN];
static struct cmdline_opt opts[CMDLINE_MAX_OPTS];
static int nopts;

static bool is_blank(char c)
{
	return c == ' ' || c == '\t';
}

/* Keeps the first problem found, which is the one worth reporting. */
static void set_error(int *err, int code)
{
	if (*err == 0)
		*err = code;
}

/*
 * Cuts the option starting at p (not blank) in place and records it.
 * Returns where scanning continues.
 */
static char *parse_option(char *p, int *err)
{
	char *key = p;
	const char *value = "";

	while (*p && !is_blank(*p) && *p != '=')
		p++;
	if (*p == '=') {
		*p++ = '\0';
		if (*p == '"') {
			value = ++p;
			while (*p && *p != '"')
				p++;
			if (!*p) { /* no closing quote: drop the option */
				set_error(err, CMDLINE_EINVAL);
				return p;
			}
		} else {
			value = p;
			while (*p && !is_blank(*p))
				p++;
		}
	}
	/* Ends the key (bare word) or the value, overwriting a blank or '"'. */
	if (*p)
		*p++ = '\0';

	if (key[0] == '\0') { /* "=value" */
		set_error(err, CMDLINE_EINVAL);
		return p;
	}
	opts[nopts].key = key;
	opts[nopts].value = value;
	nopts++;
	return p;
}

/* Copies s into raw and words, at most CMDLINE_MAX_LEN - 1 bytes of it. */
static int copy_line(const char *s)
{
	size_t len = 0;

	while (len < CMDLINE_MAX_LEN - 1 && s[len]) {
		raw[len] = s[len];
		len++;
	}
	raw[len] = '\0';
	memcpy(words, raw, len + 1);
	if (!s[len])
		return 0;

	/*
	 * Too long. If the cut fell inside a word, drop that word: half of
	 * "quantum=20" would silently be quantum=2.
	 */
	if (!is_blank(s[len])) {
		while (len > 0 && !is_blank(words[len - 1]))
			words[--len] = '\0';
	}
	return CMDLINE_ETOOLONG;
}

int cmdline_parse(const char *cmdline)
{
	char *p;
	int err;

	nopts = 0;
	err = copy_line(cmdline ? cmdline : "");

	for (p = words; *p;) {
		if (is_blank(*p)) {
			p++;
			continue;
		}
		if (nopts == CMDLINE_MAX_OPTS) {
			set_error(&err, CMDLINE_ETOOMANY);
			break;
		}
		p = parse_option(p, &err);
	}
	return err ? err : nopts;
}

const char *cmdline_get(const char *key)
{
	int i;

	if (!key)
		return NULL;
	/* From the end, so that a repeated key takes its last value. */
	for (i = nopts - 1; i >= 0; i--) {
		if (strcmp(opts[i].key, key) == 0)
			return opts[i].value;
	}
	return NULL;
}

bool cmdline_has(const char *key)
{
	return cmdline_get(key) != NULL;
}

static int digit_value(char c, int base)
{
	int d = 36;

	if (c >= '0' && c <= '9')
		d = c - '0';
	else if (c >= 'a' && c <= 'f')
		d = c - 'a' + 10;
	else if (c >= 'A' && c <= 'F')
		d = c - 'A' + 10;
	return d < base ? d : -1;
}

/*
 * Parses all of s as a long: optional sign, then decimal digits, or "0x"
 * and hex digits. A leading 0 does not mean octal here: "hz=0100" is 100.
 * Returns false for an empty string, stray characters or overflow.
 */
static bool parse_long(const char *s, long *out)
{
	bool neg = *s == '-';
	unsigned long limit, val = 0;
	int base = 10, d;

	if (*s == '-' || *s == '+')
		s++;
	if (s[0] == '0' && (s[1] == 'x' || s[1] == 'X')) {
		base = 16;
		s += 2;
	}
	if (!*s)
		return false;

	/* The most negative long has no positive twin, so allow one more. */
	limit = neg ? (unsigned long)__LONG_MAX__ + 1 : __LONG_MAX__;
	for (; *s; s++) {
		d = digit_value(*s, base);
		if (d < 0 || val > (limit - d) / base)
			return false;
		val = val * base + d;
	}
	/* Negate as unsigned; gcc converts back to long modulo 2^n. */
	*out = neg ? (long)(0UL - val) : (long)val;
	return true;
}

long cmdline_get_int(const char *key, long def, long min, long max)
{
	const char *s = cmdline_get(key);
	long val;

	if (!s || !parse_long(s, &val) || val < min || val > max)
		return def;
	return val;
}

const char *cmdline_raw(void)
{
	return raw;
}

int cmdline_count(void)
{
	return nopts;
}

const char *cmdline_key(int i)
{
	return i >= 0 && i < nopts ? opts[i].key : NULL;
}

const char *cmdline_value(int i)
{
	return i >= 0 && i < nopts ? opts[i].value : NULL;
}
