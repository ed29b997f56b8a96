/*
 * loopback.c - "lo": what is sent on it is received on it.
 *
 * As on Linux: MTU 65536, up from the start with 127.0.0.1/8 (the address
 * is added by inet/devinet.c).  Packets carry no link header.
 */
#include <errno.h>
#include <net/if_arp.h>

#include "core/netdevice.h"

static int loopback_xmit(struct sk_buff *skb, struct net_device *dev)
{
	skb->pkt_type = 0; /* PACKET_HOST */
	netif_rx(skb);
	return 0;
}

static const struct net_device_ops loopback_ops = {
	.ndo_start_xmit = loopback_xmit,
};

int loopback_net_init(struct net *net)
{
	struct net_device *dev = alloc_netdev(0, "lo", &loopback_ops);
	int err;

	if (!dev)
		return -ENOMEM;
	dev->mtu = 65536;
	dev->type = ARPHRD_LOOPBACK;
	err = register_netdevice(net, dev);
	if (err) {
		unregister_netdevice(dev);
		return err;
	}
	/* Up in the first namespace; a new one's lo is down, as on Linux. */
	dev_change_flags(dev, net->is_default ? IFF_UP | IFF_LOOPBACK :
						IFF_LOOPBACK);
	net->loopback_dev = dev;
	return 0;
}
