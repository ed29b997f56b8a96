/*
 * udp.c - UDP sockets (RFC 768) with Linux's semantics: the bind and
 * port-sharing rules, automatic binding, ICMP errors turned into socket
 * errors and error-queue entries, and the receive-buffer accounting.
 *
 * Call chain: af_inet.c (inet_dgram_ops) -> udp_prot (here) -> ip_output.c;
 * ip_input.c -> udp_rcv() (here) -> the socket's receive queue.
 * Everything runs under the namespace lock.
 */
#include "inet/udp.h"

#include <errno.h>
#include <limits.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/ioctl.h>
#include <netinet/udp.h>
#include <linux/errqueue.h>
#include <linux/sockios.h>

#include "core/datagram.h"
#include "inet/devinet.h"
#include "inet/ip.h"
#include "inet/netns_ipv4.h"
#include "inet/route.h"
#include "lib/alloc.h"
#include "socket/scm.h"
#include "wire/icmp.h"
#include "wire/udp.h"

/* The largest UDP payload over IPv4: 65535 - 20 - 8. */
#define UDP_MAX_PAYLOAD 65507

struct udp_table {
	struct list_head socks; /* struct inet_sock by bind_node */
};

int udp_net_init(struct net *net)
{
	struct udp_table *t = obj_alloc(OBJ_OTHER, sizeof(*t));

	if (!t)
		return -ENOMEM;
	INIT_LIST_HEAD(&t->socks);
	net_ipv4(net)->udp = t;
	return 0;
}

void udp_net_exit(struct net *net)
{
	obj_free(OBJ_OTHER, net_ipv4(net)->udp);
}

/* ---- ports -------------------------------------------------------------- */

/*
 * Whether @sk may share @snum with @other (Linux's udp_lib_lport_inuse()):
 * different specific addresses never conflict; otherwise both need
 * SO_REUSEADDR, or both SO_REUSEPORT and the same owner.
 */
static bool udp_conflict(const struct sock *sk, const struct sock *other)
{
	const struct inet_sock *a = inet_sk(sk), *b = inet_sk(other);

	if (a->inet_rcv_saddr && b->inet_rcv_saddr &&
	    a->inet_rcv_saddr != b->inet_rcv_saddr)
		return false;
	if (sk->sk_bound_dev_if && other->sk_bound_dev_if &&
	    sk->sk_bound_dev_if != other->sk_bound_dev_if)
		return false;
	if (sk->sk_reuse && other->sk_reuse)
		return false;
	if (sk->sk_reuseport && other->sk_reuseport &&
	    sk->sk_uid == other->sk_uid)
		return false;
	return true;
}

static bool udp_port_inuse(struct net *net, const struct sock *sk,
			   unsigned short snum)
{
	struct inet_sock *other;

	list_for_each_entry(other, &net_ipv4(net)->udp->socks, bind_node)
		if (&other->sk != sk && other->inet_num == snum &&
		    udp_conflict(sk, &other->sk))
			return true;
	return false;
}

/* Linux's udp_lib_get_port(): @snum, or a free ephemeral port found from a
 * random start in ip_local_port_range (RFC 6056, algorithm 1). */
static int udp_get_port(struct sock *sk, unsigned short snum)
{
	struct net *net = sock_net(sk);
	struct netns_ipv4 *ipv4 = net_ipv4(net);
	struct inet_sock *inet = inet_sk(sk);

	if (!snum) {
		int low = ipv4->sysctl_ip_local_port_range[0];
		int high = ipv4->sysctl_ip_local_port_range[1];
		unsigned int range = (unsigned int)(high - low) + 1;
		unsigned int first = net_random_u32(net) % range;

		for (unsigned int i = 0; i < range; i++) {
			unsigned short p =
				(unsigned short)(low + (first + i) % range);

			if (!udp_port_inuse(net, sk, p)) {
				snum = p;
				break;
			}
		}
		if (!snum)
			return -EADDRINUSE;
	} else if (udp_port_inuse(net, sk, snum)) {
		return -EADDRINUSE;
	}
	inet->inet_num = snum;
	list_add_tail(&inet->bind_node, &ipv4->udp->socks);
	return 0;
}

static void udp_unhash(struct sock *sk)
{
	struct inet_sock *inet = inet_sk(sk);

	if (!list_empty(&inet->bind_node))
		list_del_init(&inet->bind_node);
	inet->inet_num = 0;
}

