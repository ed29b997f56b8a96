/*
 * ping.c - ICMP echo sockets with Linux's semantics (net/ipv4/ping.c):
 * unprivileged echo requests for the groups of ipv4.ping_group_range, the
 * identifier as the socket's port, replies and errors matched by it.
 *
 * Call chain: socket.c -> inet_ping_ops (here) -> ping_prot (here) ->
 * ip_output.c; icmp.c icmp_rcv() -> ping_rcv() and, for errors quoting an
 * echo request, ping_err() (here) -> the socket.
 * Everything runs under the namespace lock.
 */
#include "inet/ping.h"

#include <errno.h>
#include <string.h>
#include <unistd.h>

#include "core/creds.h"
#include "core/datagram.h"
#include "inet/devinet.h"
#include "inet/ip.h"
#include "inet/netns_ipv4.h"
#include "inet/raw.h"
#include "inet/route.h"
#include "inet/udp.h"
#include "lib/alloc.h"
#include "socket/sock_no.h"
#include "wire/icmp.h"
#include "wire/ipv4.h"

/* The echo requests a ping socket may send (Linux's ping_supported()). */
static bool ping_supported(uint8_t type, uint8_t code)
{
	return (type == ICMP_TYPE_ECHO || type == ICMP_TYPE_EXT_ECHO) &&
	       code == 0;
}

/* The identifier of an echo or extended echo (RFC 8335): the high half
 * of the second word in both. */
static uint16_t ping_ident(const struct icmp_hdr_info *ih)
{
	return (uint16_t)(ih->rest >> 16);
}

/* ---- who may ------------------------------------------------------------ */

static bool gid_in_range(gid_t gid, int low, int high)
{
	return low >= 0 && high >= 0 && (gid_t)low <= gid && gid <= (gid_t)high;
}

/* Whether one of the process's supplementary groups is in range. */
static bool groups_in_range(int low, int high)
{
	gid_t small[64], *groups = small;
	int saved = errno, n = getgroups(0, NULL);
	bool found = false;

	if (n > (int)ARRAY_SIZE(small))
		groups = obj_alloc(OBJ_OTHER, (size_t)n * sizeof(*groups));
	if (n > 0 && groups)
		n = getgroups(n, groups);
	for (int i = 0; groups && i < n && !found; i++)
		found = gid_in_range(groups[i], low, high);
	if (groups != small)
		obj_free(OBJ_OTHER, groups);
	errno = saved;
	return found;
}

/*
 * Linux's ping_init_sock(): the caller's effective group or one of its
 * supplementary groups must lie in ipv4.ping_group_range, privileged or
 * not; EACCES otherwise.  (The supplementary groups are the process's,
 * even under usnet_cred_override(), which carries only one gid.)
 */
static int ping_init(struct sock *sk)
{
	struct netns_ipv4 *ipv4 = net_ipv4(sock_net(sk));
	int low = READ_ONCE(ipv4->sysctl_ping_group_range[0]);
	int high = READ_ONCE(ipv4->sysctl_ping_group_range[1]);
	struct usnet_cred cred;

	/* INET_PROTOSW_REUSE: SO_REUSEADDR reads 1. */
	sk->sk_reuse = 1;
	current_ids(&cred);
	if (gid_in_range(cred.gid, low, high) || groups_in_range(low, high))
		return 0;
	return -EACCES;
}

/* ---- identifiers -------------------------------------------------------- */

static bool ping_ident_inuse(struct netns_ipv4 *ipv4, uint16_t ident)
{
	struct inet_sock *other;

	list_for_each_entry(other, &ipv4->ping_socks, bind_node)
		if (other->inet_num == ident)
			return true;
	return false;
}

/*
 * Linux's ping_get_port(): @ident, refused when another socket holds it
 * unless both have SO_REUSEADDR (on by default); 0 takes the next free
 * identifier after the last one chosen, skipping 0.
 */
static int ping_get_port(struct sock *sk, unsigned short ident)
{
	struct netns_ipv4 *ipv4 = net_ipv4(sock_net(sk));
	struct inet_sock *isk = inet_sk(sk), *other;

	if (!ident) {
		uint16_t result = (uint16_t)(ipv4->ping_port_rover + 1);
		uint32_t i;

		for (i = 0; i < 0x10000; i++, result++) {
			if (!result)
				result++;
			if (!ping_ident_inuse(ipv4, result))
				break;
		}
		if (i == 0x10000)
			return -EADDRINUSE;
		ipv4->ping_port_rover = ident = result;
	} else {
		list_for_each_entry(other, &ipv4->ping_socks, bind_node)
			if (other->inet_num == ident && &other->sk != sk &&
			    (!other->sk.sk_reuse || !sk->sk_reuse))
				return -EADDRINUSE;
	}
	isk->inet_num = ident;
	if (list_empty(&isk->bind_node))
		list_add(&isk->bind_node, &ipv4->ping_socks);
	return 0;
}

