/*
 * datagram.c - connect() of the IPv4 datagram protocols (Linux's
 * net/ipv4/datagram.c), shared by UDP, raw and ping sockets.
 *
 * Call chain: af_inet.c inet_dgram_connect() -> sk_prot->connect (here).
 */
#include <errno.h>
#include <sys/ioctl.h>

#include <linux/sockios.h>

#include "inet/devinet.h"
#include "inet/ip.h"
#include "inet/route.h"

/* Linux's __ip4_datagram_connect(); lock held, socket bound. */
int ip4_datagram_connect(struct sock *sk, struct sockaddr *uaddr, int len)
{
	struct sockaddr_in *sin = (struct sockaddr_in *)uaddr;
	struct inet_sock *inet = inet_sk(sk);
	struct rtable rt;
	uint32_t daddr;
	int err;

	if (len < (int)sizeof(*sin))
		return -EINVAL;
	if (sin->sin_family != AF_INET)
		return -EAFNOSUPPORT;
	daddr = sin->sin_addr.s_addr;
	err = ip_route_output(sock_net(sk), daddr, inet->inet_saddr,
			      sk->sk_bound_dev_if, &rt);
	if (err)
		return err;
	if (inet_addr_type(sock_net(sk), daddr) == RTN_BROADCAST &&
	    !sock_flag(sk, SOCK_BROADCAST))
		return -EACCES;
	/* A packet to 0.0.0.0 goes to this host: the peer is loopback. */
	if (daddr == htonl(INADDR_ANY))
		daddr = htonl(INADDR_LOOPBACK);
	if (!inet->inet_saddr)
		inet->inet_saddr = rt.src;
	if (!inet->inet_rcv_saddr)
		inet->inet_rcv_saddr = rt.src;
	inet->inet_daddr = daddr;
	inet->inet_dport = sin->sin_port;
	sk->sk_state = TCP_ESTABLISHED;
	return 0;
}

int ip_dgram_ioctl(struct sock *sk, unsigned int cmd, unsigned long arg)
{
	struct sk_buff *skb;

	switch (cmd) {
	case SIOCOUTQ:
		*(int *)arg = sk_wmem_alloc_get(sk);
		return 0;
	case SIOCINQ:
		lock_sock(sk);
		skb = skb_peek(&sk->sk_receive_queue);
		*(int *)arg = skb ? (int)skb->len : 0;
		release_sock(sk);
		return 0;
	default:
		return -ENOIOCTLCMD;
	}
}