/*
 * The socket for a datagram to daddr:dport from saddr:sport (Linux's
 * udp4_lib_lookup()): the most specific match wins; in a SO_REUSEPORT
 * group the source spreads datagrams across its members, and among
 * SO_REUSEADDR sockets the last bound wins.
 */
static struct sock *udp_lookup(struct net *net, uint32_t saddr, uint16_t sport,
			       uint32_t daddr, uint16_t dport, int iif)
{
	struct inet_sock *inet, *best = NULL;
	int best_score = -1, matches = 0;
	uint32_t hash = (saddr * 0x9e3779b1u) ^ sport;

	list_for_each_entry(inet, &net_ipv4(net)->udp->socks, bind_node) {
		struct sock *sk = &inet->sk;
		int score = 0;

		if (inet->inet_num != ntohs(dport))
			continue;
		if (inet->inet_rcv_saddr) {
			if (inet->inet_rcv_saddr != daddr)
				continue;
			score += 4;
		}
		if (inet->inet_daddr) {
			if (inet->inet_daddr != saddr)
				continue;
			score += 4;
		}
		if (inet->inet_dport) {
			if (inet->inet_dport != sport)
				continue;
			score += 4;
		}
		if (sk->sk_bound_dev_if) {
			if (sk->sk_bound_dev_if != iif)
				continue;
			score += 4;
		}
		if (score > best_score) {
			best = inet;
			best_score = score;
			matches = 1;
		} else if (score == best_score) {
			matches++;
			if (sk->sk_reuseport && best->sk.sk_reuseport) {
				/* Spread a reuseport group by the source. */
				if (hash % (uint32_t)matches == 0)
					best = inet;
			} else {
				best = inet;
			}
		}
	}
	return best ? &best->sk : NULL;
}

/* ---- receive ------------------------------------------------------------ */

/* Linux's __udp_enqueue_schedule_skb(): a full buffer drops, but an empty
 * one takes any datagram. */
static int udp_queue_rcv(struct sock *sk, struct sk_buff *skb)
{
	int rmem = sk_rmem_alloc_get(sk), rcvbuf = READ_ONCE(sk->sk_rcvbuf);

	if (rmem > rcvbuf || (unsigned int)rmem + skb->truesize >
				     skb->truesize + (unsigned int)rcvbuf) {
		atomic_fetch_add(&sk->sk_drops, 1);
		return -ENOBUFS;
	}
	IPCB(skb)->dropcount = atomic_load(&sk->sk_drops);
	skb_set_owner_r(skb, sk);
	skb_queue_tail(&sk->sk_receive_queue, skb);
	sk->sk_data_ready(sk);
	return 0;
}

static void udp_rcv(struct net *net, struct sk_buff *skb)
{
	struct inet_skb_parm *cb = IPCB(skb);
	struct wire_pseudo ph = {
		.saddr = ntohl(cb->saddr),
		.daddr = ntohl(cb->daddr),
	};
	struct udp_hdr_info uh;
	struct sock *sk;
	int err;

	err = udp_parse(skb->data, skb->len, &ph, &uh);
	if (err) {
		kfree_skb_reason(net, skb,
				 err == WIRE_ERR_CHECKSUM ?
					 SKB_DROP_REASON_UDP_CSUM :
					 SKB_DROP_REASON_UDP_INHDR);
		return;
	}
	cb->sport = htons(uh.sport);
	cb->dport = htons(uh.dport);
	skb_trim(skb, uh.len);
	sk = udp_lookup(net, cb->saddr, cb->sport, cb->daddr, cb->dport,
			cb->iif);
	if (!sk) {
		if (inet_addr_type(net, cb->daddr) == RTN_LOCAL)
			icmp_send(net, skb, ICMP_TYPE_DEST_UNREACH,
				  3 /* port unreachable */, 0);
		kfree_skb_reason(net, skb, SKB_DROP_REASON_NO_SOCKET);
		return;
	}
	skb_pull(skb, UDP_HLEN);
	if (udp_queue_rcv(sk, skb))
		kfree_skb_reason(net, skb, SKB_DROP_REASON_SOCKET_RCVBUFF);
}

/* What an error-queue skb carries (Linux's sock_exterr_skb). */
struct sock_exterr_skb {
	struct sock_extended_err ee;
	struct sockaddr_in offender;
	uint32_t addr; /* the original destination, network order */
	uint16_t port;
};

