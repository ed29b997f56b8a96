/*
 * iproute.c - usnet_ip(): configuring a namespace with the words of
 * iproute2 ("addr add 198.18.0.1/24 dev eth0", "route add default via
 * 198.18.0.254", "link set eth0 up"), since that is how network people
 * think of it.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include <usnet/net.h>

#include "inet/devinet.h"
#include "inet/netns_ipv4.h"
#include "inet/route.h"

#define IP_MAX_WORDS 8

struct ip_cmd {
	char *w[IP_MAX_WORDS];
	int n;
};

/* "A.B.C.D/N" (or "default", or a bare address as /32). */
static int parse_prefix(const char *s, uint32_t *addr, int *len)
{
	char buf[32], *slash, *end;
	struct in_addr a;
	long l = 32;

	if (strcmp(s, "default") == 0) {
		*addr = 0;
		*len = 0;
		return 0;
	}
	if (strlen(s) >= sizeof(buf))
		return -EINVAL;
	strcpy(buf, s);
	slash = strchr(buf, '/');
	if (slash) {
		*slash++ = '\0';
		l = strtol(slash, &end, 10);
		if (*slash == '\0' || *end || l < 0 || l > 32)
			return -EINVAL;
	}
	if (inet_pton(AF_INET, buf, &a) != 1)
		return -EINVAL;
	*addr = a.s_addr;
	*len = (int)l;
	return 0;
}

/* The value after keyword @key in words [from, n), or NULL. */
static const char *opt_value(const struct ip_cmd *c, int from, const char *key)
{
	for (int i = from; i + 1 < c->n; i += 2)
		if (strcmp(c->w[i], key) == 0)
			return c->w[i + 1];
	return NULL;
}

/* Every word from @from on is a "key value" pair among @keys. */
static bool opts_known(const struct ip_cmd *c, int from,
		       const char *const *keys)
{
	if ((c->n - from) % 2)
		return false;
	for (int i = from; i < c->n; i += 2) {
		bool ok = false;

		for (const char *const *k = keys; *k; k++)
			ok |= strcmp(c->w[i], *k) == 0;
		if (!ok)
			return false;
	}
	return true;
}

static int ip_link(struct net *net, const struct ip_cmd *c)
{
	struct net_device *dev;
	char *end;
	long mtu;

	/* link set DEV up|down|mtu N */
	if (c->n < 4 || strcmp(c->w[1], "set") != 0)
		return -EINVAL;
	dev = dev_get_by_name(net, c->w[2]);
	if (!dev)
		return -ENODEV;
	if (c->n == 4 && strcmp(c->w[3], "up") == 0) {
		dev_change_flags(dev, dev->flags | IFF_UP);
		/* Linux gives lo its address when it comes up. */
		if ((dev->flags & IFF_LOOPBACK) &&
		    (!dev->ip_ptr || list_empty(&dev->ip_ptr->ifa_list)))
			return inet_addr_add(dev, htonl(INADDR_LOOPBACK), 8);
		return 0;
	}
	if (c->n == 4 && strcmp(c->w[3], "down") == 0)
		return dev_change_flags(dev,
					dev->flags & ~(unsigned int)IFF_UP);
	if (c->n == 5 && strcmp(c->w[3], "mtu") == 0) {
		mtu = strtol(c->w[4], &end, 10);
		if (*end || mtu < 68 || mtu > 65536)
			return -EINVAL;
		dev->mtu = (unsigned int)mtu;
		return 0;
	}
	return -EINVAL;
}

static int ip_addr(struct net *net, const struct ip_cmd *c)
{
	static const char *const keys[] = { "dev", NULL };
	struct net_device *dev;
	const char *name;
	uint32_t addr;
	int len, err;

	/* addr add|del A.B.C.D/N dev DEV */
	if (c->n < 5 || !opts_known(c, 3, keys))
		return -EINVAL;
	err = parse_prefix(c->w[2], &addr, &len);
	if (err)
		return err;
	name = opt_value(c, 3, "dev");
	dev = name ? dev_get_by_name(net, name) : NULL;
	if (!dev)
		return name ? -ENODEV : -EINVAL;
	if (strcmp(c->w[1], "add") == 0)
		return inet_addr_add(dev, addr, len);
	if (strcmp(c->w[1], "del") == 0)
		return inet_addr_del(dev, addr, len);
	return -EINVAL;
}

