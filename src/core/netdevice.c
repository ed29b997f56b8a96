/*
 * netdevice.c - devices, the packet-type table, transmit, and the
 * namespace's receive backlog.
 */
#include "core/netdevice.h"

#include <errno.h>
#include <string.h>

#include "lib/alloc.h"

#include <usnet/net.h>

#define PTYPE_MAX 8

static const struct packet_type *ptype_base[PTYPE_MAX];
static int ptype_count;

/* Protocols register once at start-up, before any packet flows. */
void dev_add_pack(const struct packet_type *pt)
{
	for (int i = 0; i < ptype_count; i++)
		if (ptype_base[i] == pt)
			return;
	if (ptype_count < PTYPE_MAX)
		ptype_base[ptype_count++] = pt;
}

struct net_device *alloc_netdev(size_t priv_size, const char *name,
				const struct net_device_ops *ops)
{
	struct net_device *dev = obj_alloc(OBJ_OTHER, sizeof(*dev) + priv_size);

	if (!dev)
		return NULL;
	strncpy(dev->name, name, sizeof(dev->name) - 1);
	dev->netdev_ops = ops;
	dev->mtu = 1500;
	INIT_LIST_HEAD(&dev->dev_list);
	dev->priv = priv_size ? dev + 1 : NULL;
	return dev;
}

struct net_device *dev_get_by_name(struct net *net, const char *name)
{
	struct net_device *dev;

	list_for_each_entry(dev, &net->dev_base, dev_list)
		if (strncmp(dev->name, name, sizeof(dev->name)) == 0)
			return dev;
	return NULL;
}

struct net_device *dev_get_by_index(struct net *net, int ifindex)
{
	struct net_device *dev;

	list_for_each_entry(dev, &net->dev_base, dev_list)
		if (dev->ifindex == ifindex)
			return dev;
	return NULL;
}

int register_netdevice(struct net *net, struct net_device *dev)
{
	if (!dev->name[0] || dev_get_by_name(net, dev->name))
		return -EEXIST;
	dev->net = net;
	dev->ifindex = ++net->ifindex;
	list_add_tail(&dev->dev_list, &net->dev_base);
	return 0;
}

void unregister_netdevice(struct net_device *dev)
{
	list_del_init(&dev->dev_list);
	if (dev->netdev_ops->ndo_uninit)
		dev->netdev_ops->ndo_uninit(dev);
	obj_free(OBJ_OTHER, dev);
}

int dev_change_flags(struct net_device *dev, unsigned int flags)
{
	dev->flags = flags;
	if (flags & IFF_UP)
		dev->flags |= IFF_RUNNING;
	else
		dev->flags &= ~(unsigned int)IFF_RUNNING;
	return 0;
}

void kfree_skb_reason(struct net *net, struct sk_buff *skb,
		      enum skb_drop_reason reason)
{
	if (!skb)
		return;
	if ((unsigned int)reason >= SKB_DROP_REASON_MAX)
		reason = SKB_DROP_REASON_NOT_SPECIFIED;
	atomic_fetch_add_explicit(&net->drops[reason], 1, memory_order_relaxed);
	kfree_skb(skb);
}

int dev_queue_xmit(struct sk_buff *skb)
{
	struct net_device *dev = skb->dev;

	if (!(dev->flags & IFF_UP)) {
		atomic_fetch_add(&dev->stats.tx_dropped, 1);
		kfree_skb_reason(dev->net, skb, SKB_DROP_REASON_DEV_READY);
		return -ENETDOWN;
	}
	atomic_fetch_add_explicit(&dev->stats.tx_packets, 1,
				  memory_order_relaxed);
	atomic_fetch_add_explicit(&dev->stats.tx_bytes, skb->len,
				  memory_order_relaxed);
	return dev->netdev_ops->ndo_start_xmit(skb, dev);
}

void netif_rx(struct sk_buff *skb)
{
	struct net *net = skb->dev->net;

	/* The packet now belongs to the receiving side. */
	if (skb->destructor) {
		skb->destructor(skb);
		skb->destructor = NULL;
	}
	skb->sk = NULL;
	pthread_mutex_lock(&net->rx_lock);
	skb_queue_tail(&net->rx_backlog, skb);
	pthread_mutex_unlock(&net->rx_lock);
}

static void netif_receive_skb(struct sk_buff *skb)
{
	struct net_device *dev = skb->dev;

	atomic_fetch_add_explicit(&dev->stats.rx_packets, 1,
				  memory_order_relaxed);
	atomic_fetch_add_explicit(&dev->stats.rx_bytes, skb->len,
				  memory_order_relaxed);
	if (!(dev->flags & IFF_UP)) {
		kfree_skb_reason(dev->net, skb, SKB_DROP_REASON_DEV_READY);
		return;
	}
	for (int i = 0; i < ptype_count; i++) {
		if (ptype_base[i]->type == skb->protocol) {
			ptype_base[i]->func(skb, dev);
			return;
		}
	}
	kfree_skb_reason(dev->net, skb, SKB_DROP_REASON_UNHANDLED_PROTO);
}

/* A bound on one drain, so that two namespaces sending to each other
 * cannot keep one thread here for ever; the rest waits for the next
 * unlock. */
#define RX_DRAIN_BUDGET 256

void net_rx_drain(struct net *net)
{
	for (int budget = RX_DRAIN_BUDGET; budget > 0; budget--) {
		struct sk_buff *skb;

		pthread_mutex_lock(&net->rx_lock);
		skb = skb_dequeue(&net->rx_backlog);
		pthread_mutex_unlock(&net->rx_lock);
		if (!skb)
			return;
		netif_receive_skb(skb);
	}
}

int usnet_stat_get(struct usnet_net *unet, const char *name,
		   unsigned long *value)
{
	struct net *net = unet ? (struct net *)unet : net_default();

	if (net && strncmp(name, "drop.", 5) == 0) {
		for (int r = 0; r < SKB_DROP_REASON_MAX; r++) {
			if (strcmp(name + 5, drop_reason_name(r)) == 0) {
				*value = atomic_load(&net->drops[r]);
				return 0;
			}
		}
	}
	for (int m = 0; net && m < SNMP_MIB_MAX; m++) {
		if (strcmp(name, snmp_mib_name(m)) == 0) {
			*value = atomic_load(&net->mib[m]);
			return 0;
		}
	}
	errno = ENOENT;
	return -1;
}
