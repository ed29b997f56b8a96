/*
 * socket.c - the socket system calls and the socket's file.
 *
 * This is the top of the dispatch chain (Linux's net/socket.c): argument
 * checks that Linux makes before any protocol sees the call, the security
 * hooks, the conversion of the caller's msghdr, and the dispatch through
 * sock->ops.  No protocol logic lives here.
 */
#include "socket/syscalls.h"

#include <limits.h>
#include <string.h>
#include <sys/ioctl.h>
#include <linux/sockios.h>

#include "lib/alloc.h"
#include "socket/security.h"
#include "socket/sock_no.h"

#ifndef UIO_MAXIOV
#define UIO_MAXIOV 1024
#endif

/* ---- the socket object and its file ---------------------------------- */

struct socket *sock_alloc(void)
{
	struct socket *sock = obj_alloc(OBJ_SOCKET, sizeof(*sock));

	if (!sock)
		return NULL;
	sock->state = SS_UNCONNECTED;
	init_waitqueue_head(&sock->wq);
	return sock;
}

void sock_release(struct socket *sock)
{
	if (sock->ops) {
		sock->ops->release(sock);
		sock->ops = NULL;
	}
	destroy_waitqueue_head(&sock->wq);
	obj_free(OBJ_SOCKET, sock);
}

static ssize_t sock_read_iter(struct file *file, struct iov_iter *to)
{
	struct socket *sock = file->private_data;
	struct kmsghdr msg = { .msg_iter = *to };
	int flags = file_nonblock(file) ? MSG_DONTWAIT : 0;

	if (iov_iter_count(to) == 0)
		return 0;
	return sock_recvmsg(sock, &msg, flags);
}

static ssize_t sock_write_iter(struct file *file, struct iov_iter *from)
{
	struct socket *sock = file->private_data;
	struct kmsghdr msg = { .msg_iter = *from };

	msg.msg_flags = file_nonblock(file) ? MSG_DONTWAIT : 0;
	return sock_sendmsg(sock, &msg);
}

static __poll_t sock_poll(struct file *file, poll_table *pt)
{
	struct socket *sock = file->private_data;

	return sock->ops->poll(file, sock, pt);
}

static long sock_ioctl(struct file *file, unsigned int cmd, unsigned long arg)
{
	struct socket *sock = file->private_data;
	int err = sock->ops->ioctl(sock, cmd, arg);

	/* Linux hands unknown commands to the device layer, which answers
	 * ENOTTY for anything it does not know either. */
	if (err == -ENOIOCTLCMD || err == -EOPNOTSUPP)
		err = -ENOTTY;
	return err;
}

static void sock_close(struct file *file)
{
	sock_release(file->private_data);
}

static const struct file_operations socket_file_ops = {
	.read_iter = sock_read_iter,
	.write_iter = sock_write_iter,
	.poll = sock_poll,
	.ioctl = sock_ioctl,
	.release = sock_close,
};

struct file *sock_alloc_file(struct socket *sock, unsigned int flags)
{
	struct file *file =
		alloc_file(&socket_file_ops, sock, flags & O_NONBLOCK);

	if (file)
		sock->file = file;
	return file;
}

struct socket *sock_from_file(struct file *file)
{
	return file->f_op == &socket_file_ops ? file->private_data : NULL;
}

struct socket *sockfd_lookup(struct files_struct *files, int fd, int *err)
{
	struct file *file = fget(files, fd);
	struct socket *sock;

	if (!file) {
		*err = -EBADF;
		return NULL;
	}
	sock = sock_from_file(file);
	if (!sock) {
		*err = -ENOTSOCK;
		fput(file);
	}
	return sock;
}

/* ---- creation --------------------------------------------------------- */

int sock_create(struct net *net, int family, int type, int protocol,
		struct socket **res, int kern)
{
	const struct net_proto_family *pf;
	struct socket *sock;
	int err;