static int ip_route(struct net *net, const struct ip_cmd *c)
{
	static const char *const keys[] = { "dev", "via", "src", NULL };
	struct fib_route r = { .type = RTN_UNICAST };
	const char *name, *via, *src;
	struct in_addr a;
	struct rtable rt;
	int err;

	/* route add|del PREFIX/N [via GW] [dev DEV] [src ADDR] */
	if (c->n < 3 || !opts_known(c, 3, keys))
		return -EINVAL;
	err = parse_prefix(c->w[2], &r.dst, &r.prefixlen);
	if (err)
		return err;
	if (strcmp(c->w[1], "del") == 0)
		return fib_del(net, r.dst, r.prefixlen, RTN_UNICAST);
	if (strcmp(c->w[1], "add") != 0)
		return -EINVAL;
	name = opt_value(c, 3, "dev");
	via = opt_value(c, 3, "via");
	src = opt_value(c, 3, "src");
	if (name) {
		r.dev = dev_get_by_name(net, name);
		if (!r.dev)
			return -ENODEV;
	}
	if (src) {
		if (inet_pton(AF_INET, src, &a) != 1)
			return -EINVAL;
		r.prefsrc = a.s_addr;
	}
	if (via) {
		if (inet_pton(AF_INET, via, &a) != 1)
			return -EINVAL;
		r.gateway = a.s_addr;
		/* The gateway must be on a connected network (Linux:
		 * "Nexthop has invalid gateway", ENETUNREACH). */
		err = ip_route_output(net, r.gateway, 0,
				      r.dev ? r.dev->ifindex : 0, &rt);
		if (err || rt.type != RTN_UNICAST || rt.gateway != r.gateway)
			return -ENETUNREACH;
		if (!r.dev)
			r.dev = rt.dev;
	}
	if (!r.dev)
		return -EINVAL;
	return fib_add(net, &r);
}

static int ip_sysctl(struct net *net, const struct ip_cmd *c)
{
	char *end;
	long v;

	if (c->n != 3)
		return -EINVAL;
	v = strtol(c->w[2], &end, 10);
	if (*end)
		return -EINVAL;
	if (usnet_sysctl_set((struct usnet_net *)net, c->w[1], v) < 0)
		return -errno;
	return 0;
}

int usnet_ip(struct usnet_net *unet, const char *cmd)
{
	struct net *net = unet ? (struct net *)unet : net_default();
	struct ip_cmd c = { .n = 0 };
	char buf[256], *save = NULL, *w;
	int err;

	if (!net || !cmd || strlen(cmd) >= sizeof(buf)) {
		errno = net ? EINVAL : ENOMEM;
		return -1;
	}
	strcpy(buf, cmd);
	for (w = strtok_r(buf, " \t", &save); w;
	     w = strtok_r(NULL, " \t", &save)) {
		if (c.n == IP_MAX_WORDS) {
			errno = EINVAL;
			return -1;
		}
		c.w[c.n++] = w;
	}
	if (c.n == 0) {
		errno = EINVAL;
		return -1;
	}
	if (strcmp(c.w[0], "sysctl") == 0) {
		err = ip_sysctl(net, &c);
	} else {
		net_lock(net);
		if (strcmp(c.w[0], "link") == 0)
			err = ip_link(net, &c);
		else if (strcmp(c.w[0], "addr") == 0 ||
			 strcmp(c.w[0], "address") == 0)
			err = ip_addr(net, &c);
		else if (strcmp(c.w[0], "route") == 0)
			err = ip_route(net, &c);
		else
			err = -EINVAL;
		net_unlock(net);
	}
	if (err < 0) {
		errno = -err;
		return -1;
	}
	return 0;
}
