/*
 * test_printk.c - host tests for kernel/lib/printk.c.
 *
 * On the host, printk.h renames our snprintf/vsnprintf to mica_snprintf and
 * mica_vsnprintf (see printk.h). The #undefs below give the plain names back
 * to libc, which the harness uses for its messages and which also serves as
 * a reference to compare our output with.
 */
#include <limits.h>
#include <stdbool.h>
#include <stdint.h>
#include <string.h>

#include "lib/printk.h"
#include "unit.h"

#undef snprintf
#undef vsnprintf

/* An empty format is a case worth testing, whatever gcc thinks of it. */
#pragma GCC diagnostic ignored "-Wformat-zero-length"

static char out[256];

/* Formats with our vsnprintf into out and returns out, for CHECK_STR. */
static const char *fmt(const char *f, ...)
    __attribute__((format(printf, 1, 2)));

static const char *fmt(const char *f, ...)
{
	va_list ap;

	va_start(ap, f);
	mica_vsnprintf(out, sizeof(out), f, ap);
	va_end(ap);
	return out;
}

UNIT_TEST(plain_text_and_percent)
{
	CHECK_STR(fmt("hello"), "hello");
	CHECK_STR(fmt(""), "");
	CHECK_STR(fmt("100%%"), "100%");
	CHECK_STR(fmt("%%d"), "%d");
}

UNIT_TEST(signed_decimal)
{
	CHECK_STR(fmt("%d", 0), "0");
	CHECK_STR(fmt("%d", 42), "42");
	CHECK_STR(fmt("%d", -42), "-42");
	CHECK_STR(fmt("%i", -7), "-7");
	CHECK_STR(fmt("%d", INT_MAX), "2147483647");
	CHECK_STR(fmt("%d", INT_MIN), "-2147483648");
	CHECK_STR(fmt("[%d|%d]", 1, -1), "[1|-1]");
}

UNIT_TEST(unsigned_and_hex)
{
	CHECK_STR(fmt("%u", 0u), "0");
	CHECK_STR(fmt("%u", UINT_MAX), "4294967295");
	CHECK_STR(fmt("%x", 0u), "0");
	CHECK_STR(fmt("%x", 0xdeadbeefu), "deadbeef");
	CHECK_STR(fmt("%X", 0xdeadbeefu), "DEADBEEF");
	CHECK_STR(fmt("%x", UINT_MAX), "ffffffff");
	/* A negative int under %u is its unsigned bit pattern. */
	CHECK_STR(fmt("%u", (unsigned int)-1), "4294967295");
}

UNIT_TEST(long_modifier)
{
	CHECK_STR(fmt("%ld", -123456L), "-123456");
	CHECK_STR(fmt("%lu", 4000000000UL), "4000000000");
	CHECK_STR(fmt("%lx", 0xc0100000UL), "c0100000");
	CHECK_STR(fmt("%lX", 0xabcUL), "ABC");
}

UNIT_TEST(long_long_modifier)
{
	CHECK_STR(fmt("%lld", 0LL), "0");
	CHECK_STR(fmt("%lld", LLONG_MAX), "9223372036854775807");
	CHECK_STR(fmt("%lld", LLONG_MIN), "-9223372036854775808");
	CHECK_STR(fmt("%lli", -1LL), "-1");
	CHECK_STR(fmt("%llu", ULLONG_MAX), "18446744073709551615");
	CHECK_STR(fmt("%llx", ULLONG_MAX), "ffffffffffffffff");
	CHECK_STR(fmt("%llX", 0x123456789abcdefULL), "123456789ABCDEF");
	/* A 64-bit argument must not shift the ones after it. */
	CHECK_STR(fmt("%llu %d", 1ULL << 40, 7), "1099511627776 7");
}

