/*
 * ip_sockglue.c - the SOL_IP socket options (Linux's ip_sockglue.c), with
 * its parsing rules: an int or a single byte, ranges checked per option;
 * and what the datagram protocols (UDP, raw, ping) share around them: the
 * SOL_IP control messages and the error queue (IP_RECVERR).
 */
#include <errno.h>
#include <string.h>

#include "core/creds.h"
#include "inet/inet_sock.h"
#include "inet/ip.h"
#include "inet/netns_ipv4.h"
#include "inet/route.h"
#include "socket/scm.h"
#include "wire/icmp.h"

/* IP_MTU never says more than an IPv4 datagram can carry. */
#define IP_MAX_MTU 0xFFFFu

int ip_select_ttl(const struct inet_sock *inet)
{
	if (inet->uc_ttl >= 0)
		return inet->uc_ttl;
	return READ_ONCE(sock_net(&inet->sk)->sysctl.ip_default_ttl);
}

static void set_flag(unsigned int *flags, unsigned int bit, int on)
{
	if (on)
		*flags |= bit;
	else
		*flags &= ~bit;
}

int ip_setsockopt(struct sock *sk, int level, int optname, const void *optval,
		  unsigned int optlen)
{
	struct inet_sock *inet = inet_sk(sk);
	int val = 0, err = 0;

	if (level != SOL_IP)
		return -ENOPROTOOPT;
	/* Linux reads an int, or a single byte when that is all there is. */
	if (optlen >= sizeof(int))
		memcpy(&val, optval, sizeof(int));
	else if (optlen >= 1)
		val = *(const unsigned char *)optval;

	lock_sock(sk);
	switch (optname) {
	case IP_PKTINFO:
		set_flag(&inet->cmsg_flags, IP_CMSG_PKTINFO, val);
		break;
	case IP_RECVTTL:
		set_flag(&inet->cmsg_flags, IP_CMSG_TTL, val);
		break;
	case IP_RECVTOS:
		set_flag(&inet->cmsg_flags, IP_CMSG_TOS, val);
		break;
	case IP_RECVERR:
		inet->recverr = val != 0;
		if (!val)
			skb_queue_purge(&sk->sk_error_queue);
		break;
	case IP_TOS:
		/* TCP keeps the ECN bits for itself. */
		if (sk->sk_type == SOCK_STREAM)
			val = (val & ~0x03) | (inet->tos & 0x03);
		inet->tos = (uint8_t)val;
		break;
	case IP_TTL:
		if (optlen < 1 || (val != -1 && (val < 1 || val > 255)))
			err = -EINVAL;
		else
			inet->uc_ttl = val;
		break;
	case IP_MTU_DISCOVER:
		if (val < IP_PMTUDISC_DONT || val > IP_PMTUDISC_OMIT)
			err = -EINVAL;
		else
			inet->pmtudisc = (uint8_t)val;
		break;
	case IP_FREEBIND:
		if (optlen < 1)
			err = -EINVAL;
		else
			inet->freebind = val != 0;
		break;
	case IP_TRANSPARENT:
		if (val && !capable(CAP_NET_RAW) && !capable(CAP_NET_ADMIN))
			err = -EPERM;
		else if (optlen < 1)
			err = -EINVAL;
		else
			inet->transparent = val != 0;
		break;
	case IP_BIND_ADDRESS_NO_PORT:
		inet->bind_address_no_port = val != 0;
		break;
	case IP_MULTICAST_TTL:
		if (sk->sk_type == SOCK_STREAM || optlen < 1 || val < -1 ||
		    val > 255)
			err = -EINVAL;
		else
			inet->mc_ttl = (uint8_t)(val == -1 ? 1 : val);
		break;
	case IP_MULTICAST_LOOP:
		if (optlen < 1)
			err = -EINVAL;
		else
			inet->mc_loop = val != 0;
		break;
	case IP_HDRINCL:
		if (sk->sk_type != SOCK_RAW)
			err = -ENOPROTOOPT;
		else
			inet->hdrincl = val != 0;
		break;
	default:
		err = -ENOPROTOOPT;
		break;
	}
	release_sock(sk);
	return err;
}