#define SKB_EXT_ERR(skb) ((struct sock_exterr_skb *)(skb)->cb)

/* Linux's ip_icmp_error(): queue the error with the original datagram's
 * data on the socket's error queue (IP_RECVERR). */
static void udp_queue_icmp_error(struct sock *sk, const struct sk_buff *icmp,
				 const struct icmp_hdr_info *ih, int err)
{
	const uint8_t *quote = icmp->data + ICMP_HLEN;
	size_t qlen = icmp->len - ICMP_HLEN, off = ih->quote.hdr_len + UDP_HLEN;
	struct sock_exterr_skb *serr;
	struct sk_buff *skb;
	size_t plen = qlen > off ? qlen - off : 0;

	if (sk_rmem_alloc_get(sk) >= READ_ONCE(sk->sk_rcvbuf))
		return;
	skb = alloc_skb(plen);
	if (!skb)
		return;
	memcpy(skb_put(skb, (unsigned int)plen), quote + off, plen);
	serr = SKB_EXT_ERR(skb);
	memset(serr, 0, sizeof(*serr));
	serr->ee.ee_errno = (uint32_t)err;
	serr->ee.ee_origin = SO_EE_ORIGIN_ICMP;
	serr->ee.ee_type = ih->type;
	serr->ee.ee_code = ih->code;
	serr->ee.ee_info = ih->type == ICMP_TYPE_DEST_UNREACH && ih->code == 4 ?
				   ih->mtu :
				   0;
	serr->offender.sin_family = AF_INET;
	serr->offender.sin_addr.s_addr = IPCB(icmp)->saddr;
	serr->addr = htonl(ih->quote.daddr);
	serr->port = htons(ih->quote_dport);
	skb_set_owner_r(skb, sk);
	skb_queue_tail(&sk->sk_error_queue, skb);
}

/* Linux's __udp4_lib_err(): an ICMP error about a datagram we sent. */
static void udp_err(struct net *net, const void *info, struct sk_buff *icmp)
{
	const struct icmp_hdr_info *ih = info;
	struct inet_sock *inet;
	struct sock *sk;
	bool harderr;
	int err;

	sk = udp_lookup(net, htonl(ih->quote.daddr), htons(ih->quote_dport),
			htonl(ih->quote.saddr), htons(ih->quote_sport), 0);
	if (!sk)
		return;
	inet = inet_sk(sk);
	harderr = icmp_err_convert(ih->type, ih->code, &err);
	if (!err)
		return;
	if (ih->type == ICMP_TYPE_DEST_UNREACH && ih->code == 4) {
		if (inet->pmtudisc == IP_PMTUDISC_DONT)
			return;
		harderr = true;
	}
	/* RFC 1122 4.1.3.3: hard errors reach a connected socket; with
	 * IP_RECVERR every error reaches the socket and its error queue. */
	if (!inet->recverr) {
		if (!harderr || sk->sk_state != TCP_ESTABLISHED)
			return;
	} else {
		udp_queue_icmp_error(sk, icmp, ih, err);
	}
	sk->sk_err = err;
	sk->sk_error_report(sk);
}

static const struct net_protocol udp_protocol = {
	.handler = udp_rcv,
	.err_handler = udp_err,
};

void udp_init(void)
{
	inet_add_protocol(&udp_protocol, IPPROTO_UDP);
}

/* ---- connect ------------------------------------------------------------ */

/* Linux's __ip4_datagram_connect(); lock held, socket bound. */
static int udp_connect(struct sock *sk, struct sockaddr *uaddr, int len)
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

/* Linux's __udp_disconnect(): forget the peer, and whatever address and
 * port were chosen automatically. */
static int udp_disconnect(struct sock *sk, int flags)
{
	struct inet_sock *inet = inet_sk(sk);

	sk->sk_state = TCP_CLOSE;
	inet->inet_daddr = 0;
	inet->inet_dport = 0;
	if (!(sk->sk_userlocks & SOCK_BINDADDR_LOCK))
		inet->inet_saddr = inet->inet_rcv_saddr = 0;
	if (!(sk->sk_userlocks & SOCK_BINDPORT_LOCK)) {
		udp_unhash(sk);
		inet->inet_sport = 0;
	}
	return 0;
}

static void udp_close(struct sock *sk, int64_t timeout)
{
	udp_unhash(sk);
	skb_queue_purge(&sk->sk_receive_queue);
	skb_queue_purge(&sk->sk_error_queue);
}

