/*
 * af_inet.c - the AF_INET family: socket creation through the protosw
 * table, and the proto_ops calls shared by its protocols (bind, getname,
 * connect of datagram sockets, shutdown, ioctl, release).
 *
 * Call chain: socket.c -> inet_*_ops (here) -> sk->sk_prot (udp.c, later
 * tcp.c) -> ip_output.c.
 */
#include "inet/inet_sock.h"

#include <errno.h>
#include <limits.h>
#include <string.h>
#include <linux/sockios.h>

#include "core/creds.h"
#include "inet/devinet.h"
#include "inet/ip.h"
#include "inet/netns_ipv4.h"
#include "inet/ping.h"
#include "inet/raw.h"
#include "inet/route.h"
#include "inet/tcp.h"
#include "inet/udp.h"
#include "lib/alloc.h"
#include "socket/sock_no.h"

/* Linux's IPPROTO_MAX: protocol numbers up to 262 are refused as
 * unsupported, beyond as invalid. */
#define INET_PROTO_MAX 263

struct inet_protosw {
	unsigned short type;
	unsigned short protocol; /* 0: matches any protocol */
	struct proto *prot;
	const struct proto_ops *ops;
};

static const struct inet_protosw inetsw[] = {
	{
		.type = SOCK_STREAM,
		.protocol = IPPROTO_TCP,
		.prot = &tcp_prot,
		.ops = &inet_stream_ops,
	},
	{
		.type = SOCK_DGRAM,
		.protocol = IPPROTO_UDP,
		.prot = &udp_prot,
		.ops = &inet_dgram_ops,
	},
	{
		.type = SOCK_DGRAM,
		.protocol = IPPROTO_ICMP,
		.prot = &ping_prot,
		.ops = &inet_ping_ops,
	},
	{
		.type = SOCK_RAW,
		.protocol = IPPROTO_IP, /* any: the socket's protocol */
		.prot = &raw_prot,
		.ops = &inet_sockraw_ops,
	},
};

/*
 * Linux's inet_create(): find the (type, protocol) pair with the wildcard
 * rules, then make the sock.
 */
static int inet_create(struct net *net, struct socket *sock, int protocol,
		       int kern)
{
	const struct inet_protosw *answer = NULL;
	struct inet_sock *inet;
	struct sock *sk;
	int err;

	if (protocol < 0 || protocol >= INET_PROTO_MAX)
		return -EINVAL;
	sock->state = SS_UNCONNECTED;
	err = -ESOCKTNOSUPPORT;
	for (size_t i = 0; i < ARRAY_SIZE(inetsw); i++) {
		const struct inet_protosw *p = &inetsw[i];

		if (p->type != sock->type)
			continue;
		err = 0;
		/* The exact match, then the two wild cases; 0 against the
		 * wildcard (SOCK_RAW, 0) matches nothing. */
		if (protocol == p->protocol) {
			if (protocol != IPPROTO_IP) {
				answer = p;
				break;
			}
		} else if (protocol == IPPROTO_IP) {
			protocol = p->protocol;
			answer = p;
			break;
		} else if (p->protocol == IPPROTO_IP) {
			answer = p;
			break;
		}
		err = -EPROTONOSUPPORT;
	}
	if (!answer)
		return err ? err : -EPROTONOSUPPORT;
	if (sock->type == SOCK_RAW && !kern && !capable(CAP_NET_RAW))
		return -EPERM;

	sock->ops = answer->ops;
	sk = sk_alloc(net, AF_INET, answer->prot);
	if (!sk)
		return -ENOBUFS;
	sock_init_data(sock, sk);
	sk->sk_protocol = (unsigned short)protocol;
	sk->sk_uid = geteuid();
	inet = inet_sk(sk);
	inet->uc_ttl = -1;
	inet->mc_ttl = 1;
	inet->mc_loop = true;
	inet->pmtudisc = IP_PMTUDISC_WANT;
	INIT_LIST_HEAD(&inet->bind_node);
	/* A raw socket's port is its protocol; IPPROTO_RAW writes its own
	 * IPv4 headers. */
	if (sock->type == SOCK_RAW) {
		inet->inet_num = (uint16_t)protocol;
		inet->inet_sport = htons(inet->inet_num);
		inet->hdrincl = protocol == IPPROTO_RAW;
	}
	if (sk->sk_prot->init) {
		err = sk->sk_prot->init(sk);
		if (err) {
			sock->sk = NULL;
			sock_orphan(sk);
			sock_put(sk);
			return err;
		}
	}
	return 0;
}

int inet_release(struct socket *sock)
{
	struct sock *sk = sock->sk;
	struct net *net;

	if (!sk)
		return 0;
	net = get_net(sock_net(sk));
	net_lock(net);
	if (sk->sk_prot->close)
		sk->sk_prot->close(sk, 0);
	sk->sk_shutdown = SHUTDOWN_MASK;
	sock_orphan(sk);
	sock->sk = NULL;
	/* The socket's reference goes under the lock (as in unix_release()):
	 * when it is the last, the destructor stops timers, walks the
	 * namespace's tables and frees charged skbs. */
	sock_put(sk);
	net_unlock(net);
	put_net(net);
	return 0;
}