/* IP_MTU: the path MTU of a connected socket. */
static int ip_mtu(struct sock *sk)
{
	struct inet_sock *inet = inet_sk(sk);
	struct rtable rt;

	if (sk->sk_state != TCP_ESTABLISHED ||
	    ip_route_output(sock_net(sk), inet->inet_daddr, inet->inet_saddr,
			    sk->sk_bound_dev_if, &rt))
		return -ENOTCONN;
	return (int)(rt.dev->mtu > IP_MAX_MTU ? IP_MAX_MTU : rt.dev->mtu);
}

int ip_getsockopt(struct sock *sk, int level, int optname, void *optval,
		  int *optlen)
{
	struct inet_sock *inet = inet_sk(sk);
	int val, len = *optlen;

	if (level != SOL_IP)
		return -EOPNOTSUPP;
	if (len < 0)
		return -EINVAL;
	lock_sock(sk);
	switch (optname) {
	case IP_PKTINFO:
		val = (inet->cmsg_flags & IP_CMSG_PKTINFO) != 0;
		break;
	case IP_RECVTTL:
		val = (inet->cmsg_flags & IP_CMSG_TTL) != 0;
		break;
	case IP_RECVTOS:
		val = (inet->cmsg_flags & IP_CMSG_TOS) != 0;
		break;
	case IP_RECVERR:
		val = inet->recverr;
		break;
	case IP_TOS:
		val = inet->tos;
		break;
	case IP_TTL:
		val = ip_select_ttl(inet);
		break;
	case IP_MTU_DISCOVER:
		val = inet->pmtudisc;
		break;
	case IP_MTU:
		val = ip_mtu(sk);
		if (val < 0) {
			release_sock(sk);
			return val;
		}
		break;
	case IP_FREEBIND:
		val = inet->freebind;
		break;
	case IP_TRANSPARENT:
		val = inet->transparent;
		break;
	case IP_BIND_ADDRESS_NO_PORT:
		val = inet->bind_address_no_port;
		break;
	case IP_MULTICAST_TTL:
		val = inet->mc_ttl;
		break;
	case IP_MULTICAST_LOOP:
		val = inet->mc_loop;
		break;
	case IP_HDRINCL:
		val = inet->hdrincl;
		break;
	default:
		release_sock(sk);
		return -ENOPROTOOPT;
	}
	release_sock(sk);
	/* Linux answers a short buffer with one byte when the value fits. */
	if (len < (int)sizeof(int) && len > 0 && val >= 0 && val <= 255) {
		*(unsigned char *)optval = (unsigned char)val;
		*optlen = 1;
		return 0;
	}
	if (len > (int)sizeof(int))
		len = sizeof(int);
	memcpy(optval, &val, (size_t)len);
	*optlen = len;
	return 0;
}

/* ---- control messages ---------------------------------------------------- */