/* ---- send --------------------------------------------------------------- */

/* Linux's ip_cmsg_send() for the messages UDP takes: IP_TTL, IP_TOS and
 * IP_PKTINFO at SOL_IP; SOL_SOCKET ones are the socket layer's. */
static int udp_cmsg_send(const struct kmsghdr *msg, struct ip_tx *tx, int *oif)
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

static int udp_sendmsg(struct sock *sk, struct kmsghdr *msg, size_t len)
{
	struct sockaddr_in *sin = msg->msg_name;
	struct inet_sock *inet = inet_sk(sk);
	struct net *net = sock_net(sk);
	struct ip_tx tx = { .protocol = IPPROTO_UDP };
	struct wire_pseudo ph;
	struct udp_hdr_info uh;
	struct sk_buff *skb;
	struct rtable rt;
	uint8_t *payload;
	uint16_t dport;
	int64_t timeo;
	int err, oif;

	if (len > 0xFFFF)
		return -EMSGSIZE;
	if (msg->msg_flags & MSG_OOB)
		return -EOPNOTSUPP;
	lock_sock(sk);
	/* Linux binds before it looks at the arguments. */
	err = inet_autobind(sk);
	if (err)
		goto out;
	if (msg->msg_namelen) {
		err = -EINVAL;
		if (msg->msg_namelen < (int)sizeof(*sin))
			goto out;
		err = -EAFNOSUPPORT;
		if (sin->sin_family != AF_INET && sin->sin_family != AF_UNSPEC)
			goto out;
		tx.daddr = sin->sin_addr.s_addr;
		dport = sin->sin_port;
		err = -EINVAL;
		if (!dport)
			goto out;
	} else {
		err = -EDESTADDRREQ;
		if (sk->sk_state != TCP_ESTABLISHED)
			goto out;
		tx.daddr = inet->inet_daddr;
		dport = inet->inet_dport;
	}
	tx.saddr = inet->inet_saddr;
	tx.ttl = (uint8_t)ip_select_ttl(inet);
	tx.tos = inet->tos;
	tx.df = inet->pmtudisc == IP_PMTUDISC_DO ||
		inet->pmtudisc == IP_PMTUDISC_WANT ||
		inet->pmtudisc == IP_PMTUDISC_PROBE;
	tx.no_frag = inet->pmtudisc == IP_PMTUDISC_DO ||
		     inet->pmtudisc == IP_PMTUDISC_PROBE;
	oif = sk->sk_bound_dev_if;
	if (msg->msg_controllen) {
		err = udp_cmsg_send(msg, &tx, &oif);
		if (err)
			goto out;
	}
	err = ip_route_output(net, tx.daddr, tx.saddr, oif, &rt);
	if (err)
		goto out;
	err = -EACCES;
	if (inet_addr_type(net, tx.daddr) == RTN_BROADCAST &&
	    !sock_flag(sk, SOCK_BROADCAST))
		goto out;
	if (tx.daddr == htonl(INADDR_ANY))
		tx.daddr = htonl(INADDR_LOOPBACK);
	tx.saddr = rt.src;
	err = -EMSGSIZE;
	if (len > UDP_MAX_PAYLOAD)
		goto out;
	timeo = sock_sndtimeo(sk, msg->msg_flags & MSG_DONTWAIT);
	skb = sock_alloc_send_skb(sk, MAX_HEADER + UDP_HLEN + len, &timeo,
				  &err);
	if (!skb)
		goto out;
	skb_reserve(skb, MAX_HEADER + UDP_HLEN);
	copy_from_iter(skb_put(skb, (unsigned int)len), len, &msg->msg_iter);
	uh.sport = inet->inet_num;
	uh.dport = ntohs(dport);
	ph.saddr = ntohl(tx.saddr);
	ph.daddr = ntohl(tx.daddr);
	payload = skb->data;
	udp_emit(&uh, &ph, payload, len, skb_push(skb, UDP_HLEN), UDP_HLEN);
	skb_reset_transport_header(skb);
	err = ip_send_skb(net, skb, &tx, &rt);
	if (!err)
		err = (int)len;
out:
	release_sock(sk);
	return err;
}

/* ---- receive to the caller ---------------------------------------------- */

