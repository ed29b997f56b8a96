/*
 * ip_fragment.c - IPv4 fragmentation on output and reassembly on input
 * (RFC 791 3.2; Linux's ip_fragment.c and ip_output.c's ip_do_fragment()).
 *
 * Reassembly keeps one queue per (source, destination, id, protocol), each
 * with a timer (ipv4.ipfrag_time, 30 s); a namespace holds at most
 * ipv4.ipfrag_high_thresh bytes of fragments.  As Linux does since 4.19, a
 * fragment that overlaps another throws the whole datagram away, and so
 * does one that would make it longer than 65535 bytes; an exact duplicate
 * is only dropped itself.  Every such drop is counted (IP_FRAG).
 */
#include <errno.h>
#include <string.h>

#include "core/timer.h"
#include "inet/ip.h"
#include "inet/netns_ipv4.h"
#include "lib/alloc.h"
#include "lib/clock.h"
#include "wire/icmp.h"
#include "wire/ipv4.h"

struct ipq {
	struct list_head list; /* in netns_ipv4.frags */
	uint32_t saddr, daddr; /* host order, as parsed */
	uint16_t id;
	uint8_t protocol;
	struct sk_buff_head frags; /* by offset */
	unsigned int len;	   /* the datagram's length, once known */
	unsigned int meat;	   /* payload bytes received */
	unsigned int truesize;
	bool last_in;  /* the fragment with MF clear came */
	bool first_in; /* offset 0 came */
	struct timer_list timer;
	struct net *net;
};

/* Where a fragment's payload sits in the datagram. */
struct frag_cb {
	unsigned int offset, end;
};

#define FRAG_CB(skb) \
	((struct frag_cb *)((skb)->cb + sizeof(struct inet_skb_parm)))

static void ipq_free(struct netns_ipv4 *ipv4, struct ipq *q)
{
	del_timer(&q->timer);
	list_del_init(&q->list);
	ipv4->frag_mem -= q->truesize;
	skb_queue_purge(&q->frags);
	obj_free(OBJ_OTHER, q);
}

static void ipq_kill(struct net *net, struct ipq *q, unsigned int packets)
{
	atomic_fetch_add(&net->drops[SKB_DROP_REASON_IP_FRAG], packets);
	ipq_free(net_ipv4(net), q);
}

/* RFC 792: a datagram not reassembled in time gets a time exceeded
 * (code 1) to its sender, if its first fragment came. */
static void ipq_expire(struct timer_list *t)
{
	struct ipq *q = container_of(t, struct ipq, timer);
	struct sk_buff *first = skb_peek(&q->frags);

	if (q->first_in && first && FRAG_CB(first)->offset == 0)
		icmp_send(q->net, first, ICMP_TYPE_TIME_EXCEEDED, 1, 0);
	ipq_kill(q->net, q, skb_queue_len(&q->frags));
}

static struct ipq *ipq_find(struct net *net, const struct ipv4_hdr_info *h)
{
	struct netns_ipv4 *ipv4 = net_ipv4(net);
	struct ipq *q;

	list_for_each_entry(q, &ipv4->frags, list)
		if (q->saddr == h->saddr && q->daddr == h->daddr &&
		    q->id == h->id && q->protocol == h->protocol)
			return q;
	q = obj_alloc(OBJ_OTHER, sizeof(*q));
	if (!q)
		return NULL;
	q->saddr = h->saddr;
	q->daddr = h->daddr;
	q->id = h->id;
	q->protocol = h->protocol;
	q->net = net;
	skb_queue_head_init(&q->frags);
	timer_setup(&q->timer, net, ipq_expire);
	mod_timer(&q->timer,
		  clock_now_ns() + (int64_t)READ_ONCE(net->sysctl.ipfrag_time) *
					   NSEC_PER_SEC);
	list_add_tail(&q->list, &ipv4->frags);
	return q;
}

/* Join the fragments into one datagram: the first fragment's header with
 * the total length and no fragment fields, then the payloads in order. */
static struct sk_buff *ipq_reasm(struct net *net, struct ipq *q)
{
	struct sk_buff *first = skb_peek(&q->frags), *skb, *f;
	const uint8_t *hdr = skb_network_header(first);
	unsigned int hlen = (unsigned int)(first->data - hdr);
	struct ipv4_hdr_info h;

	skb = alloc_skb(MAX_HEADER + hlen + q->len);
	if (!skb)
		return NULL;
	skb_reserve(skb, MAX_HEADER);
	/* The first fragment holds at least 8 bytes (MF is set on it). */
	if (ipv4_parse_quoted(hdr, hlen + first->len, &h) != WIRE_OK) {
		kfree_skb(skb);
		return NULL;
	}
	h.mf = false;
	h.frag_off = 0;
	ipv4_emit(&h, q->len, skb_put(skb, hlen), hlen);
	skb_reset_network_header(skb);
	skb_queue_walk(&q->frags, f)
		memcpy(skb_put(skb, f->len), f->data, f->len);
	skb->dev = first->dev;
	skb->protocol = first->protocol;
	*IPCB(skb) = *IPCB(first);
	skb_pull(skb, hlen);
	skb_reset_transport_header(skb);
	return skb;
}

