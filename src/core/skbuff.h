/*
 * skbuff.h - socket buffers and their queues.
 *
 * An sk_buff holds one piece of data (a datagram, a segment of a stream)
 * in a single linear buffer, plus a control block (cb) that the owning
 * protocol interprets.  The rule everything rests on: an skb passed to a
 * function is consumed by it, whatever happens.
 *
 * The buffer is allocated with the skb that owns it; a clone (skb_clone())
 * is an sk_buff of its own pointing into another's buffer, which lives
 * until the owner and every clone are freed (Linux's dataref).
 */
#ifndef USNET_CORE_SKBUFF_H
#define USNET_CORE_SKBUFF_H

#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "lib/compiler.h"
#include "lib/list.h"

struct sock;
struct net_device;

struct sk_buff {
	struct list_head list;
	struct sock *sk;
	struct net_device *dev; /* device it came in on or goes out of */
	void (*destructor)(struct sk_buff *skb);
	unsigned int len;
	unsigned int truesize;
	unsigned char *head;
	unsigned char *data;
	unsigned char *end;
	uint16_t protocol;	 /* ethertype, host order */
	uint16_t network_header; /* offsets from head */
	uint16_t transport_header;
	uint8_t pkt_type;	      /* PACKET_HOST, PACKET_BROADCAST, ... */
	uint8_t ip_summed;	      /* CHECKSUM_* */
	int64_t tstamp;		      /* a time on the stack's clock */
	struct sk_buff *shared;	      /* a clone: the owner of its buffer */
	_Atomic unsigned int dataref; /* the owner: skbs using its buffer */
	_Alignas(8) char cb[64];
};

/* Room most packets need in front of their payload for the headers the
 * layers below will push (Ethernet 14, IPv4 up to 60, TCP up to 60). */
#define MAX_HEADER 160u

/* What an skb costs its socket beyond its payload (Linux charges the
 * sk_buff and skb_shared_info structures; this is the same order). */
#define SKB_OVERHEAD	576u
#define SKB_TRUESIZE(n) ((unsigned int)(n) + SKB_OVERHEAD)

/*
 * skb->ip_summed, with Linux's names.  CHECKSUM_NONE: the transport
 * checksum is in the packet, or, for a packet received, still to be
 * verified.  CHECKSUM_PARTIAL: left for the device to fill in; only
 * loopback is given such packets (ip_csum_ph()), and its receiver takes
 * them as verified, as Linux's lo (NETIF_F_HW_CSUM) does: the packet never
 * left this stack.  Whatever comes from another device is verified.
 */
#define CHECKSUM_NONE	 0
#define CHECKSUM_PARTIAL 3

static inline bool skb_csum_unnecessary(const struct sk_buff *skb)
{
	return skb->ip_summed == CHECKSUM_PARTIAL;
}

struct sk_buff_head {
	struct list_head list;
	unsigned int qlen;
};

/* A new skb with room for @size bytes of data; NULL on failure. */
struct sk_buff *alloc_skb(size_t size);
/* Run the destructor, then free. */
void kfree_skb(struct sk_buff *skb);
/* Free a list of skbs. */
void skb_queue_purge(struct sk_buff_head *q);

static inline unsigned char *skb_put(struct sk_buff *skb, unsigned int n)
{
	unsigned char *tail = skb->data + skb->len;

	skb->len += n;
	return tail;
}

/* Leave @n bytes of headroom in an empty skb. */
static inline void skb_reserve(struct sk_buff *skb, unsigned int n)
{
	skb->data += n;
}

static inline unsigned int skb_headroom(const struct sk_buff *skb)
{
	return (unsigned int)(skb->data - skb->head);
}

static inline unsigned int skb_tailroom(const struct sk_buff *skb)
{
	return (unsigned int)(skb->end - (skb->data + skb->len));
}

/* Grow the data at the front by @n bytes (a header); the caller made
 * room with skb_reserve(). */
static inline unsigned char *skb_push(struct sk_buff *skb, unsigned int n)
{
	skb->data -= n;
	skb->len += n;
	return skb->data;
}

