/*
 * list.h - intrusive circular doubly linked lists, in the style of Linux.
 *
 * "Intrusive" means the list node (struct list_head) lives inside the object
 * being listed, instead of the list allocating a node that points to the
 * object:
 *
 *	struct thread {
 *		int tid;
 *		struct list_head run_link;	// links this thread into a queue
 *	};
 *
 * Why: a kernel often cannot allocate memory at the moment it wants to queue
 * something (e.g. inside an interrupt handler), and with the node embedded,
 * adding and removing never allocate and can never fail. One object can also
 * sit on several lists at once by embedding several nodes. container_of()
 * gets from a node back to the object that contains it.
 *
 * A list is a "head" node that is not part of any object; an empty list is a
 * head pointing to itself. Because the list is circular, adding or removing
 * never has a special case for the first or last element.
 */
#ifndef MICA_LIB_LIST_H
#define MICA_LIB_LIST_H

#include <stdbool.h>
#include <stddef.h>

struct list_head {
	struct list_head *next, *prev;
};

/*
 * Given a pointer to a member, returns the structure that contains it. The
 * assignment to __mptr makes gcc check that ptr has the member's type.
 */
#define container_of(ptr, type, member)                                        \
	({                                                                     \
		const __typeof__(((type *)0)->member) *__mptr = (ptr);         \
		(type *)((char *)__mptr - offsetof(type, member));             \
	})

/*
 * list_del stores these in a removed node, so using it afterwards faults on
 * an address near 0 (kept unmapped) instead of corrupting a list silently.
 */
#define LIST_POISON_NEXT ((struct list_head *)0x100)
#define LIST_POISON_PREV ((struct list_head *)0x200)

#define LIST_HEAD_INIT(name)                                                   \
	{                                                                      \
		&(name), &(name)                                               \
	}
#define LIST_HEAD(name) struct list_head name = LIST_HEAD_INIT(name)

static inline void INIT_LIST_HEAD(struct list_head *list)
{
	list->next = list;
	list->prev = list;
}

/* Links new between two nodes known to be adjacent. */
static inline void __list_add(struct list_head *new, struct list_head *prev,
			      struct list_head *next)
{
	next->prev = new;
	new->next = next;
	new->prev = prev;
	prev->next = new;
}

/* Inserts new right after head: use as a stack (LIFO). */
static inline void list_add(struct list_head *new, struct list_head *head)
{
	__list_add(new, head, head->next);
}

/* Inserts new right before head, i.e. at the end: use as a queue (FIFO). */
static inline void list_add_tail(struct list_head *new, struct list_head *head)
{
	__list_add(new, head->prev, head);
}

/* Makes prev and next neighbours, unlinking whatever was between them. */
static inline void __list_del(struct list_head *prev, struct list_head *next)
{
	next->prev = prev;
	prev->next = next;
}

static inline void __list_del_entry(struct list_head *entry)
{
	__list_del(entry->prev, entry->next);
}

/* Removes entry from its list. entry must not be used until re-added. */
static inline void list_del(struct list_head *entry)
{
	__list_del_entry(entry);
	entry->next = LIST_POISON_NEXT;
	entry->prev = LIST_POISON_PREV;
}

/* Removes entry and leaves it as an empty list, so list_empty() is true. */
static inline void list_del_init(struct list_head *entry)
{
	__list_del_entry(entry);
	INIT_LIST_HEAD(entry);
}

/* Moves entry from its list to the front of head. */
static inline void list_move(struct list_head *entry, struct list_head *head)
{
	__list_del_entry(entry);
	list_add(entry, head);
}

/* Moves entry from its list to the end of head (e.g. round-robin requeue). */
static inline void list_move_tail(struct list_head *entry,
				  struct list_head *head)
{
	__list_del_entry(entry);
	list_add_tail(entry, head);
}

static inline bool list_empty(const struct list_head *head)
{
	return head->next == head;
}

/* True if the list holds exactly one entry. */
static inline bool list_is_last(const struct list_head *entry,
				const struct list_head *head)
{
	return entry->next == head;
}

static inline bool list_is_singular(const struct list_head *head)
{
	return !list_empty(head) && head->next == head->prev;
}

/* Moves all entries of list to the end of head, and empties list. */
static inline void list_splice_tail_init(struct list_head *list,
					 struct list_head *head)
{
	struct list_head *first = list->next, *last = list->prev;

	if (list_empty(list))
		return;
	first->prev = head->prev;
	head->prev->next = first;
	last->next = head;
	head->prev = last;
	INIT_LIST_HEAD(list);
}

/* The object containing node ptr; type and member as in container_of. */
#define list_entry(ptr, type, member) container_of(ptr, type, member)

/* First and last objects of a list, which must not be empty. */
#define list_first_entry(head, type, member)                                   \
	list_entry((head)->next, type, member)
#define list_last_entry(head, type, member)                                    \
	list_entry((head)->prev, type, member)

/* The object after pos on its list (used by the loops below). */
#define list_next_entry(pos, member)                                           \
	list_entry((pos)->member.next, __typeof__(*(pos)), member)

/* Loops over the nodes. The body must not remove pos: use the _safe form. */
#define list_for_each(pos, head)                                               \
	for (pos = (head)->next; pos != (head); pos = pos->next)

/* Like list_for_each, but pos may be removed: n already holds the next. */
#define list_for_each_safe(pos, n, head)                                       \
	for (pos = (head)->next, n = pos->next; pos != (head);                 \
	     pos = n, n = pos->next)

/* Loops over the objects, pos being a pointer to the object type. */
#define list_for_each_entry(pos, head, member)                                 \
	for (pos = list_first_entry(head, __typeof__(*pos), member);           \
	     &pos->member != (head); pos = list_next_entry(pos, member))

/* Like list_for_each_entry, but the body may remove (even free) pos. */
#define list_for_each_entry_safe(pos, n, head, member)                         \
	for (pos = list_first_entry(head, __typeof__(*pos), member),           \
	    n = list_next_entry(pos, member);                                  \
	     &pos->member != (head); pos = n, n = list_next_entry(n, member))

#endif
