/*
 * hosts.h - what the unit tests that build several hosts in one process
 * share: two namespaces, a and b, joined by a link and set up with
 * usnet_ip(), and small helpers around them.  The helpers assert
 * (Criterion), so call them from the test's own thread.  Addresses come
 * from 198.18.0.0/15, as the project's rules ask, though nothing here
 * leaves the process.
 */
#ifndef USNET_TESTS_UNIT_HOSTS_H
#define USNET_TESTS_UNIT_HOSTS_H

#include <netinet/in.h>
#include <stdbool.h>
#include <stdint.h>
#include <linux/errqueue.h>

#include <usnet/usnet.h>

#define MS  1000000LL
#define SEC 1000000000LL

/* The two hosts of two_hosts(), NULL when there are none. */
extern struct usnet_net *ns_a, *ns_b;

/* a (198.18.0.1/24) and b (198.18.0.2/24), each on its eth0, up, joined
 * by a link with @p (NULL: a perfect one). */
void two_hosts(const struct usnet_link_params *p);
/* Close every descriptor, destroy a and b, and fail the test if any
 * socket, sock, skb or file is left alive. */
void hosts_teardown(void);
/* The same after three hours of virtual time, in which every TCP orphan
 * ends (retransmissions give up, TIME_WAIT and FIN_WAIT2 run out). */
void hosts_teardown_tcp(void);
/* A test's .init: the virtual clock, from 1 s.  Not from 0: a segment
 * sent at time 0 reads as never sent (tcp_skb_cb.sent 0) and gives no RTT
 * sample, which would leave the RTO at its initial 1 s instead of the
 * 200 ms floor. */
void hosts_virtual_clock(void);

/* usnet_ip(@net, @cmd), asserting success. */
void ip(struct usnet_net *net, const char *cmd);
/* The address @addr:@port. */
struct sockaddr_in sin_of(const char *addr, uint16_t port);
/* A new socket in @net (@type may carry SOCK_NONBLOCK). */
int socket_in(struct usnet_net *net, int type, int protocol);
/* A (blocking) UDP socket in @net bound to @addr:@port. */
int udp_in(struct usnet_net *net, const char *addr, uint16_t port);
/* A non-blocking TCP listener on b:80. */
int tcp_listener_b(void);
/* Connect @c (a TCP socket of a) to b:80 and return the connection
 * accepted from @l (non-blocking), running the virtual clock a
 * millisecond at a time until the handshake is done. */
int tcp_accept_from(int l, int c);
/* The next entry of @s's error queue (an IP_RECVERR one) into *@ee;
 * false when it is empty. */
bool errqueue_next(int s, struct sock_extended_err *ee);
/* Read @s's error queue empty; each entry must be an ICMP error of
 * @type and @code.  Returns how many there were.  (Each read also clears
 * the socket error the entry left, so that the next send goes.) */
int icmp_errors_queued(int s, int type, int code);
/* A counter of usnet_stat_get() ("drop.NO_SOCKET", ...). */
unsigned long stat_of(struct usnet_net *net, const char *name);
/* Run the virtual clock up to @t (absolute, ns). */
void advance_to(int64_t t);

#endif