int inet_addr_valid(const struct sockaddr *uaddr, int len)
{
	const struct sockaddr_in *sin = (const struct sockaddr_in *)uaddr;

	if (len < (int)sizeof(struct sockaddr_in))
		return -EINVAL;
	/* Compatibility, as Linux: AF_UNSPEC is taken for AF_INET only with
	 * the any address. */
	if (sin->sin_family != AF_INET &&
	    (sin->sin_family != AF_UNSPEC ||
	     sin->sin_addr.s_addr != htonl(INADDR_ANY)))
		return -EAFNOSUPPORT;
	return 0;
}

/* Linux's inet_bind() for the protocols that use the port tables. */
int inet_bind(struct socket *sock, struct sockaddr *uaddr, int len)
{
	struct sockaddr_in *sin = (struct sockaddr_in *)uaddr;
	struct sock *sk = sock->sk;
	struct inet_sock *inet = inet_sk(sk);
	struct net *net = sock_net(sk);
	unsigned short snum;
	enum addr_type type;
	int err;

	err = inet_addr_valid(uaddr, len);
	if (err)
		return err;
	lock_sock(sk);
	type = inet_addr_type(net, sin->sin_addr.s_addr);
	/* The address is checked before the port's privilege. */
	err = -EADDRNOTAVAIL;
	if (!inet_nonlocal_ok(inet) &&
	    sin->sin_addr.s_addr != htonl(INADDR_ANY) && type != RTN_LOCAL &&
	    type != RTN_MULTICAST && type != RTN_BROADCAST)
		goto out;
	snum = ntohs(sin->sin_port);
	err = -EACCES;
	if (snum && snum < 1024 && !capable(CAP_NET_BIND_SERVICE))
		goto out;
	err = -EINVAL;
	if (sk->sk_state != TCP_CLOSE || inet->inet_num)
		goto out;
	inet->inet_rcv_saddr = inet->inet_saddr = sin->sin_addr.s_addr;
	if (type == RTN_MULTICAST || type == RTN_BROADCAST)
		inet->inet_saddr = 0;
	if (snum || !inet->bind_address_no_port) {
		err = sk->sk_prot->get_port(sk, snum);
		if (err) {
			inet->inet_saddr = inet->inet_rcv_saddr = 0;
			goto out;
		}
	}
	if (inet->inet_rcv_saddr)
		sk->sk_userlocks |= SOCK_BINDADDR_LOCK;
	if (snum)
		sk->sk_userlocks |= SOCK_BINDPORT_LOCK;
	inet->inet_sport = htons(inet->inet_num);
	inet->inet_daddr = 0;
	inet->inet_dport = 0;
	err = 0;
out:
	release_sock(sk);
	return err;
}

int inet_getname(struct socket *sock, struct sockaddr *uaddr, int peer)
{
	struct sockaddr_in *sin = (struct sockaddr_in *)uaddr;
	struct sock *sk = sock->sk;
	struct inet_sock *inet = inet_sk(sk);

	lock_sock(sk);
	memset(sin, 0, sizeof(*sin));
	sin->sin_family = AF_INET;
	if (peer) {
		if (!inet->inet_dport || (sk->sk_state == TCP_CLOSE ||
					  sk->sk_state == TCP_SYN_SENT)) {
			release_sock(sk);
			return -ENOTCONN;
		}
		sin->sin_port = inet->inet_dport;
		sin->sin_addr.s_addr = inet->inet_daddr;
	} else {
		sin->sin_port = inet->inet_sport;
		sin->sin_addr.s_addr = inet->inet_rcv_saddr ?
					       inet->inet_rcv_saddr :
					       inet->inet_saddr;
	}
	release_sock(sk);
	return (int)sizeof(*sin);
}

/* Bind to the any address and a free port, as sending or connecting an
 * unbound socket does (Linux's inet_autobind()); lock held. */
int inet_autobind(struct sock *sk)
{
	struct inet_sock *inet = inet_sk(sk);

	if (inet->inet_num)
		return 0;
	if (sk->sk_prot->get_port(sk, 0))
		return -EAGAIN;
	inet->inet_sport = htons(inet->inet_num);
	return 0;
}

int inet_dgram_connect(struct socket *sock, struct sockaddr *uaddr, int len,
		       int flags)
{
	struct sock *sk = sock->sk;
	int err;

	if (len < (int)sizeof(uaddr->sa_family))
		return -EINVAL;
	lock_sock(sk);
	if (uaddr->sa_family == AF_UNSPEC) {
		err = sk->sk_prot->disconnect(sk, flags);
	} else {
		/* Linux binds first, so a refused connect leaves the socket
		 * bound. */
		err = inet_autobind(sk);
		if (!err)
			err = sk->sk_prot->connect(sk, uaddr, len);
	}
	release_sock(sk);
	return err;
}

