/*
 * ping.h - ICMP echo ("ping") sockets (Linux's net/ipv4/ping.c):
 * SOCK_DGRAM with IPPROTO_ICMP, for the groups in ipv4.ping_group_range.
 *
 * A ping socket sends echo requests whose identifier the stack sets to
 * the socket's "port", and receives the echo replies carrying that
 * identifier, without IPv4 header, and the ICMP errors quoting its
 * requests.
 */
#ifndef USNET_INET_PING_H
#define USNET_INET_PING_H

#include "inet/inet_sock.h"

struct icmp_hdr_info;

extern struct proto ping_prot;
extern const struct proto_ops inet_ping_ops;

/**
 * ping_rcv - an echo reply arrived
 * @net: the namespace
 * @skb: the reply, data at its ICMP header, IPCB set; not consumed
 * @ih: its parsed header
 *
 * The ping socket whose identifier the reply carries gets a copy (Linux's
 * ping_rcv()).  Lock held.
 *
 * Return: whether a socket took it.
 */
bool ping_rcv(struct net *net, const struct sk_buff *skb,
	      const struct icmp_hdr_info *ih);

/* An ICMP error quoting an ICMP message (icmp's err_handler, Linux's
 * icmp_err() -> ping_err()): for the ping socket that sent the quoted
 * echo request.  @info is the struct icmp_hdr_info of @icmp.  Lock held. */
void ping_err(struct net *net, const void *info, struct sk_buff *icmp);

#endif
