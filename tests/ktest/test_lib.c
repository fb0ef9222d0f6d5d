/*
 * test_lib.c - the kernel's string routines, tested in the kernel (the
 * host unit tests cannot link them: their names clash with the C library).
 */
#include "ktest.h"
#include "lib/string.h"
#include "lib/cmdline.h"
#include "lib/printk.h"

KTEST(string_routines)
{
	char buf[16];
	char overlap[] = "abcdef";
	const char *end;

	KEXPECT_EQ(strlen(""), 0);
	KEXPECT_EQ(strlen("mica"), 4);
	KEXPECT_EQ(strnlen("mica", 2), 2);
	KEXPECT(strcmp("a", "b") < 0 && strcmp("b", "a") > 0);
	KEXPECT_EQ(strcmp("mica", "mica"), 0);
	KEXPECT_EQ(strncmp("micro", "mica", 3), 0);
	KEXPECT_EQ(strlcpy(buf, "a longer string than fits", 8), 25);
	KEXPECT_EQ(strcmp(buf, "a longe"), 0);
	memmove(overlap + 1, overlap, 5);
	KEXPECT_EQ(memcmp(overlap, "aabcde", 6), 0);
	memset(buf, 'x', 4);
	KEXPECT_EQ(memcmp(buf, "xxxx", 4), 0);
	KEXPECT(strchr("hello", 'l') != NULL && *strchr("hello", 'l') == 'l');
	KEXPECT(strrchr("hello", 'l') == strchr("hello", 'l') + 1);
	KEXPECT_EQ(simple_strtol("-42x", &end, 10), -42);
	KEXPECT_EQ(*end, 'x');
	KEXPECT_EQ(simple_strtoul("0x1F", &end, 0), 31);
	KEXPECT(strstr("kernel stack overflow", "stack") != NULL);
	KEXPECT(strstr("kernel", "user") == NULL);
}

KTEST(cmdline_holds_test_name)
{
	KEXPECT(cmdline_get("test") != NULL);
	KEXPECT(cmdline_has("test"));
}
