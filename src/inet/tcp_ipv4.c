/*
 * tcp_ipv4.c - the TCP tables of a namespace: bound ports (with Linux's
 * bind-conflict rules), connections by 4-tuple, listeners by port; initial
 * sequence numbers (RFC 6528) and the state changes that move a sock
 * between tables.
 */
#include <errno.h>
#include <string.h>

#include "inet/netns_ipv4.h"
#include "inet/tcp.h"
#include "lib/alloc.h"
#include "lib/clock.h"

/*
 * The tables: bound socks by port, connections by 4-tuple (TIME_WAIT ones
 * included, which a busy client or server has by the ten thousand).  Each
 * starts with TCP_HASH_MIN buckets and doubles whenever it holds more
 * entries than buckets, up to its max, so chains stay short, for one entry
 * per bucket on average: Linux sizes its tables once, by the host's memory
 * (here 65 536 bind buckets, one per port, and 262 144 for connections);
 * a namespace here starts small and grows with its load.  A table never
 * shrinks.
 */
#define TCP_HASH_MIN	  1024
#define TCP_BIND_HASH_MAX 65536 /* one bucket per port */
#define TCP_CONN_HASH_MAX (1u << 20)

struct tcp_table;

struct tcp_hash {
	struct list_head *buckets;
	unsigned int mask; /* buckets - 1 */
	unsigned int count, max;
	/* an entry's hash, to move it when the table grows */
	uint32_t (*hash)(const struct tcp_table *t,
			 const struct list_head *node);
};

struct tcp_table {
	struct tcp_hash binds; /* inet_sock.bind_node */
	struct tcp_hash conns; /* tcp_sock.conn_node */
	uint64_t isn_secret[2];
	struct tcp_fastopen_cache tfo;
};

static struct list_head *tcp_hash_alloc(unsigned int n)
{
	struct list_head *b = obj_alloc_raw(OBJ_OTHER, n * sizeof(*b));

	if (b)
		for (unsigned int i = 0; i < n; i++)
			INIT_LIST_HEAD(&b[i]);
	return b;
}

/* Twice the buckets; every entry moves, keeping its order among those that
 * share its new bucket.  Without memory the chains just stay longer. */
static void tcp_hash_grow(const struct tcp_table *t, struct tcp_hash *h)
{
	unsigned int n = (h->mask + 1) * 2;
	struct list_head *b = tcp_hash_alloc(n);

	if (!b)
		return;
	for (unsigned int i = 0; i <= h->mask; i++) {
		while (!list_empty(&h->buckets[i])) {
			struct list_head *node = h->buckets[i].next;

			list_move_tail(node, &b[h->hash(t, node) & (n - 1)]);
		}
	}
	obj_free(OBJ_OTHER, h->buckets);
	h->buckets = b;
	h->mask = n - 1;
}

static void tcp_hash_add(const struct tcp_table *t, struct tcp_hash *h,
			 struct list_head *node, uint32_t hash)
{
	list_add_tail(node, &h->buckets[hash & h->mask]);
	if (++h->count > h->mask + 1 && h->mask + 1 < h->max)
		tcp_hash_grow(t, h);
}

static void tcp_hash_del(struct tcp_hash *h, struct list_head *node)
{
	list_del_init(node);
	h->count--;
}

static uint32_t tcp_bind_hash(const struct tcp_table *t,
			      const struct list_head *node)
{
	(void)t;
	return list_entry(node, struct inet_sock, bind_node)->inet_num;
}

static struct list_head *tcp_bind_bucket(struct tcp_table *t,
					 unsigned short port)
{
	return &t->binds.buckets[port & t->binds.mask];
}

/* A connection's hash, by its local and remote address and port (network
 * order). */
