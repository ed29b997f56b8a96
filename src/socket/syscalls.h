/*
 * syscalls.h - the socket system calls, kernel style.
 *
 * Each takes the descriptor table it acts on and returns a value or a
 * negative errno; api.c turns them into the POSIX-style usnet_* calls.
 */
#ifndef USNET_SOCKET_SYSCALLS_H
#define USNET_SOCKET_SYSCALLS_H

#include <poll.h>
#include <signal.h>
#include <sys/epoll.h>
#include <sys/select.h>
#include <sys/socket.h>
#include <sys/uio.h>

#include "socket/fdtable.h"
#include "socket/socket.h"

/* Look up the socket behind @fd with a file reference (-EBADF,
 * -ENOTSOCK); release with sockfd_put(). */
struct socket *sockfd_lookup(struct files_struct *files, int fd, int *err);

static inline void sockfd_put(struct socket *sock)
{
	fput(sock->file);
}

int __sys_socket(struct files_struct *files, int family, int type,
		 int protocol);
int __sys_socketpair(struct files_struct *files, int family, int type,
		     int protocol, int sv[2]);
int __sys_bind(struct files_struct *files, int fd, const struct sockaddr *addr,
	       int len);
int __sys_listen(struct files_struct *files, int fd, int backlog);
int __sys_accept4(struct files_struct *files, int fd, struct sockaddr *addr,
		  socklen_t *len, int flags);
int __sys_connect(struct files_struct *files, int fd,
		  const struct sockaddr *addr, int len);
int __sys_shutdown(struct files_struct *files, int fd, int how);
int __sys_getname(struct files_struct *files, int fd, struct sockaddr *addr,
		  socklen_t *len, int peer);
int __sys_getsockopt(struct files_struct *files, int fd, int level, int optname,
		     void *optval, socklen_t *optlen);
int __sys_setsockopt(struct files_struct *files, int fd, int level, int optname,
		     const void *optval, int optlen);
long __sys_sendto(struct files_struct *files, int fd, const void *buf,
		  size_t len, int flags, const struct sockaddr *addr, int alen);
long __sys_recvfrom(struct files_struct *files, int fd, void *buf, size_t len,
		    int flags, struct sockaddr *addr, socklen_t *alen);
long __sys_sendmsg(struct files_struct *files, int fd, const struct msghdr *msg,
		   int flags);
long __sys_recvmsg(struct files_struct *files, int fd, struct msghdr *msg,
		   int flags);
int __sys_sendmmsg(struct files_struct *files, int fd, struct mmsghdr *vec,
		   unsigned int vlen, int flags);
int __sys_recvmmsg(struct files_struct *files, int fd, struct mmsghdr *vec,
		   unsigned int vlen, int flags, struct timespec *timeout);
long __sys_readv(struct files_struct *files, int fd, const struct iovec *iov,
		 int iovcnt);
long __sys_writev(struct files_struct *files, int fd, const struct iovec *iov,
		  int iovcnt);
int __sys_fcntl(struct files_struct *files, int fd, int cmd, unsigned long arg);
int __sys_ioctl(struct files_struct *files, int fd, unsigned long cmd,
		unsigned long arg);

/* select.c */
int __sys_poll(struct files_struct *files, struct pollfd *fds, nfds_t nfds,
	       int64_t timeout_ns, const sigset_t *sigmask);
int __sys_select(struct files_struct *files, int nfds, fd_set *rd, fd_set *wr,
		 fd_set *ex, int64_t *timeout_ns, const sigset_t *sigmask);

/* eventpoll.c */
int __sys_epoll_create1(struct files_struct *files, int flags);
int __sys_epoll_ctl(struct files_struct *files, int epfd, int op, int fd,
		    struct epoll_event *event);
int __sys_epoll_wait(struct files_struct *files, int epfd,
		     struct epoll_event *events, int maxevents,
		     int64_t timeout_ns, const sigset_t *sigmask);

#endif
