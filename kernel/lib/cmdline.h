/*
 * cmdline.h - the kernel command line passed by GRUB, as key=value options.
 *
 * "/boot/kernel.elf sched=prio quantum=20 msg=\"a b\" verbose" gives four
 * options: "/boot/kernel.elf" and "verbose" (bare words, value ""),
 * "sched" = "prio", "quantum" = "20" and "msg" = "a b". Options are separated
 * by spaces or tabs; a value may be put in double quotes to hold spaces.
 * If a key appears twice, lookups return the last one.
 */
#ifndef MICA_LIB_CMDLINE_H
#define MICA_LIB_CMDLINE_H

#include <stdbool.h>

#define CMDLINE_MAX_LEN	 512 /* bytes, including the final NUL */
#define CMDLINE_MAX_OPTS 32

/* Negative results of cmdline_parse; the options parsed so far are kept. */
#define CMDLINE_ETOOLONG (-1) /* longer than CMDLINE_MAX_LEN - 1 bytes */
#define CMDLINE_ETOOMANY (-2) /* more than CMDLINE_MAX_OPTS options */
#define CMDLINE_EINVAL	 (-3) /* unterminated quote, or "=value" with no key */

/*
 * Parses cmdline (copied: the caller's string may go away), replacing the
 * result of any earlier call. NULL is accepted and treated as "" because
 * GRUB may pass no command line at all. Returns the number of options, or
 * one of the negative CMDLINE_E* codes: then only the options that were
 * complete are kept (a truncated last word or a broken option is dropped).
 */
int cmdline_parse(const char *cmdline);

/* The value of key ("" for a bare word), or NULL if key is absent. */
const char *cmdline_get(const char *key);
bool cmdline_has(const char *key);

/*
 * The value of key as a decimal (or 0x hex) number with optional sign.
 * Returns def if key is absent, is not entirely a number, or lies outside
 * [min, max].
 */
long cmdline_get_int(const char *key, long def, long min, long max);

/* The command line as given (cut to CMDLINE_MAX_LEN - 1 bytes), never NULL. */
const char *cmdline_raw(void);

/* Iteration in command-line order; key/value are NULL if i is out of range. */
int cmdline_count(void);
const char *cmdline_key(int i);
const char *cmdline_value(int i);

#endif
