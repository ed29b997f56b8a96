/*
 * link.c - a point-to-point link between two namespaces, with seeded
 * fault injection (the knobs of tc netem that need no clock: loss,
 * duplication, corruption, reordering).
 *
 * Delay, jitter and a rate limit put packets "on the wire" until their
 * arrival time, on the stack's clock (real, or virtual in tests).
 *
 * A packet sent on one end is queued on the other namespace's backlog with
 * netif_rx(); the sending thread then drains that namespace once it has
 * dropped its own lock (a deferred work item: DESIGN.md's "the sender
 * after it drops its own lock"), so no path holds two namespace locks.
 */
#include <errno.h>
#include <math.h>
#include <net/if_arp.h>
#include <pthread.h>
#include <string.h>

#include <usnet/net.h>

#include "core/netdevice.h"
#include "lib/alloc.h"
#include "core/timer.h"
#include "lib/clock.h"
#include "lib/task_work.h"

/* What the two ends share: each end's device, cleared when it goes. The
 * mutex lets one namespace send while the other is being destroyed. */
struct link {
	pthread_mutex_t lock;
	struct net_device *end[2];
	int users;
};

struct link_end {
	struct link *link;
	int side;
	struct usnet_link_params p;
	uint64_t rng;
	struct sk_buff *held; /* a packet held back (reorder) */
	/* Delay, jitter and rate: packets on the wire, by arrival time
	 * (skb->tstamp), released by a timer of the sending namespace. */
	struct sk_buff_head wire;
	struct timer_list timer;
	int64_t busy_until; /* the sender's line is busy (rate) */
};

static double link_random(struct link_end *end)
{
	uint64_t z = (end->rng += 0x9e3779b97f4a7c15ull);

	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
	z ^= z >> 31;
	return (double)(z >> 11) / (double)(1ull << 53);
}

/* ---- delivery into the peer's namespace --------------------------------- */

struct drain_work {
	struct callback_head head;
	struct net *net;
};

static void link_drain(struct callback_head *head)
{
	struct drain_work *w = container_of(head, struct drain_work, head);

	atomic_store(&w->net->rx_drain_pending, false);
	net_lock(w->net);
	net_unlock(w->net); /* drains the backlog */
	put_net(w->net);
	obj_free(OBJ_OTHER, w);
}

/* Queue @skb on the other end's namespace and have this thread drain it
 * once it holds no namespace lock.  A namespace being destroyed takes
 * nothing more. */
static void link_deliver(struct link_end *end, struct sk_buff *skb)
{
	struct link *link = end->link;
	struct net_device *to;
	struct drain_work *w;
	struct net *net;

	pthread_mutex_lock(&link->lock);
	to = link->end[!end->side];
	net = to ? to->net : NULL;
	if (!net || !get_net_not_zero(net)) {
		pthread_mutex_unlock(&link->lock);
		kfree_skb(skb);
		return;
	}
	skb->dev = to;
	netif_rx(skb);
	pthread_mutex_unlock(&link->lock);
	if (atomic_exchange(&net->rx_drain_pending, true)) {
		put_net(net);
		return;
	}
	w = obj_alloc(OBJ_OTHER, sizeof(*w));
	if (!w) {
		/* The next user of the namespace drains it. */
		atomic_store(&net->rx_drain_pending, false);
		put_net(net);
		return;
	}
	w->net = net;
	w->head.func = link_drain;
	task_work_add(&w->head);
}

/* Put @skb on the wire: it arrives after the line is free (rate), the
 * delay and a jitter drawn in [-jitter, +jitter]. */
static void link_wire_add(struct link_end *end, struct sk_buff *skb)
{
	int64_t now = clock_now_ns(), at = now, jitter = 0;
	struct sk_buff *pos;

	if (end->p.rate_bps) {
		int64_t tx = (int64_t)((double)skb->len * 8 * 1e9 /
				       (double)end->p.rate_bps);

		end->busy_until =
			(end->busy_until > now ? end->busy_until : now) + tx;
		at = end->busy_until;
	}
	if (end->p.jitter_us)
		jitter = (int64_t)((link_random(end) * 2 - 1) *
				   end->p.jitter_us * 1000.0);
	at += (int64_t)end->p.delay_us * 1000 + jitter;
	skb->tstamp = at > now ? at : now;
	skb_queue_walk(&end->wire, pos)
		if (pos->tstamp > skb->tstamp)
			break;
	list_add_tail(&skb->list, &pos->list);
	end->wire.qlen++;
	mod_timer(&end->timer, skb_peek(&end->wire)->tstamp);
}

static void link_wire_timer(struct timer_list *t)
{
	struct link_end *end = container_of(t, struct link_end, timer);
	struct sk_buff *skb;

	while ((skb = skb_peek(&end->wire)) && skb->tstamp <= clock_now_ns()) {
		skb_unlink(skb, &end->wire);
		link_deliver(end, skb);
	}
	if (skb)
		mod_timer(&end->timer, skb->tstamp);
}

/* Deliver now, or put on the wire when the link has a delay or a rate. */
static void link_send(struct link_end *end, struct sk_buff *skb)
{
	if (end->p.delay_us || end->p.jitter_us || end->p.rate_bps)
		link_wire_add(end, skb);
	else
		link_deliver(end, skb);
}