static void ping_unhash(struct sock *sk)
{
	struct inet_sock *isk = inet_sk(sk);

	if (!list_empty(&isk->bind_node)) {
		list_del_init(&isk->bind_node);
		isk->inet_num = 0;
		isk->inet_sport = 0;
	}
}

static void ping_close(struct sock *sk, int64_t timeout)
{
	ping_unhash(sk);
	skb_queue_purge(&sk->sk_receive_queue);
	skb_queue_purge(&sk->sk_error_queue);
}

/*
 * Linux's ping_lookup(): the first socket with this identifier whose
 * bound address is the one the message came to (@daddr) and whose device,
 * if bound, the one it came in on.  The peer of a connected socket is not
 * looked at.
 */
static struct sock *ping_lookup(struct net *net, uint16_t ident, uint32_t daddr,
				int dif)
{
	struct inet_sock *isk;

	list_for_each_entry(isk, &net_ipv4(net)->ping_socks, bind_node) {
		struct sock *sk = &isk->sk;

		if (isk->inet_num != ident)
			continue;
		if (isk->inet_rcv_saddr && isk->inet_rcv_saddr != daddr)
			continue;
		if (sk->sk_bound_dev_if && sk->sk_bound_dev_if != dif)
			continue;
		return sk;
	}
	return NULL;
}

/* ---- bind --------------------------------------------------------------- */

/* Linux's ping_bind(): identifiers are no ports, so none is privileged;
 * multicast and broadcast addresses are refused. */
static int ping_bind(struct socket *sock, struct sockaddr *uaddr, int len)
{
	struct sockaddr_in *sin = (struct sockaddr_in *)uaddr;
	struct sock *sk = sock->sk;
	struct inet_sock *isk = inet_sk(sk);
	unsigned short snum;
	enum addr_type type;
	int err;

	if (len < (int)sizeof(*sin))
		return -EINVAL;
	if (sin->sin_family != AF_INET &&
	    !(sin->sin_family == AF_UNSPEC &&
	      sin->sin_addr.s_addr == htonl(INADDR_ANY)))
		return -EAFNOSUPPORT;
	lock_sock(sk);
	err = -EADDRNOTAVAIL;
	if (sin->sin_addr.s_addr != htonl(INADDR_ANY)) {
		type = inet_addr_type(sock_net(sk), sin->sin_addr.s_addr);
		if (type == RTN_MULTICAST || type == RTN_BROADCAST ||
		    (type != RTN_LOCAL && !inet_nonlocal_ok(isk)))
			goto out;
	}
	err = -EINVAL;
	if (isk->inet_num)
		goto out;
	err = -EADDRINUSE;
	snum = ntohs(sin->sin_port);
	if (ping_get_port(sk, snum))
		goto out;
	isk->inet_rcv_saddr = isk->inet_saddr = sin->sin_addr.s_addr;
	if (isk->inet_rcv_saddr)
		sk->sk_userlocks |= SOCK_BINDADDR_LOCK;
	if (snum)
		sk->sk_userlocks |= SOCK_BINDPORT_LOCK;
	isk->inet_sport = htons(isk->inet_num);
	isk->inet_daddr = 0;
	isk->inet_dport = 0;
	err = 0;
out:
	release_sock(sk);
	return err;
}

/* ---- receive ------------------------------------------------------------ */

bool ping_rcv(struct net *net, const struct sk_buff *skb,
	      const struct icmp_hdr_info *ih)
{
	struct sock *sk = ping_lookup(net, ping_ident(ih), IPCB(skb)->daddr,
				      IPCB(skb)->iif);
	struct sk_buff *copy;

	if (!sk)
		return false;
	copy = skb_copy(skb);
	if (copy && sock_queue_rcv_skb(sk, copy))
		kfree_skb_reason(net, copy, SKB_DROP_REASON_SOCKET_RCVBUFF);
	return true;
}

/* The errno of an ICMP error for a ping socket, and whether it is hard
 * (Linux's ping_err(): source quench and redirect, which a ping program
 * wants to see, are EREMOTEIO); false to ignore it. */
