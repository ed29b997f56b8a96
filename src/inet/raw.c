/*
 * raw.c - raw IPv4 sockets with Linux's semantics (net/ipv4/raw.c): the
 * protocol as port, a copy of every datagram of the protocol with its IPv4
 * header, ICMP_FILTER, IP_HDRINCL, and ICMP errors for the sockets that
 * may have sent what they quote.
 *
 * Call chain: socket.c -> inet_sockraw_ops (here) -> raw_prot (here) ->
 * ip_output.c, or straight to the device with IP_HDRINCL;
 * ip_input.c ip_local_deliver() -> raw_local_deliver() (here) -> the
 * socket's receive queue, before the transport protocol gets the datagram;
 * icmp.c icmp_rcv() -> raw_icmp_error() (here).
 * Everything runs under the namespace lock.
 */
#include "inet/raw.h"

#include <errno.h>
#include <string.h>
#include <sys/ioctl.h>
#include <linux/sockios.h>
#include <net/ethernet.h>

#include "core/datagram.h"
#include "inet/devinet.h"
#include "inet/ip.h"
#include "inet/netns_ipv4.h"
#include "inet/route.h"
#include "inet/udp.h"
#include "socket/scm.h"
#include "socket/sock_no.h"
#include "wire/icmp.h"
#include "wire/ipv4.h"

/* SOL_RAW's option (linux/icmp.h, which cannot be included beside
 * net/if.h). */
#ifndef ICMP_FILTER
#define ICMP_FILTER 1
#endif

struct raw_sock {
	struct inet_sock inet;
	uint32_t filter; /* ICMP_FILTER: bit n set drops ICMP type n */
};

static inline struct raw_sock *raw_sk(const struct sock *sk)
{
	return (struct raw_sock *)sk;
}

/* ---- the table ---------------------------------------------------------- */

/* Linux's inet_create() hashes a raw socket as soon as it exists: it
 * receives before any bind.  The newest is first, as in Linux's chains. */
static int raw_init(struct sock *sk)
{
	struct inet_sock *inet = inet_sk(sk);

	/* INET_PROTOSW_REUSE: SO_REUSEADDR reads 1. */
	sk->sk_reuse = 1;
	/* inet_create() calls us unlocked; input may be walking the list. */
	lock_sock(sk);
	list_add(&inet->bind_node, &net_ipv4(sock_net(sk))->raw_socks);
	release_sock(sk);
	return 0;
}

/* Linux's raw_unhash_sk(): no more input; inet_num stays the protocol. */
static void raw_unhash(struct sock *sk)
{
	struct inet_sock *inet = inet_sk(sk);

	if (!list_empty(&inet->bind_node))
		list_del_init(&inet->bind_node);
}

static void raw_close(struct sock *sk, int64_t timeout)
{
	raw_unhash(sk);
	skb_queue_purge(&sk->sk_receive_queue);
	skb_queue_purge(&sk->sk_error_queue);
}

/* Linux's raw_v4_match(): @raddr is the remote end, @laddr ours. */
static bool raw_v4_match(const struct sock *sk, uint8_t protocol,
			 uint32_t raddr, uint32_t laddr, int dif)
{
	const struct inet_sock *inet = inet_sk(sk);

	return inet->inet_num == protocol &&
	       !(inet->inet_daddr && inet->inet_daddr != raddr) &&
	       !(inet->inet_rcv_saddr && inet->inet_rcv_saddr != laddr) &&
	       !(sk->sk_bound_dev_if && sk->sk_bound_dev_if != dif);
}

/* ---- receive ------------------------------------------------------------ */

int sock_queue_rcv_skb(struct sock *sk, struct sk_buff *skb)
{
	if (sk_rmem_alloc_get(sk) >= READ_ONCE(sk->sk_rcvbuf)) {
		atomic_fetch_add(&sk->sk_drops, 1);
		return -ENOMEM;
	}
	IPCB(skb)->dropcount = atomic_load(&sk->sk_drops);
	skb_set_owner_r(skb, sk);
	skb_queue_tail(&sk->sk_receive_queue, skb);
	if (!sock_flag(sk, SOCK_DEAD))
		sk->sk_data_ready(sk);
	return 0;
}

