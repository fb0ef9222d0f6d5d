/* test_cmdline.c - host tests for kernel/lib/cmdline.c. */
#include <limits.h>
#include <string.h>

#include "unit.h"
#include "lib/cmdline.h"

UNIT_TEST(typical_grub_line)
{
	CHECK_EQ(
	    cmdline_parse("/boot/kernel.elf sched=prio quantum=20 test=all"),
	    4);
	CHECK_EQ(cmdline_count(), 4);
	CHECK_STR(cmdline_key(0), "/boot/kernel.elf");
	CHECK_STR(cmdline_value(0), "");
	CHECK_STR(cmdline_get("sched"), "prio");
	CHECK_STR(cmdline_get("quantum"), "20");
	CHECK_STR(cmdline_get("test"), "all");
	CHECK_EQ(cmdline_get_int("quantum", 10, 1, 1000), 20);
	CHECK(cmdline_has("/boot/kernel.elf"));
	CHECK(!cmdline_has("hz"));
	CHECK(cmdline_get("hz") == NULL);
	CHECK_STR(cmdline_raw(),
		  "/boot/kernel.elf sched=prio quantum=20 test=all");
}

UNIT_TEST(iteration_in_order)
{
	CHECK_EQ(cmdline_parse("a=1 b c=3"), 3);
	CHECK_STR(cmdline_key(0), "a");
	CHECK_STR(cmdline_value(0), "1");
	CHECK_STR(cmdline_key(1), "b");
	CHECK_STR(cmdline_value(1), "");
	CHECK_STR(cmdline_key(2), "c");
	CHECK_STR(cmdline_value(2), "3");
	CHECK(cmdline_key(3) == NULL);
	CHECK(cmdline_value(3) == NULL);
	CHECK(cmdline_key(-1) == NULL);
	CHECK(cmdline_value(-1) == NULL);
}

UNIT_TEST(bare_words)
{
	CHECK_EQ(cmdline_parse("verbose nosmp"), 2);
	CHECK(cmdline_has("verbose"));
	CHECK(cmdline_has("nosmp"));
	CHECK_STR(cmdline_get("verbose"), "");
	/* A prefix of a key is not that key. */
	CHECK(!cmdline_has("verb"));
	CHECK(!cmdline_has("verbose2"));
}

UNIT_TEST(blanks_and_tabs)
{
	CHECK_EQ(cmdline_parse("  \ta=1\t\tb=2   c  "), 3);
	CHECK_STR(cmdline_get("a"), "1");
	CHECK_STR(cmdline_get("b"), "2");
	CHECK_STR(cmdline_get("c"), "");
	CHECK_STR(cmdline_raw(), "  \ta=1\t\tb=2   c  ");
}

UNIT_TEST(empty_values_and_equals_in_value)
{
	CHECK_EQ(cmdline_parse("a= b=x=y"), 2);
	CHECK_STR(cmdline_get("a"), "");
	CHECK(cmdline_has("a"));
	CHECK_STR(cmdline_get("b"), "x=y"); /* split at the first '=' */
}

UNIT_TEST(quoted_values)
{
	CHECK_EQ(cmdline_parse("msg=\"hello  world\" x=1 e=\"\" t=\"a\tb\""),
		 4);
	CHECK_STR(cmdline_get("msg"), "hello  world");
	CHECK_STR(cmdline_get("x"), "1");
	CHECK_STR(cmdline_get("e"), "");
	CHECK_STR(cmdline_get("t"), "a\tb");
	/* The raw line keeps the quotes. */
	CHECK_STR(cmdline_raw(), "msg=\"hello  world\" x=1 e=\"\" t=\"a\tb\"");
}

UNIT_TEST(quote_at_end_of_line)
{
	CHECK_EQ(cmdline_parse("a=1 msg=\"last one\""), 2);
	CHECK_STR(cmdline_get("msg"), "last one");
}

/* Documented: the closing quote ends the value, the rest is a new word. */
UNIT_TEST(text_after_closing_quote)
{
	CHECK_EQ(cmdline_parse("msg=\"a b\"c d"), 3);
	CHECK_STR(cmdline_get("msg"), "a b");
	CHECK(cmdline_has("c"));
	CHECK(cmdline_has("d"));
}

UNIT_TEST(unterminated_quote)
{
	CHECK_EQ(cmdline_parse("a=1 msg=\"oops b=2"), CMDLINE_EINVAL);
	/* Options before the broken one are kept, the broken one is not. */
	CHECK_EQ(cmdline_count(), 1);
	CHECK_STR(cmdline_get("a"), "1");
	CHECK(!cmdline_has("msg"));
	CHECK(!cmdline_has("b"));
}

