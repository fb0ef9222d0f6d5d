/*
 * msg_check.h - is a message header, as a sender wrote it, well formed?
 *
 * A pure function of the header's bytes: it looks at no name space and
 * no memory, so the host fuzzer (tests/fuzz/fuzz_msg_header.c) can throw
 * arbitrary bytes at it. msg.c calls it on every send before it trusts a
 * count or an address in the header; what depends on the sender's rights
 * and pages is checked afterwards, against its name space and its mm.
 */
#ifndef MICA_IPC_MSG_CHECK_H
#define MICA_IPC_MSG_CHECK_H

#include <mica/ipc.h>

/* User space ends here (the kernel's USER_TOP; msg.c checks they agree). */
#define MSG_USER_TOP 0xC0000000u

/* 0, or -EINVAL: size, counts, dispositions or OOL regions are bad. */
long msg_header_check(const struct msg_header *h);

#endif