UNIT_TEST(width_and_flags)
{
	CHECK_STR(fmt("[%5d]", 42), "[   42]");
	CHECK_STR(fmt("[%-5d]", 42), "[42   ]");
	CHECK_STR(fmt("[%05d]", 42), "[00042]");
	CHECK_STR(fmt("[%05d]", -42), "[-0042]");
	CHECK_STR(fmt("[%08x]", 0xbeefu), "[0000beef]");
	CHECK_STR(fmt("[%2d]", 12345), "[12345]"); /* never cut */
	CHECK_STR(fmt("[%*d]", 6, 42), "[    42]");
	CHECK_STR(fmt("[%*d]", -6, 42), "[42    ]"); /* negative '*' */
	CHECK_STR(fmt("[%0*d]", 4, 7), "[0007]");
	CHECK_STR(fmt("[%20llu]", ULLONG_MAX), "[18446744073709551615]");
	CHECK_STR(fmt("[%-3d][%3d]", 1, 2), "[1  ][  2]");
}

UNIT_TEST(number_precision)
{
	CHECK_STR(fmt("[%.3d]", 5), "[005]");
	CHECK_STR(fmt("[%.3d]", -5), "[-005]");
	CHECK_STR(fmt("[%6.3d]", 5), "[   005]");
	CHECK_STR(fmt("[%.0d]", 0), "[]");
	CHECK_STR(fmt("[%.8x]", 0xabu), "[000000ab]");
}

UNIT_TEST(strings)
{
	CHECK_STR(fmt("%s", "abc"), "abc");
	CHECK_STR(fmt("%s", ""), "");
	CHECK_STR(fmt("[%6s]", "abc"), "[   abc]");
	CHECK_STR(fmt("[%-6s]", "abc"), "[abc   ]");
	CHECK_STR(fmt("[%2s]", "abcdef"), "[abcdef]");
}

UNIT_TEST(string_precision)
{
	char unterminated[3] = {'x', 'y', 'z'};

	CHECK_STR(fmt("%.3s", "abcdef"), "abc");
	CHECK_STR(fmt("%.5s", "ab"), "ab");
	CHECK_STR(fmt("%.0s", "abc"), "");
	CHECK_STR(fmt("%.*s", 2, "abcdef"), "ab");
	CHECK_STR(fmt("%.*s", -1, "abcdef"), "abcdef"); /* as if omitted */
	CHECK_STR(fmt("[%-6.2s]", "abcdef"), "[ab    ]");
	CHECK_STR(fmt("[%*.*s]", 5, 3, "abcdef"), "[  abc]");
	/* With a precision the string need not be NUL-terminated (ASan). */
	CHECK_STR(fmt("%.3s", unterminated), "xyz");
}

UNIT_TEST(chars)
{
	CHECK_STR(fmt("%c", 'A'), "A");
	CHECK_STR(fmt("%c%c%c", 'a', 'b', 'c'), "abc");
	CHECK_STR(fmt("[%3c]", 'x'), "[  x]");
	CHECK_STR(fmt("[%-3c]", 'x'), "[x  ]");
}

UNIT_TEST(pointers)
{
	CHECK_STR(fmt("%p", (void *)0), "0x00000000");
	CHECK_STR(fmt("%p", (void *)0xC0100000u), "0xc0100000");
	CHECK_STR(fmt("%p", (void *)0x1234), "0x00001234");
	CHECK_STR(fmt("[%12p]", (void *)0xC0100000u), "[  0xc0100000]");
	CHECK_STR(fmt("[%-12p]", (void *)0xC0100000u), "[0xc0100000  ]");
}

/* These formats are wrong on purpose: gcc's format check must stay quiet. */
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wformat"
#pragma GCC diagnostic ignored "-Wformat-extra-args"
#pragma GCC diagnostic ignored "-Wformat-overflow"

UNIT_TEST(null_string)
{
	const char *null_str = NULL;

	CHECK_STR(fmt("%s", null_str), "(null)");
	CHECK_STR(fmt("[%8s]", null_str), "[  (null)]");
	CHECK_STR(fmt("[%-8s]", null_str), "[(null)  ]");
}