static uint32_t tcp_conn_hashfn(const struct tcp_table *t, uint32_t laddr,
				uint16_t lport, uint32_t raddr, uint16_t rport)
{
	uint64_t h = ((uint64_t)laddr << 32 | raddr) ^
		     ((uint64_t)lport << 16 | rport) ^ t->isn_secret[0];

	h = (h ^ (h >> 31)) * 0x9e3779b97f4a7c15ull;
	return (uint32_t)(h >> 32);
}

static uint32_t tcp_conn_hash(const struct tcp_table *t,
			      const struct list_head *node)
{
	const struct inet_sock *inet =
		&list_entry(node, struct tcp_sock, conn_node)->inet;

	return tcp_conn_hashfn(t, inet->inet_rcv_saddr, inet->inet_sport,
			       inet->inet_daddr, inet->inet_dport);
}

static struct tcp_table *tcp_table(struct net *net)
{
	return net_ipv4(net)->tcp;
}

struct tcp_fastopen_cache *tcp_fastopen_cache(struct net *net)
{
	return &tcp_table(net)->tfo;
}

static void tcp_table_free(struct tcp_table *t)
{
	obj_free(OBJ_OTHER, t->binds.buckets);
	obj_free(OBJ_OTHER, t->conns.buckets);
	obj_free(OBJ_OTHER, t);
}

int tcp_net_init(struct net *net)
{
	struct tcp_table *t = obj_alloc(OBJ_OTHER, sizeof(*t));

	if (!t)
		return -ENOMEM;
	t->binds = (struct tcp_hash){ .buckets = tcp_hash_alloc(TCP_HASH_MIN),
				      .mask = TCP_HASH_MIN - 1,
				      .max = TCP_BIND_HASH_MAX,
				      .hash = tcp_bind_hash };
	t->conns = (struct tcp_hash){ .buckets = tcp_hash_alloc(TCP_HASH_MIN),
				      .mask = TCP_HASH_MIN - 1,
				      .max = TCP_CONN_HASH_MAX,
				      .hash = tcp_conn_hash };
	if (!t->binds.buckets || !t->conns.buckets) {
		tcp_table_free(t);
		return -ENOMEM;
	}
	t->isn_secret[0] = ((uint64_t)net_random_u32(net) << 32) |
			   net_random_u32(net);
	t->isn_secret[1] = ((uint64_t)net_random_u32(net) << 32) |
			   net_random_u32(net);
	net_ipv4(net)->tcp = t;
	return 0;
}

/* A new child of @lsk, in SYN_RECV: counted in the SYN queue until it is
 * queued for accept() or done. */
void tcp_child_link(struct sock *lsk, struct sock *child)
{
	struct tcp_sock *ltp = tcp_sk(lsk);

	list_add_tail(&tcp_sk(child)->child_node, &ltp->children);
	ltp->syn_queue_len++;
}

void tcp_child_unlink(struct sock *child)
{
	struct tcp_sock *tp = tcp_sk(child);

	if (list_empty(&tp->child_node))
		return;
	list_del_init(&tp->child_node);
	tcp_sk(tp->parent)->syn_queue_len--;
}

/* A listener is going away: the connections it had not yet queued for
 * accept() (handshake under way, or waiting for data with
 * TCP_DEFER_ACCEPT) go without a word, as Linux drops its request socks
 * (inet_csk_listen_stop() resets only the connections made); the peer's
 * next segment meets no socket.  Only its own children are visited, as in
 * Linux: a sock that never listened has none, whatever the size of the
 * connection table. */
void tcp_drop_children(struct sock *lsk)
{
	struct list_head *children = &tcp_sk(lsk)->children;

	while (!list_empty(children)) {
		struct tcp_sock *tp =
			list_first_entry(children, struct tcp_sock, child_node);
		struct sock *child = &tp->inet.sk;

		tcp_child_unlink(child);
		tp->parent = NULL;
		tcp_done(child);
	}
}

void tcp_net_exit(struct net *net)
{
	tcp_table_free(tcp_table(net));
}

