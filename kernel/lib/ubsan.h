/*
 * ubsan.h - the kernel's own UndefinedBehaviorSanitizer runtime.
 *
 * `make UBSAN=1` builds the kernel with -fsanitize=undefined into
 * build-ubsan/. gcc then checks each signed add, shift, array index,
 * pointer dereference... and calls a __ubsan_handle_* function when one
 * is undefined. kernel/lib/ubsan.c defines them: each prints
 *
 *     UBSAN: <kind> at <file>:<line>
 *
 * on the console, counts the report, and lets the kernel go on (the test
 * runner fails a boot that printed any UBSAN: line).
 */
#ifndef MICA_LIB_UBSAN_H
#define MICA_LIB_UBSAN_H

/* How many reports so far (0 in a kernel built without UBSAN=1). */
unsigned ubsan_reports(void);

#endif
