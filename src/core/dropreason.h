/*
 * dropreason.h - why a packet died.
 *
 * Every packet the stack throws away goes through kfree_skb_reason() with
 * one of these, and each namespace counts them, so that a test can assert
 * not only that a hostile packet was dropped but why (Linux's enum
 * skb_drop_reason; the names are Linux's where Linux has one).
 */
#ifndef USNET_CORE_DROPREASON_H
#define USNET_CORE_DROPREASON_H

#define SKB_DROP_REASONS(X)                                                  \
	/* not dropped: the skb was consumed normally */                     \
	X(NOT_DROPPED_YET)                                                   \
	/* no more precise reason */                                         \
	X(NOT_SPECIFIED)                                                     \
	/* shorter than the header it must hold */                           \
	X(PKT_TOO_SMALL)                                                     \
	/* Ethernet frame for another host */                                \
	X(OTHERHOST)                                                         \
	/* ethertype nobody handles */                                       \
	X(UNHANDLED_PROTO)                                                   \
	/* the device is down */                                             \
	X(DEV_READY)                                                         \
	/* IPv4 header invalid: version, IHL, total length */                \
	X(IP_INHDR)                                                          \
	/* IPv4 header checksum wrong */                                     \
	X(IP_CSUM)                                                           \
	/* IPv4 packet for another host, and forwarding is off */            \
	X(IP_NOT_FORWARDING)                                                 \
	/* IPv4 protocol with no handler */                                  \
	X(IP_NOPROTO)                                                        \
	/* no route to send it on */                                         \
	X(IP_OUTNOROUTES)                                                    \
	/* TTL reached zero on the way */                                    \
	X(IP_TTL_EXPIRED)                                                    \
	/* a fragment that cannot be reassembled (overlap, too big, old) */  \
	X(IP_FRAG)                                                           \
	/* UDP header or length invalid */                                   \
	X(UDP_INHDR)                                                         \
	/* UDP checksum wrong */                                             \
	X(UDP_CSUM)                                                          \
	/* no socket for this port */                                        \
	X(NO_SOCKET)                                                         \
	/* the socket's receive buffer is full */                            \
	X(SOCKET_RCVBUFF)                                                    \
	/* ICMP message invalid or not for us */                             \
	X(ICMP_CSUM)                                                         \
	X(ICMP_INHDR)                                                        \
	/* TCP header, options or checksum invalid */                        \
	X(TCP_INHDR)                                                         \
	X(TCP_CSUM)                                                          \
	/* an old duplicate by its timestamp (RFC 7323 PAWS) */              \
	X(TCP_RFC7323_PAWS)                                                  \
	/* out of memory on the way */                                       \
	X(NOMEM)                                                             \
	/* the device's transmit queue is full (link fault injection too) */ \
	X(DEV_QUEUE)

enum skb_drop_reason {
#define DROP_ENUM(n) SKB_DROP_REASON_##n,
	SKB_DROP_REASONS(DROP_ENUM)
#undef DROP_ENUM
	SKB_DROP_REASON_MAX
};

/* "NO_SOCKET" for SKB_DROP_REASON_NO_SOCKET. */
const char *drop_reason_name(enum skb_drop_reason reason);

#endif
