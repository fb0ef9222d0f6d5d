/* test_list.c - host tests for kernel/lib/list.h (header only). */
#include <string.h>

#include "unit.h"
#include "lib/list.h"

struct item {
	int id;
	struct list_head link; /* not first, so container_of must subtract */
};

/* Writes the ids on list, in order, as "1 2 3" into a static buffer. */
static const char *ids(struct list_head *head)
{
	static char buf[128];
	struct item *it;
	size_t len = 0;

	buf[0] = '\0';
	list_for_each_entry (it, head, link)
		len += snprintf(buf + len, sizeof(buf) - len, "%s%d",
				len ? " " : "", it->id);
	return buf;
}

/* Same walk backwards via prev: catches a prev pointer left wrong. */
static const char *ids_reverse(struct list_head *head)
{
	static char buf[128];
	struct list_head *pos;
	size_t len = 0;

	buf[0] = '\0';
	for (pos = head->prev; pos != head; pos = pos->prev)
		len += snprintf(buf + len, sizeof(buf) - len, "%s%d",
				len ? " " : "",
				list_entry(pos, struct item, link)->id);
	return buf;
}

static void init_items(struct item *items, int n)
{
	int i;

	for (i = 0; i < n; i++) {
		items[i].id = i;
		INIT_LIST_HEAD(&items[i].link);
	}
}

UNIT_TEST(static_head_is_empty)
{
	LIST_HEAD(head);

	CHECK(head.next == &head);
	CHECK(head.prev == &head);
	CHECK(list_empty(&head));
	CHECK(!list_is_singular(&head));
	CHECK_STR(ids(&head), "");
}

UNIT_TEST(container_of_finds_object)
{
	struct item it = {.id = 7};

	CHECK(container_of(&it.link, struct item, link) == &it);
	CHECK_EQ(list_entry(&it.link, struct item, link)->id, 7);
}

UNIT_TEST(add_is_lifo_add_tail_is_fifo)
{
	struct item items[3];
	LIST_HEAD(stack);
	LIST_HEAD(queue);
	int i;

	init_items(items, 3);
	for (i = 0; i < 3; i++)
		list_add(&items[i].link, &stack);
	CHECK_STR(ids(&stack), "2 1 0");
	CHECK_STR(ids_reverse(&stack), "0 1 2");

	init_items(items, 3);
	for (i = 0; i < 3; i++)
		list_add_tail(&items[i].link, &queue);
	CHECK_STR(ids(&queue), "0 1 2");
	CHECK_STR(ids_reverse(&queue), "2 1 0");
	CHECK_EQ(list_first_entry(&queue, struct item, link)->id, 0);
	CHECK_EQ(list_last_entry(&queue, struct item, link)->id, 2);
}

UNIT_TEST(empty_and_singular)
{
	struct item items[2];
	LIST_HEAD(head);

	init_items(items, 2);
	list_add_tail(&items[0].link, &head);
	CHECK(!list_empty(&head));
	CHECK(list_is_singular(&head));
	list_add_tail(&items[1].link, &head);
	CHECK(!list_is_singular(&head));
	list_del(&items[0].link);
	CHECK(list_is_singular(&head));
	list_del(&items[1].link);
	CHECK(list_empty(&head));
}

UNIT_TEST(del_unlinks_and_poisons)
{
	struct item items[3];
	LIST_HEAD(head);
	int i;

	init_items(items, 3);
	for (i = 0; i < 3; i++)
		list_add_tail(&items[i].link, &head);

	list_del(&items[1].link);
	CHECK_STR(ids(&head), "0 2");
	CHECK_STR(ids_reverse(&head), "2 0");
	CHECK(items[1].link.next == LIST_POISON_NEXT);
	CHECK(items[1].link.prev == LIST_POISON_PREV);

	list_del(&items[0].link); /* the first */
	CHECK_STR(ids(&head), "2");
	list_del(&items[2].link); /* the last, leaving it empty */
	CHECK(list_empty(&head));
	CHECK(head.prev == &head);
}

