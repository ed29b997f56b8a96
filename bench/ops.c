/*
 * ops.c - the two targets of usnet-bench: the Linux kernel through libc,
 * and usnet.
 *
 * The libc calls go through small wrappers because glibc declares some of
 * them with transparent unions (__SOCKADDR_ARG) under _GNU_SOURCE, which
 * do not convert to plain function pointers.
 */
#include <sys/socket.h>
#include <unistd.h>

#include <usnet/usnet.h>

#include "bench.h"

static int k_socket(int domain, int type, int protocol)
{
	return socket(domain, type, protocol);
}

static int k_socketpair(int domain, int type, int protocol, int sv[2])
{
	return socketpair(domain, type, protocol, sv);
}

static int k_bind(int fd, const struct sockaddr *addr, socklen_t len)
{
	return bind(fd, addr, len);
}

static int k_listen(int fd, int backlog)
{
	return listen(fd, backlog);
}

static int k_accept(int fd, struct sockaddr *addr, socklen_t *len)
{
	return accept(fd, addr, len);
}

static int k_connect(int fd, const struct sockaddr *addr, socklen_t len)
{
	return connect(fd, addr, len);
}

static int k_shutdown(int fd, int how)
{
	return shutdown(fd, how);
}

static int k_setsockopt(int fd, int level, int name, const void *val,
			socklen_t len)
{
	return setsockopt(fd, level, name, val, len);
}

static int k_getsockname(int fd, struct sockaddr *addr, socklen_t *len)
{
	return getsockname(fd, addr, len);
}

static int k_getsockopt(int fd, int level, int name, void *val, socklen_t *len)
{
	return getsockopt(fd, level, name, val, len);
}

static ssize_t k_read(int fd, void *buf, size_t len)
{
	return read(fd, buf, len);
}

static ssize_t k_write(int fd, const void *buf, size_t len)
{
	return write(fd, buf, len);
}

static ssize_t k_send(int fd, const void *buf, size_t len, int flags)
{
	return send(fd, buf, len, flags);
}

static ssize_t k_recv(int fd, void *buf, size_t len, int flags)
{
	return recv(fd, buf, len, flags);
}

static ssize_t k_sendto(int fd, const void *buf, size_t len, int flags,
			const struct sockaddr *addr, socklen_t alen)
{
	return sendto(fd, buf, len, flags, addr, alen);
}

static ssize_t k_recvfrom(int fd, void *buf, size_t len, int flags,
			  struct sockaddr *addr, socklen_t *alen)
{
	return recvfrom(fd, buf, len, flags, addr, alen);
}

static int k_close(int fd)
{
	return close(fd);
}

const struct bench_ops bench_kernel_ops = {
	.name = "kernel",
	.socket = k_socket,
	.socketpair = k_socketpair,
	.bind = k_bind,
	.listen = k_listen,
	.accept = k_accept,
	.connect = k_connect,
	.shutdown = k_shutdown,
	.setsockopt = k_setsockopt,
	.getsockopt = k_getsockopt,
	.getsockname = k_getsockname,
	.read = k_read,
	.write = k_write,
	.send = k_send,
	.recv = k_recv,
	.sendto = k_sendto,
	.recvfrom = k_recvfrom,
	.close = k_close,
};

const struct bench_ops bench_usnet_ops = {
	.name = "usnet",
	.socket = usnet_socket,
	.socketpair = usnet_socketpair,
	.bind = usnet_bind,
	.listen = usnet_listen,
	.accept = usnet_accept,
	.connect = usnet_connect,
	.shutdown = usnet_shutdown,
	.setsockopt = usnet_setsockopt,
	.getsockopt = usnet_getsockopt,
	.getsockname = usnet_getsockname,
	.read = usnet_read,
	.write = usnet_write,
	.send = usnet_send,
	.recv = usnet_recv,
	.sendto = usnet_sendto,
	.recvfrom = usnet_recvfrom,
	.close = usnet_close,
};