/* ---- ports --------------------------------------------------------------- */

/*
 * Linux's inet_bind_conflict(): two socks on one port conflict when their
 * addresses overlap, unless both have SO_REUSEADDR and the old one is not
 * listening, or both SO_REUSEPORT with the same owner.  A connection in
 * TIME_WAIT keeps the SO_REUSEADDR of its socket (accepted sockets inherit
 * the listener's), so both must have it there too.
 */
static bool tcp_bind_conflict(const struct sock *sk, const struct sock *sk2)
{
	const struct inet_sock *a = inet_sk(sk), *b = inet_sk(sk2);

	if (a->inet_rcv_saddr && b->inet_rcv_saddr &&
	    a->inet_rcv_saddr != b->inet_rcv_saddr)
		return false;
	if (sk->sk_bound_dev_if && sk2->sk_bound_dev_if &&
	    sk->sk_bound_dev_if != sk2->sk_bound_dev_if)
		return false;
	if (sk->sk_reuse && sk2->sk_reuse && sk2->sk_state != TCP_LISTEN)
		return false;
	if (sk->sk_reuseport && sk2->sk_reuseport && sk->sk_uid == sk2->sk_uid)
		return false;
	return true;
}

static bool tcp_port_used(struct net *net, const struct sock *sk,
			  unsigned short port, bool any_use)
{
	struct inet_sock *other;

	list_for_each_entry(other, tcp_bind_bucket(tcp_table(net), port),
			    bind_node)
		if (&other->sk != sk && other->inet_num == port &&
		    (any_use || tcp_bind_conflict(sk, &other->sk)))
			return true;
	return false;
}

/* A port of the ephemeral range that @ok lets @sk take, tried from a
 * random one on (RFC 6056 3.3.1, algorithm 1); 0 if none. */
static unsigned short
tcp_pick_port(struct sock *sk,
	      bool (*ok)(struct net *, const struct sock *, unsigned short))
{
	struct net *net = sock_net(sk);
	struct netns_ipv4 *ipv4 = net_ipv4(net);
	int low = ipv4->sysctl_ip_local_port_range[0];
	int high = ipv4->sysctl_ip_local_port_range[1];
	unsigned int range = (unsigned int)(high - low) + 1;
	unsigned int first = net_random_u32(net) % range;

	for (unsigned int i = 0; i < range; i++) {
		unsigned short p = (unsigned short)(low + (first + i) % range);

		if (ok(net, sk, p))
			return p;
	}
	return 0;
}

/* For bind() to port 0 and listen() unbound: a port no TCP sock uses. */
static bool tcp_port_unused(struct net *net, const struct sock *sk,
			    unsigned short port)
{
	return !tcp_port_used(net, sk, port, true);
}

/*
 * For connect() unbound (Linux's __inet_hash_connect()): a port that no
 * sock holds by bind() or as a listener's, and on which no connection,
 * TIME-WAIT included, has this one's addresses and peer port
 * (__inet_check_established()): connections to different peers share
 * ports (RFC 6056 2.1: only the 4-tuple must be unique).
 */
static bool tcp_port_connectable(struct net *net, const struct sock *sk,
				 unsigned short port)
{
	const struct inet_sock *inet = inet_sk(sk), *other;

	list_for_each_entry(other, tcp_bind_bucket(tcp_table(net), port),
			    bind_node) {
		if (&other->sk == sk || other->inet_num != port)
			continue;
		if (!tcp_sk(&other->sk)->port_by_connect ||
		    (other->inet_daddr == inet->inet_daddr &&
		     other->inet_dport == inet->inet_dport &&
		     other->inet_rcv_saddr == inet->inet_rcv_saddr))
			return false;
	}
	return true;
}

static void tcp_take_port(struct sock *sk, unsigned short snum, bool connect)
{
	inet_sk(sk)->inet_num = snum;
	tcp_sk(sk)->port_by_connect = connect;
	tcp_bind_inherit(sk);
}

