/*
 * lib.c - unit tests for src/lib: iov_iter, the counted allocator, the
 * intrusive lists and red-black trees, and per-thread deferred work.
 */
#include <criterion/criterion.h>
#include <errno.h>
#include <limits.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stdint.h>
#include <string.h>

#include <usnet/net.h>

#include "lib/alloc.h"
#include "lib/iov.h"
#include "lib/list.h"
#include "lib/rbtree.h"
#include "lib/task_work.h"

/* ---------------------------------------------------------------- iov */

Test(iov, init_sums_lengths)
{
	char a[3], b[5];
	struct iovec iov[] = {
		{ a, sizeof(a) },
		{ NULL, 0 },
		{ b, sizeof(b) },
	};
	struct iov_iter it;

	cr_assert_eq(iov_iter_init(&it, iov, 3), 0);
	cr_assert_eq(iov_iter_count(&it), 8);
	cr_assert_eq(it.nr_segs, 3);
	cr_assert_eq(it.iov_offset, 0);
}

Test(iov, init_no_segments)
{
	struct iov_iter it;
	char buf[4] = "abc";

	cr_assert_eq(iov_iter_init(&it, NULL, 0), 0);
	cr_assert_eq(iov_iter_count(&it), 0);
	cr_assert_eq(copy_to_iter(buf, sizeof(buf), &it), 0);
	cr_assert_eq(copy_from_iter(buf, sizeof(buf), &it), 0);
	cr_assert_str_eq(buf, "abc");
}

Test(iov, init_overflow_einval)
{
	/* The buffers are never touched: only lengths are summed. */
	char c;
	struct iovec one_huge[] = { { &c, (size_t)SSIZE_MAX + 1 } };
	struct iovec negative[] = { { &c, 1 }, { &c, (size_t)-1 } };
	struct iovec sum_over[] = {
		{ &c, (size_t)SSIZE_MAX / 2 + 1 },
		{ &c, (size_t)SSIZE_MAX / 2 + 1 },
	};
	struct iovec exact[] = {
		{ &c, (size_t)SSIZE_MAX - 10 },
		{ &c, 0 },
		{ &c, 10 },
	};
	struct iov_iter it;

	cr_assert_eq(iov_iter_init(&it, one_huge, 1), -EINVAL);
	cr_assert_eq(iov_iter_init(&it, negative, 2), -EINVAL);
	cr_assert_eq(iov_iter_init(&it, sum_over, 2), -EINVAL);
	/* Exactly SSIZE_MAX is allowed, as in Linux. */
	cr_assert_eq(iov_iter_init(&it, exact, 3), 0);
	cr_assert_eq(iov_iter_count(&it), (size_t)SSIZE_MAX);
}

/* Segments of 0, 3, 0, 0, 5, 0, 2, 0 bytes: empty ones everywhere. */
struct seg_fixture {
	char a[3], b[5], c[2];
	struct iovec iov[8];
};

static void seg_fixture_init(struct seg_fixture *s)
{
	memset(s, '.', sizeof(*s));
	s->iov[0] = (struct iovec){ NULL, 0 };
	s->iov[1] = (struct iovec){ s->a, sizeof(s->a) };
	s->iov[2] = (struct iovec){ s->b, 0 };
	s->iov[3] = (struct iovec){ NULL, 0 };
	s->iov[4] = (struct iovec){ s->b, sizeof(s->b) };
	s->iov[5] = (struct iovec){ s->c, 0 };
	s->iov[6] = (struct iovec){ s->c, sizeof(s->c) };
	s->iov[7] = (struct iovec){ NULL, 0 };
}

Test(iov, copy_to_iter_all_segments)
{
	struct seg_fixture s;
	struct iov_iter it;

	seg_fixture_init(&s);
	cr_assert_eq(iov_iter_init(&it, s.iov, 8), 0);
	cr_assert_eq(iov_iter_count(&it), 10);
	cr_assert_eq(copy_to_iter("0123456789", 10, &it), 10);
	cr_assert_eq(memcmp(s.a, "012", 3), 0);
	cr_assert_eq(memcmp(s.b, "34567", 5), 0);
	cr_assert_eq(memcmp(s.c, "89", 2), 0);
	cr_assert_eq(iov_iter_count(&it), 0);
	/* Full: nothing more goes in. */
	cr_assert_eq(copy_to_iter("X", 1, &it), 0);
}

