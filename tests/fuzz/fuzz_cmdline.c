/*
 * fuzz_cmdline.c - libFuzzer target for the command-line parser
 * (kernel/lib/cmdline.c): any bytes GRUB could pass (a NUL ends them).
 *
 * cmdline_parse must not overflow its buffers (ASan) and must leave a
 * consistent table: every option it counts has a key and a value, a
 * lookup by that key finds an option, and the raw line fits its limit.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lib/cmdline.h"
#include "promise.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *s = malloc(size + 1);
	int n;

	memcpy(s, data, size);
	s[size] = '\0';
	n = cmdline_parse(size && data[0] == 0xFF ? NULL : s);
	free(s); /* the parser must have copied what it keeps */
	PROMISE(n >= -3 && n <= CMDLINE_MAX_OPTS);
	PROMISE(strlen(cmdline_raw()) < CMDLINE_MAX_LEN);
	PROMISE(cmdline_count() >= 0 && cmdline_count() <= CMDLINE_MAX_OPTS);
	if (n >= 0)
		PROMISE(cmdline_count() == n);
	for (int i = 0; i < cmdline_count(); i++) {
		const char *k = cmdline_key(i), *v = cmdline_value(i);

		PROMISE(k != NULL && v != NULL);
		PROMISE(strlen(k) < CMDLINE_MAX_LEN &&
			strlen(v) < CMDLINE_MAX_LEN);
		PROMISE(cmdline_get(k) != NULL);
		PROMISE(cmdline_has(k));
		(void)cmdline_get_int(k, 7, -1000, 1000);
		(void)cmdline_get_int(k, 0, -2147483647L - 1, 2147483647L);
	}
	PROMISE(cmdline_key(cmdline_count()) == NULL);
	PROMISE(cmdline_key(-1) == NULL);
	(void)cmdline_get("hz");
	(void)cmdline_get_int("hz", 100, 19, 10000);
	return 0;
}
