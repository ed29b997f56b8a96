/*
 * route.c - the routing table of a namespace, and output route look-up.
 *
 * A list kept in order of decreasing prefix length, local routes before
 * others of the same length: the first match is the longest prefix, and a
 * host's own addresses win, as Linux's local table is searched first.
 * Routes whose device is down are skipped (Linux removes them).
 */
#include "inet/route.h"

#include <errno.h>

#include "inet/netns_ipv4.h"
#include "lib/alloc.h"

static uint32_t mask_of(int prefixlen)
{
	return prefixlen ? htonl(~0u << (32 - prefixlen)) : 0;
}

static bool route_before(const struct fib_route *a, const struct fib_route *b)
{
	if (a->prefixlen != b->prefixlen)
		return a->prefixlen > b->prefixlen;
	return a->type == RTN_LOCAL && b->type != RTN_LOCAL;
}

int fib_add(struct net *net, const struct fib_route *r)
{
	struct netns_ipv4 *ipv4 = net_ipv4(net);
	struct fib_route *n, *pos;

	list_for_each_entry(pos, &ipv4->routes, list)
		if (pos->dst == (r->dst & mask_of(r->prefixlen)) &&
		    pos->prefixlen == r->prefixlen && pos->type == r->type)
			return -EEXIST;
	n = obj_alloc(OBJ_OTHER, sizeof(*n));
	if (!n)
		return -ENOMEM;
	*n = *r;
	n->dst &= mask_of(r->prefixlen);
	list_for_each_entry(pos, &ipv4->routes, list)
		if (route_before(n, pos))
			break;
	/* Insert before pos (or at the tail when none is after). */
	list_add_tail(&n->list, &pos->list);
	return 0;
}

int fib_del(struct net *net, uint32_t dst, int prefixlen, enum addr_type type)
{
	struct fib_route *r;

	dst &= mask_of(prefixlen);
	list_for_each_entry(r, &net_ipv4(net)->routes, list) {
		if (r->dst == dst && r->prefixlen == prefixlen &&
		    r->type == type) {
			list_del_init(&r->list);
			obj_free(OBJ_OTHER, r);
			return 0;
		}
	}
	return -ESRCH;
}

void fib_flush_dev(struct net *net, struct net_device *dev)
{
	struct fib_route *r, *tmp;

	list_for_each_entry_safe(r, tmp, &net_ipv4(net)->routes, list) {
		if (r->dev == dev) {
			list_del_init(&r->list);
			obj_free(OBJ_OTHER, r);
		}
	}
}

static const struct fib_route *fib_lookup(struct net *net, uint32_t daddr,
					  int oif)
{
	struct fib_route *r;

	list_for_each_entry(r, &net_ipv4(net)->routes, list) {
		if ((daddr & mask_of(r->prefixlen)) != r->dst)
			continue;
		if (!(r->dev->flags & IFF_UP))
			continue;
		/* Local routes are found whatever the bound device. */
		if (oif && r->type != RTN_LOCAL && r->dev->ifindex != oif)
			continue;
		return r;
	}
	return NULL;
}

enum addr_type fib_addr_type(struct net *net, uint32_t addr)
{
	const struct fib_route *r = fib_lookup(net, addr, 0);

	return r ? r->type : RTN_UNICAST;
}

int ip_route_output(struct net *net, uint32_t daddr, uint32_t saddr, int oif,
		    struct rtable *rt)
{
	const struct fib_route *r;

	/* Linux: a packet to 0.0.0.0 goes to this host on loopback. */
	if (daddr == htonl(INADDR_ANY))
		daddr = saddr ? saddr : htonl(INADDR_LOOPBACK);
	r = fib_lookup(net, daddr, oif);
	if (!r)
		return -ENETUNREACH;
	rt->type = r->type;
	rt->gateway = r->gateway ? r->gateway : daddr;
	if (r->type == RTN_LOCAL) {
		rt->dev = net->loopback_dev;
		rt->src = saddr ? saddr : (r->prefsrc ? r->prefsrc : daddr);
		if (!(rt->dev->flags & IFF_UP))
			return -ENETUNREACH;
		return 0;
	}
	rt->dev = r->dev;
	rt->src = saddr ? saddr :
			  (r->prefsrc ? r->prefsrc :
					inet_select_addr(r->dev, daddr));
	return 0;
}
