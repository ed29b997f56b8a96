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

int usnet_socket(int domain, int type, int protocol)
{
	RET(__sys_socket(current_files(), domain, type, protocol));
}

int usnet_socketpair(int domain, int type, int protocol, int sv[2])
{
	if (!sv)
		RET(-EFAULT);
	RET(__sys_socketpair(current_files(), domain, type, protocol, sv));
}

int usnet_bind(int fd, const struct sockaddr *addr, socklen_t len)
{
	RET(__sys_bind(current_files(), fd, addr, (int)len));
}

int usnet_listen(int fd, int backlog)
{
	RET(__sys_listen(current_files(), fd, backlog));
}

int usnet_accept(int fd, struct sockaddr *addr, socklen_t *len)
{
	RET(__sys_accept4(current_files(), fd, addr, len, 0));
}

int usnet_accept4(int fd, struct sockaddr *addr, socklen_t *len, int flags)
{
	RET(__sys_accept4(current_files(), fd, addr, len, flags));
}

int usnet_connect(int fd, const struct sockaddr *addr, socklen_t len)
{
	RET(__sys_connect(current_files(), fd, addr, (int)len));
}

int usnet_shutdown(int fd, int how)
{
	RET(__sys_shutdown(current_files(), fd, how));
}

int usnet_getsockname(int fd, struct sockaddr *addr, socklen_t *len)
{
	RET(__sys_getname(current_files(), fd, addr, len, 0));
}

int usnet_getpeername(int fd, struct sockaddr *addr, socklen_t *len)
{
	RET(__sys_getname(current_files(), fd, addr, len, 1));
}

int usnet_getsockopt(int fd, int level, int name, void *val, socklen_t *len)
{
	RET(__sys_getsockopt(current_files(), fd, level, name, val, len));
}

int usnet_setsockopt(int fd, int level, int name, const void *val,
		     socklen_t len)
{
	RET(__sys_setsockopt(current_files(), fd, level, name, val, (int)len));
}

ssize_t usnet_send(int fd, const void *buf, size_t len, int flags)
{
	RET(__sys_sendto(current_files(), fd, buf, len, flags, NULL, 0));
}

ssize_t usnet_sendto(int fd, const void *buf, size_t len, int flags,
		     const struct sockaddr *addr, socklen_t alen)
{
	RET(__sys_sendto(current_files(), fd, buf, len, flags, addr,
			 (int)alen));
}

ssize_t usnet_sendmsg(int fd, const struct msghdr *msg, int flags)
{
	RET(__sys_sendmsg(current_files(), fd, msg, flags));
}

int usnet_sendmmsg(int fd, struct mmsghdr *vec, unsigned int vlen, int flags)
{
	RET(__sys_sendmmsg(current_files(), fd, vec, vlen, flags));
}

ssize_t usnet_recv(int fd, void *buf, size_t len, int flags)
{
	RET(__sys_recvfrom(current_files(), fd, buf, len, flags, NULL, NULL));
}

ssize_t usnet_recvfrom(int fd, void *buf, size_t len, int flags,
		       struct sockaddr *addr, socklen_t *alen)
{
	RET(__sys_recvfrom(current_files(), fd, buf, len, flags, addr, alen));
}

ssize_t usnet_recvmsg(int fd, struct msghdr *msg, int flags)
{
	RET(__sys_recvmsg(current_files(), fd, msg, flags));
}

int usnet_recvmmsg(int fd, struct mmsghdr *vec, unsigned int vlen, int flags,
		   struct timespec *timeout)
{
	RET(__sys_recvmmsg(current_files(), fd, vec, vlen, flags, timeout));
}

ssize_t usnet_read(int fd, void *buf, size_t len)
{
	struct iovec iov = { .iov_base = buf, .iov_len = len };

	RET(__sys_readv(current_files(), fd, &iov, 1));
}

ssize_t usnet_write(int fd, const void *buf, size_t len)
{
	struct iovec iov = { .iov_base = (void *)buf, .iov_len = len };

	RET(__sys_writev(current_files(), fd, &iov, 1));
}

ssize_t usnet_readv(int fd, const struct iovec *iov, int iovcnt)
{
	RET(__sys_readv(current_files(), fd, iov, iovcnt));
}

ssize_t usnet_writev(int fd, const struct iovec *iov, int iovcnt)
{
	RET(__sys_writev(current_files(), fd, iov, iovcnt));
}

int usnet_close(int fd)
{
	RET(close_fd(current_files(), fd));
}

int usnet_close_range(unsigned int first, unsigned int last, int flags)
{
	RET(close_range_fds(current_files(), first, last, (unsigned int)flags));
}

int usnet_dup(int fd)
{
	RET(dup_fd_min(current_files(), fd, 0, false));
}

int usnet_dup2(int fd, int newfd)
{
	struct files_struct *files = current_files();

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
	RET(dup_fd_to(current_files(), fd, newfd, flags & O_CLOEXEC));
}

int usnet_fcntl(int fd, int cmd, ...)
{
	unsigned long arg;
	va_list ap;

	va_start(ap, cmd);
	arg = va_arg(ap, unsigned long);
	va_end(ap);
	RET(__sys_fcntl(current_files(), fd, cmd, arg));
}

int usnet_ioctl(int fd, unsigned long request, ...)
{
	unsigned long arg;
	va_list ap;

	va_start(ap, request);
	arg = va_arg(ap, unsigned long);
	va_end(ap);
	RET(__sys_ioctl(current_files(), fd, request, arg));
}

static int64_t ms_to_ns(int timeout)
{
	return timeout < 0 ? TIMEO_INFINITE : (int64_t)timeout * NSEC_PER_MSEC;
}

int usnet_poll(struct pollfd *fds, nfds_t nfds, int timeout)
{
	RET(__sys_poll(current_files(), fds, nfds, ms_to_ns(timeout), NULL));
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
	RET(__sys_poll(current_files(), fds, nfds, ns, sigmask));
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
	RET(__sys_select(current_files(), nfds, rd, wr, ex,
			 timeout ? &ns : NULL, sigmask));
}

int usnet_epoll_create(int size)
{
	if (size <= 0)
		RET(-EINVAL);
	RET(__sys_epoll_create1(current_files(), 0));
}

int usnet_epoll_create1(int flags)
{
	RET(__sys_epoll_create1(current_files(), flags));
}

int usnet_epoll_ctl(int epfd, int op, int fd, struct epoll_event *event)
{
	RET(__sys_epoll_ctl(current_files(), epfd, op, fd, event));
}

int usnet_epoll_wait(int epfd, struct epoll_event *events, int maxevents,
		     int timeout)
{
	RET(__sys_epoll_wait(current_files(), epfd, events, maxevents,
			     ms_to_ns(timeout), NULL));
}

int usnet_epoll_pwait(int epfd, struct epoll_event *events, int maxevents,
		      int timeout, const sigset_t *sigmask)
{
	RET(__sys_epoll_wait(current_files(), epfd, events, maxevents,
			     ms_to_ns(timeout), sigmask));
}