Test(iov, copy_to_iter_more_than_room)
{
	struct seg_fixture s;
	struct iov_iter it;

	seg_fixture_init(&s);
	cr_assert_eq(iov_iter_init(&it, s.iov, 8), 0);
	cr_assert_eq(copy_to_iter("0123456789ABCDEF", 16, &it), 10);
	cr_assert_eq(memcmp(s.c, "89", 2), 0);
	cr_assert_eq(iov_iter_count(&it), 0);
}

Test(iov, copy_to_iter_in_pieces)
{
	static const char src[] = "0123456789";
	/* Every way of cutting 10 bytes in three pieces. */
	for (size_t x = 0; x <= 10; x++) {
		for (size_t y = 0; x + y <= 10; y++) {
			struct seg_fixture s;
			struct iov_iter it;
			size_t z = 10 - x - y;

			seg_fixture_init(&s);
			cr_assert_eq(iov_iter_init(&it, s.iov, 8), 0);
			cr_assert_eq(copy_to_iter(src, x, &it), x);
			cr_assert_eq(iov_iter_count(&it), 10 - x);
			cr_assert_eq(copy_to_iter(src + x, y, &it), y);
			cr_assert_eq(copy_to_iter(src + x + y, z, &it), z);
			cr_assert_eq(iov_iter_count(&it), 0);
			cr_assert_eq(memcmp(s.a, "012", 3), 0, "x=%zu y=%zu", x,
				     y);
			cr_assert_eq(memcmp(s.b, "34567", 5), 0, "x=%zu y=%zu",
				     x, y);
			cr_assert_eq(memcmp(s.c, "89", 2), 0, "x=%zu y=%zu", x,
				     y);
		}
	}
}

Test(iov, copy_from_iter_in_pieces)
{
	for (size_t x = 0; x <= 10; x++) {
		for (size_t y = 0; x + y <= 10; y++) {
			struct seg_fixture s;
			struct iov_iter it;
			char dst[11];
			size_t z = 10 - x - y;

			seg_fixture_init(&s);
			memcpy(s.a, "abc", 3);
			memcpy(s.b, "defgh", 5);
			memcpy(s.c, "ij", 2);
			memset(dst, 0, sizeof(dst));
			cr_assert_eq(iov_iter_init(&it, s.iov, 8), 0);
			cr_assert_eq(copy_from_iter(dst, x, &it), x);
			cr_assert_eq(copy_from_iter(dst + x, y, &it), y);
			/* Ask for more than is left: get only what is. */
			cr_assert_eq(copy_from_iter(dst + x + y, z + 5, &it),
				     z);
			cr_assert_str_eq(dst, "abcdefghij", "x=%zu y=%zu", x,
					 y);
			cr_assert_eq(iov_iter_count(&it), 0);
		}
	}
}

Test(iov, copy_leaves_source_segments_alone)
{
	char a[4] = "wxyz", b[4] = "WXYZ";
	struct iovec iov[] = { { a, 2 }, { b, 2 } };
	struct iov_iter it;

	cr_assert_eq(iov_iter_init(&it, iov, 2), 0);
	cr_assert_eq(copy_to_iter("1234", 4, &it), 4);
	cr_assert_eq(memcmp(a, "12yz", 4), 0);
	cr_assert_eq(memcmp(b, "34YZ", 4), 0);
	/* The caller's iovec array itself is never written. */
	cr_assert_eq(iov[0].iov_len, 2);
	cr_assert_eq(iov[1].iov_len, 2);
	cr_assert_eq(iov[0].iov_base, a);
}

Test(iov, advance_then_copy)
{
	for (size_t skip = 0; skip <= 10; skip++) {
		struct seg_fixture s;
		struct iov_iter it;
		char dst[11];
		static const char all[] = "abcdefghij";

		seg_fixture_init(&s);
		memcpy(s.a, "abc", 3);
		memcpy(s.b, "defgh", 5);
		memcpy(s.c, "ij", 2);
		memset(dst, 0, sizeof(dst));
		cr_assert_eq(iov_iter_init(&it, s.iov, 8), 0);
		iov_iter_advance(&it, skip);
		cr_assert_eq(iov_iter_count(&it), 10 - skip);
		cr_assert_eq(copy_from_iter(dst, sizeof(dst), &it), 10 - skip);
		cr_assert_str_eq(dst, all + skip, "skip=%zu", skip);
	}
}

