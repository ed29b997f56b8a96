/*
 * devinet.h - IPv4 addresses of devices (Linux's in_device, in_ifaddr).
 */
#ifndef USNET_INET_DEVINET_H
#define USNET_INET_DEVINET_H

#include <netinet/in.h>
#include <stdint.h>

#include "core/netdevice.h"

struct in_ifaddr {
	struct list_head list;
	uint32_t local;	    /* network order */
	uint32_t mask;	    /* network order */
	uint32_t broadcast; /* network order */
	int prefixlen;
	struct net_device *dev;
};

struct in_device {
	struct list_head ifa_list;
};

/* What an address is to this namespace (Linux's RTN_*). */
enum addr_type {
	RTN_UNSPEC,
	RTN_UNICAST, /* someone else's */
	RTN_LOCAL,   /* ours */
	RTN_BROADCAST,
	RTN_MULTICAST,
};

/* Add @local/@prefixlen to @dev, with its local and connected routes;
 * -EEXIST if present.  Lock held. */
int inet_addr_add(struct net_device *dev, uint32_t local, int prefixlen);
int inet_addr_del(struct net_device *dev, uint32_t local, int prefixlen);
/* Remove every address of @dev (it is going away).  Lock held. */
void inet_dev_destroy(struct net_device *dev);
enum addr_type inet_addr_type(struct net *net, uint32_t addr);
/* The address of @dev best suited to reach @dst (same subnet first). */
uint32_t inet_select_addr(const struct net_device *dev, uint32_t dst);

#endif