/* Linux's icmp_filter(): whether @sk drops this ICMP message.  A message
 * too short for a header is dropped; types past 31 always pass. */
static bool raw_icmp_filtered(const struct sock *sk, const struct sk_buff *skb)
{
	struct icmp_hdr_info ih;

	if (icmp_parse_hdr(skb->data, skb->len, &ih) != WIRE_OK)
		return true;
	if (ih.type < 32)
		return (raw_sk(sk)->filter >> ih.type) & 1;
	return false;
}

/* Linux's raw_rcv(): the copy goes up with its IPv4 header. */
static void raw_rcv(struct net *net, struct sock *sk, struct sk_buff *skb)
{
	skb_push(skb, (unsigned int)(skb->data - skb_network_header(skb)));
	if (sock_queue_rcv_skb(sk, skb))
		kfree_skb_reason(net, skb, SKB_DROP_REASON_SOCKET_RCVBUFF);
}

bool raw_local_deliver(struct net *net, struct sk_buff *skb)
{
	const struct inet_skb_parm *cb = IPCB(skb);
	struct inet_sock *inet;
	bool delivered = false;

	list_for_each_entry(inet, &net_ipv4(net)->raw_socks, bind_node) {
		struct sock *sk = &inet->sk;
		struct sk_buff *copy;

		if (!raw_v4_match(sk, cb->protocol, cb->saddr, cb->daddr,
				  cb->iif))
			continue;
		/* A full socket neither takes it nor counts as a taker. */
		if (sk_rmem_alloc_get(sk) >= READ_ONCE(sk->sk_rcvbuf)) {
			atomic_fetch_add(&sk->sk_drops, 1);
			continue;
		}
		delivered = true;
		if (cb->protocol == IPPROTO_ICMP && raw_icmp_filtered(sk, skb))
			continue;
		copy = skb_copy(skb);
		if (copy)
			raw_rcv(net, sk, copy);
	}
	return delivered;
}

/* Linux's raw_err(): errors reach a raw socket with IP_RECVERR, or a
 * connected one when they are hard. */
static void raw_err(struct sock *sk, const struct sk_buff *icmp,
		    const struct icmp_hdr_info *ih)
{
	struct inet_sock *inet = inet_sk(sk);
	const uint8_t *quote = icmp->data + ICMP_HLEN;
	bool harderr = false;
	int err;

	/* A redirect only updates the route (which usnet does not cache). */
	if (ih->type == ICMP_TYPE_REDIRECT)
		return;
	if (!inet->recverr && sk->sk_state != TCP_ESTABLISHED)
		return;
	switch (ih->type) {
	case ICMP_TYPE_SOURCE_QUENCH:
		return;
	case ICMP_TYPE_PARAMETERPROB:
		err = EPROTO;
		harderr = true;
		break;
	case ICMP_TYPE_DEST_UNREACH:
		if (ih->code == ICMP_CODE_FRAG_NEEDED) {
			err = EMSGSIZE;
			harderr = inet->pmtudisc != IP_PMTUDISC_DONT;
		} else {
			harderr = icmp_err_convert(ih->type, ih->code, &err);
		}
		break;
	default: /* time exceeded */
		err = EHOSTUNREACH;
		break;
	}
	/* The queued data starts where the socket's own data started: at
	 * the quoted IPv4 header with IP_HDRINCL, after it otherwise. */
	if (inet->recverr)
		ip_icmp_error(sk, icmp, ih, err, 0,
			      inet->hdrincl ? quote :
					      quote + ih->quote.hdr_len);
	if (inet->recverr || harderr) {
		sk->sk_err = err;
		sk->sk_error_report(sk);
	}
}

