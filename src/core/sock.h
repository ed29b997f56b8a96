/*
 * sock.h - struct sock, the protocol-facing half of a socket.
 *
 * struct socket (socket/socket.h) faces the file and the caller; struct
 * sock holds what every protocol shares: the buffers and their accounting,
 * the options of SOL_SOCKET, the wake-up callbacks, the queues.  A
 * protocol embeds struct sock at the start of its own (struct unix_sock).
 *
 * Locking: all fields are protected by the namespace lock (lock_sock());
 * the allocation counters are atomics because skb destructors may run
 * without it.  See docs/ARCHITECTURE.md for the lifecycle.
 */
#ifndef USNET_CORE_SOCK_H
#define USNET_CORE_SOCK_H

#include <errno.h>
#include <sys/epoll.h>
#include <sys/socket.h>

#include <usnet/net.h>

#include "core/net.h"
#include "core/skbuff.h"
#include "lib/clock.h"
#include "socket/wait.h"

struct socket;
struct proto;

/* sk_shutdown bits */
#define RCV_SHUTDOWN  1
#define SEND_SHUTDOWN 2
#define SHUTDOWN_MASK 3

/* sk_userlocks */
#define SOCK_SNDBUF_LOCK   1
#define SOCK_RCVBUF_LOCK   2
#define SOCK_BINDADDR_LOCK 4
#define SOCK_BINDPORT_LOCK 8

/* Linux's minimums: room for a couple of full-sized skbs. */
#define SOCK_MIN_SNDBUF 4608
#define SOCK_MIN_RCVBUF 2304

/* The states, numbered as Linux numbers them for TCP and AF_UNIX alike
 * (TCP_ESTABLISHED = 1 ... TCP_CLOSING): the enum of <netinet/tcp.h>. */
#include <netinet/tcp.h>

enum sock_flags {
	SOCK_DEAD,
	SOCK_DONE,
	SOCK_LINGER,
	SOCK_DBG,
	SOCK_BROADCAST,
	SOCK_KEEPOPEN,
	SOCK_URGINLINE,
	SOCK_LOCALROUTE,
	SOCK_PASSCRED,
	SOCK_PASSPIDFD,
	SOCK_RCVTSTAMP,
	SOCK_NOFCS,
	SOCK_RXQ_OVFL,
	SOCK_SELECT_ERR_QUEUE,
	SOCK_ZEROCOPY,
};

struct sock {
	struct net *sk_net;
	struct proto *sk_prot;
	struct socket *sk_socket;
	struct wait_queue_head *sk_wq; /* the socket's; NULL once orphaned */
	_Atomic int sk_refcnt;

	unsigned short sk_family;
	unsigned short sk_type;
	unsigned short sk_protocol;
	unsigned char sk_state;
	unsigned char sk_shutdown;
	unsigned char sk_reuse;
	unsigned char sk_reuseport;
	unsigned char sk_no_check_tx;
	unsigned int sk_userlocks;
	unsigned long sk_flags;
	int sk_err;
	int sk_err_soft;

	int sk_sndbuf;
	int sk_rcvbuf;
	_Atomic int sk_wmem_alloc;
	_Atomic int sk_rmem_alloc;
	_Atomic int sk_omem_alloc;
	int sk_rcvlowat;
	int64_t sk_rcvtimeo; /* ns; TIMEO_INFINITE when unset */
	int64_t sk_sndtimeo;
	int sk_lingertime; /* seconds */
	int sk_peek_off;   /* -1 when off */
	int sk_priority;
	unsigned int sk_mark;
	int sk_bound_dev_if;
	_Atomic unsigned int sk_drops; /* receive drops (SO_RXQ_OVFL) */
	uid_t sk_uid;		       /* owner, for SO_REUSEPORT groups */
	unsigned int sk_max_ack_backlog;
	unsigned int sk_ack_backlog;
	_Atomic uint64_t sk_cookie;

	struct sk_buff_head sk_receive_queue;
	struct sk_buff_head sk_write_queue;
	struct sk_buff_head sk_error_queue;