Test(iov, advance_past_end_clamps)
{
	struct seg_fixture s;
	struct iov_iter it;

	seg_fixture_init(&s);
	cr_assert_eq(iov_iter_init(&it, s.iov, 8), 0);
	iov_iter_advance(&it, 1000);
	cr_assert_eq(iov_iter_count(&it), 0);
	cr_assert_eq(copy_to_iter("x", 1, &it), 0);
	/* Nothing was written by the advance. */
	cr_assert_eq(memcmp(s.a, "...", 3), 0);
}

Test(iov, advance_zero_and_mixed)
{
	struct seg_fixture s;
	struct iov_iter it;
	char d[3] = { 0 };

	seg_fixture_init(&s);
	memcpy(s.a, "abc", 3);
	memcpy(s.b, "defgh", 5);
	memcpy(s.c, "ij", 2);
	cr_assert_eq(iov_iter_init(&it, s.iov, 8), 0);
	iov_iter_advance(&it, 0);
	cr_assert_eq(iov_iter_count(&it), 10);
	cr_assert_eq(copy_from_iter(d, 2, &it), 2); /* ab */
	iov_iter_advance(&it, 2);		    /* c, d */
	cr_assert_eq(copy_from_iter(d, 2, &it), 2);
	cr_assert_eq(memcmp(d, "ef", 2), 0);
	iov_iter_advance(&it, 3); /* g, h, i */
	cr_assert_eq(copy_from_iter(d, 2, &it), 1);
	cr_assert_eq(d[0], 'j');
}

/* -------------------------------------------------------------- alloc */

static struct usnet_objects live_now(void)
{
	struct usnet_objects o;

	usnet_objects_live(&o);
	return o;
}

static unsigned long live_of(const struct usnet_objects *o, enum obj_kind kind)
{
	switch (kind) {
	case OBJ_SOCKET:
		return o->sockets;
	case OBJ_SOCK:
		return o->socks;
	case OBJ_SKB:
		return o->skbs;
	case OBJ_FILE:
		return o->files;
	case OBJ_EPITEM:
		return o->epitems;
	case OBJ_OTHER:
		return o->other;
	default:
		return 0;
	}
}

/* Each test runs in its own process, but start from an unarmed allocator
 * whatever happened before. */
static void alloc_reset(void)
{
	usnet_alloc_fail_at(0, 0);
}

TestSuite(alloc, .init = alloc_reset, .fini = alloc_reset);

Test(alloc, counters_per_kind)
{
	for (int k = 0; k < OBJ_KINDS; k++) {
		struct usnet_objects before = live_now(), mid, after;
		void *p = obj_alloc((enum obj_kind)k, 100);
		void *q = obj_alloc_raw((enum obj_kind)k, 28);

		cr_assert_not_null(p);
		cr_assert_not_null(q);
		mid = live_now();
		for (int j = 0; j < OBJ_KINDS; j++) {
			unsigned long want =
				live_of(&before, (enum obj_kind)j) +
				(j == k ? 2 : 0);

			cr_assert_eq(live_of(&mid, (enum obj_kind)j), want,
				     "kind %d after allocating kind %d", j, k);
		}
		cr_assert_eq(mid.bytes, before.bytes + 128);
		obj_free((enum obj_kind)k, p);
		mid = live_now();
		cr_assert_eq(live_of(&mid, (enum obj_kind)k),
			     live_of(&before, (enum obj_kind)k) + 1);
		cr_assert_eq(mid.bytes, before.bytes + 28);
		obj_free((enum obj_kind)k, q);
		after = live_now();
		cr_assert_eq(memcmp(&after, &before, sizeof(after)), 0,
			     "kind %d: counters back where they were", k);
	}
}

Test(alloc, zeroed_and_aligned)
{
	for (size_t sz = 1; sz < 300; sz += 37) {
		unsigned char *p = obj_alloc(OBJ_OTHER, sz);

		cr_assert_not_null(p);
		cr_assert_eq((uintptr_t)p % 16, 0, "size %zu", sz);
		for (size_t i = 0; i < sz; i++)
			cr_assert_eq(p[i], 0);
		obj_free(OBJ_OTHER, p);
	}
}