	if (family < 0 || family >= AF_MAX)
		return -EAFNOSUPPORT;
	if (type < 0 || type >= SOCK_PACKET + 1)
		return -EINVAL;
	err = security_socket_create(family, type, protocol, kern);
	if (err)
		return err;
	pf = sock_family_get(family);
	if (!pf)
		return -EAFNOSUPPORT;
	sock = sock_alloc();
	if (!sock)
		return -ENFILE;
	sock->type = (short)type;
	err = pf->create(net, sock, protocol, kern);
	if (err < 0) {
		sock->ops = NULL;
		sock_release(sock);
		return err;
	}
	*res = sock;
	return 0;
}

/* Give @sock a file and a descriptor; on failure the socket is released. */
static int sock_map_fd(struct files_struct *files, struct socket *sock,
		       int flags)
{
	struct file *file = sock_alloc_file(sock, (unsigned int)flags);
	int fd;

	if (!file) {
		sock_release(sock);
		return -ENFILE;
	}
	fd = fd_install_new(files, file, flags & SOCK_CLOEXEC);
	if (fd < 0)
		fput(file);
	return fd;
}

static int sock_type_flags(int *type, int *flags)
{
	*flags = *type & ~SOCK_TYPE_MASK_ALL;
	if (*flags & ~(SOCK_CLOEXEC | SOCK_NONBLOCK))
		return -EINVAL;
	*type &= SOCK_TYPE_MASK_ALL;
	return 0;
}

int __sys_socket(struct files_struct *files, int family, int type, int protocol)
{
	struct net *net;
	struct socket *sock;
	int flags, err;

	err = sock_type_flags(&type, &flags);
	if (err)
		return err;
	net = current_net();
	if (!net)
		return -ENOMEM;
	err = sock_create(net, family, type, protocol, &sock, 0);
	if (err)
		return err;
	return sock_map_fd(files, sock, flags);
}

int __sys_socketpair(struct files_struct *files, int family, int type,
		     int protocol, int sv[2])
{
	struct socket *a = NULL, *b = NULL;
	struct file *fa = NULL, *fb = NULL;
	int flags, err, fd1, fd2;
	struct net *net;

	err = sock_type_flags(&type, &flags);
	if (err)
		return err;
	/* Linux takes both numbers first, and reports them even when the
	 * call then fails. */
	fd1 = get_unused_fd(files, flags & SOCK_CLOEXEC);
	if (fd1 < 0)
		return fd1;
	fd2 = get_unused_fd(files, flags & SOCK_CLOEXEC);
	if (fd2 < 0) {
		put_unused_fd(files, fd1);
		return fd2;
	}
	sv[0] = fd1;
	sv[1] = fd2;
	net = current_net();
	err = -ENOMEM;
	if (!net)
		goto out;
	err = sock_create(net, family, type, protocol, &a, 0);
	if (err)
		goto out;
	err = sock_create(net, family, type, protocol, &b, 0);
	if (err)
		goto out;
	err = a->ops->socketpair(a, b);
	if (err)
		goto out;
	err = -ENFILE;
	fa = sock_alloc_file(a, (unsigned int)flags);
	if (!fa)
		goto out;
	a = NULL;
	fb = sock_alloc_file(b, (unsigned int)flags);
	if (!fb)
		goto out;
	fd_install(files, fd1, fa);
	fd_install(files, fd2, fb);
	return 0;

out:
	if (fa)
		fput(fa);
	if (a)
		sock_release(a);
	if (b)
		sock_release(b);
	put_unused_fd(files, fd1);
	put_unused_fd(files, fd2);
	return err;
}

/* ---- addresses -------------------------------------------------------- */

/* Linux's move_addr_to_kernel(): the length checks only. */
static int addr_len_check(int len)
{
	if (len < 0 || len > (int)sizeof(struct sockaddr_storage))
		return -EINVAL;
	return 0;
}

