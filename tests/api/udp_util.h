/*
 * udp_util.h - helpers of the UDP tests; udp_util.c says what each does.
 */
#ifndef USNET_TESTS_API_UDP_UTIL_H
#define USNET_TESTS_API_UDP_UTIL_H

#include "api.h"

#include <arpa/inet.h>
#include <linux/errqueue.h>
#include <netinet/in.h>

#define WAIT_MS 2000  /* upper bound on waiting for loopback delivery */
#define UDP_MAX 65507 /* 65535 - 20 (IP header) - 8 (UDP header) */

int udp_socket(void);
int udp_bound(const char *ip, struct sockaddr_in *name);
int udp_bound_explicit(const char *ip, struct sockaddr_in *name);
int bind_err(int fd, const char *ip, uint16_t port);
int set_int(int fd, int level, int name, int v);
void send_to(int fd, const void *buf, size_t len, const struct sockaddr_in *to);
short wait_events(int fd, short events, int ms);
void wait_readable(int fd);
void wait_error(int fd);
void set_rcvtimeo(int fd, int ms);
ssize_t recv_wait(int fd, void *buf, size_t len, int flags);
uint16_t closed_port(void);
struct cmsghdr *find_cmsg(struct msghdr *m, int level, int type);
int count_dontwait(int fd);
void collect(const int *fds, int n, int *counts, int want);

#endif
