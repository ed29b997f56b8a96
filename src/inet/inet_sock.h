/*
 * inet_sock.h - the IPv4 part of a socket (Linux's struct inet_sock).
 *
 * Addresses and ports are kept in network order, as Linux keeps them, so
 * that they go into headers and sockaddrs unchanged; inet_num is the local
 * port in host order (0: not bound).
 */
#ifndef USNET_INET_INET_SOCK_H
#define USNET_INET_INET_SOCK_H

#include <netinet/in.h>

#include "core/sock.h"
#include "socket/socket.h"

/* inet->cmsg_flags: what recvmsg reports (IP_PKTINFO, IP_RECVTTL, ...). */
#define IP_CMSG_PKTINFO (1u << 0)
#define IP_CMSG_TTL	(1u << 1)
#define IP_CMSG_TOS	(1u << 2)

struct inet_sock {
	struct sock sk;
	uint32_t inet_saddr;	 /* source of what we send */
	uint32_t inet_rcv_saddr; /* the bound address */
	uint32_t inet_daddr;	 /* the connected peer */
	uint16_t inet_sport;	 /* network order */
	uint16_t inet_dport;	 /* network order */
	uint16_t inet_num;	 /* local port, host order */
	int uc_ttl;		 /* IP_TTL, -1: the sysctl */
	uint8_t mc_ttl;		 /* IP_MULTICAST_TTL */
	bool mc_loop;		 /* IP_MULTICAST_LOOP */
	uint8_t tos;		 /* IP_TOS */
	uint8_t pmtudisc;	 /* IP_MTU_DISCOVER */
	unsigned int cmsg_flags;
	bool recverr;	  /* IP_RECVERR */
	bool hdrincl;	  /* IP_HDRINCL */
	bool freebind;	  /* IP_FREEBIND */
	bool transparent; /* IP_TRANSPARENT */
	bool bind_address_no_port;
	struct list_head bind_node; /* in the protocol's port table */
};

static inline struct inet_sock *inet_sk(const struct sock *sk)
{
	return (struct inet_sock *)sk;
}

/* Whether bind() may take an address that is not local (Linux's
 * inet_addr_valid_or_nonlocal(), less the ip_nonlocal_bind sysctl). */
static inline bool inet_nonlocal_ok(const struct inet_sock *inet)
{
	return inet->freebind || inet->transparent;
}

/* af_inet.c */
void inet_init(void);
int inet_release(struct socket *sock);
int inet_getname(struct socket *sock, struct sockaddr *uaddr, int peer);
int inet_bind(struct socket *sock, struct sockaddr *uaddr, int len);
int inet_dgram_connect(struct socket *sock, struct sockaddr *uaddr, int len,
		       int flags);
int inet_shutdown(struct socket *sock, int how);
int inet_ioctl(struct socket *sock, unsigned int cmd, unsigned long arg);
/* Check a sockaddr_in from a caller: -EINVAL for a short one,
 * -EAFNOSUPPORT for another family (bind and connect differ; see
 * af_inet.c). */
int inet_addr_valid(const struct sockaddr *uaddr, int len);

/* ip_sockglue.c: SOL_IP options. */
int ip_setsockopt(struct sock *sk, int level, int optname, const void *optval,
		  unsigned int optlen);
int ip_getsockopt(struct sock *sk, int level, int optname, void *optval,
		  int *optlen);

/* The TTL a socket's packets get (IP_TTL, else net.ipv4.ip_default_ttl). */
int ip_select_ttl(const struct inet_sock *inet);

#endif