/* Linux's move_addr_to_user(): copy what fits, report the full length. */
static int move_addr_to_user(const struct sockaddr_storage *kaddr, int klen,
			     void *uaddr, socklen_t *ulen)
{
	int len;

	if (!ulen)
		return uaddr ? -EFAULT : 0;
	len = (int)*ulen;
	if (len < 0)
		return -EINVAL;
	if (len > klen)
		len = klen;
	if (len > 0)
		memcpy(uaddr, kaddr, (size_t)len);
	*ulen = (socklen_t)klen;
	return 0;
}

/* The socket behind @fd and a zero-padded copy of the caller's address,
 * as bind and connect take them (Linux's move_addr_to_kernel()). */
static struct socket *sockfd_lookup_addr(struct files_struct *files, int fd,
					 const struct sockaddr *addr, int len,
					 struct sockaddr_storage *a, int *err)
{
	struct socket *sock = sockfd_lookup(files, fd, err);

	if (!sock)
		return NULL;
	*err = addr_len_check(len);
	if (*err) {
		sockfd_put(sock);
		return NULL;
	}
	memset(a, 0, sizeof(*a));
	memcpy(a, addr, (size_t)len);
	return sock;
}

int __sys_bind(struct files_struct *files, int fd, const struct sockaddr *addr,
	       int len)
{
	struct sockaddr_storage a;
	struct socket *sock;
	int err;

	sock = sockfd_lookup_addr(files, fd, addr, len, &a, &err);
	if (!sock)
		return err;
	err = security_socket_bind(fd, addr, len);
	if (!err)
		err = sock->ops->bind(sock, (struct sockaddr *)&a, len);
	sockfd_put(sock);
	return err;
}

int __sys_listen(struct files_struct *files, int fd, int backlog)
{
	struct socket *sock;
	unsigned int somaxconn;
	int err;

	sock = sockfd_lookup(files, fd, &err);
	if (!sock)
		return err;
	somaxconn =
		(unsigned int)READ_ONCE(sock_net(sock->sk)->sysctl.somaxconn);
	if ((unsigned int)backlog > somaxconn)
		backlog = (int)somaxconn;
	err = security_socket_listen(fd, backlog);
	if (!err)
		err = sock->ops->listen(sock, backlog);
	sockfd_put(sock);
	return err;
}

int __sys_accept4(struct files_struct *files, int fd, struct sockaddr *addr,
		  socklen_t *len, int flags)
{
	struct sockaddr_storage a;
	struct socket *sock, *newsock;
	struct file *newfile;
	int err, newfd;

	/* Linux checks the descriptor, then the flags, then reserves the new
	 * number, and only then looks at the socket: a connection is never
	 * taken off the queue for a descriptor that cannot be had. */
	newfile = fget(files, fd);
	if (!newfile)
		return -EBADF;
	fput(newfile);
	if (flags & ~(SOCK_CLOEXEC | SOCK_NONBLOCK))
		return -EINVAL;
	newfd = get_unused_fd(files, flags & SOCK_CLOEXEC);
	if (newfd < 0)
		return newfd;
	sock = sockfd_lookup(files, fd, &err);
	if (!sock)
		goto out_put_fd;
	newsock = sock_alloc();
	if (!newsock) {
		err = -ENFILE;
		goto out_put;
	}
	newsock->type = sock->type;
	newsock->ops = sock->ops;
	newfile = sock_alloc_file(newsock, (unsigned int)flags);
	if (!newfile) {
		newsock->ops = NULL;
		sock_release(newsock);
		err = -ENFILE;
		goto out_put;
	}
	err = security_socket_accept(fd);
	if (err)
		goto out_fput;
	err = sock->ops->accept(sock, newsock,
				file_nonblock(sock->file) ? O_NONBLOCK : 0);
	if (err < 0)
		goto out_fput;
	if (addr) {
		int alen = newsock->ops->getname(newsock, (struct sockaddr *)&a,
						 2);

		if (alen < 0) {
			err = -ECONNABORTED;
			goto out_fput;
		}
		err = move_addr_to_user(&a, alen, addr, len);
		if (err)
			goto out_fput;
	}
	fd_install(files, newfd, newfile);
	sockfd_put(sock);
	return newfd;

out_fput:
	/* A socket whose accept failed has no sock: release it bare. */
	if (!newsock->sk)
		newsock->ops = NULL;
	fput(newfile);
out_put:
	sockfd_put(sock);
out_put_fd:
	put_unused_fd(files, newfd);
	return err;
}