static inline void skb_trim(struct sk_buff *skb, unsigned int len)
{
	if (skb->len > len)
		skb->len = len;
}

static inline void skb_reset_network_header(struct sk_buff *skb)
{
	skb->network_header = (uint16_t)(skb->data - skb->head);
}

static inline void skb_reset_transport_header(struct sk_buff *skb)
{
	skb->transport_header = (uint16_t)(skb->data - skb->head);
}

static inline unsigned char *skb_network_header(const struct sk_buff *skb)
{
	return skb->head + skb->network_header;
}

static inline unsigned char *skb_transport_header(const struct sk_buff *skb)
{
	return skb->head + skb->transport_header;
}

/* A private copy of @skb (data and headers, not the owner); NULL on
 * failure. */
struct sk_buff *skb_copy(const struct sk_buff *skb);

/*
 * A new skb sharing @skb's buffer (Linux's skb_clone()): the same data,
 * len and headroom, no tailroom, no owner, a zeroed control block; NULL on
 * failure.  Neither may write the data while the other lives; the clone
 * may push headers into the headroom only while @skb has no other clone
 * (skb_cloned() false before the call), and @skb must not use its
 * headroom meanwhile.
 */
struct sk_buff *skb_clone(struct sk_buff *skb);

/* Whether another skb uses @skb's buffer (Linux's skb_cloned()). */
static inline bool skb_cloned(const struct sk_buff *skb)
{
	const struct sk_buff *owner = skb->shared ? skb->shared : skb;

	return owner->dataref > 1;
}

static inline void skb_pull(struct sk_buff *skb, unsigned int n)
{
	skb->data += n;
	skb->len -= n;
}

static inline void skb_queue_head_init(struct sk_buff_head *q)
{
	INIT_LIST_HEAD(&q->list);
	q->qlen = 0;
}

static inline unsigned int skb_queue_len(const struct sk_buff_head *q)
{
	return READ_ONCE(q->qlen);
}

static inline bool skb_queue_empty(const struct sk_buff_head *q)
{
	return READ_ONCE(q->qlen) == 0;
}

static inline struct sk_buff *skb_peek(const struct sk_buff_head *q)
{
	if (q->qlen == 0)
		return NULL;
	return list_first_entry(&q->list, struct sk_buff, list);
}

static inline struct sk_buff *skb_peek_next(struct sk_buff *skb,
					    const struct sk_buff_head *q)
{
	if (skb->list.next == &q->list)
		return NULL;
	return list_entry(skb->list.next, struct sk_buff, list);
}

static inline struct sk_buff *skb_peek_prev(struct sk_buff *skb,
					    const struct sk_buff_head *q)
{
	if (skb->list.prev == &q->list)
		return NULL;
	return list_entry(skb->list.prev, struct sk_buff, list);
}

static inline struct sk_buff *skb_peek_tail(const struct sk_buff_head *q)
{
	if (q->qlen == 0)
		return NULL;
	return list_entry(q->list.prev, struct sk_buff, list);
}

static inline void skb_queue_tail(struct sk_buff_head *q, struct sk_buff *skb)
{
	list_add_tail(&skb->list, &q->list);
	WRITE_ONCE(q->qlen, q->qlen + 1);
}

/* Put @newsk right after @old on @q. */
static inline void skb_append(struct sk_buff *old, struct sk_buff *newsk,
			      struct sk_buff_head *q)
{
	list_add(&newsk->list, &old->list);
	WRITE_ONCE(q->qlen, q->qlen + 1);
}

static inline void skb_unlink(struct sk_buff *skb, struct sk_buff_head *q)
{
	list_del_init(&skb->list);
	WRITE_ONCE(q->qlen, q->qlen - 1);
}

static inline struct sk_buff *skb_dequeue(struct sk_buff_head *q)
{
	struct sk_buff *skb = skb_peek(q);

	if (skb)
		skb_unlink(skb, q);
	return skb;
}

#define skb_queue_walk(q, skb) list_for_each_entry(skb, &(q)->list, list)
#define skb_queue_walk_safe(q, skb, tmp) \
	list_for_each_entry_safe(skb, tmp, &(q)->list, list)

#endif
