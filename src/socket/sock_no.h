/*
 * sock_no.h - proto_ops entries for operations a family does not support,
 * each returning the errno Linux returns (net/core/sock.c).
 */
#ifndef USNET_SOCKET_SOCK_NO_H
#define USNET_SOCKET_SOCK_NO_H

#include "socket/socket.h"

int sock_no_bind(struct socket *sock, struct sockaddr *addr, int len);
int sock_no_connect(struct socket *sock, struct sockaddr *addr, int len,
		    int flags);
int sock_no_socketpair(struct socket *a, struct socket *b);
int sock_no_accept(struct socket *sock, struct socket *newsock, int flags);
int sock_no_getname(struct socket *sock, struct sockaddr *addr, int peer);
int sock_no_ioctl(struct socket *sock, unsigned int cmd, unsigned long arg);
int sock_no_listen(struct socket *sock, int backlog);
int sock_no_shutdown(struct socket *sock, int how);
int sock_no_sendmsg(struct socket *sock, struct kmsghdr *m, size_t len);
int sock_no_recvmsg(struct socket *sock, struct kmsghdr *m, size_t len,
		    int flags);
int sock_no_set_peek_off(struct sock *sk, int val);
int sock_no_getsockopt(struct socket *sock, int level, int optname,
		       void *optval, int *optlen);
int sock_no_setsockopt(struct socket *sock, int level, int optname,
		       const void *optval, unsigned int optlen);

#endif