int __sys_connect(struct files_struct *files, int fd,
		  const struct sockaddr *addr, int len)
{
	struct sockaddr_storage a;
	struct socket *sock;
	int err;

	sock = sockfd_lookup_addr(files, fd, addr, len, &a, &err);
	if (!sock)
		return err;
	err = security_socket_connect(fd, addr, len);
	if (!err)
		err = sock->ops->connect(
			sock, (struct sockaddr *)&a, len,
			file_nonblock(sock->file) ? O_NONBLOCK : 0);
	sockfd_put(sock);
	return err;
}

int __sys_shutdown(struct files_struct *files, int fd, int how)
{
	struct socket *sock;
	int err;

	sock = sockfd_lookup(files, fd, &err);
	if (!sock)
		return err;
	err = sock->ops->shutdown(sock, how);
	sockfd_put(sock);
	return err;
}

int __sys_getname(struct files_struct *files, int fd, struct sockaddr *addr,
		  socklen_t *len, int peer)
{
	struct sockaddr_storage a;
	struct socket *sock;
	int err;

	sock = sockfd_lookup(files, fd, &err);
	if (!sock)
		return err;
	memset(&a, 0, sizeof(a));
	err = sock->ops->getname(sock, (struct sockaddr *)&a, peer);
	if (err >= 0)
		err = move_addr_to_user(&a, err, addr, len);
	sockfd_put(sock);
	return err;
}

/* ---- options ---------------------------------------------------------- */

int __sys_setsockopt(struct files_struct *files, int fd, int level, int optname,
		     const void *optval, int optlen)
{
	struct socket *sock;
	int err;

	if (optlen < 0)
		return -EINVAL;
	sock = sockfd_lookup(files, fd, &err);
	if (!sock)
		return err;
	err = security_socket_setsockopt(fd, level, optname);
	if (err)
		goto out;
	if (level == SOL_SOCKET)
		err = sock_setsockopt(sock, level, optname, optval,
				      (unsigned int)optlen);
	else
		err = sock->ops->setsockopt(sock, level, optname, optval,
					    (unsigned int)optlen);
out:
	sockfd_put(sock);
	return err;
}

int __sys_getsockopt(struct files_struct *files, int fd, int level, int optname,
		     void *optval, socklen_t *optlen)
{
	struct socket *sock;
	int err, len;

	sock = sockfd_lookup(files, fd, &err);
	if (!sock)
		return err;
	len = (int)*optlen;
	if (level == SOL_SOCKET)
		err = sock_getsockopt(sock, level, optname, optval, &len);
	else
		err = sock->ops->getsockopt(sock, level, optname, optval, &len);
	if (!err)
		*optlen = (socklen_t)len;
	sockfd_put(sock);
	return err;
}

/* ---- data ------------------------------------------------------------- */

int sock_sendmsg(struct socket *sock, struct kmsghdr *msg)
{
	int err = security_socket_sendmsg(-1, iov_iter_count(&msg->msg_iter));

	if (err)
		return err;
	return sock->ops->sendmsg(sock, msg, iov_iter_count(&msg->msg_iter));
}

int sock_recvmsg(struct socket *sock, struct kmsghdr *msg, int flags)
{
	int err = security_socket_recvmsg(-1, iov_iter_count(&msg->msg_iter),
					  flags);

	if (err)
		return err;
	return sock->ops->recvmsg(sock, msg, iov_iter_count(&msg->msg_iter),
				  flags);
}

/* Linux's copy_msghdr_from_user() and the checks of ____sys_sendmsg(). */
static int msghdr_import(struct socket *sock, const struct msghdr *umsg,
			 struct kmsghdr *kmsg, bool recv)
{
	int err;

