/*
 * sock_no.c - the errno of every operation a family does not have.
 */
#include "socket/sock_no.h"

int sock_no_bind(struct socket *sock, struct sockaddr *addr, int len)
{
	return -EOPNOTSUPP;
}

int sock_no_connect(struct socket *sock, struct sockaddr *addr, int len,
		    int flags)
{
	return -EOPNOTSUPP;
}

int sock_no_socketpair(struct socket *a, struct socket *b)
{
	return -EOPNOTSUPP;
}

int sock_no_accept(struct socket *sock, struct socket *newsock, int flags)
{
	return -EOPNOTSUPP;
}

int sock_no_getname(struct socket *sock, struct sockaddr *addr, int peer)
{
	return -EOPNOTSUPP;
}

int sock_no_ioctl(struct socket *sock, unsigned int cmd, unsigned long arg)
{
	return -EOPNOTSUPP;
}

int sock_no_listen(struct socket *sock, int backlog)
{
	return -EOPNOTSUPP;
}

int sock_no_shutdown(struct socket *sock, int how)
{
	return -EOPNOTSUPP;
}

int sock_no_sendmsg(struct socket *sock, struct kmsghdr *m, size_t len)
{
	return -EOPNOTSUPP;
}

int sock_no_recvmsg(struct socket *sock, struct kmsghdr *m, size_t len,
		    int flags)
{
	return -EOPNOTSUPP;
}

int sock_no_set_peek_off(struct sock *sk, int val)
{
	return -EOPNOTSUPP;
}

int sock_no_getsockopt(struct socket *sock, int level, int optname,
		       void *optval, int *optlen)
{
	return -EOPNOTSUPP;
}

int sock_no_setsockopt(struct socket *sock, int level, int optname,
		       const void *optval, unsigned int optlen)
{
	return -EOPNOTSUPP;
}
