/*
 * usnet.h - the public socket API of usnet.
 *
 * Each call is the POSIX/Linux call of the same name with the usnet_ prefix
 * and the same signature.  Like the libc wrappers, every call returns -1 and
 * sets errno on failure.  Descriptors are usnet's own numbers, from a
 * descriptor table private to the process; they are not kernel descriptors
 * and must be used only with these calls.
 *
 * A default network namespace with its loopback exists from the first call,
 * so a program needs no set-up (see usnet/net.h for more namespaces).
 */
#ifndef USNET_USNET_H
#define USNET_USNET_H

#include <poll.h>
#include <signal.h>
#include <stddef.h>
#include <sys/epoll.h>
#include <sys/select.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <sys/types.h>
#include <sys/uio.h>
#include <time.h>

#ifdef __cplusplus
extern "C" {
#endif

struct mmsghdr; /* <sys/socket.h> defines it only with _GNU_SOURCE */

#if defined(USNET_BUILDING)
#define USNET_API __attribute__((visibility("default")))
#else
#define USNET_API
#endif

/* Sockets */
USNET_API int usnet_socket(int domain, int type, int protocol);
USNET_API int usnet_socketpair(int domain, int type, int protocol, int sv[2]);
USNET_API int usnet_bind(int fd, const struct sockaddr *addr, socklen_t len);
USNET_API int usnet_listen(int fd, int backlog);
USNET_API int usnet_accept(int fd, struct sockaddr *addr, socklen_t *len);
USNET_API int usnet_accept4(int fd, struct sockaddr *addr, socklen_t *len,
			    int flags);
USNET_API int usnet_connect(int fd, const struct sockaddr *addr, socklen_t len);
USNET_API int usnet_shutdown(int fd, int how);
USNET_API int usnet_getsockname(int fd, struct sockaddr *addr, socklen_t *len);
USNET_API int usnet_getpeername(int fd, struct sockaddr *addr, socklen_t *len);
USNET_API int usnet_getsockopt(int fd, int level, int name, void *val,
			       socklen_t *len);
USNET_API int usnet_setsockopt(int fd, int level, int name, const void *val,
			       socklen_t len);

/* Data */
USNET_API ssize_t usnet_send(int fd, const void *buf, size_t len, int flags);
USNET_API ssize_t usnet_sendto(int fd, const void *buf, size_t len, int flags,
			       const struct sockaddr *addr, socklen_t alen);
USNET_API ssize_t usnet_sendmsg(int fd, const struct msghdr *msg, int flags);
USNET_API int usnet_sendmmsg(int fd, struct mmsghdr *vec, unsigned int vlen,
			     int flags);
USNET_API ssize_t usnet_recv(int fd, void *buf, size_t len, int flags);
USNET_API ssize_t usnet_recvfrom(int fd, void *buf, size_t len, int flags,
				 struct sockaddr *addr, socklen_t *alen);
USNET_API ssize_t usnet_recvmsg(int fd, struct msghdr *msg, int flags);
USNET_API int usnet_recvmmsg(int fd, struct mmsghdr *vec, unsigned int vlen,
			     int flags, struct timespec *timeout);

/* Descriptors */
USNET_API ssize_t usnet_read(int fd, void *buf, size_t len);
USNET_API ssize_t usnet_write(int fd, const void *buf, size_t len);
USNET_API ssize_t usnet_readv(int fd, const struct iovec *iov, int iovcnt);
USNET_API ssize_t usnet_writev(int fd, const struct iovec *iov, int iovcnt);
USNET_API int usnet_close(int fd);
USNET_API int usnet_close_range(unsigned int first, unsigned int last,
				int flags);
USNET_API int usnet_dup(int fd);
USNET_API int usnet_dup2(int fd, int newfd);
USNET_API int usnet_dup3(int fd, int newfd, int flags);
USNET_API int usnet_fcntl(int fd, int cmd, ...);
USNET_API int usnet_ioctl(int fd, unsigned long request, ...);

/* Readiness */
USNET_API int usnet_poll(struct pollfd *fds, nfds_t nfds, int timeout);
USNET_API int usnet_ppoll(struct pollfd *fds, nfds_t nfds,
			  const struct timespec *timeout,
			  const sigset_t *sigmask);
USNET_API int usnet_select(int nfds, fd_set *rd, fd_set *wr, fd_set *ex,
			   struct timeval *timeout);
USNET_API int usnet_pselect(int nfds, fd_set *rd, fd_set *wr, fd_set *ex,
			    const struct timespec *timeout,
			    const sigset_t *sigmask);
USNET_API int usnet_epoll_create(int size);
USNET_API int usnet_epoll_create1(int flags);
USNET_API int usnet_epoll_ctl(int epfd, int op, int fd,
			      struct epoll_event *event);
USNET_API int usnet_epoll_wait(int epfd, struct epoll_event *events,
			       int maxevents, int timeout);
USNET_API int usnet_epoll_pwait(int epfd, struct epoll_event *events,
				int maxevents, int timeout,
				const sigset_t *sigmask);

#ifdef __cplusplus
}
#endif

#include <usnet/net.h>

#endif
