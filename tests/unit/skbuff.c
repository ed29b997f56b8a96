/*
 * skbuff.c - socket buffers (core/skbuff.c): clones share their owner's
 * buffer, which lives until the owner and every clone are freed; the
 * owner's destructor runs when the owner is freed, whoever else still
 * reads the data.  usnet-only, on internal functions.
 */
#include <criterion/criterion.h>
#include <string.h>

#include <usnet/net.h>

#include "core/skbuff.h"

static int destructed;

static void count_destructor(struct sk_buff *skb)
{
	(void)skb;
	destructed++;
}

static unsigned long skbs_live(void)
{
	struct usnet_objects live;

	usnet_objects_live(&live);
	return live.skbs;
}

/* An skb of @n bytes of pattern after 32 bytes of headroom. */
static struct sk_buff *pattern_skb(unsigned int n)
{
	struct sk_buff *skb = alloc_skb(32 + n);

	cr_assert_not_null(skb);
	skb_reserve(skb, 32);
	for (unsigned int i = 0; i < n; i++)
		skb_put(skb, 1)[0] = (unsigned char)i;
	skb->destructor = count_destructor;
	return skb;
}

static void assert_pattern(const struct sk_buff *skb, unsigned int n)
{
	cr_assert_eq(skb->len, n);
	for (unsigned int i = 0; i < n; i++)
		cr_assert_eq(skb->data[i], (unsigned char)i, "byte %u", i);
}

Test(skbuff, clone_outlives_its_owner)
{
	struct sk_buff *skb = pattern_skb(1000), *c;

	destructed = 0;
	cr_assert(!skb_cloned(skb));
	c = skb_clone(skb);
	cr_assert_not_null(c);
	cr_assert(skb_cloned(skb) && skb_cloned(c));
	cr_assert_eq(c->data, skb->data);
	cr_assert_eq(skb_headroom(c), 32);
	cr_assert_eq(skb_tailroom(c), 0, "a clone may not grow into the tail");
	cr_assert_null(c->destructor);
	kfree_skb(skb);
	cr_assert_eq(destructed, 1, "the owner's destructor runs when it goes");
	assert_pattern(c, 1000);
	cr_assert(!skb_cloned(c));
	kfree_skb(c);
	cr_assert_eq(destructed, 1);
	cr_assert_eq(skbs_live(), 0);
}

Test(skbuff, owner_outlives_its_clones)
{
	struct sk_buff *skb = pattern_skb(100), *c1, *c2, *copy;

	destructed = 0;
	c1 = skb_clone(skb);
	c2 = skb_clone(c1); /* a clone of a clone shares the owner's */
	cr_assert(c1 && c2);
	cr_assert_eq(c2->data, skb->data);
	/* a clone pushes its own header into the headroom */
	memset(skb_push(c1, 20), 0xee, 20);
	cr_assert_eq(c1->len, 120);
	copy = skb_copy(c1);
	cr_assert_not_null(copy);
	cr_assert(!skb_cloned(copy));
	cr_assert_eq(copy->len, 120);
	cr_assert_eq(copy->data[0], 0xee);
	cr_assert_eq(copy->data[20 + 99], 99);
	kfree_skb(copy);
	kfree_skb(c1);
	cr_assert(skb_cloned(skb));
	kfree_skb(c2);
	cr_assert(!skb_cloned(skb));
	assert_pattern(skb, 100);
	cr_assert_eq(destructed, 0);
	kfree_skb(skb);
	cr_assert_eq(destructed, 1);
	cr_assert_eq(skbs_live(), 0);
}