int ip_cmsg_send(const struct kmsghdr *msg, struct ip_tx *tx, int *oif)
{
	struct cmsghdr *c;
	size_t off = 0;

	while (msg->msg_control && off + sizeof(*c) <= msg->msg_controllen) {
		int v;

		c = (struct cmsghdr *)((char *)msg->msg_control + off);
		if (c->cmsg_len < sizeof(*c) ||
		    c->cmsg_len > msg->msg_controllen - off)
			return -EINVAL;
		off += CMSG_ALIGN(c->cmsg_len);
		if (c->cmsg_level != SOL_IP)
			continue;
		switch (c->cmsg_type) {
		case IP_TTL:
			if (c->cmsg_len != CMSG_LEN(sizeof(int)))
				return -EINVAL;
			memcpy(&v, CMSG_DATA(c), sizeof(v));
			if (v < 1 || v > 255)
				return -EINVAL;
			tx->ttl = (uint8_t)v;
			break;
		case IP_TOS:
			if (c->cmsg_len == CMSG_LEN(sizeof(int)))
				memcpy(&v, CMSG_DATA(c), sizeof(v));
			else if (c->cmsg_len == CMSG_LEN(1))
				v = *(uint8_t *)CMSG_DATA(c);
			else
				return -EINVAL;
			if (v < 0 || v > 255)
				return -EINVAL;
			tx->tos = (uint8_t)v;
			break;
		case IP_PKTINFO: {
			struct in_pktinfo pi;

			if (c->cmsg_len != CMSG_LEN(sizeof(pi)))
				return -EINVAL;
			memcpy(&pi, CMSG_DATA(c), sizeof(pi));
			if (pi.ipi_ifindex)
				*oif = pi.ipi_ifindex;
			tx->saddr = pi.ipi_spec_dst.s_addr;
			break;
		}
		default:
			return -EINVAL;
		}
	}
	return 0;
}

void ip_cmsg_recv(struct sock *sk, struct kmsghdr *msg,
		  const struct sk_buff *skb)
{
	const struct inet_skb_parm *cb = IPCB(skb);
	unsigned int flags = inet_sk(sk)->cmsg_flags;

	if (flags & IP_CMSG_PKTINFO) {
		struct in_pktinfo pi = {
			.ipi_ifindex = cb->iif,
			.ipi_spec_dst.s_addr = cb->daddr,
			.ipi_addr.s_addr = cb->daddr,
		};

		put_cmsg(msg, SOL_IP, IP_PKTINFO, sizeof(pi), &pi);
	}
	if (flags & IP_CMSG_TTL) {
		int ttl = cb->ttl;

		put_cmsg(msg, SOL_IP, IP_TTL, sizeof(ttl), &ttl);
	}
	if (flags & IP_CMSG_TOS)
		put_cmsg(msg, SOL_IP, IP_TOS, 1, &cb->tos);
}

/* ---- the error queue (IP_RECVERR) ---------------------------------------- */

/* Linux's sock_queue_err_skb(): refused when the receive buffer is full. */
static int sock_queue_err_skb(struct sock *sk, struct sk_buff *skb)
{
	if ((unsigned int)sk_rmem_alloc_get(sk) + skb->truesize >=
	    (unsigned int)READ_ONCE(sk->sk_rcvbuf))
		return -ENOMEM;
	skb_set_owner_r(skb, sk);
	skb_queue_tail(&sk->sk_error_queue, skb);
	return 0;
}

/* What icmp_unreach() hands the protocols as "info". */
static uint32_t icmp_err_info(const struct icmp_hdr_info *ih)
{
	if (ih->type == ICMP_TYPE_DEST_UNREACH &&
	    ih->code == ICMP_CODE_FRAG_NEEDED)
		return ih->mtu;
	if (ih->type == ICMP_TYPE_PARAMETERPROB)
		return ih->pointer;
	return 0;
}

void ip_icmp_error(struct sock *sk, const struct sk_buff *icmp,
		   const struct icmp_hdr_info *ih, int err, uint16_t port,
		   const uint8_t *payload)
{
	size_t plen = (size_t)(icmp->data + icmp->len - payload);
	struct sock_exterr_skb *serr;
	struct sk_buff *skb;

	skb = alloc_skb(plen);
	if (!skb)
		return;
	memcpy(skb_put(skb, (unsigned int)plen), payload, plen);
	serr = SKB_EXT_ERR(skb);
	memset(serr, 0, sizeof(*serr));
	serr->ee.ee_errno = (uint32_t)err;
	serr->ee.ee_origin = SO_EE_ORIGIN_ICMP;
	serr->ee.ee_type = ih->type;
	serr->ee.ee_code = ih->code;
	serr->ee.ee_info = icmp_err_info(ih);
	serr->offender.sin_family = AF_INET;
	serr->offender.sin_addr.s_addr = IPCB(icmp)->saddr;
	serr->addr = htonl(ih->quote.daddr);
	serr->port = port;
	if (sock_queue_err_skb(sk, skb))
		kfree_skb(skb);
}