	memset(kmsg, 0, sizeof(*kmsg));
	kmsg->msg_name = umsg->msg_name;
	kmsg->msg_namelen = umsg->msg_name ? (int)umsg->msg_namelen : 0;
	if (kmsg->msg_namelen < 0)
		return -EINVAL;
	if (kmsg->msg_namelen > (int)sizeof(struct sockaddr_storage))
		kmsg->msg_namelen = sizeof(struct sockaddr_storage);
	if (umsg->msg_iovlen > UIO_MAXIOV)
		return -EMSGSIZE;
	err = iov_iter_init(&kmsg->msg_iter, umsg->msg_iov, umsg->msg_iovlen);
	if (err)
		return err;
	kmsg->msg_control = umsg->msg_control;
	kmsg->msg_controllen = umsg->msg_controllen;
	if (!recv && kmsg->msg_controllen > INT_MAX)
		return -ENOBUFS;
	if (!recv &&
	    kmsg->msg_controllen >
		    (size_t)READ_ONCE(sock_net(sock->sk)->sysctl.optmem_max))
		return -ENOBUFS;
	return 0;
}

static long sys_sendmsg_sock(struct socket *sock, int fd,
			     const struct msghdr *umsg, int flags)
{
	struct sockaddr_storage addr;
	struct kmsghdr kmsg;
	int err;

	err = msghdr_import(sock, umsg, &kmsg, false);
	if (err)
		return err;
	if (kmsg.msg_namelen) {
		memcpy(&addr, kmsg.msg_name, (size_t)kmsg.msg_namelen);
		kmsg.msg_name = &addr;
	}
	if (file_nonblock(sock->file))
		flags |= MSG_DONTWAIT;
	kmsg.msg_flags = (unsigned int)flags;
	err = security_socket_sendmsg(fd, iov_iter_count(&kmsg.msg_iter));
	if (err)
		return err;
	return sock->ops->sendmsg(sock, &kmsg, iov_iter_count(&kmsg.msg_iter));
}

long __sys_sendmsg(struct files_struct *files, int fd, const struct msghdr *msg,
		   int flags)
{
	struct socket *sock;
	long ret;
	int err;

	sock = sockfd_lookup(files, fd, &err);
	if (!sock)
		return err;
	ret = sys_sendmsg_sock(sock, fd, msg, flags);
	sockfd_put(sock);
	return ret;
}

long __sys_sendto(struct files_struct *files, int fd, const void *buf,
		  size_t len, int flags, const struct sockaddr *addr, int alen)
{
	struct iovec iov = { .iov_base = (void *)buf, .iov_len = len };
	struct msghdr msg = {
		.msg_iov = &iov,
		.msg_iovlen = 1,
	};

	if (len > INT_MAX)
		iov.iov_len = INT_MAX;
	if (addr) {
		int err = addr_len_check(alen);

		if (err)
			return err;
		msg.msg_name = (void *)addr;
		msg.msg_namelen = (socklen_t)alen;
	}
	return __sys_sendmsg(files, fd, &msg, flags);
}

static long sys_recvmsg_sock(struct socket *sock, int fd, struct msghdr *umsg,
			     int flags)
{
	struct sockaddr_storage addr;
	struct kmsghdr kmsg;
	void *uaddr;
	socklen_t ulen;
	int err, len;

	err = msghdr_import(sock, umsg, &kmsg, true);
	if (err)
		return err;
	uaddr = kmsg.msg_name;
	ulen = (socklen_t)kmsg.msg_namelen;
	memset(&addr, 0, sizeof(addr));
	kmsg.msg_name = &addr;
	kmsg.msg_namelen = 0;
	kmsg.msg_flags = (unsigned int)flags & MSG_CMSG_CLOEXEC;
	if (file_nonblock(sock->file))
		flags |= MSG_DONTWAIT;
	err = security_socket_recvmsg(fd, iov_iter_count(&kmsg.msg_iter),
				      flags);
	if (err)
		return err;
	len = sock->ops->recvmsg(sock, &kmsg, iov_iter_count(&kmsg.msg_iter),
				 flags);
	if (len < 0)
		return len;
	if (uaddr) {
		err = move_addr_to_user(&addr, kmsg.msg_namelen, uaddr, &ulen);
		if (err)
			return err;
		umsg->msg_namelen = ulen;
	} else {
		umsg->msg_namelen = 0;
	}
	umsg->msg_flags = (int)(kmsg.msg_flags & ~MSG_CMSG_CLOEXEC);
	umsg->msg_controllen = umsg->msg_control ?
				       (size_t)((char *)kmsg.msg_control -
						(char *)umsg->msg_control) :
				       0;
	return len;
}

