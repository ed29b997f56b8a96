/*
 * skbuff.c - allocation and release of socket buffers.
 */
#include "core/skbuff.h"

#include <stdatomic.h>

#include "lib/alloc.h"

struct sk_buff *alloc_skb(size_t size)
{
	struct sk_buff *skb;

	skb = obj_alloc_raw(OBJ_SKB, sizeof(*skb) + size);
	if (!skb)
		return NULL;
	memset(skb, 0, sizeof(*skb));
	INIT_LIST_HEAD(&skb->list);
	skb->head = (unsigned char *)(skb + 1);
	skb->data = skb->head;
	skb->end = skb->head + size;
	skb->truesize = SKB_TRUESIZE(size);
	skb->dataref = 1;
	return skb;
}

void kfree_skb(struct sk_buff *skb)
{
	struct sk_buff *owner;

	if (!skb)
		return;
	if (skb->destructor)
		skb->destructor(skb);
	owner = skb->shared;
	if (owner) {
		obj_free(OBJ_SKB, skb);
		skb = owner;
	}
	/* The buffer goes with its last user. */
	if (atomic_fetch_sub(&skb->dataref, 1) == 1)
		obj_free(OBJ_SKB, skb);
}

struct sk_buff *skb_clone(struct sk_buff *skb)
{
	struct sk_buff *owner = skb->shared ? skb->shared : skb;
	struct sk_buff *n = obj_alloc(OBJ_SKB, sizeof(*n));

	if (!n)
		return NULL;
	INIT_LIST_HEAD(&n->list);
	n->head = skb->head;
	n->data = skb->data;
	n->len = skb->len;
	n->end = skb->data + skb->len;
	n->truesize = skb->truesize;
	n->shared = owner;
	atomic_fetch_add(&owner->dataref, 1);
	return n;
}

void skb_queue_purge(struct sk_buff_head *q)
{
	struct sk_buff *skb;

	while ((skb = skb_dequeue(q)) != NULL)
		kfree_skb(skb);
}

struct sk_buff *skb_copy(const struct sk_buff *skb)
{
	size_t size = (size_t)(skb->end - skb->head);
	struct sk_buff *n = alloc_skb(size);

	if (!n)
		return NULL;
	memcpy(n->head, skb->head, size);
	n->data = n->head + (skb->data - skb->head);
	n->len = skb->len;
	n->dev = skb->dev;
	n->protocol = skb->protocol;
	n->network_header = skb->network_header;
	n->transport_header = skb->transport_header;
	n->pkt_type = skb->pkt_type;
	n->ip_summed = skb->ip_summed;
	memcpy(n->cb, skb->cb, sizeof(n->cb));
	return n;
}
