/* unit_main.c - runs every test registered by UNIT_TEST in this binary. */
#include <stdlib.h>
#include <string.h>

#include "unit.h"

static struct unit_test *unit_head, **unit_tail = &unit_head;
static int unit_failed_checks;
static char unit_first_failure[512];

void unit_register(struct unit_test *t)
{
	/* Keep registration order so the output follows the source file. */
	*unit_tail = t;
	unit_tail = &t->next;
}

void unit_fail(const char *file, int line, const char *what)
{
	if (unit_failed_checks++ == 0)
		snprintf(unit_first_failure, sizeof unit_first_failure,
			 "%s:%d: %s", file, line, what);
	fprintf(stderr, "    check failed: %s:%d: %s\n", file, line, what);
}

int main(int argc, char **argv)
{
	int failed = 0;
	const char *only = argc > 1 ? argv[1] : NULL;

	for (struct unit_test *t = unit_head; t; t = t->next) {
		const char *base = strrchr(t->file, '/');

		if (only && strcmp(only, t->name) != 0)
			continue;
		unit_failed_checks = 0;
		t->fn();
		base = base ? base + 1 : t->file;
		if (unit_failed_checks) {
			printf("unit: %s: %s: FAIL (%s)\n", base, t->name,
			       unit_first_failure);
			failed++;
		} else {
			printf("unit: %s: %s: PASS\n", base, t->name);
		}
		fflush(stdout);
	}
	return failed ? 1 : 0;
}