struct sk_buff *ip_defrag(struct net *net, struct sk_buff *skb,
			  const struct ipv4_hdr_info *h)
{
	struct netns_ipv4 *ipv4 = net_ipv4(net);
	unsigned int offset = h->frag_off, end;
	struct sk_buff *pos, *done;
	struct ipq *q;

	/* data is the fragment's payload now */
	end = offset + skb->len;
	if (end > (unsigned int)(IPV4_MAX_LEN - h->hdr_len) ||
	    (h->mf && (skb->len == 0 || (skb->len & 7))) ||
	    ipv4->frag_mem + skb->truesize >
		    (unsigned int)READ_ONCE(net->sysctl.ipfrag_high_thresh)) {
		kfree_skb_reason(net, skb, SKB_DROP_REASON_IP_FRAG);
		return NULL;
	}
	q = ipq_find(net, h);
	if (!q) {
		kfree_skb_reason(net, skb, SKB_DROP_REASON_NOMEM);
		return NULL;
	}
	if (!h->mf) {
		/* The last fragment fixes the length: it must agree. */
		if (end < q->len || (q->last_in && end != q->len))
			goto kill;
		q->last_in = true;
		q->len = end;
	} else if (q->last_in && end > q->len) {
		goto kill;
	} else if (end > q->len) {
		q->len = end;
	}
	FRAG_CB(skb)->offset = offset;
	FRAG_CB(skb)->end = end;
	skb_queue_walk(&q->frags, pos) {
		if (FRAG_CB(pos)->offset == offset &&
		    FRAG_CB(pos)->end == end) {
			kfree_skb_reason(net, skb, SKB_DROP_REASON_IP_FRAG);
			return NULL; /* an exact duplicate */
		}
		if (offset < FRAG_CB(pos)->end && end > FRAG_CB(pos)->offset)
			goto kill; /* overlap */
		if (FRAG_CB(pos)->offset > offset)
			break;
	}
	list_add_tail(&skb->list, &pos->list);
	q->frags.qlen++;
	q->meat += skb->len;
	q->truesize += skb->truesize;
	ipv4->frag_mem += skb->truesize;
	if (offset == 0)
		q->first_in = true;
	if (!q->first_in || !q->last_in || q->meat != q->len)
		return NULL;
	done = ipq_reasm(net, q);
	ipq_free(ipv4, q);
	if (!done)
		atomic_fetch_add(&net->drops[SKB_DROP_REASON_NOMEM], 1);
	return done;

kill:
	kfree_skb_reason(net, skb, SKB_DROP_REASON_IP_FRAG);
	ipq_kill(net, q, skb_queue_len(&q->frags));
	return NULL;
}

void ip_frag_net_exit(struct net *net)
{
	struct netns_ipv4 *ipv4 = net_ipv4(net);

	while (!list_empty(&ipv4->frags))
		ipq_free(ipv4,
			 list_first_entry(&ipv4->frags, struct ipq, list));
}

int ip_fragment(struct net *net, struct sk_buff *skb, unsigned int mtu,
		struct net_device *dev)
{
	struct ipv4_hdr_info h;
	unsigned int hlen, left, off = 0, chunk;
	const uint8_t *payload;
	int err = 0;

	if (ipv4_parse(skb->data, skb->len, &h) != WIRE_OK) {
		kfree_skb_reason(net, skb, SKB_DROP_REASON_IP_INHDR);
		return -EINVAL;
	}
	hlen = h.hdr_len;
	left = h.tot_len - hlen;
	payload = skb->data + hlen;
	/* Every fragment but the last carries a multiple of 8 bytes. */
	chunk = (mtu - hlen) & ~7u;
	if (mtu <= hlen + 8) {
		kfree_skb_reason(net, skb, SKB_DROP_REASON_PKT_TOO_SMALL);
		return -EMSGSIZE;
	}
	while (left) {
		unsigned int n = left > chunk ? chunk : left;
		struct ipv4_hdr_info fh = h;
		struct sk_buff *f = alloc_skb(MAX_HEADER + hlen + n);

		if (!f) {
			err = -ENOBUFS;
			break;
		}
		skb_reserve(f, MAX_HEADER);
		fh.df = false;
		fh.frag_off = (uint16_t)(h.frag_off + off);
		fh.mf = h.mf || left > n;
		ipv4_emit(&fh, n, skb_put(f, hlen), hlen);
		memcpy(skb_put(f, n), payload + off, n);
		skb_reset_network_header(f);
		f->dev = dev;
		f->protocol = skb->protocol;
		dev_queue_xmit(f);
		off += n;
		left -= n;
	}
	kfree_skb(skb);
	return err;
}
