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
