/*
 * api.c - the public usnet_* calls.
 *
 * The one place where the kernel-style "-errno" of the stack becomes the
 * POSIX "-1 and errno"; every call acts on the calling process's
 * descriptor table.
 */
#include <limits.h>
#include <stdarg.h>

#include <usnet/usnet.h>

#include "socket/syscalls.h"

static inline long ret_errno(long r)
{
	if (r < 0) {
		errno = (int)-r;
		return -1;
	}
	return r;
}

#define RET(expr) return ret_errno(expr)

/* A system call on the process's descriptor table; the table is made on
 * first use, and when that fails the call fails with ENOMEM. */
#define CALL(fn, ...)                                          \
	do {                                                   \
		struct files_struct *_files = current_files(); \
		if (!_files)                                   \
			RET(-ENOMEM);                          \
		RET(fn(_files, __VA_ARGS__));                  \
	} while (0)

int usnet_socket(int domain, int type, int protocol)
{
	CALL(__sys_socket, domain, type, protocol);
}

int usnet_socketpair(int domain, int type, int protocol, int sv[2])
{
	if (!sv)
		RET(-EFAULT);
	CALL(__sys_socketpair, domain, type, protocol, sv);
}

int usnet_bind(int fd, const struct sockaddr *addr, socklen_t len)
{
	CALL(__sys_bind, fd, addr, (int)len);
}

int usnet_listen(int fd, int backlog)
{
	CALL(__sys_listen, fd, backlog);
}

int usnet_accept(int fd, struct sockaddr *addr, socklen_t *len)
{
	CALL(__sys_accept4, fd, addr, len, 0);
}

int usnet_accept4(int fd, struct sockaddr *addr, socklen_t *len, int flags)
{
	CALL(__sys_accept4, fd, addr, len, flags);
}

int usnet_connect(int fd, const struct sockaddr *addr, socklen_t len)
{
	CALL(__sys_connect, fd, addr, (int)len);
}

int usnet_shutdown(int fd, int how)
{
	CALL(__sys_shutdown, fd, how);
}

int usnet_getsockname(int fd, struct sockaddr *addr, socklen_t *len)
{
	CALL(__sys_getname, fd, addr, len, 0);
}

int usnet_getpeername(int fd, struct sockaddr *addr, socklen_t *len)
{
	CALL(__sys_getname, fd, addr, len, 1);
}

int usnet_getsockopt(int fd, int level, int name, void *val, socklen_t *len)
{
	CALL(__sys_getsockopt, fd, level, name, val, len);
}

int usnet_setsockopt(int fd, int level, int name, const void *val,
		     socklen_t len)
{
	CALL(__sys_setsockopt, fd, level, name, val, (int)len);
}

ssize_t usnet_send(int fd, const void *buf, size_t len, int flags)
{
	CALL(__sys_sendto, fd, buf, len, flags, NULL, 0);
}

ssize_t usnet_sendto(int fd, const void *buf, size_t len, int flags,
		     const struct sockaddr *addr, socklen_t alen)
{
	CALL(__sys_sendto, fd, buf, len, flags, addr, (int)alen);
}

ssize_t usnet_sendmsg(int fd, const struct msghdr *msg, int flags)
{
	CALL(__sys_sendmsg, fd, msg, flags);
}

int usnet_sendmmsg(int fd, struct mmsghdr *vec, unsigned int vlen, int flags)
{
	CALL(__sys_sendmmsg, fd, vec, vlen, flags);
}

ssize_t usnet_recv(int fd, void *buf, size_t len, int flags)
{
	CALL(__sys_recvfrom, fd, buf, len, flags, NULL, NULL);
}

ssize_t usnet_recvfrom(int fd, void *buf, size_t len, int flags,
		       struct sockaddr *addr, socklen_t *alen)
{
	CALL(__sys_recvfrom, fd, buf, len, flags, addr, alen);
}

ssize_t usnet_recvmsg(int fd, struct msghdr *msg, int flags)
{
	CALL(__sys_recvmsg, fd, msg, flags);
}

int usnet_recvmmsg(int fd, struct mmsghdr *vec, unsigned int vlen, int flags,
		   struct timespec *timeout)
{
	CALL(__sys_recvmmsg, fd, vec, vlen, flags, timeout);
}

ssize_t usnet_read(int fd, void *buf, size_t len)
{
	struct iovec iov = { .iov_base = buf, .iov_len = len };

	CALL(__sys_readv, fd, &iov, 1);
}

ssize_t usnet_write(int fd, const void *buf, size_t len)
{
	struct iovec iov = { .iov_base = (void *)buf, .iov_len = len };

	CALL(__sys_writev, fd, &iov, 1);
}

ssize_t usnet_readv(int fd, const struct iovec *iov, int iovcnt)
{
	CALL(__sys_readv, fd, iov, iovcnt);
}

ssize_t usnet_writev(int fd, const struct iovec *iov, int iovcnt)
{
	CALL(__sys_writev, fd, iov, iovcnt);
}