Test(alloc, free_null_is_noop)
{
	struct usnet_objects before = live_now(), after;

	obj_free(OBJ_SKB, NULL);
	after = live_now();
	cr_assert_eq(memcmp(&after, &before, sizeof(after)), 0);
}

Test(alloc, zero_size)
{
	struct usnet_objects before = live_now(), after;
	void *p = obj_alloc(OBJ_OTHER, 0);

	cr_assert_not_null(p);
	after = live_now();
	cr_assert_eq(after.other, before.other + 1);
	cr_assert_eq(after.bytes, before.bytes);
	obj_free(OBJ_OTHER, p);
	after = live_now();
	cr_assert_eq(after.other, before.other);
}

Test(alloc, realloc_keeps_byte_totals)
{
	struct usnet_objects before = live_now(), o;
	unsigned char *p = obj_realloc(OBJ_OTHER, NULL, 10);

	/* From NULL it is an allocation. */
	cr_assert_not_null(p);
	o = live_now();
	cr_assert_eq(o.other, before.other + 1);
	cr_assert_eq(o.bytes, before.bytes + 10);
	memcpy(p, "0123456789", 10);

	p = obj_realloc(OBJ_OTHER, p, 100000);
	cr_assert_not_null(p);
	o = live_now();
	cr_assert_eq(o.other, before.other + 1);
	cr_assert_eq(o.bytes, before.bytes + 100000);
	cr_assert_eq(memcmp(p, "0123456789", 10), 0);
	cr_assert_eq((uintptr_t)p % 16, 0);

	p = obj_realloc(OBJ_OTHER, p, 4);
	cr_assert_not_null(p);
	o = live_now();
	cr_assert_eq(o.other, before.other + 1);
	cr_assert_eq(o.bytes, before.bytes + 4);
	cr_assert_eq(memcmp(p, "0123", 4), 0);

	obj_free(OBJ_OTHER, p);
	o = live_now();
	cr_assert_eq(memcmp(&o, &before, sizeof(o)), 0);
}

Test(alloc, fail_at_nth_only)
{
	for (unsigned long n = 1; n <= 6; n++) {
		struct usnet_objects before = live_now(), after;
		void *p[10];

		usnet_alloc_fail_at(n, 0);
		for (unsigned long i = 1; i <= 10; i++) {
			p[i - 1] = obj_alloc(OBJ_SKB, 8);
			if (i == n)
				cr_assert_null(p[i - 1], "n=%lu i=%lu", n, i);
			else
				cr_assert_not_null(p[i - 1], "n=%lu i=%lu", n,
						   i);
		}
		after = live_now();
		/* The failed one is not counted. */
		cr_assert_eq(after.skbs, before.skbs + 9);
		cr_assert_eq(after.bytes, before.bytes + 9 * 8);
		for (int i = 0; i < 10; i++)
			obj_free(OBJ_SKB, p[i]);
		after = live_now();
		cr_assert_eq(memcmp(&after, &before, sizeof(after)), 0);
	}
}

Test(alloc, fail_at_sticky)
{
	void *p[8];

	usnet_alloc_fail_at(3, 1);
	for (int i = 0; i < 8; i++) {
		p[i] = obj_alloc(OBJ_OTHER, 16);
		if (i < 2)
			cr_assert_not_null(p[i], "i=%d", i);
		else
			cr_assert_null(p[i], "i=%d", i);
	}
	cr_assert_null(obj_alloc_raw(OBJ_SKB, 16));
	cr_assert_null(obj_realloc(OBJ_OTHER, p[0], 64));
	cr_assert_null(obj_realloc(OBJ_OTHER, NULL, 64));
	/* 0 disarms it. */
	usnet_alloc_fail_at(0, 0);
	for (int i = 2; i < 8; i++) {
		p[i] = obj_alloc(OBJ_OTHER, 16);
		cr_assert_not_null(p[i]);
	}
	for (int i = 0; i < 8; i++)
		obj_free(OBJ_OTHER, p[i]);
}

