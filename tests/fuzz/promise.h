/*
 * promise.h - what a fuzz target asserts about the code it drives.
 *
 * A broken promise aborts, which libFuzzer reports as a crash and saves
 * the input that caused it, just as it does for a sanitizer report.
 */
#ifndef MICA_FUZZ_PROMISE_H
#define MICA_FUZZ_PROMISE_H

#include <stdio.h>
#include <stdlib.h>

#define PROMISE(cond)                                                          \
	do {                                                                   \
		if (!(cond)) {                                                 \
			fprintf(stderr, "%s: broken promise: %s\n", __FILE__,  \
				#cond);                                        \
			abort();                                               \
		}                                                              \
	} while (0)

#endif