int usnet_close(int fd)
{
	CALL(close_fd, fd);
}

int usnet_close_range(unsigned int first, unsigned int last, int flags)
{
	CALL(close_range_fds, first, last, (unsigned int)flags);
}

int usnet_dup(int fd)
{
	CALL(dup_fd_min, fd, 0, false);
}

int usnet_dup2(int fd, int newfd)
{
	struct files_struct *files = current_files();

	if (!files)
		RET(-ENOMEM);
	if (fd == newfd) {
		struct file *f = fget(files, fd);

		if (!f)
			RET(-EBADF);
		fput(f);
		return newfd;
	}
	RET(dup_fd_to(files, fd, newfd, false));
}

int usnet_dup3(int fd, int newfd, int flags)
{
	if (flags & ~O_CLOEXEC)
		RET(-EINVAL);
	if (fd == newfd)
		RET(-EINVAL);
	CALL(dup_fd_to, fd, newfd, flags & O_CLOEXEC);
}

int usnet_fcntl(int fd, int cmd, ...)
{
	unsigned long arg;
	va_list ap;

	va_start(ap, cmd);
	arg = va_arg(ap, unsigned long);
	va_end(ap);
	CALL(__sys_fcntl, fd, cmd, arg);
}

int usnet_ioctl(int fd, unsigned long request, ...)
{
	unsigned long arg;
	va_list ap;

	va_start(ap, request);
	arg = va_arg(ap, unsigned long);
	va_end(ap);
	CALL(__sys_ioctl, fd, request, arg);
}

static int64_t ms_to_ns(int timeout)
{
	return timeout < 0 ? TIMEO_INFINITE : (int64_t)timeout * NSEC_PER_MSEC;
}

int usnet_poll(struct pollfd *fds, nfds_t nfds, int timeout)
{
	CALL(__sys_poll, fds, nfds, ms_to_ns(timeout), NULL);
}

static int timespec_check(const struct timespec *ts, int64_t *ns)
{
	if (!ts) {
		*ns = TIMEO_INFINITE;
		return 0;
	}
	if (ts->tv_sec < 0 || ts->tv_nsec < 0 || ts->tv_nsec >= NSEC_PER_SEC)
		return -EINVAL;
	*ns = timespec_to_ns(ts);
	return 0;
}

int usnet_ppoll(struct pollfd *fds, nfds_t nfds, const struct timespec *timeout,
		const sigset_t *sigmask)
{
	int64_t ns;
	int err = timespec_check(timeout, &ns);

	if (err)
		RET(err);
	CALL(__sys_poll, fds, nfds, ns, sigmask);
}

int usnet_select(int nfds, fd_set *rd, fd_set *wr, fd_set *ex,
		 struct timeval *timeout)
{
	int64_t ns = TIMEO_INFINITE;
	int r;

	if (timeout) {
		if (timeout->tv_sec < 0 || timeout->tv_usec < 0)
			RET(-EINVAL);
		ns = (int64_t)timeout->tv_sec * NSEC_PER_SEC +
		     (int64_t)timeout->tv_usec * NSEC_PER_USEC;
	}
	if (!current_files())
		RET(-ENOMEM);
	r = __sys_select(current_files(), nfds, rd, wr, ex,
			 timeout ? &ns : NULL, NULL);
	if (timeout && r >= 0) {
		timeout->tv_sec = (time_t)(ns / NSEC_PER_SEC);
		timeout->tv_usec =
			(suseconds_t)((ns % NSEC_PER_SEC) / NSEC_PER_USEC);
	}
	RET(r);
}

int usnet_pselect(int nfds, fd_set *rd, fd_set *wr, fd_set *ex,
		  const struct timespec *timeout, const sigset_t *sigmask)
{
	int64_t ns;
	int err = timespec_check(timeout, &ns);

	if (err)
		RET(err);
	CALL(__sys_select, nfds, rd, wr, ex, timeout ? &ns : NULL, sigmask);
}

int usnet_epoll_create(int size)
{
	if (size <= 0)
		RET(-EINVAL);
	CALL(__sys_epoll_create1, 0);
}

int usnet_epoll_create1(int flags)
{
	CALL(__sys_epoll_create1, flags);
}

int usnet_epoll_ctl(int epfd, int op, int fd, struct epoll_event *event)
{
	CALL(__sys_epoll_ctl, epfd, op, fd, event);
}

int usnet_epoll_wait(int epfd, struct epoll_event *events, int maxevents,
		     int timeout)
{
	CALL(__sys_epoll_wait, epfd, events, maxevents, ms_to_ns(timeout),
	     NULL);
}

int usnet_epoll_pwait(int epfd, struct epoll_event *events, int maxevents,
		      int timeout, const sigset_t *sigmask)
{
	CALL(__sys_epoll_wait, epfd, events, maxevents, ms_to_ns(timeout),
	     sigmask);
}