int tcp_get_port(struct sock *sk, unsigned short snum)
{
	if (!snum) {
		snum = tcp_pick_port(sk, tcp_port_unused);
		if (!snum)
			return -EADDRINUSE;
	} else if (tcp_port_used(sock_net(sk), sk, snum, false)) {
		return -EADDRINUSE;
	}
	tcp_take_port(sk, snum, false);
	return 0;
}

/* connect() of an unbound sock, its addresses and peer set: a port for
 * them, or EADDRNOTAVAIL when the range has none (as Linux). */
int tcp_hash_connect(struct sock *sk)
{
	unsigned short snum = tcp_pick_port(sk, tcp_port_connectable);

	if (!snum)
		return -EADDRNOTAVAIL;
	tcp_take_port(sk, snum, true);
	return 0;
}

/* Into the bind table by its inet_num; a listener's child shares the
 * listener's port (Linux's inet_inherit_port()). */
void tcp_bind_inherit(struct sock *sk)
{
	struct tcp_table *t = tcp_table(sock_net(sk));

	tcp_hash_add(t, &t->binds, &inet_sk(sk)->bind_node,
		     inet_sk(sk)->inet_num);
}

/* Off the bind table, if there (Linux's inet_put_port()); inet_num is
 * left as it was. */
void tcp_put_port(struct sock *sk)
{
	struct inet_sock *inet = inet_sk(sk);

	if (!list_empty(&inet->bind_node))
		tcp_hash_del(&tcp_table(sock_net(sk))->binds, &inet->bind_node);
}

/* Off the connection table, if there, dropping the table's reference. */
void tcp_unhash_conn(struct sock *sk)
{
	struct tcp_sock *tp = tcp_sk(sk);

	if (!list_empty(&tp->conn_node)) {
		tcp_hash_del(&tcp_table(sock_net(sk))->conns, &tp->conn_node);
		sock_put(sk);
	}
}

/* Off every table; the conns table's reference is dropped. */
void tcp_unhash(struct sock *sk)
{
	struct inet_sock *inet = inet_sk(sk);

	tcp_child_unlink(sk);
	if (!list_empty(&inet->bind_node)) {
		tcp_put_port(sk);
		inet->inet_num = 0;
	}
	tcp_unhash_conn(sk);
}

/* Enter the connection table (holding a reference on the sock). */
void tcp_hash_conn(struct sock *sk)
{
	struct tcp_sock *tp = tcp_sk(sk);
	struct tcp_table *t = tcp_table(sock_net(sk));

	if (list_empty(&tp->conn_node)) {
		sock_hold(sk);
		tcp_hash_add(t, &t->conns, &tp->conn_node,
			     tcp_conn_hash(t, &tp->conn_node));
	}
}

/*
 * The sock a segment from saddr:sport to daddr:dport is for (Linux's
 * __inet_lookup): a connection with that 4-tuple, else a listener on the
 * port, one bound to the exact address first.  Addresses and ports in
 * network order.
 */
struct sock *tcp_lookup(struct net *net, uint32_t saddr, uint16_t sport,
			uint32_t daddr, uint16_t dport)
{
	struct tcp_table *t = tcp_table(net);
	struct inet_sock *inet;
	struct tcp_sock *tp;

	list_for_each_entry(tp,
			    &t->conns.buckets[tcp_conn_hashfn(t, daddr, dport,
							      saddr, sport) &
					      t->conns.mask],
			    conn_node) {
		inet = &tp->inet;
		if (inet->inet_sport == dport && inet->inet_dport == sport &&
		    inet->inet_daddr == saddr && inet->inet_rcv_saddr == daddr)
			return &inet->sk;
	}
	return tcp_lookup_listener(net, daddr, dport);
}