void raw_icmp_error(struct net *net, const struct sk_buff *icmp,
		    const struct icmp_hdr_info *ih)
{
	struct inet_sock *inet;

	/* The quoted datagram went from us (its source) to the peer. */
	list_for_each_entry(inet, &net_ipv4(net)->raw_socks, bind_node)
		if (raw_v4_match(&inet->sk, ih->quote.protocol,
				 htonl(ih->quote.daddr), htonl(ih->quote.saddr),
				 IPCB(icmp)->iif))
			raw_err(&inet->sk, icmp, ih);
}

/* ---- bind --------------------------------------------------------------- */

/* Linux's raw_bind(): an address only (the port is ignored, the family
 * not even looked at); local, multicast or broadcast unless IP_FREEBIND. */
static int raw_bind(struct socket *sock, struct sockaddr *uaddr, int len)
{
	struct sockaddr_in *sin = (struct sockaddr_in *)uaddr;
	struct sock *sk = sock->sk;
	struct inet_sock *inet = inet_sk(sk);
	enum addr_type type;
	int err = -EINVAL;

	lock_sock(sk);
	if (sk->sk_state != TCP_CLOSE || len < (int)sizeof(*sin))
		goto out;
	type = inet_addr_type(sock_net(sk), sin->sin_addr.s_addr);
	err = -EADDRNOTAVAIL;
	if (!inet_nonlocal_ok(inet) &&
	    sin->sin_addr.s_addr != htonl(INADDR_ANY) && type != RTN_LOCAL &&
	    type != RTN_MULTICAST && type != RTN_BROADCAST)
		goto out;
	inet->inet_rcv_saddr = inet->inet_saddr = sin->sin_addr.s_addr;
	if (type == RTN_MULTICAST || type == RTN_BROADCAST)
		inet->inet_saddr = 0; /* the device's */
	err = 0;
out:
	release_sock(sk);
	return err;
}

/* ---- send --------------------------------------------------------------- */

/* Linux's ip_append_data() + ip_push_pending_frames() for a raw socket:
 * the payload under an IPv4 header the stack writes. */
static int raw_send(struct sock *sk, struct kmsghdr *msg, size_t len,
		    const struct ip_tx *tx, const struct rtable *rt)
{
	struct inet_sock *inet = inet_sk(sk);
	unsigned int maxsize = tx->no_frag ? rt->dev->mtu : IPV4_MAX_LEN;
	struct sk_buff *skb;
	int err;

	if (len + IPV4_HLEN > maxsize) {
		ip_local_error(sk, EMSGSIZE, tx->daddr, inet->inet_dport,
			       rt->dev->mtu);
		return -EMSGSIZE;
	}
	/* With no transport header of its own, ip_append_data() does not
	 * wait for send-buffer room: past twice the buffer it fails. */
	if (sk_wmem_alloc_get(sk) > 2 * READ_ONCE(sk->sk_sndbuf))
		return -ENOBUFS;
	skb = alloc_skb(MAX_HEADER + len);
	if (!skb)
		return -ENOBUFS;
	skb_set_owner_w(skb, sk);
	skb_reserve(skb, MAX_HEADER);
	copy_from_iter(skb_put(skb, (unsigned int)len), len, &msg->msg_iter);
	skb_reset_transport_header(skb);
	err = ip_send_skb(sock_net(sk), skb, tx, rt);
	/* A full device queue is not an error unless asked (IP_RECVERR). */
	if (err == -ENOBUFS && !inet->recverr)
		err = 0;
	return err;
}

/* Linux's raw_send_hdrinc(): the program wrote the IPv4 header; the stack
 * fills in the total length, the checksum, and source and identification
 * when they are zero, and sends it by the route to the address given to
 * sendto() (not the header's). */