long __sys_recvmsg(struct files_struct *files, int fd, struct msghdr *msg,
		   int flags)
{
	struct socket *sock;
	long ret;
	int err;

	sock = sockfd_lookup(files, fd, &err);
	if (!sock)
		return err;
	ret = sys_recvmsg_sock(sock, fd, msg, flags);
	sockfd_put(sock);
	return ret;
}

long __sys_recvfrom(struct files_struct *files, int fd, void *buf, size_t len,
		    int flags, struct sockaddr *addr, socklen_t *alen)
{
	struct iovec iov = { .iov_base = buf, .iov_len = len };
	struct msghdr msg = {
		.msg_iov = &iov,
		.msg_iovlen = 1,
		.msg_name = addr,
		.msg_namelen = addr && alen ? *alen : 0,
	};
	long ret;

	if (len > INT_MAX)
		iov.iov_len = INT_MAX;
	if (addr && alen && (int)*alen < 0)
		return -EINVAL;
	ret = __sys_recvmsg(files, fd, &msg, flags);
	if (ret >= 0 && addr && alen)
		*alen = msg.msg_namelen;
	return ret;
}

int __sys_sendmmsg(struct files_struct *files, int fd, struct mmsghdr *vec,
		   unsigned int vlen, int flags)
{
	struct socket *sock;
	unsigned int i;
	long ret = 0;
	int err;

	sock = sockfd_lookup(files, fd, &err);
	if (!sock)
		return err;
	if (vlen > UIO_MAXIOV)
		vlen = UIO_MAXIOV;
	for (i = 0; i < vlen; i++) {
		ret = sys_sendmsg_sock(sock, fd, &vec[i].msg_hdr, flags);
		if (ret < 0)
			break;
		vec[i].msg_len = (unsigned int)ret;
	}
	sockfd_put(sock);
	/* Linux reports the datagrams sent if any were, else the error. */
	return i ? (int)i : (int)ret;
}

int __sys_recvmmsg(struct files_struct *files, int fd, struct mmsghdr *vec,
		   unsigned int vlen, int flags, struct timespec *timeout)
{
	struct socket *sock;
	int64_t deadline = 0;
	unsigned int i;
	long ret = 0;
	int err;

	if (timeout && (timeout->tv_sec < 0 || timeout->tv_nsec < 0 ||
			timeout->tv_nsec >= NSEC_PER_SEC))
		return -EINVAL;
	sock = sockfd_lookup(files, fd, &err);
	if (!sock)
		return err;
	if (vlen > UIO_MAXIOV)
		vlen = UIO_MAXIOV;
	if (timeout)
		deadline = clock_real_ns() + timespec_to_ns(timeout);
	for (i = 0; i < vlen; i++) {
		ret = sys_recvmsg_sock(sock, fd, &vec[i].msg_hdr, flags);
		if (ret < 0)
			break;
		vec[i].msg_len = (unsigned int)ret;
		if (flags & MSG_WAITFORONE)
			flags |= MSG_DONTWAIT;
		if (timeout && clock_real_ns() >= deadline)
			break;
		if (vec[i].msg_hdr.msg_flags & MSG_OOB)
			break;
	}
	if (i && timeout) {
		int64_t left = deadline - clock_real_ns();

		*timeout = ns_to_timespec(left > 0 ? left : 0);
	}
	sockfd_put(sock);
	if (i)
		return (int)i;
	return (int)ret;
}