	/* The peer's credentials (SO_PEERCRED); valid when sk_peer_valid. */
	struct usnet_cred sk_peer_cred;
	bool sk_peer_valid;

	void (*sk_state_change)(struct sock *sk);
	void (*sk_data_ready)(struct sock *sk);
	void (*sk_write_space)(struct sock *sk);
	void (*sk_error_report)(struct sock *sk);
	void (*sk_destruct)(struct sock *sk);
};

/*
 * struct proto - a transport protocol's half of the dispatch: what
 * proto_ops calls once the family-level work is done.  AF_UNIX uses only
 * the allocation size and close; AF_INET protocols fill the rest.
 */
struct kmsghdr;

struct proto {
	const char *name;
	size_t obj_size;
	int (*init)(struct sock *sk);
	void (*close)(struct sock *sk, int64_t timeout);
	void (*destroy)(struct sock *sk);
	int (*connect)(struct sock *sk, struct sockaddr *uaddr, int len);
	int (*disconnect)(struct sock *sk, int flags);
	int (*sendmsg)(struct sock *sk, struct kmsghdr *msg, size_t len);
	int (*recvmsg)(struct sock *sk, struct kmsghdr *msg, size_t len,
		       int flags);
	/* Take local port @snum (0: choose one); -EADDRINUSE. Lock held. */
	int (*get_port)(struct sock *sk, unsigned short snum);
	/* Leave the port table. Lock held. */
	void (*unhash)(struct sock *sk);
	int (*setsockopt)(struct sock *sk, int level, int optname,
			  const void *optval, unsigned int optlen);
	int (*getsockopt)(struct sock *sk, int level, int optname, void *optval,
			  int *optlen);
	int (*ioctl)(struct sock *sk, unsigned int cmd, unsigned long arg);
	/* SO_RCVLOWAT, when the protocol bounds it (NULL: stored as is) */
	void (*set_rcvlowat)(struct sock *sk, int val);
	/* An ICMP error about a packet this protocol sent (lock held). */
	void (*err_handler)(struct sock *sk, int err, bool harderr);
	/* SO_KEEPALIVE is set to @val, before the flag changes (lock held;
	 * NULL: nothing to do). */
	void (*keepalive)(struct sock *sk, int val);
};

static inline bool sock_flag(const struct sock *sk, enum sock_flags f)
{
	return (sk->sk_flags >> f) & 1;
}

static inline void sock_set_flag(struct sock *sk, enum sock_flags f)
{
	sk->sk_flags |= 1UL << f;
}

static inline void sock_reset_flag(struct sock *sk, enum sock_flags f)
{
	sk->sk_flags &= ~(1UL << f);
}

static inline void sock_valbool_flag(struct sock *sk, enum sock_flags f, int on)
{
	if (on)
		sock_set_flag(sk, f);
	else
		sock_reset_flag(sk, f);
}

static inline struct net *sock_net(const struct sock *sk)
{
	return sk->sk_net;
}

static inline void lock_sock(struct sock *sk)
{
	net_lock(sk->sk_net);
}

static inline void release_sock(struct sock *sk)
{
	net_unlock(sk->sk_net);
}

/* A new sock of @prot's size in @net, holding one reference. */
struct sock *sk_alloc(struct net *net, int family, struct proto *prot);
/* Set the generic defaults and attach @sk to @sock (which may be NULL). */
void sock_init_data(struct socket *sock, struct sock *sk);

static inline void sock_hold(struct sock *sk)
{
	atomic_fetch_add_explicit(&sk->sk_refcnt, 1, memory_order_relaxed);
}

/* Drop a reference; the last one runs sk_destruct and frees the sock. */
void sock_put(struct sock *sk);

/* Detach from the socket: no more wake-ups, the sock is dead. */
void sock_orphan(struct sock *sk);
/* Attach to a socket (accept): wake-ups go to its wait queue. */
void sock_graft(struct sock *sk, struct socket *parent);

static inline int sk_wmem_alloc_get(const struct sock *sk)
{
	return atomic_load_explicit(&sk->sk_wmem_alloc, memory_order_relaxed);
}

