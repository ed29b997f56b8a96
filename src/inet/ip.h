/*
 * ip.h - IPv4 input and output, ICMP, and the per-packet control block.
 */
#ifndef USNET_INET_IP_H
#define USNET_INET_IP_H

#include <netinet/in.h>
#include <stdint.h>
#include <linux/errqueue.h>

#include "core/netdevice.h"
#include "inet/inet_sock.h"
#include "inet/route.h"

/* What ip_rcv() learned of a packet, kept in skb->cb (Linux's IPCB). */
struct inet_skb_parm {
	uint32_t saddr; /* network order */
	uint32_t daddr;
	int iif; /* ifindex it came in on */
	uint8_t ttl;
	uint8_t tos;
	uint8_t protocol;
	uint16_t sport; /* transport ports, network order */
	uint16_t dport;
	uint32_t dropcount; /* the socket's drops when queued */
};

#define IPCB(skb) ((struct inet_skb_parm *)(skb)->cb)

/* A transport protocol's receive and error handlers (Linux's net_protocol). */
struct net_protocol {
	/* @skb's data is the transport header; consumes @skb.  Lock held. */
	void (*handler)(struct net *net, struct sk_buff *skb);
	/* An ICMP error quoting a packet of this protocol. */
	void (*err_handler)(struct net *net, const void *icmp_info,
			    struct sk_buff *skb);
};

void ip_init(void);
void icmp_init(void);
void udp_init(void);
void inet_add_protocol(const struct net_protocol *prot, uint8_t protocol);
const struct net_protocol *icmp_protocol(uint8_t protocol);

/* How a packet is to go out (Linux's ipcm_cookie and flowi4). */
struct ip_tx {
	uint32_t saddr;
	uint32_t daddr;
	uint8_t protocol;
	uint8_t ttl;
	uint8_t tos;
	bool df;      /* set DF on what fits */
	bool no_frag; /* refuse what does not fit (IP_PMTUDISC_DO) */
};

/*
 * Push an IPv4 header on @skb (its data is the transport header) and send
 * it by @rt; consumes @skb.  Lock held.  Returns 0 or a negative errno
 * (the packet was dropped and counted).
 */
int ip_send_skb(struct net *net, struct sk_buff *skb, const struct ip_tx *tx,
		const struct rtable *rt);

/* Fragments (ip_fragment.c): reassemble one for this host (its data at the
 * payload) into the whole datagram, or NULL while it is incomplete (the
 * fragment is kept, or dropped and counted); lock held. */
struct ipv4_hdr_info;
struct sk_buff *ip_defrag(struct net *net, struct sk_buff *skb,
			  const struct ipv4_hdr_info *h);
/* Send @skb (data at its IPv4 header) in fragments of at most @mtu on
 * @dev; consumes it. */
int ip_fragment(struct net *net, struct sk_buff *skb, unsigned int mtu,
		struct net_device *dev);
void ip_frag_net_exit(struct net *net);

/* ---- shared by the datagram protocols (UDP, raw, ping) ----------------- */

/* What an error-queue skb carries in its cb (Linux's sock_exterr_skb). */
struct sock_exterr_skb {
	struct sock_extended_err ee;
	struct sockaddr_in offender; /* family 0 for a local error */
	uint32_t addr;		     /* the original destination */
	uint16_t port;		     /* and port, network order */
};

#define SKB_EXT_ERR(skb) ((struct sock_exterr_skb *)(skb)->cb)

struct kmsghdr;
struct icmp_hdr_info;

/*
 * Linux's ip_cmsg_send() for the messages the datagram protocols take:
 * IP_TTL, IP_TOS and IP_PKTINFO at SOL_IP (SOL_SOCKET ones are the socket
 * layer's).  Fills @tx and *@oif; -EINVAL for a malformed or unknown one.
 */
int ip_cmsg_send(const struct kmsghdr *msg, struct ip_tx *tx, int *oif);
/*
 * A datagram send of @sk (UDP, raw, ping), once tx->daddr is known: the
 * socket's source, TTL, TOS and fragmentation choice, then @msg's control
 * messages, into @tx and *@oif.
 */
int ip_dgram_tx_init(struct sock *sk, const struct kmsghdr *msg,
		     struct ip_tx *tx, int *oif);
/* ... and its route: EACCES to a broadcast address without SO_BROADCAST;
 * INADDR_ANY means this host (Linux sends it to the loopback). */
int ip_dgram_route(struct sock *sk, struct ip_tx *tx, int oif,
		   struct rtable *rt);
/* Linux's ip_cmsg_recv(): the SOL_IP messages @sk asked for (IP_PKTINFO,
 * IP_RECVTTL, IP_RECVTOS) about @skb. */
void ip_cmsg_recv(struct sock *sk, struct kmsghdr *msg,
		  const struct sk_buff *skb);
/*
 * Linux's ip_icmp_error(): queue the ICMP error @icmp (data at its ICMP
 * header, parsed into @ih) on @sk's error queue with errno @err, reporting
 * the quoted destination and @port (network order); the queued data is
 * the quote from @payload (inside @icmp) to its end.  Nothing is queued
 * when the receive buffer is full.  Lock held.
 */
void ip_icmp_error(struct sock *sk, const struct sk_buff *icmp,
		   const struct icmp_hdr_info *ih, int err, uint16_t port,
		   const uint8_t *payload);
/* Linux's ip_local_error(): an error found before the packet left (with
 * IP_RECVERR only), e.g. EMSGSIZE with the MTU as @info. */
void ip_local_error(struct sock *sk, int err, uint32_t daddr, uint16_t port,
		    uint32_t info);
/* Linux's ip_recv_error(): recvmsg(MSG_ERRQUEUE), the oldest entry of the
 * error queue; never waits (-EAGAIN). */
int ip_recv_error(struct sock *sk, struct kmsghdr *msg, size_t len);

/*
 * Linux's ip4_datagram_connect() (datagram.c): route to the peer, choose
 * the source address, record the peer and go TCP_ESTABLISHED.  Lock
 * held, socket bound.
 */
int ip4_datagram_connect(struct sock *sk, struct sockaddr *uaddr, int len);
/* The ioctls of a datagram sock (UDP, raw): SIOCOUTQ, the bytes not yet
 * sent; SIOCINQ, the size of the next datagram. */
int ip_dgram_ioctl(struct sock *sk, unsigned int cmd, unsigned long arg);

/* ICMP (icmp.c). */
/* A new namespace's rate-limit state (netns_ipv4). */
void icmp_net_init(struct net *net);
void icmp_send(struct net *net, struct sk_buff *skb_in, uint8_t type,
	       uint8_t code, uint32_t info);

/* The RFC 1122 meaning of an ICMP error for a socket (Linux's
 * icmp_err_convert): *errp gets the errno, the result says whether it is
 * fatal (a hard error). */
bool icmp_err_convert(uint8_t type, uint8_t code, int *errp);

#endif