static bool ping_err_convert(const struct sock *sk,
			     const struct icmp_hdr_info *ih, int *err,
			     bool *harderr)
{
	*harderr = false;
	switch (ih->type) {
	case ICMP_TYPE_SOURCE_QUENCH:
	case ICMP_TYPE_REDIRECT:
		*err = EREMOTEIO;
		return true;
	case ICMP_TYPE_PARAMETERPROB:
		*err = EPROTO;
		*harderr = true;
		return true;
	case ICMP_TYPE_DEST_UNREACH:
		if (ih->code == ICMP_CODE_FRAG_NEEDED) {
			if (inet_sk(sk)->pmtudisc == IP_PMTUDISC_DONT)
				return false;
			*err = EMSGSIZE;
			*harderr = true;
			return true;
		}
		*harderr = icmp_err_convert(ih->type, ih->code, err);
		return true;
	default: /* time exceeded */
		*err = EHOSTUNREACH;
		return true;
	}
}

void ping_err(struct net *net, const void *info, struct sk_buff *icmp)
{
	const struct icmp_hdr_info *ih = info;
	const uint8_t *echo = icmp->data + ICMP_HLEN + ih->quote.hdr_len;
	struct icmp_hdr_info req;
	struct sock *sk;
	bool harderr;
	int err;

	/* icmp_parse() made sure the quote holds 8 bytes past its header. */
	if (icmp_parse_hdr(echo, 8, &req) != WIRE_OK ||
	    !ping_supported(req.type, req.code))
		return;
	sk = ping_lookup(net, ping_ident(&req), IPCB(icmp)->daddr,
			 IPCB(icmp)->iif);
	if (!sk || !ping_err_convert(sk, ih, &err, &harderr))
		return;
	/* RFC 1122 4.1.3.3, as for UDP; the error queue gets the quoted
	 * request from its ICMP header on, and port 0. */
	if (!inet_sk(sk)->recverr) {
		if (!harderr || sk->sk_state != TCP_ESTABLISHED)
			return;
	} else {
		ip_icmp_error(sk, icmp, ih, err, 0, echo);
	}
	sk->sk_err = err;
	sk->sk_error_report(sk);
}

/* ---- send --------------------------------------------------------------- */

/* Linux's ping_common_sendmsg(): the caller's ICMP header, read first,
 * must be an echo request. */
static int ping_common_sendmsg(struct kmsghdr *msg, size_t len,
			       struct icmp_hdr_info *user)
{
	uint8_t hdr[ICMP_HLEN];

	if (len > 0xFFFF)
		return -EMSGSIZE;
	if (len < ICMP_HLEN)
		return -EINVAL;
	if (msg->msg_flags & MSG_OOB)
		return -EOPNOTSUPP;
	copy_from_iter(hdr, ICMP_HLEN, &msg->msg_iter);
	icmp_parse_hdr(hdr, ICMP_HLEN, user);
	if (!ping_supported(user->type, user->code))
		return -EINVAL;
	return 0;
}

/* Build the echo request: the caller's type, code and sequence number,
 * our identifier, the caller's data, a fresh checksum. */
static int ping_push(struct sock *sk, struct kmsghdr *msg, size_t len,
		     const struct icmp_hdr_info *user, const struct ip_tx *tx,
		     const struct rtable *rt)
{
	uint16_t ident = inet_sk(sk)->inet_num;
	struct icmp_hdr_info ih = {
		.type = user->type,
		.code = user->code,
		.id = ident,
		.seq = (uint16_t)user->rest,
		.rest = (uint32_t)ident << 16 | (user->rest & 0xffff),
	};
	unsigned int maxsize = tx->no_frag ? rt->dev->mtu : IPV4_MAX_LEN;
	struct sk_buff *skb;
	int64_t timeo;
	uint8_t *p;
	int err;

	if (len + IPV4_HLEN > maxsize) {
		ip_local_error(sk, EMSGSIZE, tx->daddr, 0, rt->dev->mtu);
		return -EMSGSIZE;
	}
	timeo = sock_sndtimeo(sk, msg->msg_flags & MSG_DONTWAIT);
	skb = sock_alloc_send_skb(sk, MAX_HEADER + len, &timeo, &err);
	if (!skb)
		return err;
	skb_reserve(skb, MAX_HEADER);
	p = skb_put(skb, (unsigned int)len);
	copy_from_iter(p + ICMP_HLEN, len - ICMP_HLEN, &msg->msg_iter);
	icmp_emit(&ih, p + ICMP_HLEN, len - ICMP_HLEN, p, len);
	skb_reset_transport_header(skb);
	return ip_send_skb(sock_net(sk), skb, tx, rt);
}