UNIT_TEST(missing_key)
{
	CHECK_EQ(cmdline_parse("=5 a=1"), CMDLINE_EINVAL);
	CHECK_EQ(cmdline_count(), 1);
	CHECK_STR(cmdline_get("a"), "1");
	CHECK(!cmdline_has(""));
}

UNIT_TEST(empty_and_blank_lines)
{
	CHECK_EQ(cmdline_parse(""), 0);
	CHECK_EQ(cmdline_count(), 0);
	CHECK_STR(cmdline_raw(), "");
	CHECK(cmdline_key(0) == NULL);
	CHECK_EQ(cmdline_parse(" \t "), 0);
	CHECK_EQ(cmdline_count(), 0);
}

/* Documented: NULL (no command line from GRUB) is the same as "". */
UNIT_TEST(null_is_accepted)
{
	CHECK_EQ(cmdline_parse("a=1"), 1);
	CHECK_EQ(cmdline_parse(NULL), 0);
	CHECK_EQ(cmdline_count(), 0);
	CHECK_STR(cmdline_raw(), "");
	CHECK(!cmdline_has("a"));
	CHECK(cmdline_get(NULL) == NULL);
	CHECK(!cmdline_has(NULL));
	CHECK_EQ(cmdline_get_int(NULL, 7, 0, 10), 7);
}

UNIT_TEST(reparse_replaces)
{
	CHECK_EQ(cmdline_parse("sched=rr quantum=5 verbose"), 3);
	CHECK_EQ(cmdline_parse("sched=prio"), 1);
	CHECK_EQ(cmdline_count(), 1);
	CHECK_STR(cmdline_get("sched"), "prio");
	CHECK(!cmdline_has("quantum"));
	CHECK(!cmdline_has("verbose"));
	CHECK_STR(cmdline_raw(), "sched=prio");
}

/* The parser must copy: the caller's buffer may be reused (or unmapped). */
UNIT_TEST(input_is_copied)
{
	char line[] = "sched=prio";

	CHECK_EQ(cmdline_parse(line), 1);
	memset(line, 'x', sizeof(line) - 1);
	CHECK_STR(cmdline_get("sched"), "prio");
	CHECK_STR(cmdline_raw(), "sched=prio");
}

UNIT_TEST(repeated_key_last_wins)
{
	CHECK_EQ(cmdline_parse("hz=100 hz=250"), 2);
	CHECK_STR(cmdline_get("hz"), "250");
	CHECK_EQ(cmdline_get_int("hz", 0, 1, 1000), 250);
}

UNIT_TEST(too_many_options)
{
	char line[512] = "";
	char word[32];
	int i;

	for (i = 0; i < CMDLINE_MAX_OPTS + 3; i++) {
		snprintf(word, sizeof(word), "k%d=%d ", i, i);
		strcat(line, word);
	}
	CHECK_EQ(cmdline_parse(line), CMDLINE_ETOOMANY);
	CHECK_EQ(cmdline_count(), CMDLINE_MAX_OPTS);
	CHECK_STR(cmdline_get("k0"), "0");
	CHECK_STR(cmdline_get("k31"), "31");
	CHECK(!cmdline_has("k32"));
	CHECK(!cmdline_has("k34"));
}

UNIT_TEST(exactly_max_options)
{
	char line[512] = "";
	char word[32];
	int i;

	for (i = 0; i < CMDLINE_MAX_OPTS; i++) {
		snprintf(word, sizeof(word), "w%d ", i);
		strcat(line, word);
	}
	CHECK_EQ(cmdline_parse(line), CMDLINE_MAX_OPTS);
	CHECK(cmdline_has("w31"));
}

UNIT_TEST(longest_line_that_fits)
{
	char line[CMDLINE_MAX_LEN];

	/* 511 characters: "a=" and 509 'v'. */
	memset(line, 'v', sizeof(line) - 1);
	line[sizeof(line) - 1] = '\0';
	line[0] = 'a';
	line[1] = '=';
	CHECK_EQ(cmdline_parse(line), 1);
	CHECK_EQ(strlen(cmdline_get("a")), CMDLINE_MAX_LEN - 3);
	CHECK_EQ(strlen(cmdline_raw()), CMDLINE_MAX_LEN - 1);
}