static void udp_cmsg_recv(struct sock *sk, struct kmsghdr *msg,
			  const struct sk_buff *skb)
{
	const struct inet_skb_parm *cb = IPCB(skb);
	unsigned int flags = inet_sk(sk)->cmsg_flags;

	if (sock_flag(sk, SOCK_RXQ_OVFL) && cb->dropcount)
		put_cmsg(msg, SOL_SOCKET, SO_RXQ_OVFL, sizeof(cb->dropcount),
			 &cb->dropcount);
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

/* Linux's ip_recv_error(): the oldest entry of the error queue; never
 * waits. */
static int udp_recv_error(struct sock *sk, struct kmsghdr *msg, size_t len)
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

static int udp_recvmsg(struct sock *sk, struct kmsghdr *msg, size_t len,
		       int flags)
{
	struct sk_buff *skb;
	unsigned int ulen;
	int err, off;
	size_t copied;

	lock_sock(sk);
	if (flags & MSG_ERRQUEUE) {
		err = udp_recv_error(sk, msg, len);
		goto out;
	}
	skb = skb_recv_datagram(sk, flags, &off, &err);
	if (!skb)
		goto out;
	ulen = skb->len;
	copied = len;
	if (copied > ulen - (unsigned int)off)
		copied = ulen - (unsigned int)off;
	else if (copied < ulen)
		msg->msg_flags |= MSG_TRUNC;
	copy_to_iter(skb->data + off, copied, &msg->msg_iter);
	if (msg->msg_name) {
		struct sockaddr_in *sin = msg->msg_name;

		memset(sin, 0, sizeof(*sin));
		sin->sin_family = AF_INET;
		sin->sin_port = IPCB(skb)->sport;
		sin->sin_addr.s_addr = IPCB(skb)->saddr;
		msg->msg_namelen = sizeof(*sin);
	}
	udp_cmsg_recv(sk, msg, skb);
	err = (flags & MSG_TRUNC) ? (int)ulen : (int)copied;
	if (!(flags & MSG_PEEK)) {
		if (sk->sk_peek_off >= 0)
			sk->sk_peek_off =
				max_t(int, sk->sk_peek_off - (int)ulen, 0);
		kfree_skb(skb);
	} else if (sk->sk_peek_off >= 0) {
		sk->sk_peek_off += (int)copied;
	}
out:
	release_sock(sk);
	return err;
}

/* ---- poll, ioctl, options ------------------------------------------------ */

/* Linux's datagram_poll(). */
__poll_t udp_poll(struct file *file, struct socket *sock, poll_table *wait)
{
	struct sock *sk = sock->sk;
	__poll_t mask = 0;

	poll_wait(file, &sock->wq, wait);
	lock_sock(sk);
	if (sk->sk_err || !skb_queue_empty(&sk->sk_error_queue))
		mask |= EPOLLERR |
			(sock_flag(sk, SOCK_SELECT_ERR_QUEUE) ? EPOLLPRI : 0);
	if (sk->sk_shutdown & RCV_SHUTDOWN)
		mask |= EPOLLRDHUP | EPOLLIN | EPOLLRDNORM;
	if (sk->sk_shutdown == SHUTDOWN_MASK)
		mask |= EPOLLHUP;
	if (!skb_queue_empty(&sk->sk_receive_queue))
		mask |= EPOLLIN | EPOLLRDNORM;
	if (sock_writeable(sk))
		mask |= EPOLLOUT | EPOLLWRNORM | EPOLLWRBAND;
	release_sock(sk);
	return mask;
}

static int udp_ioctl(struct sock *sk, unsigned int cmd, unsigned long arg)
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

static int udp_setsockopt(struct sock *sk, int level, int optname,
			  const void *optval, unsigned int optlen)
{
	if (level == SOL_UDP)
		return -ENOPROTOOPT;
	return ip_setsockopt(sk, level, optname, optval, optlen);
}

static int udp_getsockopt(struct sock *sk, int level, int optname, void *optval,
			  int *optlen)
{
	if (level == SOL_UDP)
		return -ENOPROTOOPT;
	return ip_getsockopt(sk, level, optname, optval, optlen);
}

struct proto udp_prot = {
	.name = "UDP",
	.obj_size = sizeof(struct inet_sock),
	.close = udp_close,
	.connect = udp_connect,
	.disconnect = udp_disconnect,
	.sendmsg = udp_sendmsg,
	.recvmsg = udp_recvmsg,
	.get_port = udp_get_port,
	.unhash = udp_unhash,
	.setsockopt = udp_setsockopt,
	.getsockopt = udp_getsockopt,
	.ioctl = udp_ioctl,
};
