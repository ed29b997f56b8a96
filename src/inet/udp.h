/*
 * udp.h - UDP sockets (Linux's net/ipv4/udp.c).
 */
#ifndef USNET_INET_UDP_H
#define USNET_INET_UDP_H

#include "inet/inet_sock.h"

extern struct proto udp_prot;
extern const struct proto_ops inet_dgram_ops;

int udp_net_init(struct net *net);
void udp_net_exit(struct net *net);
__poll_t udp_poll(struct file *file, struct socket *sock, poll_table *wait);
int inet_autobind(struct sock *sk);
/* Linux's __udp_disconnect(): forget the peer, and the address and port
 * that were not bound explicitly (the port through sk_prot->unhash); also
 * raw and ping sockets' disconnect.  Lock held. */
int udp_disconnect(struct sock *sk, int flags);

#endif
