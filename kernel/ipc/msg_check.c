/*
 * msg_check.c - the shape of a message header (msg_check.h).
 */
#include "ipc/msg_check.h"
#include <mica/errno.h>

static int disposition_ok(uint32_t disp)
{
	return disp >= MSG_MOVE_RECEIVE && disp <= MSG_MAKE_SEND_ONCE;
}

/* A region: page-aligned, whole pages, not empty, inside user space. */
static int ool_ok(const struct msg_ool *o)
{
	return (o->addr & 0xFFF) == 0 && (o->size & 0xFFF) == 0 &&
	       o->size != 0 && o->size <= MSG_OOL_SIZE_MAX &&
	       o->addr < MSG_USER_TOP && o->size <= MSG_USER_TOP - o->addr &&
	       (o->flags & ~MSG_OOL_MOVE) == 0;
}

static int overlap(const struct msg_ool *a, const struct msg_ool *b)
{
	return a->addr < b->addr + b->size && b->addr < a->addr + a->size;
}

long msg_header_check(const struct msg_header *h)
{
	if (h->size < MSG_SIZE_MIN || h->size > MSG_SIZE_MAX ||
	    h->nrights > MSG_RIGHTS_MAX || h->nool > MSG_OOL_MAX)
		return -EINVAL;
	if (h->reply != PORT_NULL && !disposition_ok(h->reply_disposition))
		return -EINVAL;
	for (uint32_t i = 0; i < h->nrights; i++)
		if (!disposition_ok(h->rights[i].disposition))
			return -EINVAL;
	for (uint32_t i = 0; i < h->nool; i++) {
		if (!ool_ok(&h->ool[i]))
			return -EINVAL;
		/* Pages moved out must not also be sent by another region. */
		for (uint32_t j = 0; j < i; j++)
			if (((h->ool[i].flags | h->ool[j].flags) &
			     MSG_OOL_MOVE) &&
			    overlap(&h->ool[i], &h->ool[j]))
				return -EINVAL;
	}
	return 0;
}