UNIT_TEST(del_init_leaves_empty_node)
{
	struct item items[2];
	LIST_HEAD(head);

	init_items(items, 2);
	list_add_tail(&items[0].link, &head);
	list_add_tail(&items[1].link, &head);

	list_del_init(&items[0].link);
	CHECK_STR(ids(&head), "1");
	CHECK(list_empty(&items[0].link));
	CHECK(items[0].link.prev == &items[0].link);

	/* A del_init'ed node can be added again right away. */
	list_add_tail(&items[0].link, &head);
	CHECK_STR(ids(&head), "1 0");
}

UNIT_TEST(move_and_move_tail)
{
	struct item items[4];
	LIST_HEAD(a);
	LIST_HEAD(b);
	int i;

	init_items(items, 4);
	for (i = 0; i < 4; i++)
		list_add_tail(&items[i].link, &a);

	/* Round-robin: the head of the run queue goes to its back. */
	list_move_tail(&items[0].link, &a);
	CHECK_STR(ids(&a), "1 2 3 0");
	CHECK_STR(ids_reverse(&a), "0 3 2 1");

	list_move(&items[3].link, &a);
	CHECK_STR(ids(&a), "3 1 2 0");

	/* Between lists. */
	list_move_tail(&items[1].link, &b);
	list_move(&items[2].link, &b);
	CHECK_STR(ids(&a), "3 0");
	CHECK_STR(ids(&b), "2 1");
	CHECK_STR(ids_reverse(&b), "1 2");
}

UNIT_TEST(splice_tail_init)
{
	struct item items[5];
	LIST_HEAD(dst);
	LIST_HEAD(src);
	int i;

	init_items(items, 5);
	for (i = 0; i < 2; i++)
		list_add_tail(&items[i].link, &dst);
	for (i = 2; i < 5; i++)
		list_add_tail(&items[i].link, &src);

	list_splice_tail_init(&src, &dst);
	CHECK_STR(ids(&dst), "0 1 2 3 4");
	CHECK_STR(ids_reverse(&dst), "4 3 2 1 0");
	CHECK(list_empty(&src));
	CHECK(src.prev == &src);

	/* Splicing an empty list changes nothing. */
	list_splice_tail_init(&src, &dst);
	CHECK_STR(ids(&dst), "0 1 2 3 4");

	/* Into an empty list. */
	list_splice_tail_init(&dst, &src);
	CHECK_STR(ids(&src), "0 1 2 3 4");
	CHECK_STR(ids_reverse(&src), "4 3 2 1 0");
	CHECK(list_empty(&dst));
}

UNIT_TEST(for_each_and_safe)
{
	struct item items[3];
	struct list_head *pos, *n;
	LIST_HEAD(head);
	int i, sum = 0, count = 0;

	init_items(items, 3);
	for (i = 0; i < 3; i++)
		list_add_tail(&items[i].link, &head);

	list_for_each (pos, &head)
		sum = sum * 10 + list_entry(pos, struct item, link)->id + 1;
	CHECK_EQ(sum, 123);

	/* Deleting the current node is allowed in the _safe form. */
	list_for_each_safe (pos, n, &head) {
		list_del(pos);
		count++;
	}
	CHECK_EQ(count, 3);
	CHECK(list_empty(&head));
}

UNIT_TEST(for_each_entry_safe_deletes_while_iterating)
{
	struct item items[6], *it, *tmp;
	LIST_HEAD(head);
	LIST_HEAD(odd);
	int i, visited = 0;

	init_items(items, 6);
	for (i = 0; i < 6; i++)
		list_add_tail(&items[i].link, &head);

	/* Remove the even ids, move the odd ones to another list. */
	list_for_each_entry_safe (it, tmp, &head, link) {
		visited++;
		if (it->id % 2 == 0)
			list_del(&it->link); /* poisons it->link */
		else
			list_move_tail(&it->link, &odd);
	}
	CHECK_EQ(visited, 6);
	CHECK(list_empty(&head));
	CHECK_STR(ids(&odd), "1 3 5");
	CHECK_STR(ids_reverse(&odd), "5 3 1");
}

UNIT_TEST(for_each_entry_on_empty_list)
{
	struct item *it, *tmp;
	LIST_HEAD(head);
	int visited = 0;

	list_for_each_entry (it, &head, link)
		visited++;
	list_for_each_entry_safe (it, tmp, &head, link)
		visited++;
	CHECK_EQ(visited, 0);
}