void ip_local_error(struct sock *sk, int err, uint32_t daddr, uint16_t port,
		    uint32_t info)
{
	struct sock_exterr_skb *serr;
	struct sk_buff *skb;

	if (!inet_sk(sk)->recverr)
		return;
	skb = alloc_skb(0);
	if (!skb)
		return;
	serr = SKB_EXT_ERR(skb);
	memset(serr, 0, sizeof(*serr));
	serr->ee.ee_errno = (uint32_t)err;
	serr->ee.ee_origin = SO_EE_ORIGIN_LOCAL;
	serr->ee.ee_info = info;
	serr->addr = daddr;
	serr->port = port;
	if (sock_queue_err_skb(sk, skb))
		kfree_skb(skb);
}

int ip_recv_error(struct sock *sk, struct kmsghdr *msg, size_t len)
{
	struct sock_exterr_skb *serr;
	struct sk_buff *skb, *next;
	struct {
		struct sock_extended_err ee;
		struct sockaddr_in offender;
	} errhdr;
	size_t copied;

	skb = skb_dequeue(&sk->sk_error_queue);
	if (!skb)
		return -EAGAIN;
	copied = skb->len;
	if (copied > len) {
		msg->msg_flags |= MSG_TRUNC;
		copied = len;
	}
	copy_to_iter(skb->data, copied, &msg->msg_iter);
	serr = SKB_EXT_ERR(skb);
	if (msg->msg_name) {
		struct sockaddr_in *sin = msg->msg_name;

		memset(sin, 0, sizeof(*sin));
		sin->sin_family = AF_INET;
		sin->sin_addr.s_addr = serr->addr;
		sin->sin_port = serr->port;
		msg->msg_namelen = sizeof(*sin);
	}
	errhdr.ee = serr->ee;
	errhdr.offender = serr->offender;
	put_cmsg(msg, SOL_IP, IP_RECVERR, sizeof(errhdr), &errhdr);
	msg->msg_flags |= MSG_ERRQUEUE;
	/* The next queued error, if any, is the socket's error now. */
	next = skb_peek(&sk->sk_error_queue);
	sk->sk_err = next ? (int)SKB_EXT_ERR(next)->ee.ee_errno : 0;
	kfree_skb(skb);
	return (int)copied;
}

int ip_dgram_tx_init(struct sock *sk, const struct kmsghdr *msg,
		     struct ip_tx *tx, int *oif)
{
	const struct inet_sock *inet = inet_sk(sk);

	tx->saddr = inet->inet_saddr;
	tx->ttl = (uint8_t)ip_select_ttl(inet);
	tx->tos = inet->tos;
	tx->df = inet->pmtudisc == IP_PMTUDISC_DO ||
		 inet->pmtudisc == IP_PMTUDISC_WANT ||
		 inet->pmtudisc == IP_PMTUDISC_PROBE;
	tx->no_frag = inet->pmtudisc == IP_PMTUDISC_DO ||
		      inet->pmtudisc == IP_PMTUDISC_PROBE;
	*oif = sk->sk_bound_dev_if;
	return msg->msg_controllen ? ip_cmsg_send(msg, tx, oif) : 0;
}

int ip_dgram_route(struct sock *sk, struct ip_tx *tx, int oif,
		   struct rtable *rt)
{
	struct net *net = sock_net(sk);
	int err = ip_route_output(net, tx->daddr, tx->saddr, oif, rt);

	if (err)
		return err;
	if (inet_addr_type(net, tx->daddr) == RTN_BROADCAST &&
	    !sock_flag(sk, SOCK_BROADCAST))
		return -EACCES;
	if (tx->daddr == htonl(INADDR_ANY))
		tx->daddr = htonl(INADDR_LOOPBACK);
	tx->saddr = rt->src;
	return 0;
}
