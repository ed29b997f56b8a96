/*
 * af_unix.h - AF_UNIX sockets, shared between the files of the family.
 *
 * af_unix.c      the family: create, bind, connect, listen, accept,
 *                socketpair, shutdown, poll, ioctl, release
 * unix_addr.c    the per-namespace name table and filesystem nodes
 * unix_stream.c  SOCK_STREAM data
 * unix_dgram.c   SOCK_DGRAM and SOCK_SEQPACKET data
 * garbage.c      descriptors in flight and the collector of their cycles
 *
 * All state of a unix sock is protected by its namespace lock; a peer is
 * always in the same namespace (docs/ARCHITECTURE.md says why).
 */
#ifndef USNET_UNIX_AF_UNIX_H
#define USNET_UNIX_AF_UNIX_H

#include <sys/stat.h>
#include <sys/un.h>

#include "core/sock.h"
#include "socket/scm.h"
#include "socket/socket.h"

struct unix_address {
	int refcnt;
	int len;
	/* Room for a 108-byte path with no NUL, which Linux accepts and
	 * reports with a length one past sizeof(struct sockaddr_un). */
	union {
		struct sockaddr_un name;
		struct sockaddr_storage storage;
	};
};

struct unix_sock {
	struct sock sk;
	struct unix_address *addr;
	/* The filesystem node of a path-bound socket. */
	bool has_inode;
	dev_t dev;
	ino_t ino;
	struct sock *peer;
	/* Stream: the skb holding the out-of-band byte (MSG_OOB), still in
	 * the receive queue, until read or passed over. */
	struct sk_buff *oob_skb;
	struct list_head link; /* in the namespace's table */
	/* Senders waiting for room in this sock's receive queue, and
	 * connecting sockets waiting for the backlog to drain. */
	struct wait_queue_head peer_wait;
	/* Hung on a peer's peer_wait while poll() finds it full. */
	struct wait_queue_entry peer_wake;
	struct sock *peer_wake_target;
	/* In-flight bookkeeping for the collector (garbage.c). */
	struct list_head gc_link;
	long gc_refs;
	bool gc_candidate;
	bool gc_maybe_cycle;
};

/* What a unix skb carries besides data (UNIXCB). */
struct unix_skb_parms {
	struct usnet_cred creds;
	bool creds_set;
	struct scm_fp_list *fp;
	unsigned int consumed; /* stream: bytes already read */
};

#define UNIXCB(skb) (*(struct unix_skb_parms *)&((skb)->cb))

static inline struct unix_sock *unix_sk(const struct sock *sk)
{
	return (struct unix_sock *)sk;
}

static inline struct sock *unix_peer(const struct sock *sk)
{
	return unix_sk(sk)->peer;
}

static inline unsigned int unix_skb_len(const struct sk_buff *skb)
{
	return skb->len - UNIXCB(skb).consumed;
}

static inline bool unix_recvq_full(const struct sock *sk)
{
	return skb_queue_len(&sk->sk_receive_queue) > sk->sk_max_ack_backlog;
}

/* af_unix.c */
void af_unix_init(void);
int unix_net_init(struct net *net);
void unix_net_exit(struct net *net);
struct sock *unix_create1(struct net *net, struct socket *sock, int type);
long unix_wait_for_peer(struct sock *other, int64_t *timeo);
void unix_dgram_peer_wake_disconnect(struct sock *sk, struct sock *other);
bool unix_dgram_peer_wake_me(struct sock *sk, struct sock *other);
void unix_dgram_disconnected(struct sock *sk, struct sock *other);
int unix_autobind(struct sock *sk);
bool unix_may_passcred(const struct sock *sk);
void unix_copy_addr(struct kmsghdr *msg, struct sock *sk);
/* Attach the sender's credentials and files to @skb. */
int unix_scm_to_skb(struct scm_cookie *scm, struct sk_buff *skb, bool send_fds);
void unix_maybe_add_creds(struct sk_buff *skb, const struct sock *sk,
			  const struct sock *other);
/* Deliver credentials and files of a received skb to the caller. */
void unix_scm_recv(struct socket *sock, struct kmsghdr *msg,
		   struct scm_cookie *scm, bool have_creds);

/* unix_addr.c: names, under the namespace lock. */
int unix_validate_addr(const struct sockaddr_un *sun, int len);
int unix_bind_path(struct sock *sk, struct sockaddr_un *sun, int len);
int unix_bind_abstract(struct sock *sk, const struct sockaddr_un *sun, int len);
/* The sock bound at @sun of @type, with a reference, or an ERR value
 * through *err (-ECONNREFUSED, -ENOENT, -EPROTOTYPE, -EACCES, ...). */
struct sock *unix_find_other(struct net *net, struct sockaddr_un *sun, int len,
			     int type, int *err);
void unix_table_remove(struct sock *sk);
void unix_release_addr(struct unix_address *addr);

/* unix_stream.c */
int unix_stream_sendmsg(struct socket *sock, struct kmsghdr *msg, size_t len);
int unix_stream_recvmsg(struct socket *sock, struct kmsghdr *msg, size_t size,
			int flags);

/* unix_dgram.c */
int unix_dgram_sendmsg(struct socket *sock, struct kmsghdr *msg, size_t len);
int unix_dgram_recvmsg(struct socket *sock, struct kmsghdr *msg, size_t size,
		       int flags);
int unix_seqpacket_sendmsg(struct socket *sock, struct kmsghdr *msg,
			   size_t len);
int unix_seqpacket_recvmsg(struct socket *sock, struct kmsghdr *msg,
			   size_t size, int flags);

/* garbage.c */
void unix_inflight(struct scm_fp_list *fpl);
void unix_notinflight(struct scm_fp_list *fpl);
void unix_gc(void);
/* The unix sock behind a file, or NULL. */
struct sock *unix_get_socket(struct file *file);

#endif