static int link_xmit(struct sk_buff *skb, struct net_device *dev)
{
	struct link_end *end = dev->priv;
	struct sk_buff *dup = NULL, *held;

	if (end->p.loss > 0 && link_random(end) < end->p.loss) {
		kfree_skb_reason(dev->net, skb, SKB_DROP_REASON_DEV_QUEUE);
		return 0;
	}
	if (end->p.corrupt > 0 && skb->len &&
	    link_random(end) < end->p.corrupt) {
		size_t bit = (size_t)(link_random(end) * skb->len * 8);

		skb->data[bit / 8] ^= (uint8_t)(1u << (bit % 8));
	}
	if (end->p.duplicate > 0 && link_random(end) < end->p.duplicate)
		dup = skb_copy(skb);
	if (end->p.reorder > 0 && !end->held &&
	    link_random(end) < end->p.reorder) {
		end->held = skb;
		skb = NULL;
	}
	if (skb) {
		held = end->held;
		end->held = NULL;
		link_send(end, skb);
		if (held)
			link_send(end, held);
	}
	if (dup)
		link_send(end, dup);
	return 0;
}

static void link_uninit(struct net_device *dev)
{
	struct link_end *end = dev->priv;
	struct link *link = end->link;
	int users;

	kfree_skb(end->held);
	end->held = NULL;
	del_timer(&end->timer);
	skb_queue_purge(&end->wire);
	pthread_mutex_lock(&link->lock);
	link->end[end->side] = NULL;
	users = --link->users;
	pthread_mutex_unlock(&link->lock);
	if (!users) {
		pthread_mutex_destroy(&link->lock);
		obj_free(OBJ_OTHER, link);
	}
}

static const struct net_device_ops link_ops = {
	.ndo_start_xmit = link_xmit,
	.ndo_uninit = link_uninit,
};

static int link_params_check(const struct usnet_link_params *p)
{
	const double probs[] = { p->loss, p->duplicate, p->corrupt,
				 p->reorder };

	for (size_t i = 0; i < ARRAY_SIZE(probs); i++)
		if (!(probs[i] >= 0.0 && probs[i] <= 1.0))
			return -EINVAL;
	if (p->mtu && (p->mtu < 68 || p->mtu > 65536))
		return -EINVAL;
	return 0;
}

static struct net_device *link_end_alloc(struct link *link, int side,
					 const char *name,
					 const struct usnet_link_params *p)
{
	struct net_device *dev;
	struct link_end *end;

	dev = alloc_netdev(sizeof(struct link_end), name, &link_ops);
	if (!dev)
		return NULL;
	end = dev->priv;
	end->link = link;
	end->side = side;
	end->p = *p;
	end->rng = p->seed ^ ((uint64_t)(side + 1) * 0x2545f4914f6cdd1dull);
	skb_queue_head_init(&end->wire);
	timer_setup(&end->timer, NULL, link_wire_timer);
	dev->mtu = p->mtu ? p->mtu : 1500;
	dev->type = ARPHRD_NONE;
	link->end[side] = dev;
	link->users++;
	return dev;
}

int usnet_link_add(struct usnet_net *ua, const char *name_a,
		   struct usnet_net *ub, const char *name_b,
		   const struct usnet_link_params *params)
{
	struct net *a = ua ? (struct net *)ua : net_default();
	struct net *b = ub ? (struct net *)ub : net_default();
	struct usnet_link_params p = { 0 };
	struct net_device *da, *db;
	struct link *link;
	int err;

	if (params)
		p = *params;
	err = link_params_check(&p);
	if (!err && (!a || !b))
		err = -ENOMEM;
	if (!err && (!name_a || !name_b || !name_a[0] || !name_b[0] ||
		     strlen(name_a) >= IFNAMSIZ || strlen(name_b) >= IFNAMSIZ ||
		     (a == b && strcmp(name_a, name_b) == 0)))
		err = -EINVAL;
	if (err) {
		errno = -err;
		return -1;
	}
	link = obj_alloc(OBJ_OTHER, sizeof(*link));
	if (!link) {
		errno = ENOMEM;
		return -1;
	}
	pthread_mutex_init(&link->lock, NULL);
	da = link_end_alloc(link, 0, name_a, &p);
	db = da ? link_end_alloc(link, 1, name_b, &p) : NULL;
	if (!db) {
		if (da)
			unregister_netdevice(da); /* never registered: frees */
		else
			obj_free(OBJ_OTHER, link);
		errno = ENOMEM;
		return -1;
	}
	/* One namespace lock at a time. */
	net_lock(a);
	err = register_netdevice(a, da);
	timer_setup(&((struct link_end *)da->priv)->timer, a, link_wire_timer);
	net_unlock(a);
	if (err) {
		unregister_netdevice(da);
		unregister_netdevice(db);
		errno = -err;
		return -1;
	}
	net_lock(b);
	err = register_netdevice(b, db);
	timer_setup(&((struct link_end *)db->priv)->timer, b, link_wire_timer);
	net_unlock(b);
	if (err) {
		unregister_netdevice(db);
		net_lock(a);
		unregister_netdevice(da);
		net_unlock(a);
		errno = -err;
		return -1;
	}
	return 0;
}
