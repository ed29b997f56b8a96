/*
 * netdevice.h - network devices and the receive backlog.
 *
 * A device belongs to one namespace.  Sending hands an skb to the device's
 * ndo_start_xmit(); receiving goes through netif_rx(), which queues the skb
 * on the namespace's backlog.  The backlog is drained, and each packet
 * handed to its protocol (ip_rcv, arp_rcv), by whoever holds the namespace
 * lock when it is released (net_unlock()): a packet sent on loopback is
 * received right after the send, on the sender's thread, without
 * recursion; a packet from another namespace waits for that namespace's
 * next user (DESIGN.md, "Concurrency").
 */
#ifndef USNET_CORE_NETDEVICE_H
#define USNET_CORE_NETDEVICE_H

#include <net/if.h>
#include <stdint.h>

#include "core/dropreason.h"
#include "core/net.h"
#include "core/skbuff.h"

struct net_device;

struct net_device_ops {
	/* Send @skb (data at the network header for loopback, at the link
	 * header otherwise); the skb is consumed.  Namespace lock held. */
	int (*ndo_start_xmit)(struct sk_buff *skb, struct net_device *dev);
	/* The device is being unregistered: free what priv holds. */
	void (*ndo_uninit)(struct net_device *dev);
};

struct net_device_stats {
	_Atomic uint64_t rx_packets, tx_packets;
	_Atomic uint64_t rx_bytes, tx_bytes;
	_Atomic uint64_t rx_dropped, tx_dropped;
};

struct in_device;

struct net_device {
	char name[IFNAMSIZ];
	int ifindex;
	unsigned int flags; /* IFF_UP, IFF_LOOPBACK, ... */
	unsigned int mtu;
	unsigned short type; /* ARPHRD_* */
	unsigned short hard_header_len;
	uint8_t dev_addr[6];
	const struct net_device_ops *netdev_ops;
	struct net *net;
	struct list_head dev_list; /* in net->dev_base */
	struct in_device *ip_ptr;  /* IPv4 state (inet/devinet.c) */
	struct net_device_stats stats;
	void *priv;
};

/* A protocol that receives packets of one ethertype (Linux's packet_type). */
struct packet_type {
	uint16_t type; /* ETH_P_*, host order */
	void (*func)(struct sk_buff *skb, struct net_device *dev);
};

void dev_add_pack(const struct packet_type *pt);

/* A new device of @priv_size private bytes; register it to make it live. */
struct net_device *alloc_netdev(size_t priv_size, const char *name,
				const struct net_device_ops *ops);
/* Put @dev into @net with the next ifindex; -EEXIST if the name is taken.
 * Lock held. */
int register_netdevice(struct net *net, struct net_device *dev);
/* Take @dev out of its namespace and free it.  Lock held. */
void unregister_netdevice(struct net_device *dev);
struct net_device *dev_get_by_name(struct net *net, const char *name);
struct net_device *dev_get_by_index(struct net *net, int ifindex);
/* Bring @dev up or down (IFF_UP); lock held. */
int dev_change_flags(struct net_device *dev, unsigned int flags);

/* Send @skb on skb->dev; consumes it.  Lock held. */
int dev_queue_xmit(struct sk_buff *skb);
/* Queue a received skb on its device's namespace backlog; consumes it.
 * May be called from any thread, with or without a namespace lock. */
void netif_rx(struct sk_buff *skb);
/* Hand every queued packet to its protocol; lock held (net_unlock()). */
void net_rx_drain(struct net *net);

/* Drop @skb, counting @reason in @net. */
void kfree_skb_reason(struct net *net, struct sk_buff *skb,
		      enum skb_drop_reason reason);

/* The loopback device of @net (made with the namespace). */
int loopback_net_init(struct net *net);

#endif