static int raw_send_hdrinc(struct sock *sk, struct kmsghdr *msg, size_t len,
			   const struct ip_tx *tx, const struct rtable *rt)
{
	struct inet_sock *inet = inet_sk(sk);
	struct netns_ipv4 *ipv4 = net_ipv4(sock_net(sk));
	struct sk_buff *skb;
	int64_t timeo;
	bool id_used;
	int err;

	if (len > rt->dev->mtu) {
		ip_local_error(sk, EMSGSIZE, tx->daddr, inet->inet_dport,
			       rt->dev->mtu);
		return -EMSGSIZE;
	}
	if (len < IPV4_HLEN)
		return -EINVAL;
	timeo = sock_sndtimeo(sk, msg->msg_flags & MSG_DONTWAIT);
	skb = sock_alloc_send_skb(sk, MAX_HEADER + len, &timeo, &err);
	if (!skb)
		goto out;
	skb_reserve(skb, MAX_HEADER);
	skb_reset_network_header(skb);
	copy_from_iter(skb_put(skb, (unsigned int)len), len, &msg->msg_iter);
	/* An IHL below 5 or pointing past the data is refused. */
	if (ipv4_complete_raw(skb->data, len, ntohl(tx->saddr), ipv4->ip_id,
			      &id_used) != WIRE_OK) {
		kfree_skb(skb);
		return -EINVAL;
	}
	if (id_used)
		ipv4->ip_id++;
	skb->dev = rt->dev;
	skb->protocol = ETHERTYPE_IP;
	err = dev_queue_xmit(skb);
out:
	if (err == -ENOBUFS && !inet->recverr)
		err = 0;
	return err;
}

