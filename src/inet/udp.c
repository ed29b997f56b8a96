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

	err = udp_parse(skb->data, skb->len,
			skb_csum_unnecessary(skb) ? NULL : &ph, &uh);
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
		ip_icmp_error(sk, icmp, ih, err, htons(ih->quote_dport),
			      icmp->data + ICMP_HLEN + ih->quote.hdr_len +
				      UDP_HLEN);
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

/* Linux's __udp_disconnect(): forget the peer, and whatever address and
 * port were chosen automatically. */
int udp_disconnect(struct sock *sk, int flags)
{
	struct inet_sock *inet = inet_sk(sk);

	sk->sk_state = TCP_CLOSE;
	inet->inet_daddr = 0;
	inet->inet_dport = 0;
	if (!(sk->sk_userlocks & SOCK_BINDADDR_LOCK))
		inet->inet_saddr = inet->inet_rcv_saddr = 0;
	if (!(sk->sk_userlocks & SOCK_BINDPORT_LOCK)) {
		sk->sk_prot->unhash(sk);
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
	err = ip_dgram_tx_init(sk, msg, &tx, &oif);
	if (err)
		goto out;
	err = ip_dgram_route(sk, &tx, oif, &rt);
	if (err)
		goto out;
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
	udp_emit(&uh, ip_csum_ph(skb, &rt, &ph, UDP_HLEN + len), payload, len,
		 skb_push(skb, UDP_HLEN), UDP_HLEN);
	skb_reset_transport_header(skb);
	err = ip_send_skb(net, skb, &tx, &rt);
	if (!err)
		err = (int)len;
out:
	release_sock(sk);
	return err;
}

/* ---- receive to the caller ---------------------------------------------- */

/* Linux's sock_recv_cmsgs() (the part usnet has), then ip_cmsg_recv(). */
static void udp_cmsg_recv(struct sock *sk, struct kmsghdr *msg,
			  const struct sk_buff *skb)
{
	const struct inet_skb_parm *cb = IPCB(skb);

	if (sock_flag(sk, SOCK_RXQ_OVFL) && cb->dropcount)
		put_cmsg(msg, SOL_SOCKET, SO_RXQ_OVFL, sizeof(cb->dropcount),
			 &cb->dropcount);
	ip_cmsg_recv(sk, msg, skb);
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
		err = ip_recv_error(sk, msg, len);
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
	.connect = ip4_datagram_connect,
	.disconnect = udp_disconnect,
	.sendmsg = udp_sendmsg,
	.recvmsg = udp_recvmsg,
	.get_port = udp_get_port,
	.unhash = udp_unhash,
	.setsockopt = udp_setsockopt,
	.getsockopt = udp_getsockopt,
	.ioctl = ip_dgram_ioctl,
};