Test(alloc, fail_at_counts_every_entry_point)
{
	struct usnet_objects before = live_now(), after;
	void *a, *b, *c, *d;

	/* alloc, alloc_raw, realloc and realloc-from-NULL each count once. */
	usnet_alloc_fail_at(5, 0);
	a = obj_alloc(OBJ_OTHER, 8);
	b = obj_alloc_raw(OBJ_OTHER, 8);
	cr_assert_not_null(a);
	cr_assert_not_null(b);
	a = obj_realloc(OBJ_OTHER, a, 32);
	cr_assert_not_null(a);
	c = obj_realloc(OBJ_OTHER, NULL, 8);
	cr_assert_not_null(c);
	/* The fifth: a failed realloc leaves the old block valid. */
	d = obj_realloc(OBJ_OTHER, b, 4096);
	cr_assert_null(d);
	after = live_now();
	cr_assert_eq(after.other, before.other + 3);
	cr_assert_eq(after.bytes, before.bytes + 32 + 8 + 8);
	/* Non-sticky: the sixth works again. */
	d = obj_alloc(OBJ_OTHER, 8);
	cr_assert_not_null(d);
	obj_free(OBJ_OTHER, a);
	obj_free(OBJ_OTHER, b);
	obj_free(OBJ_OTHER, c);
	obj_free(OBJ_OTHER, d);
	after = live_now();
	cr_assert_eq(memcmp(&after, &before, sizeof(after)), 0);
}

Test(alloc, rearm_replaces_previous)
{
	void *p, *q;

	usnet_alloc_fail_at(1, 1);
	usnet_alloc_fail_at(2, 0);
	p = obj_alloc(OBJ_OTHER, 8);
	cr_assert_not_null(p);
	cr_assert_null(obj_alloc(OBJ_OTHER, 8));
	q = obj_alloc(OBJ_OTHER, 8);
	cr_assert_not_null(q);
	obj_free(OBJ_OTHER, p);
	obj_free(OBJ_OTHER, q);
}

/*
 * BUG (src/lib/alloc.c, obj_alloc_raw() line 48 and obj_realloc() line
 * 77): "sizeof(*h) + size" wraps for sizes near SIZE_MAX, so malloc() is
 * asked for a few bytes and succeeds: obj_alloc_raw(k, SIZE_MAX) returns a
 * 15-byte block that claims to be SIZE_MAX long (and live_bytes goes
 * negative), and obj_alloc(k, SIZE_MAX) then memsets SIZE_MAX bytes and
 * crashes.  No caller passes such a size today (every size from a user is
 * bounded first), but the allocator is the last line: like calloc(), it
 * should fail.
 */
Test(alloc, huge_size_fails)
{
	struct usnet_objects before = live_now(), after;
	void *p;

	cr_assert_null(obj_alloc_raw(OBJ_OTHER, SIZE_MAX));
	cr_assert_null(obj_alloc_raw(OBJ_OTHER, SIZE_MAX - 15));
	cr_assert_null(obj_alloc(OBJ_OTHER, SIZE_MAX - 8));
	p = obj_alloc(OBJ_OTHER, 8);
	cr_assert_not_null(p);
	cr_assert_null(obj_realloc(OBJ_OTHER, p, SIZE_MAX - 8));
	obj_free(OBJ_OTHER, p);
	after = live_now();
	cr_assert_eq(memcmp(&after, &before, sizeof(after)), 0);
}

/* --------------------------------------------------------------- list */

struct item {
	int v;
	struct list_head node;
};

/* Check that @head holds exactly @want (in order), walking both ways. */
static void assert_list(struct list_head *head, const int *want, int n)
{
	struct list_head *p;
	int i = 0;

	for (p = head->next; p != head; p = p->next) {
		cr_assert_lt(i, n, "list longer than %d", n);
		cr_assert_eq(p->next->prev, p);
		cr_assert_eq(list_entry(p, struct item, node)->v, want[i],
			     "at %d", i);
		i++;
	}
	cr_assert_eq(i, n);
	for (p = head->prev; p != head; p = p->prev) {
		i--;
		cr_assert_eq(p->prev->next, p);
		cr_assert_eq(list_entry(p, struct item, node)->v, want[i]);
	}
	cr_assert_eq(i, 0);
	cr_assert_eq(list_empty(head), n == 0);
}

static void fill(struct list_head *head, struct item *it, int from, int n)
{
	INIT_LIST_HEAD(head);
	for (int i = 0; i < n; i++) {
		it[i].v = from + i;
		list_add_tail(&it[i].node, head);
	}
}

