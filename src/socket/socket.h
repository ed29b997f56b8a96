/*
 * socket.h - struct socket, proto_ops, and the family registry.
 *
 * The dispatch chain, as in Linux: a call (socket.c) finds the file behind
 * a descriptor, the file gives the struct socket, and the call goes through
 * sock->ops (the family's proto_ops: af_unix.c, later af_inet.c) which may
 * go on to the transport's struct proto (core/sock.h).
 */
#ifndef USNET_SOCKET_SOCKET_H
#define USNET_SOCKET_SOCKET_H

#include <sys/socket.h>

#include "core/sock.h"
#include "lib/iov.h"
#include "socket/file.h"
#include "socket/wait.h"

typedef enum {
	SS_FREE = 0,
	SS_UNCONNECTED,
	SS_CONNECTING,
	SS_CONNECTED,
	SS_DISCONNECTING,
} socket_state;

/* The type bits of socket()'s type argument (Linux's SOCK_TYPE_MASK). */
#define SOCK_TYPE_MASK_ALL 0xf

/* Linux's internal "no such ioctl here, ask the next layer". */
#define ENOIOCTLCMD 515

/* struct socket flags */
#define SOCK_NOSPACE 0

struct socket {
	socket_state state;
	short type;
	unsigned long flags;
	struct file *file;
	struct sock *sk;
	const struct proto_ops *ops;
	struct wait_queue_head wq;
};

/* The kernel's struct msghdr: the caller's msghdr with its iovec walked
 * through an iov_iter.  msg_name/msg_control point at the caller's
 * buffers. */
struct kmsghdr {
	void *msg_name;
	int msg_namelen;
	struct iov_iter msg_iter;
	void *msg_control;
	size_t msg_controllen;
	unsigned int msg_flags;
};

struct proto_ops {
	int family;
	int (*release)(struct socket *sock);
	int (*bind)(struct socket *sock, struct sockaddr *addr, int len);
	int (*connect)(struct socket *sock, struct sockaddr *addr, int len,
		       int flags);
	int (*socketpair)(struct socket *a, struct socket *b);
	int (*accept)(struct socket *sock, struct socket *newsock, int flags);
	/* Returns the address length or a negative errno. */
	int (*getname)(struct socket *sock, struct sockaddr *addr, int peer);
	__poll_t (*poll)(struct file *file, struct socket *sock,
			 poll_table *wait);
	int (*ioctl)(struct socket *sock, unsigned int cmd, unsigned long arg);
	int (*listen)(struct socket *sock, int backlog);
	int (*shutdown)(struct socket *sock, int how);
	int (*setsockopt)(struct socket *sock, int level, int optname,
			  const void *optval, unsigned int optlen);
	int (*getsockopt)(struct socket *sock, int level, int optname,
			  void *optval, int *optlen);
	int (*sendmsg)(struct socket *sock, struct kmsghdr *m, size_t len);
	int (*recvmsg)(struct socket *sock, struct kmsghdr *m, size_t len,
		       int flags);
	int (*set_peek_off)(struct sock *sk, int val);
};

struct net_proto_family {
	int family;
	int (*create)(struct net *net, struct socket *sock, int protocol,
		      int kern);
};

/* Register a family; -EEXIST if it already is, -ENOBUFS for a bad one. */
int sock_register(const struct net_proto_family *ops);
void sock_unregister(int family);

/* A fresh struct socket (no sock, no file yet). */
struct socket *sock_alloc(void);
/* Release the protocol side, then free the socket. */
void sock_release(struct socket *sock);
/* Give @sock a file (flags: O_NONBLOCK); NULL on failure. */
struct file *sock_alloc_file(struct socket *sock, unsigned int flags);
/* The socket of a file, or NULL (then the caller says -ENOTSOCK). */
struct socket *sock_from_file(struct file *file);

/* Create a socket in @net with Linux's argument checks. */
int sock_create(struct net *net, int family, int type, int protocol,
		struct socket **res, int kern);

int sock_sendmsg(struct socket *sock, struct kmsghdr *msg);
int sock_recvmsg(struct socket *sock, struct kmsghdr *msg, int flags);

/* Wake-up helpers used by the protocols. */
static inline struct wait_queue_head *sk_sleep(struct sock *sk)
{
	return sk->sk_wq;
}

/* Families registered at start-up (family.c). */
void sock_families_init(void);
/* The family registered for @family (0 <= family < AF_MAX), or NULL. */
const struct net_proto_family *sock_family_get(int family);

#endif