struct sock *tcp_lookup_listener(struct net *net, uint32_t daddr,
				 uint16_t dport)
{
	struct tcp_table *t = tcp_table(net);
	struct inet_sock *inet;
	struct sock *any = NULL;

	list_for_each_entry(inet, tcp_bind_bucket(t, ntohs(dport)), bind_node) {
		if (inet->sk.sk_state != TCP_LISTEN ||
		    inet->inet_num != ntohs(dport))
			continue;
		if (inet->inet_rcv_saddr == daddr)
			return &inet->sk;
		if (!inet->inet_rcv_saddr && !any)
			any = &inet->sk;
	}
	return any;
}

uint64_t tcp_secret_hash(struct net *net, uint32_t saddr, uint32_t daddr,
			 uint16_t sport, uint16_t dport)
{
	const uint64_t *k = tcp_table(net)->isn_secret;
	uint64_t h = k[0] ^ ((uint64_t)saddr << 32 | daddr);

	h ^= (uint64_t)sport << 16 | dport;
	h = (h ^ (h >> 33)) * 0xff51afd7ed558ccdull ^ k[1];
	h = (h ^ (h >> 33)) * 0xc4ceb9fe1a85ec53ull;
	return h ^ (h >> 33);
}

/* RFC 6528: a keyed hash of the 4-tuple plus a 4 us clock. */
uint32_t tcp_isn(struct net *net, uint32_t saddr, uint32_t daddr,
		 uint16_t sport, uint16_t dport)
{
	return (uint32_t)tcp_secret_hash(net, saddr, daddr, sport, dport) +
	       (uint32_t)(clock_now_ns() / 4000);
}

/* Per pair of addresses, as Linux's secure_tcp_ts_off(). */
uint32_t tcp_ts_off(struct net *net, uint32_t saddr, uint32_t daddr)
{
	return (uint32_t)(tcp_secret_hash(net, saddr, daddr, 0, 0) >> 32);
}

uint32_t tcp_ts_now(const struct tcp_sock *tp)
{
	return (uint32_t)(clock_now_ns() / NSEC_PER_MSEC) + tp->ts_offset;
}

void tcp_set_state(struct sock *sk, int state)
{
	int old = sk->sk_state;

	sk->sk_state = (unsigned char)state;
	/* A new connection starts in quick-ACK mode (Linux's
	 * tcp_init_transfer()): its first segments are acknowledged at once,
	 * so that a request or a slow-start burst does not wait for the
	 * delayed-ACK timer.  Its idle time for keepalive starts too. */
	if (state == TCP_ESTABLISHED && old != TCP_ESTABLISHED) {
		struct tcp_sock *tp = tcp_sk(sk);

		tp->quick_acks = TCP_QUICK_ACKS;
		/* Linux's tcp_initialize_rcv_mss(): a guess at the peer's
		 * segment size, rather low than high, until data comes. */
		tp->rcv_mss = min_t(uint32_t, tp->mss_cache,
				    min_t(uint32_t, tp->rcv_wnd / 2,
					  TCP_MSS_DEFAULT));
		tp->rcv_mss = max_t(uint32_t, tp->rcv_mss, TCP_MIN_MSS);
		tcp_keepalive_start(sk);
		/* Linux's tcp_init_buffer_space() */
		tcp_sndbuf_expand(sk);
	}
}

/* Linux's tcp_done(): the connection is over. */
void tcp_done(struct sock *sk)
{
	tcp_set_state(sk, TCP_CLOSE);
	tcp_clear_xmit_timers(sk);
	/* What was still to send goes (its skbs hold the sock: a SYN-ACK
	 * of a child reset with its listener would keep it for ever). */
	tcp_write_queue_purge(sk);
	sk->sk_shutdown = SHUTDOWN_MASK;
	if (!sock_flag(sk, SOCK_DEAD))
		sk->sk_state_change(sk);
	/* Last: this may drop the last reference of an orphan. */
	tcp_unhash(sk);
}
