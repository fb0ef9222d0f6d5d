/*
 * fuzz_msg_header.c - libFuzzer target for message-header validation
 * (kernel/ipc/msg_check.c): any bytes a sender could put in a header.
 *
 * msg_header_check must read nothing outside the header (ASan), do no
 * undefined arithmetic on hostile sizes and addresses (UBSan), and agree
 * with a second, plainer statement of the rules computed here in 64-bit
 * arithmetic, where nothing can wrap: a header the kernel accepts must
 * really be well formed, and one it refuses must really be bad.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ipc/msg_check.h"
#include <mica/errno.h>
#include "promise.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static int disp_ok(uint32_t d)
{
	return d == MSG_MOVE_RECEIVE || d == MSG_MOVE_SEND ||
	       d == MSG_MOVE_SEND_ONCE || d == MSG_COPY_SEND ||
	       d == MSG_MAKE_SEND || d == MSG_MAKE_SEND_ONCE;
}

/* The rules of include/mica/ipc.h, as plainly as they can be put. */
static int well_formed(const struct msg_header *h)
{
	if (h->size < sizeof(struct msg_header) ||
	    h->size > sizeof(struct msg) || h->nrights > MSG_RIGHTS_MAX ||
	    h->nool > MSG_OOL_MAX)
		return 0;
	if (h->reply != PORT_NULL && !disp_ok(h->reply_disposition))
		return 0;
	for (unsigned i = 0; i < h->nrights; i++)
		if (!disp_ok(h->rights[i].disposition))
			return 0;
	for (unsigned i = 0; i < h->nool; i++) {
		uint64_t a = h->ool[i].addr, n = h->ool[i].size;

		if (a % 4096 || n % 4096 || n == 0 || n > MSG_OOL_SIZE_MAX ||
		    a + n > 0xC0000000ull || (h->ool[i].flags & ~1u))
			return 0;
		for (unsigned j = 0; j < i; j++) {
			uint64_t b = h->ool[j].addr, m = h->ool[j].size;
			int moves = (h->ool[i].flags | h->ool[j].flags) & 1;

			if (moves && a < b + m && b < a + n)
				return 0;
		}
	}
	return 1;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct msg_header *h =
	    malloc(sizeof *h); /* exact: ASan sees overreads */
	long r;

	memset(h, 0, sizeof *h);
	memcpy(h, data, size < sizeof *h ? size : sizeof *h);
	r = msg_header_check(h);
	PROMISE(r == 0 || r == -EINVAL);
	PROMISE((r == 0) == well_formed(h));
	free(h);
	return 0;
}