Test(list, add_and_add_tail)
{
	struct list_head h = LIST_HEAD_INIT(h);
	struct item it[3] = { { .v = 1 }, { .v = 2 }, { .v = 3 } };
	static const int want[] = { 2, 1, 3 };

	cr_assert(list_empty(&h));
	list_add(&it[0].node, &h);
	list_add(&it[1].node, &h);
	list_add_tail(&it[2].node, &h);
	assert_list(&h, want, 3);
	list_del_init(&it[1].node);
	cr_assert(list_empty(&it[1].node));
	assert_list(&h, want + 1, 2);
}

Test(list, splice_tail_init)
{
	for (int na = 0; na <= 3; na++) {
		for (int nb = 0; nb <= 3; nb++) {
			struct list_head a, b;
			struct item ia[3], ib[3];
			int want[6];

			fill(&a, ia, 10, na);
			fill(&b, ib, 20, nb);
			for (int i = 0; i < na; i++)
				want[i] = 10 + i;
			for (int i = 0; i < nb; i++)
				want[na + i] = 20 + i;
			list_splice_tail_init(&b, &a);
			assert_list(&a, want, na + nb);
			cr_assert(list_empty(&b), "na=%d nb=%d", na, nb);
			assert_list(&b, want, 0);
		}
	}
}

Test(list, move_tail)
{
	struct list_head a, b;
	struct item ia[3], ib[2];
	static const int a1[] = { 11, 12, 10 };
	static const int a2[] = { 11, 10 };
	static const int b2[] = { 20, 21, 12 };
	static const int a3[] = { 10, 11 };

	fill(&a, ia, 10, 3);
	fill(&b, ib, 20, 2);
	/* Within one list: the head to the tail. */
	list_move_tail(&ia[0].node, &a);
	assert_list(&a, a1, 3);
	/* The tail to the tail: no change. */
	list_move_tail(&ia[0].node, &a);
	assert_list(&a, a1, 3);
	/* Across lists. */
	list_move_tail(&ia[2].node, &b);
	assert_list(&a, a2, 2);
	assert_list(&b, b2, 3);
	list_move_tail(&ia[1].node, &a);
	assert_list(&a, a3, 2);
}

Test(list, for_each_safe_deletes)
{
	struct list_head h;
	struct item it[5], *pos, *n;
	static const int want[] = { 1, 3 };
	int seen = 0;

	fill(&h, it, 0, 5);
	list_for_each_entry_safe(pos, n, &h, node) {
		if (pos->v % 2 == 0)
			list_del_init(&pos->node);
		seen++;
	}
	cr_assert_eq(seen, 5);
	assert_list(&h, want, 2);
	seen = 0;
	list_for_each_entry(pos, &h, node)
		seen += pos->v;
	cr_assert_eq(seen, 4);
	cr_assert_eq(list_first_entry(&h, struct item, node)->v, 1);
}

/* ------------------------------------------------------------- rbtree */

#define RB_ITEMS 200

struct rb_item {
	struct rb_node node;
	int key;
	unsigned int added; /* when inserted: the order among equal keys */
	bool in;
};

static bool rb_item_less(const struct rb_node *a, const struct rb_node *b)
{
	return rb_entry(a, struct rb_item, node)->key <
	       rb_entry(b, struct rb_item, node)->key;
}

/* The red-black rules and the parent links under @n; its black height. */
static int rb_check(const struct rb_node *n, const struct rb_node *parent)
{
	int l, r;

	if (!n)
		return 1;
	cr_assert_eq(n->parent, parent);
	if (n->red)
		cr_assert(!(n->child[RB_LEFT] && n->child[RB_LEFT]->red) &&
				  !(n->child[RB_RIGHT] &&
				    n->child[RB_RIGHT]->red),
			  "a red node with a red child");
	l = rb_check(n->child[RB_LEFT], n);
	r = rb_check(n->child[RB_RIGHT], n);
	cr_assert_eq(l, r, "black heights %d and %d", l, r);
	return l + !n->red;
}

/* The tree holds exactly the items marked in, by key and then by when
 * they were added, walked both ways; its ends are cached. */
static void rb_check_tree(const struct rb_root_cached *root,
			  struct rb_item *items)
{
	const struct rb_item *want[RB_ITEMS];
	const struct rb_node *n;
	int count = 0, k;

