/*
 * route.h - the IPv4 routing table: longest prefix match.
 *
 * One table per namespace holds every route, the local ones (an address of
 * this host: deliver here) and the unicast ones (send on a device,
 * directly or through a gateway), in the order of Linux's local table
 * then main table.
 */
#ifndef USNET_INET_ROUTE_H
#define USNET_INET_ROUTE_H

#include <stdint.h>

#include "core/netdevice.h"
#include "inet/devinet.h"

struct fib_route {
	struct list_head list;
	uint32_t dst; /* network order, masked */
	int prefixlen;
	uint32_t gateway; /* 0: directly connected */
	uint32_t prefsrc; /* preferred source, 0: choose */
	struct net_device *dev;
	enum addr_type type; /* RTN_LOCAL, RTN_UNICAST, RTN_BROADCAST */
};

/* The result of a look-up. */
struct rtable {
	struct net_device *dev;
	uint32_t gateway; /* next hop: the gateway, or the destination */
	uint32_t src;	  /* source address to use */
	enum addr_type type;
};

int fib_add(struct net *net, const struct fib_route *r);
/* What the table says @addr is, whatever the state of lo. */
enum addr_type fib_addr_type(struct net *net, uint32_t addr);
int fib_del(struct net *net, uint32_t dst, int prefixlen, enum addr_type type);
void fib_flush_dev(struct net *net, struct net_device *dev);

/*
 * Where a packet to @daddr goes (Linux's ip_route_output_key): @oif binds
 * the device when non-zero; @saddr is the caller's source if bound.
 * -ENETUNREACH when no route matches, -EHOSTUNREACH for a route whose
 * device is down (as Linux's error routes report), -EINVAL for a source
 * not of this host.
 */
int ip_route_output(struct net *net, uint32_t daddr, uint32_t saddr, int oif,
		    struct rtable *rt);

#endif