static int raw_sendmsg(struct sock *sk, struct kmsghdr *msg, size_t len)
{
	struct sockaddr_in *sin = msg->msg_name;
	struct inet_sock *inet = inet_sk(sk);
	struct ip_tx tx = { .protocol = (uint8_t)sk->sk_protocol };
	struct rtable rt;
	int err, oif;

	if (len > 0xFFFF)
		return -EMSGSIZE;
	if (msg->msg_flags & MSG_OOB)
		return -EOPNOTSUPP;
	lock_sock(sk);
	if (msg->msg_namelen) {
		err = -EINVAL;
		if (msg->msg_namelen < (int)sizeof(*sin))
			goto out;
		/* Linux lets AF_UNSPEC by ("forgot to set AF_INET"). */
		err = -EAFNOSUPPORT;
		if (sin->sin_family != AF_INET && sin->sin_family != AF_UNSPEC)
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
	/* raw_probe_proto_opt(): the ICMP type and code are read from the
	 * caller's buffer before anything is built, so fewer than 2 bytes
	 * is a fault. */
	err = -EFAULT;
	if (!inet->hdrincl && sk->sk_protocol == IPPROTO_ICMP && len < 2)
		goto out;
	err = ip_dgram_route(sk, &tx, oif, &rt);
	if (err)
		goto out;
	if (inet->hdrincl)
		err = raw_send_hdrinc(sk, msg, len, &tx, &rt);
	else
		err = raw_send(sk, msg, len, &tx, &rt);
	if (!err)
		err = (int)len;
out:
	release_sock(sk);
	return err;
}

/* ---- receive to the caller ---------------------------------------------- */

static int raw_recvmsg(struct sock *sk, struct kmsghdr *msg, size_t len,
		       int flags)
{
	const struct inet_skb_parm *cb;
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
	cb = IPCB(skb);
	copied = skb->len;
	if (len < copied) {
		msg->msg_flags |= MSG_TRUNC;
		copied = len;
	}
	copy_to_iter(skb->data, copied, &msg->msg_iter);
	if (sock_flag(sk, SOCK_RXQ_OVFL) && cb->dropcount)
		put_cmsg(msg, SOL_SOCKET, SO_RXQ_OVFL, sizeof(cb->dropcount),
			 &cb->dropcount);
	/* The source, with port 0: the protocol is no port. */
	if (msg->msg_name) {
		struct sockaddr_in *sin = msg->msg_name;

		memset(sin, 0, sizeof(*sin));
		sin->sin_family = AF_INET;
		sin->sin_addr.s_addr = cb->saddr;
		msg->msg_namelen = sizeof(*sin);
	}
	ip_cmsg_recv(sk, msg, skb);
	err = (flags & MSG_TRUNC) ? (int)skb->len : (int)copied;
	if (!(flags & MSG_PEEK))
		kfree_skb(skb);
out:
	release_sock(sk);
	return err;
}

/* ---- ioctl, options ------------------------------------------------------ */

/* SOL_RAW has one option, ICMP_FILTER, and only for IPPROTO_ICMP; a
 * longer value is cut to the 4 bytes of the mask, a shorter one replaces
 * only its first bytes (Linux's raw_seticmpfilter()). */
static int raw_setsockopt(struct sock *sk, int level, int optname,
			  const void *optval, unsigned int optlen)
{
	if (level != SOL_RAW)
		return ip_setsockopt(sk, level, optname, optval, optlen);
	if (optname != ICMP_FILTER)
		return -ENOPROTOOPT;
	if (inet_sk(sk)->inet_num != IPPROTO_ICMP)
		return -EOPNOTSUPP;
	if (optlen > sizeof(raw_sk(sk)->filter))
		optlen = sizeof(raw_sk(sk)->filter);
	lock_sock(sk);
	memcpy(&raw_sk(sk)->filter, optval, optlen);
	release_sock(sk);
	return 0;
}

static int raw_getsockopt(struct sock *sk, int level, int optname, void *optval,
			  int *optlen)
{
	int len = *optlen;

	if (level != SOL_RAW)
		return ip_getsockopt(sk, level, optname, optval, optlen);
	if (optname != ICMP_FILTER)
		return -ENOPROTOOPT;
	if (inet_sk(sk)->inet_num != IPPROTO_ICMP)
		return -EOPNOTSUPP;
	if (len < 0)
		return -EINVAL;
	if (len > (int)sizeof(raw_sk(sk)->filter))
		len = sizeof(raw_sk(sk)->filter);
	lock_sock(sk);
	memcpy(optval, &raw_sk(sk)->filter, (size_t)len);
	release_sock(sk);
	*optlen = len;
	return 0;
}

/* No get_port: a raw socket's port is its protocol from the start, so
 * inet_autobind() never asks. */
struct proto raw_prot = {
	.name = "RAW",
	.obj_size = sizeof(struct raw_sock),
	.init = raw_init,
	.close = raw_close,
	.connect = ip4_datagram_connect,
	.disconnect = udp_disconnect,
	.sendmsg = raw_sendmsg,
	.recvmsg = raw_recvmsg,
	.unhash = raw_unhash,
	.setsockopt = raw_setsockopt,
	.getsockopt = raw_getsockopt,
	.ioctl = ip_dgram_ioctl,
};

/* ---- proto_ops ---------------------------------------------------------- */

int inet_sockraw_sendmsg(struct socket *sock, struct kmsghdr *msg, size_t len)
{
	return sock->sk->sk_prot->sendmsg(sock->sk, msg, len);
}

int inet_sockraw_recvmsg(struct socket *sock, struct kmsghdr *msg, size_t len,
			 int flags)
{
	return sock->sk->sk_prot->recvmsg(sock->sk, msg, len, flags);
}

int inet_sockraw_setsockopt(struct socket *sock, int level, int optname,
			    const void *optval, unsigned int optlen)
{
	return sock->sk->sk_prot->setsockopt(sock->sk, level, optname, optval,
					     optlen);
}

int inet_sockraw_getsockopt(struct socket *sock, int level, int optname,
			    void *optval, int *optlen)
{
	return sock->sk->sk_prot->getsockopt(sock->sk, level, optname, optval,
					     optlen);
}

/* Linux's inet_sockraw_ops: inet_dgram_ops without SO_PEEK_OFF; bind is
 * the protocol's (Linux reaches raw_bind() through sk_prot->bind). */
const struct proto_ops inet_sockraw_ops = {
	.family = AF_INET,
	.release = inet_release,
	.bind = raw_bind,
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