static int ping_sendmsg(struct sock *sk, struct kmsghdr *msg, size_t len)
{
	struct sockaddr_in *sin = msg->msg_name;
	struct inet_sock *inet = inet_sk(sk);
	struct ip_tx tx = { .protocol = IPPROTO_ICMP };
	struct icmp_hdr_info user;
	struct rtable rt;
	int err, oif;

	lock_sock(sk);
	/* inet_send_prepare(): the identifier is chosen before anything
	 * else is looked at. */
	err = inet_autobind(sk);
	if (err)
		goto out;
	err = ping_common_sendmsg(msg, len, &user);
	if (err)
		goto out;
	if (msg->msg_name) {
		err = -EINVAL;
		if (msg->msg_namelen < (int)sizeof(*sin))
			goto out;
		err = -EAFNOSUPPORT;
		if (sin->sin_family != AF_INET)
			goto out;
		tx.daddr = sin->sin_addr.s_addr;
	} else {
		err = -EDESTADDRREQ;
		if (sk->sk_state != TCP_ESTABLISHED)
			goto out;
		tx.daddr = inet->inet_daddr;
	}
	err = ip_dgram_tx_init(sk, msg, &tx, &oif);
	if (err)
		goto out;
	err = ip_dgram_route(sk, &tx, oif, &rt);
	if (err)
		goto out;
	err = ping_push(sk, msg, len, &user, &tx, &rt);
	if (!err)
		err = (int)len;
out:
	release_sock(sk);
	return err;
}

/* ---- receive to the caller ---------------------------------------------- */

/* Linux's ping_recvmsg(): the reply from its ICMP header on; the source
 * with port 0; the copied length even with MSG_TRUNC. */
static int ping_recvmsg(struct sock *sk, struct kmsghdr *msg, size_t len,
			int flags)
{
	struct sk_buff *skb;
	size_t copied;
	int err, off;

	if (flags & MSG_OOB)
		return -EOPNOTSUPP;
	lock_sock(sk);
	if (flags & MSG_ERRQUEUE) {
		err = ip_recv_error(sk, msg, len);
		goto out;
	}
	skb = skb_recv_datagram(sk, flags, &off, &err);
	if (!skb)
		goto out;
	copied = skb->len;
	if (copied > len) {
		msg->msg_flags |= MSG_TRUNC;
		copied = len;
	}
	copy_to_iter(skb->data, copied, &msg->msg_iter);
	if (msg->msg_name) {
		struct sockaddr_in *sin = msg->msg_name;

		memset(sin, 0, sizeof(*sin));
		sin->sin_family = AF_INET;
		sin->sin_addr.s_addr = IPCB(skb)->saddr;
		msg->msg_namelen = sizeof(*sin);
	}
	ip_cmsg_recv(sk, msg, skb);
	err = (int)copied;
	if (!(flags & MSG_PEEK))
		kfree_skb(skb);
out:
	release_sock(sk);
	return err;
}

/* No ioctl: Linux's ping_prot has none (FIONREAD is ENOTTY). */
struct proto ping_prot = {
	.name = "PING",
	.obj_size = sizeof(struct inet_sock),
	.init = ping_init,
	.close = ping_close,
	.connect = ip4_datagram_connect,
	.disconnect = udp_disconnect,
	.sendmsg = ping_sendmsg,
	.recvmsg = ping_recvmsg,
	.get_port = ping_get_port,
	.unhash = ping_unhash,
	.setsockopt = ip_setsockopt,
	.getsockopt = ip_getsockopt,
};

/* Linux's inet_sockraw_ops with the ping bind (Linux reaches ping_bind()
 * through sk_prot->bind). */
const struct proto_ops inet_ping_ops = {
	.family = AF_INET,
	.release = inet_release,
	.bind = ping_bind,
	.connect = inet_dgram_connect,
	.socketpair = sock_no_socketpair,
	.accept = sock_no_accept,
	.getname = inet_getname,
	.poll = udp_poll, /* Linux's datagram_poll() */
	.ioctl = inet_ioctl,
	.listen = sock_no_listen,
	.shutdown = inet_shutdown,
	.setsockopt = inet_sockraw_setsockopt,
	.getsockopt = inet_sockraw_getsockopt,
	.sendmsg = inet_sockraw_sendmsg,
	.recvmsg = inet_sockraw_recvmsg,
	.set_peek_off = sock_no_set_peek_off,
};
