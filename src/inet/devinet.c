/*
 * devinet.c - IPv4 addresses on devices, and the routes they imply.
 *
 * Adding an address adds, as Linux does, a local route for it (deliver
 * here) and a connected route for its subnet; on a loopback device the
 * whole subnet is local (127.0.0.0/8: every 127.x.y.z is this host).
 */
#include "inet/devinet.h"

#include <errno.h>

#include "inet/route.h"
#include "lib/alloc.h"

static uint32_t prefix_mask(int prefixlen)
{
	return prefixlen ? htonl(~0u << (32 - prefixlen)) : 0;
}

static struct in_device *in_dev_get(struct net_device *dev)
{
	if (!dev->ip_ptr) {
		dev->ip_ptr = obj_alloc(OBJ_OTHER, sizeof(*dev->ip_ptr));
		if (dev->ip_ptr)
			INIT_LIST_HEAD(&dev->ip_ptr->ifa_list);
	}
	return dev->ip_ptr;
}

int inet_addr_add(struct net_device *dev, uint32_t local, int prefixlen)
{
	struct in_device *in_dev = in_dev_get(dev);
	bool loop = dev->flags & IFF_LOOPBACK;
	struct fib_route r = { .dev = dev, .prefsrc = local };
	struct in_ifaddr *ifa;
	int err;

	if (!in_dev)
		return -ENOMEM;
	if (prefixlen < 0 || prefixlen > 32)
		return -EINVAL;
	list_for_each_entry(ifa, &in_dev->ifa_list, list)
		if (ifa->local == local && ifa->prefixlen == prefixlen)
			return -EEXIST;
	ifa = obj_alloc(OBJ_OTHER, sizeof(*ifa));
	if (!ifa)
		return -ENOMEM;
	ifa->local = local;
	ifa->prefixlen = prefixlen;
	ifa->mask = prefix_mask(prefixlen);
	ifa->broadcast = prefixlen < 31 ? (local | ~ifa->mask) : 0;
	ifa->dev = dev;

	r.dst = local;
	r.prefixlen = 32;
	r.type = RTN_LOCAL;
	err = fib_add(dev->net, &r);
	if (!err && prefixlen < 32) {
		r.dst = local & ifa->mask;
		r.prefixlen = prefixlen;
		r.type = loop ? RTN_LOCAL : RTN_UNICAST;
		err = fib_add(dev->net, &r);
	}
	if (err && err != -EEXIST) {
		fib_del(dev->net, local, 32, RTN_LOCAL);
		obj_free(OBJ_OTHER, ifa);
		return err;
	}
	list_add_tail(&ifa->list, &in_dev->ifa_list);
	return 0;
}

int inet_addr_del(struct net_device *dev, uint32_t local, int prefixlen)
{
	struct in_ifaddr *ifa, *tmp;

	if (!dev->ip_ptr)
		return -EADDRNOTAVAIL;
	list_for_each_entry_safe(ifa, tmp, &dev->ip_ptr->ifa_list, list) {
		if (ifa->local != local || ifa->prefixlen != prefixlen)
			continue;
		fib_del(dev->net, local, 32, RTN_LOCAL);
		if (prefixlen < 32)
			fib_del(dev->net, local & ifa->mask, prefixlen,
				(dev->flags & IFF_LOOPBACK) ? RTN_LOCAL :
							      RTN_UNICAST);
		list_del_init(&ifa->list);
		obj_free(OBJ_OTHER, ifa);
		return 0;
	}
	return -EADDRNOTAVAIL;
}

void inet_dev_destroy(struct net_device *dev)
{
	struct in_ifaddr *ifa, *tmp;

	if (!dev->ip_ptr)
		return;
	fib_flush_dev(dev->net, dev);
	list_for_each_entry_safe(ifa, tmp, &dev->ip_ptr->ifa_list, list) {
		list_del_init(&ifa->list);
		obj_free(OBJ_OTHER, ifa);
	}
	obj_free(OBJ_OTHER, dev->ip_ptr);
	dev->ip_ptr = NULL;
}

enum addr_type inet_addr_type(struct net *net, uint32_t addr)
{
	struct net_device *dev;

	if (addr == htonl(INADDR_BROADCAST))
		return RTN_BROADCAST;
	/* A subnet's broadcast address (Linux's local-table broadcast
	 * routes). */
	list_for_each_entry(dev, &net->dev_base, dev_list) {
		struct in_ifaddr *ifa;

		if (!dev->ip_ptr || !(dev->flags & IFF_UP))
			continue;
		list_for_each_entry(ifa, &dev->ip_ptr->ifa_list, list)
			if (ifa->broadcast && ifa->broadcast == addr)
				return RTN_BROADCAST;
	}
	if ((ntohl(addr) & 0xf0000000u) == 0xe0000000u)
		return RTN_MULTICAST;
	return fib_addr_type(net, addr);
}

uint32_t inet_select_addr(const struct net_device *dev, uint32_t dst)
{
	struct in_ifaddr *ifa;
	uint32_t any = 0;

	if (!dev->ip_ptr)
		return 0;
	list_for_each_entry(ifa, &dev->ip_ptr->ifa_list, list) {
		if ((ifa->local & ifa->mask) == (dst & ifa->mask))
			return ifa->local;
		if (!any)
			any = ifa->local;
	}
	return any;
}
