/*
 * raw.h - raw IPv4 sockets (Linux's net/ipv4/raw.c): SOCK_RAW of any
 * protocol but 0, CAP_NET_RAW only.
 *
 * A raw socket's "port" (inet_num) is its protocol.  It sends that
 * protocol's payload under an IPv4 header the stack writes, or, with
 * IP_HDRINCL (the default for IPPROTO_RAW), whole datagrams; it receives
 * a copy of every datagram of its protocol that reaches this host, IPv4
 * header included, and of every ICMP error quoting one.
 */
#ifndef USNET_INET_RAW_H
#define USNET_INET_RAW_H

#include "inet/inet_sock.h"

struct icmp_hdr_info;

extern struct proto raw_prot;
extern const struct proto_ops inet_sockraw_ops;

/**
 * raw_local_deliver - give raw sockets their copies of an arriving datagram
 * @net: the namespace
 * @skb: a datagram for this host, data at its transport header, IPCB set;
 *       not consumed
 *
 * Every raw socket of the datagram's protocol whose bound address,
 * connected peer and device match gets a copy, unless its receive buffer
 * is full or (ICMP) its ICMP_FILTER drops the type (Linux's
 * raw_local_deliver(), called before the transport protocol).  Lock held.
 *
 * Return: whether some socket matched (then the lack of a transport is not
 * a protocol unreachable), filtered copies included.
 */
bool raw_local_deliver(struct net *net, struct sk_buff *skb);

/**
 * raw_icmp_error - pass an ICMP error to the raw sockets it concerns
 * @net: the namespace
 * @icmp: the error, data at its ICMP header, IPCB set; not consumed
 * @ih: what icmp_parse() said of it, the quote included
 *
 * Raw sockets of the quoted protocol that could have sent the quoted
 * datagram get a socket error or an error-queue entry, with Linux's rules
 * (raw_icmp_error()).  Lock held.
 */
void raw_icmp_error(struct net *net, const struct sk_buff *icmp,
		    const struct icmp_hdr_info *ih);

/*
 * Linux's sock_queue_rcv_skb(): charge @skb to @sk and queue it, or
 * -ENOMEM when the receive buffer is already full (the drop is counted in
 * sk_drops and the skb left to the caller).  It belongs to core/sock.c;
 * it sits here while only raw and ping sockets use it.  Lock held.
 */
int sock_queue_rcv_skb(struct sock *sk, struct sk_buff *skb);

/*
 * proto_ops calls that pass straight to sk->sk_prot, as Linux's
 * inet_sendmsg(), inet_recvmsg() and sock_common_{set,get}sockopt(), for
 * the raw and ping ops tables.
 */
int inet_sockraw_sendmsg(struct socket *sock, struct kmsghdr *msg, size_t len);
int inet_sockraw_recvmsg(struct socket *sock, struct kmsghdr *msg, size_t len,
			 int flags);
int inet_sockraw_setsockopt(struct socket *sock, int level, int optname,
			    const void *optval, unsigned int optlen);
int inet_sockraw_getsockopt(struct socket *sock, int level, int optname,
			    void *optval, int *optlen);

#endif