	cr_assert(!root->root || !root->root->red, "a red root");
	rb_check(root->root, NULL);
	for (int i = 0; i < RB_ITEMS; i++) {
		if (!items[i].in)
			continue;
		for (k = count++; k > 0; k--) {
			const struct rb_item *p = want[k - 1];

			if (p->key < items[i].key ||
			    (p->key == items[i].key &&
			     p->added < items[i].added))
				break;
			want[k] = p;
		}
		want[k] = &items[i];
	}
	k = 0;
	for (n = rb_first_cached(root); n; n = rb_step(n, RB_RIGHT)) {
		cr_assert_lt(k, count);
		cr_assert_eq(rb_entry(n, struct rb_item, node), want[k++]);
	}
	cr_assert_eq(k, count);
	for (n = rb_last_cached(root); n; n = rb_step(n, RB_LEFT))
		cr_assert_eq(rb_entry(n, struct rb_item, node), want[--k]);
	cr_assert_eq(k, 0);
	if (!count)
		cr_assert(!root->root && !root->leftmost && !root->rightmost);
}

/* Random insertions (many equal keys, new lowest and highest ones) and
 * erasures, every rule checked after each. */
Test(rbtree, random_against_model)
{
	static struct rb_item items[RB_ITEMS];
	struct rb_root_cached root = RB_ROOT_CACHED;
	uint64_t x = 88172645463325252ull;
	unsigned int added = 0;

	for (int i = 0; i < RB_ITEMS; i++)
		RB_CLEAR_NODE(&items[i].node);
	for (int op = 0; op < 20000; op++) {
		struct rb_item *it;

		x ^= x << 13;
		x ^= x >> 7;
		x ^= x << 17;
		it = &items[x % RB_ITEMS];
		if (it->in) {
			rb_erase_cached(&it->node, &root);
			cr_assert(RB_EMPTY_NODE(&it->node));
			it->in = false;
		} else {
			/* keys drift upwards so that new ones often go at
			 * the right end, sometimes at the left */
			it->key = (int)((x >> 20) % 16) + op / 1000 -
				  ((x >> 30) % 8 == 0 ? 20 : 0);
			it->added = added++;
			rb_add_cached(&it->node, &root, rb_item_less);
			it->in = true;
		}
		rb_check_tree(&root, items);
	}
}

/* ---------------------------------------------------------- task_work */

struct counted_work {
	struct callback_head cb;
	int runs;
	int depth_seen;			 /* stack_lock_depth while it ran */
	struct counted_work *add_on_run; /* queued from inside */
	int *order;
	int *norder;
	int id;
};

static void counted_work_fn(struct callback_head *head)
{
	struct counted_work *w = container_of(head, struct counted_work, cb);

	w->runs++;
	w->depth_seen = stack_lock_depth;
	if (w->order)
		w->order[(*w->norder)++] = w->id;
	if (w->add_on_run) {
		/* Take the lock again and defer more work under it. */
		stack_lock_enter();
		task_work_add(&w->add_on_run->cb);
		stack_lock_exit();
	}
}

static void counted_work_init(struct counted_work *w, int id, int *order,
			      int *norder)
{
	memset(w, 0, sizeof(*w));
	w->cb.func = counted_work_fn;
	w->id = id;
	w->order = order;
	w->norder = norder;
}

Test(task_work, runs_at_outermost_exit_once)
{
	struct counted_work w[4];
	int order[8], norder = 0;
	bool seen[4] = { false };

	for (int i = 0; i < 4; i++)
		counted_work_init(&w[i], i, order, &norder);
	cr_assert_eq(stack_lock_depth, 0);
	stack_lock_enter();
	task_work_add(&w[0].cb);
	task_work_add(&w[1].cb);
	stack_lock_enter();
	task_work_add(&w[2].cb);
	stack_lock_exit(); /* still depth 1: nothing runs */
	for (int i = 0; i < 4; i++)
		cr_assert_eq(w[i].runs, 0);
	task_work_add(&w[3].cb);
	stack_lock_exit();
	cr_assert_eq(stack_lock_depth, 0);
	cr_assert_eq(norder, 4);
	for (int i = 0; i < 4; i++) {
		cr_assert_eq(w[i].runs, 1, "work %d", i);
		cr_assert_eq(w[i].depth_seen, 0, "runs outside the lock");
		cr_assert_not(seen[order[i]], "work %d twice", order[i]);
		seen[order[i]] = true;
	}
	/* Another lock cycle does not run them again. */
	stack_lock_enter();
	stack_lock_exit();
	for (int i = 0; i < 4; i++)
		cr_assert_eq(w[i].runs, 1);
}