UNIT_TEST(too_long_keeps_whole_words_only)
{
	char line[CMDLINE_MAX_LEN + 100];
	size_t len;

	/* 505 'x', a blank, then quantum=20 straddling the 511-byte limit. */
	memset(line, 'x', 505);
	strcpy(line + 505, " quantum=20 hz=100");
	len = strlen(line);
	CHECK(len > CMDLINE_MAX_LEN);

	CHECK_EQ(cmdline_parse(line), CMDLINE_ETOOLONG);
	CHECK_EQ(cmdline_count(), 1);
	CHECK_EQ(strlen(cmdline_key(0)), 505);
	/* Never "quantum=2" from a cut "quantum=20". */
	CHECK(!cmdline_has("quantum"));
	CHECK(!cmdline_has("hz"));
	/* raw holds exactly the part that fit, NUL-terminated. */
	CHECK_EQ(strlen(cmdline_raw()), CMDLINE_MAX_LEN - 1);
	CHECK(strncmp(cmdline_raw(), line, CMDLINE_MAX_LEN - 1) == 0);
}

UNIT_TEST(too_long_cut_at_blank_keeps_last_word)
{
	char line[CMDLINE_MAX_LEN + 100];

	/* "a=" + 503 'v' + " hz=50" is exactly 511; more follows the blank. */
	memset(line, 'v', 505);
	line[0] = 'a';
	line[1] = '=';
	strcpy(line + 505, " hz=50 more=1");
	CHECK_EQ(cmdline_parse(line), CMDLINE_ETOOLONG);
	CHECK_EQ(cmdline_count(), 2);
	CHECK_STR(cmdline_get("hz"), "50");
	CHECK(!cmdline_has("more"));
}

UNIT_TEST(get_int_values_and_bounds)
{
	CHECK_EQ(cmdline_parse("q=20 neg=-5 plus=+7 hex=0x1F zero=0 lead=010"),
		 6);
	CHECK_EQ(cmdline_get_int("q", 10, 1, 1000), 20);
	CHECK_EQ(cmdline_get_int("neg", 0, -10, 10), -5);
	CHECK_EQ(cmdline_get_int("plus", 0, 0, 10), 7);
	CHECK_EQ(cmdline_get_int("hex", 0, 0, 100), 31);
	CHECK_EQ(cmdline_get_int("zero", 9, 0, 10), 0);
	CHECK_EQ(cmdline_get_int("lead", 0, 0, 100), 10); /* not octal */
	/* Bounds are inclusive; outside them the default comes back. */
	CHECK_EQ(cmdline_get_int("q", 10, 20, 20), 20);
	CHECK_EQ(cmdline_get_int("q", 10, 21, 1000), 10);
	CHECK_EQ(cmdline_get_int("q", 10, 1, 19), 10);
	CHECK_EQ(cmdline_get_int("neg", 3, 0, 10), 3);
	/* Absent key. */
	CHECK_EQ(cmdline_get_int("hz", 100, 1, 1000), 100);
}

UNIT_TEST(get_int_rejects_non_numbers)
{
	CHECK_EQ(
	    cmdline_parse("a=abc b=12x c= d e=- f=0x g=1.5 h=\" 3\" i=--1"), 9);
	CHECK_EQ(cmdline_get_int("a", -1, -100, 100), -1);
	CHECK_EQ(cmdline_get_int("b", -1, -100, 100), -1);
	CHECK_EQ(cmdline_get_int("c", -1, -100, 100), -1);
	CHECK_EQ(cmdline_get_int("d", -1, -100, 100), -1);
	CHECK_EQ(cmdline_get_int("e", -1, -100, 100), -1);
	CHECK_EQ(cmdline_get_int("f", -1, -100, 100), -1);
	CHECK_EQ(cmdline_get_int("g", -1, -100, 100), -1);
	CHECK_EQ(cmdline_get_int("h", -1, -100, 100), -1);
	CHECK_EQ(cmdline_get_int("i", -1, -100, 100), -1);
}

UNIT_TEST(get_int_limits_and_overflow)
{
	char line[128];

	snprintf(line, sizeof(line), "max=%ld min=%ld big=%lu9 small=%ld9",
		 LONG_MAX, LONG_MIN, (unsigned long)LONG_MAX, LONG_MIN);
	CHECK_EQ(cmdline_parse(line), 4);
	CHECK_EQ(cmdline_get_int("max", 0, LONG_MIN, LONG_MAX), LONG_MAX);
	CHECK_EQ(cmdline_get_int("min", 0, LONG_MIN, LONG_MAX), LONG_MIN);
	/* One digit too many: overflow must give the default, not garbage. */
	CHECK_EQ(cmdline_get_int("big", 42, LONG_MIN, LONG_MAX), 42);
	CHECK_EQ(cmdline_get_int("small", 42, LONG_MIN, LONG_MAX), 42);
}