static inline int sk_rmem_alloc_get(const struct sock *sk)
{
	return atomic_load_explicit(&sk->sk_rmem_alloc, memory_order_relaxed);
}

static inline bool sock_writeable(const struct sock *sk)
{
	return sk_wmem_alloc_get(sk) < (READ_ONCE(sk->sk_sndbuf) >> 1);
}

/* The destructor skb_set_owner_w() installs: uncharge, wake writers. */
void sock_wfree(struct sk_buff *skb);
/* Charge @skb to @sk's send side (freed → sk_write_space). */
void skb_set_owner_w(struct sk_buff *skb, struct sock *sk);
/* Charge @skb to @sk's receive side. */
void skb_set_owner_r(struct sk_buff *skb, struct sock *sk);

/*
 * Allocate an skb for sending @size bytes, charged to @sk, waiting for
 * send-buffer room as Linux's sock_alloc_send_skb() does.  Called with the
 * lock held; may drop and retake it while waiting, spending *@timeo
 * (0: do not wait; see sock_sndtimeo()).  *@err gets -EAGAIN,
 * -EPIPE, -EINTR or -ENOMEM with NULL.
 */
struct sk_buff *sock_alloc_send_skb(struct sock *sk, size_t size,
				    int64_t *timeo, int *err);

/* Timeouts of a call: 0 for non-blocking, else SO_RCVTIMEO/SO_SNDTIMEO. */
static inline int64_t sock_rcvtimeo(const struct sock *sk, bool noblock)
{
	return noblock ? 0 : sk->sk_rcvtimeo;
}

static inline int64_t sock_sndtimeo(const struct sock *sk, bool noblock)
{
	return noblock ? 0 : sk->sk_sndtimeo;
}

/* Linux's sock_intr_errno(): an interrupted wait is EINTR. */
static inline int sock_intr_errno(int64_t timeo)
{
	(void)timeo;
	return -EINTR;
}

/*
 * Sleep on @sk's wait queue until woken for @events (or an error or
 * hang-up) or *@timeo runs out.  Called and
 * returns with the lock held; drops it while asleep.  Returns 0 or -EINTR.
 * The caller re-checks its condition in a loop (sk_wait_event()).
 */
int sk_wait(struct sock *sk, struct wait_queue_head *wq, __poll_t events,
	    int64_t *timeo);

/* Wake-ups every sleeper takes, whatever it waits for. */
#define SK_WAIT_ALWAYS (EPOLLERR | EPOLLHUP | EPOLLRDHUP)

/* Read and clear the pending error (SO_ERROR semantics). */
int sock_error(struct sock *sk);

/* The number of bytes readable before the low-water mark is met. */
/* SO_PEEK_OFF: a read moves the offset back by what it took, a peek
 * forward by what it saw; -1 means off. */
static inline void sk_peek_offset_bwd(struct sock *sk, int val)
{
	if (sk->sk_peek_off >= 0)
		sk->sk_peek_off = max_t(int, sk->sk_peek_off - val, 0);
}

static inline void sk_peek_offset_fwd(struct sock *sk, int val)
{
	if (sk->sk_peek_off >= 0)
		sk->sk_peek_off += val;
}

int sk_set_peek_off(struct sock *sk, int val);

static inline int sock_rcvlowat(const struct sock *sk, bool waitall, int len)
{
	int v = waitall ? len : min_t(int, READ_ONCE(sk->sk_rcvlowat), len);

	return v ? v : 1;
}

/* Default callbacks (sock_def_*). */
void sock_def_readable(struct sock *sk);
void sock_def_write_space(struct sock *sk);
void sock_def_wakeup(struct sock *sk);
void sock_def_error_report(struct sock *sk);

/* SOL_SOCKET options, shared by every family. */
int sock_setsockopt(struct socket *sock, int level, int optname,
		    const void *optval, unsigned int optlen);
int sock_getsockopt(struct socket *sock, int level, int optname, void *optval,
		    int *optlen);

/* Send SIGPIPE to the calling thread, as Linux does on EPIPE. */
void send_sigpipe(void);

#endif