Test(task_work, exit_without_work)
{
	stack_lock_enter();
	stack_lock_exit();
	cr_assert_eq(stack_lock_depth, 0);
	task_work_run(); /* empty: harmless */
}

Test(task_work, work_queued_by_work)
{
	struct counted_work w[3];
	int order[8], norder = 0;

	for (int i = 0; i < 3; i++)
		counted_work_init(&w[i], i, order, &norder);
	/* w0, when it runs, takes the lock and defers w2; w1 is already
	 * queued behind it.  All three run exactly once. */
	w[0].add_on_run = &w[2];
	stack_lock_enter();
	task_work_add(&w[1].cb);
	task_work_add(&w[0].cb);
	stack_lock_exit();
	cr_assert_eq(norder, 3);
	for (int i = 0; i < 3; i++)
		cr_assert_eq(w[i].runs, 1, "work %d", i);
}

static void *other_thread(void *arg)
{
	struct counted_work *w = arg;

	/* A fresh thread has its own depth and its own queue. */
	if (stack_lock_depth != 0)
		return (void *)1;
	stack_lock_enter();
	stack_lock_exit();
	return w->runs == 0 ? NULL : (void *)2;
}

Test(task_work, per_thread)
{
	struct counted_work w;
	pthread_t t;
	void *ret;

	counted_work_init(&w, 0, NULL, NULL);
	stack_lock_enter();
	task_work_add(&w.cb);
	cr_assert_eq(pthread_create(&t, NULL, other_thread, &w), 0);
	cr_assert_eq(pthread_join(t, &ret), 0);
	cr_assert_null(ret, "other thread saw this thread's work (%p)", ret);
	cr_assert_eq(w.runs, 0);
	stack_lock_exit();
	cr_assert_eq(w.runs, 1);
}

/* ------------------------------------------------ alloc, many threads */

#define RACE_THREADS	4
#define RACE_PER_THREAD 64

struct race_round {
	pthread_barrier_t start;
	atomic_int nulls;
};

static void *race_allocs(void *arg)
{
	struct race_round *r = arg;
	void *p[RACE_PER_THREAD];

	pthread_barrier_wait(&r->start);
	for (int i = 0; i < RACE_PER_THREAD; i++) {
		p[i] = obj_alloc(OBJ_OTHER, 8);
		if (!p[i])
			atomic_fetch_add(&r->nulls, 1);
	}
	for (int i = 0; i < RACE_PER_THREAD; i++)
		obj_free(OBJ_OTHER, p[i]);
	return NULL;
}

/*
 * BUG (src/lib/alloc.c, should_fail(), lines 26-40): the countdown is
 * read, tested and decremented in separate atomic operations, so two
 * threads allocating at once can both decrement past 1 (no failure at
 * all, or the countdown wraps to ULONG_MAX) or both see 1 (two failures
 * from a non-sticky arm).  Seen in about 1 round in 150 on 2 CPUs.
 * Disabled until should_fail() uses a compare-and-swap loop.
 */
Test(alloc, fail_at_exactly_once_across_threads)
{
	int zero = 0, many = 0;

	for (int round = 0; round < 5000; round++) {
		struct race_round r;
		pthread_t t[RACE_THREADS];

		atomic_init(&r.nulls, 0);
		pthread_barrier_init(&r.start, NULL, RACE_THREADS);
		usnet_alloc_fail_at(RACE_THREADS * RACE_PER_THREAD / 2, 0);
		for (int i = 0; i < RACE_THREADS; i++)
			cr_assert_eq(pthread_create(&t[i], NULL, race_allocs,
						    &r),
				     0);
		for (int i = 0; i < RACE_THREADS; i++)
			pthread_join(t[i], NULL);
		pthread_barrier_destroy(&r.start);
		if (atomic_load(&r.nulls) == 0)
			zero++;
		else if (atomic_load(&r.nulls) > 1)
			many++;
	}
	usnet_alloc_fail_at(0, 0);
	cr_assert(zero == 0 && many == 0,
		  "rounds with no failure: %d, with several: %d", zero, many);
}