/* readv/writev: the file's read_iter or write_iter over the caller's
 * iovecs; a file without one (an epoll set) gives EINVAL, as in Linux. */
static long do_rw_iter(struct files_struct *files, int fd,
		       const struct iovec *iov, int iovcnt, bool write)
{
	struct iov_iter it;
	struct file *file;
	long ret;

	file = fget(files, fd);
	if (!file)
		return -EBADF;
	ret = -EINVAL;
	if (iovcnt < 0 || iovcnt > UIO_MAXIOV ||
	    !(write ? file->f_op->write_iter : file->f_op->read_iter))
		goto out;
	ret = iov_iter_init(&it, iov, (unsigned long)iovcnt);
	if (!ret)
		ret = write ? file->f_op->write_iter(file, &it) :
			      file->f_op->read_iter(file, &it);
out:
	fput(file);
	return ret;
}

long __sys_readv(struct files_struct *files, int fd, const struct iovec *iov,
		 int iovcnt)
{
	return do_rw_iter(files, fd, iov, iovcnt, false);
}

long __sys_writev(struct files_struct *files, int fd, const struct iovec *iov,
		  int iovcnt)
{
	return do_rw_iter(files, fd, iov, iovcnt, true);
}

/* ---- descriptors ------------------------------------------------------ */

#define SETFL_MASK (O_APPEND | O_NONBLOCK | O_NDELAY | O_DIRECT | O_NOATIME)

int __sys_fcntl(struct files_struct *files, int fd, int cmd, unsigned long arg)
{
	struct file *file;
	int ret;

	switch (cmd) {
	case F_DUPFD:
	case F_DUPFD_CLOEXEC:
		if (arg > INT_MAX)
			return fget(files, fd) ? -EINVAL : -EBADF;
		return dup_fd_min(files, fd, (int)arg, cmd == F_DUPFD_CLOEXEC);
	case F_GETFD:
		return fd_get_cloexec(files, fd);
	case F_SETFD:
		return fd_set_cloexec(files, fd, arg & FD_CLOEXEC);
	}
	file = fget(files, fd);
	if (!file)
		return -EBADF;
	switch (cmd) {
	case F_GETFL:
		ret = (int)atomic_load(&file->f_flags);
		break;
	case F_SETFL: {
		unsigned int old = atomic_load(&file->f_flags), nf;

		do {
			/* O_APPEND is stored even on a socket (Linux). */
			nf = (old & ~(unsigned int)SETFL_MASK) |
			     ((unsigned int)arg & SETFL_MASK &
			      ~(unsigned int)(O_DIRECT | O_NOATIME));
		} while (!atomic_compare_exchange_weak(&file->f_flags, &old,
						       nf));
		ret = 0;
		break;
	}
	default:
		ret = -EINVAL;
		break;
	}
	fput(file);
	return ret;
}

int __sys_ioctl(struct files_struct *files, int fd, unsigned long cmd,
		unsigned long arg)
{
	struct file *file = fget(files, fd);
	int ret;

	if (!file)
		return -EBADF;
	/* The commands the VFS answers for every file (do_vfs_ioctl). */
	switch (cmd) {
	case FIONBIO:
		if (*(int *)arg)
			atomic_fetch_or(&file->f_flags, O_NONBLOCK);
		else
			atomic_fetch_and(&file->f_flags,
					 ~(unsigned int)O_NONBLOCK);
		ret = 0;
		break;
	case FIOCLEX:
	case FIONCLEX:
		ret = fd_set_cloexec(files, fd, cmd == FIOCLEX);
		break;
	default:
		ret = file->f_op->ioctl ?
			      (int)file->f_op->ioctl(file, (unsigned int)cmd,
						     arg) :
			      -ENOTTY;
		break;
	}
	fput(file);
	return ret;
}