int inet_shutdown(struct socket *sock, int how)
{
	struct sock *sk = sock->sk;
	int err = 0;

	/* 0 -> RCV_SHUTDOWN, 1 -> SEND_SHUTDOWN, 2 -> both. */
	how++;
	if ((how & ~SHUTDOWN_MASK) || !how)
		return -EINVAL;
	lock_sock(sk);
	/* On an unconnected datagram socket Linux says ENOTCONN but shuts
	 * it down all the same, so that pollers see EPOLLHUP. */
	if (sk->sk_state == TCP_CLOSE)
		err = -ENOTCONN;
	sk->sk_shutdown |= (unsigned char)how;
	sk->sk_state_change(sk);
	release_sock(sk);
	return err;
}

int inet_ioctl(struct socket *sock, unsigned int cmd, unsigned long arg)
{
	struct sock *sk = sock->sk;

	if (sk->sk_prot->ioctl)
		return sk->sk_prot->ioctl(sk, cmd, arg);
	return -ENOIOCTLCMD;
}

static int inet_sendmsg(struct socket *sock, struct kmsghdr *msg, size_t len)
{
	return sock->sk->sk_prot->sendmsg(sock->sk, msg, len);
}

static int inet_recvmsg(struct socket *sock, struct kmsghdr *msg, size_t len,
			int flags)
{
	return sock->sk->sk_prot->recvmsg(sock->sk, msg, len, flags);
}

static int inet_setsockopt(struct socket *sock, int level, int optname,
			   const void *optval, unsigned int optlen)
{
	return sock->sk->sk_prot->setsockopt(sock->sk, level, optname, optval,
					     optlen);
}

static int inet_getsockopt(struct socket *sock, int level, int optname,
			   void *optval, int *optlen)
{
	return sock->sk->sk_prot->getsockopt(sock->sk, level, optname, optval,
					     optlen);
}

static int inet_set_peek_off(struct sock *sk, int val)
{
	lock_sock(sk);
	sk->sk_peek_off = val;
	release_sock(sk);
	return 0;
}

const struct proto_ops inet_dgram_ops = {
	.family = AF_INET,
	.release = inet_release,
	.bind = inet_bind,
	.connect = inet_dgram_connect,
	.socketpair = sock_no_socketpair,
	.accept = sock_no_accept,
	.getname = inet_getname,
	.poll = udp_poll,
	.ioctl = inet_ioctl,
	.listen = sock_no_listen,
	.shutdown = inet_shutdown,
	.setsockopt = inet_setsockopt,
	.getsockopt = inet_getsockopt,
	.sendmsg = inet_sendmsg,
	.recvmsg = inet_recvmsg,
	.set_peek_off = inet_set_peek_off,
};

static const struct net_proto_family inet_family_ops = {
	.family = PF_INET,
	.create = inet_create,
};

/* ---- the namespace's IPv4 state ---------------------------------------- */

int inet_net_init(struct net *net)
{
	struct netns_ipv4 *ipv4 = obj_alloc(OBJ_OTHER, sizeof(*ipv4));
	int err;

	if (!ipv4)
		return -ENOMEM;
	/* Packets may arrive before any socket is made: the receive side is
	 * registered with the first namespace (idempotent). */
	ip_init();
	INIT_LIST_HEAD(&ipv4->routes);
	INIT_LIST_HEAD(&ipv4->frags);
	INIT_LIST_HEAD(&ipv4->raw_socks);
	INIT_LIST_HEAD(&ipv4->ping_socks);
	ipv4->sysctl_ip_local_port_range[0] = 32768;
	ipv4->sysctl_ip_local_port_range[1] = 60999;
	ipv4->sysctl_ping_group_range[0] = 1;
	ipv4->sysctl_ping_group_range[1] = 0;
	net->ipv4 = ipv4;
	icmp_net_init(net);
	err = udp_net_init(net);
	if (!err) {
		err = tcp_net_init(net);
		if (err)
			udp_net_exit(net);
	}
	if (err) {
		obj_free(OBJ_OTHER, ipv4);
		net->ipv4 = NULL;
		return err;
	}
	/* lo comes up with 127.0.0.1/8, as Linux brings it up in its first
	 * namespace (a new namespace's lo is down until "link set lo up"). */
	if (net->loopback_dev && (net->loopback_dev->flags & IFF_UP))
		inet_addr_add(net->loopback_dev, htonl(INADDR_LOOPBACK), 8);
	return 0;
}

void inet_net_exit(struct net *net)
{
	struct net_device *dev;

	if (!net->ipv4)
		return;
	ip_frag_net_exit(net);
	list_for_each_entry(dev, &net->dev_base, dev_list)
		inet_dev_destroy(dev);
	tcp_net_exit(net);
	udp_net_exit(net);
	obj_free(OBJ_OTHER, net->ipv4);
	net->ipv4 = NULL;
}

void inet_init(void)
{
	sock_register(&inet_family_ops);
}