UNIT_TEST(zero_flag_ignored_when_c_says_so)
{
	CHECK_STR(fmt("[%-05d]", -42), "[-42  ]"); /* '-' beats '0' */
	CHECK_STR(fmt("[%06.3d]", 5), "[   005]"); /* precision beats '0' */
	CHECK_STR(fmt("[%06s]", "abc"), "[   abc]");
	CHECK_STR(fmt("[%03c]", 'x'), "[  x]");
}

UNIT_TEST(unknown_conversion_printed_literally)
{
	CHECK_STR(fmt("%q"), "%q");
	CHECK_STR(fmt("a%qb"), "a%qb");
	CHECK_STR(fmt("[%-5q]"), "[%-5q]");
	/* An unknown conversion takes no argument: 7 goes to %d. */
	CHECK_STR(fmt("%q%d", 7), "%q7");
	CHECK_STR(fmt("%hd", 7), "%hd"); /* 'h' is not supported */
	CHECK_STR(fmt("end%"), "end%");
	CHECK_STR(fmt("end%l"), "end%l");
}

#pragma GCC diagnostic pop

UNIT_TEST(return_value_is_full_length)
{
	char buf[64];

	CHECK_EQ(mica_snprintf(buf, sizeof(buf), "hello"), 5);
	CHECK_EQ(mica_snprintf(buf, sizeof(buf), ""), 0);
	CHECK_EQ(mica_snprintf(buf, sizeof(buf), "%d", INT_MIN), 11);
	CHECK_EQ(mica_snprintf(buf, sizeof(buf), "[%10s]", "x"), 12);
	CHECK_STR(buf, "[         x]");
}

UNIT_TEST(truncation)
{
	char buf[8];
	int n;

	memset(buf, '#', sizeof(buf));
	n = mica_snprintf(buf, 5, "hello world");
	CHECK_EQ(n, 11);
	CHECK_STR(buf, "hell");
	CHECK_EQ(buf[5], '#'); /* nothing written past size */

	/* Exact fit: 5 characters + NUL in 6 bytes, nothing lost. */
	n = mica_snprintf(buf, 6, "hello");
	CHECK_EQ(n, 5);
	CHECK_STR(buf, "hello");

	/* Cut in the middle of a padded number. */
	n = mica_snprintf(buf, 4, "%08x", 0xabcu);
	CHECK_EQ(n, 8);
	CHECK_STR(buf, "000");

	n = mica_snprintf(buf, 1, "abc");
	CHECK_EQ(n, 3);
	CHECK_EQ(buf[0], '\0');
}

UNIT_TEST(size_zero_writes_nothing)
{
	char buf[4] = "###";

	CHECK_EQ(mica_snprintf(buf, 0, "hello %d", 42), 8);
	CHECK_STR(buf, "###");
	CHECK_EQ(mica_snprintf(NULL, 0, "%s", "abcdef"), 6);
}

/* Our output must equal the host C library's for every flag combination. */
static void check_like_libc(const char *f, long long v, int line)
{
	char ours[128], libc[128], msg[400];
	int n_ours, n_libc;

	/* The casts match the conversion: "ll" formats take long long. */
	if (strstr(f, "ll")) {
		n_ours = mica_snprintf(ours, sizeof(ours), f, v);
		n_libc = snprintf(libc, sizeof(libc), f, v);
	} else {
		n_ours = mica_snprintf(ours, sizeof(ours), f, (int)v);
		n_libc = snprintf(libc, sizeof(libc), f, (int)v);
	}
	if (n_ours != n_libc || strcmp(ours, libc) != 0) {
		snprintf(msg, sizeof(msg),
			 "format \"%s\" value %lld: \"%s\" (%d)"
			 " but libc gives \"%s\" (%d)",
			 f, v, ours, n_ours, libc, n_libc);
		unit_fail(__FILE__, line, msg);
	}
}

