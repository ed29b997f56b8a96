/*
 * netns_ipv4.h - what a namespace holds for IPv4 (Linux's netns_ipv4).
 */
#ifndef USNET_INET_NETNS_IPV4_H
#define USNET_INET_NETNS_IPV4_H

#include <netinet/in.h>
#include <stdint.h>

#include "core/net.h"

struct udp_table;
struct tcp_table;

/* A destination's ICMP token bucket (Linux's inet_peer rate_tokens and
 * rate_last), in ns; daddr 0 is a free slot. */
struct icmp_peer {
	uint32_t daddr;
	int64_t tokens;
	int64_t last;
};

/* The destinations remembered: a set-associative table, the least recent
 * of a set giving way (Linux's inetpeer cache forgets under pressure
 * too; a destination idle for six ICMP intervals is as good as new). */
#define ICMP_PEER_SET_BITS 6
#define ICMP_PEER_SETS	   (1 << ICMP_PEER_SET_BITS)
#define ICMP_PEER_WAYS	   4

struct netns_ipv4 {
	struct list_head routes; /* struct fib_route, longest first */
	struct udp_table *udp;
	struct list_head raw_socks;  /* raw sockets, newest first (raw.c) */
	struct list_head ping_socks; /* ping sockets with an identifier */
	uint16_t ping_port_rover;    /* the identifier chosen last */
	struct tcp_table *tcp;
	struct list_head frags; /* reassembly queues (ip_fragment.c) */
	unsigned int frag_mem;	/* bytes they hold */
	uint16_t ip_id;		/* next IPv4 identification */
	/* ICMP rate limits (icmp.c): the namespace's token bucket, and the
	 * destinations' */
	int icmp_global_credit;
	int64_t icmp_global_stamp;
	uint32_t icmp_peer_key; /* keys the set of a destination */
	struct icmp_peer icmp_peers[ICMP_PEER_SETS * ICMP_PEER_WAYS];
	/* sysctls (net.ipv4.*), set with usnet_sysctl_set("ipv4.NAME") */
	int sysctl_ip_local_port_range[2];
	int sysctl_ping_group_range[2];
};

static inline struct netns_ipv4 *net_ipv4(struct net *net)
{
	return net->ipv4;
}

int inet_net_init(struct net *net);
void inet_net_exit(struct net *net);

#endif