#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wformat-nonliteral"

UNIT_TEST(matches_libc_on_flag_combinations)
{
	static const char *const int_fmts[] = {
	    "%d",   "%i",     "%u",    "%x",	"%X",	   "%7d",    "%-7d|",
	    "%07d", "%-07d|", "%.4d",  "%9.4d", "%-9.4d|", "%09.4d", "%.0d",
	    "%2d",  "%08x",   "%-8X|", "%.6x",	"%011u",   "%1u",
	};
	static const char *const ll_fmts[] = {
	    "%lld",	"%llu",	   "%llx",    "%llX",	 "%25lld",
	    "%-25lld|", "%025lld", "%.22lld", "%022llx",
	};
	static const long long values[] = {
	    0,	     1,	      -1,	 9,	    10,
	    42,	     -42,     255,	 65535,	    12345678,
	    INT_MAX, INT_MIN, LLONG_MAX, LLONG_MIN, (long long)UINT_MAX,
	};
	size_t i, j;

	for (i = 0; i < sizeof(values) / sizeof(values[0]); i++) {
		for (j = 0; j < sizeof(int_fmts) / sizeof(int_fmts[0]); j++)
			check_like_libc(int_fmts[j], values[i], __LINE__);
		for (j = 0; j < sizeof(ll_fmts) / sizeof(ll_fmts[0]); j++)
			check_like_libc(ll_fmts[j], values[i], __LINE__);
	}
}

#pragma GCC diagnostic pop

/* ---- printk reaches the console ---- */

static char console[1024];
static size_t console_len;
static int console_calls;

/* Stand-in for kernel/console.c: records what printk sends. */
void console_write(const char *s, size_t n)
{
	console_calls++;
	if (n > sizeof(console) - console_len)
		n = sizeof(console) - console_len;
	memcpy(console + console_len, s, n);
	console_len += n;
}

/*
 * CHECK_STR on the 1 KiB array itself makes gcc warn that the harness's
 * message could be truncated; a pointer it cannot see through avoids that.
 */
__attribute__((noinline)) static const char *console_text(void)
{
	return console;
}

static void console_reset(void)
{
	memset(console, 0, sizeof(console));
	console_len = 0;
	console_calls = 0;
}

UNIT_TEST(printk_writes_to_console)
{
	console_reset();
	printk("mica %s: %d MiB at %p\n", "boot", 256, (void *)0x100000);
	CHECK_EQ(console_calls, 1);
	CHECK_EQ(console_len, strlen("mica boot: 256 MiB at 0x00100000\n"));
	CHECK_STR(console_text(), "mica boot: 256 MiB at 0x00100000\n");
}

UNIT_TEST(printk_empty_message)
{
	console_reset();
	printk("%s", "");
	CHECK_EQ(console_len, 0);
	CHECK(console_calls <= 1);
}

UNIT_TEST(printk_truncates_long_output)
{
	size_t i;
	bool all_spaces = true;

	console_reset();
	/* 600 characters do not fit in printk's 512-byte buffer. */
	printk("%600s", "x");
	CHECK_EQ(console_len, PRINTK_BUF_SIZE - 1);
	for (i = 0; i < console_len; i++)
		all_spaces = all_spaces && console[i] == ' ';
	CHECK(all_spaces);
}

/* vprintk is what a panic() or a debug wrapper would call. */
static void wrapper(const char *f, ...) __attribute__((format(printf, 1, 2)));

static void wrapper(const char *f, ...)
{
	va_list ap;

	va_start(ap, f);
	vprintk(f, ap);
	va_end(ap);
}

UNIT_TEST(vprintk_forwards_arguments)
{
	console_reset();
	wrapper("[%s|%x|%lld]", "pid", 0x2au, -5LL);
	CHECK_STR(console_text(), "[pid|2a|-5]");
}
