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

/* Buckets of each table: bound socks by port, connections by 4-tuple
 * (TIME_WAIT ones included, which a busy server has by the thousand). */
#define TCP_HASH_SIZE 1024

struct tcp_table {
	struct list_head binds[TCP_HASH_SIZE]; /* inet_sock.bind_node */
	struct list_head conns[TCP_HASH_SIZE]; /* tcp_sock.conn_node */
	uint64_t isn_secret[2];
	struct tcp_fastopen_cache tfo;
};

static struct list_head *tcp_bind_bucket(struct tcp_table *t,
					 unsigned short port)
{
	return &t->binds[port & (TCP_HASH_SIZE - 1)];
}

/* The bucket of a connection, by its local and remote address and port
 * (network order). */
static struct list_head *tcp_conn_bucket(struct tcp_table *t, uint32_t laddr,
					 uint16_t lport, uint32_t raddr,
					 uint16_t rport)
{
	uint64_t h = ((uint64_t)laddr << 32 | raddr) ^
		     ((uint64_t)lport << 16 | rport) ^ t->isn_secret[0];

	h = (h ^ (h >> 31)) * 0x9e3779b97f4a7c15ull;
	return &t->conns[(h >> 40) & (TCP_HASH_SIZE - 1)];
}

static struct tcp_table *tcp_table(struct net *net)
{
	return net_ipv4(net)->tcp;
}

struct tcp_fastopen_cache *tcp_fastopen_cache(struct net *net)
{
	return &tcp_table(net)->tfo;
}

int tcp_net_init(struct net *net)
{
	struct tcp_table *t = obj_alloc(OBJ_OTHER, sizeof(*t));

	if (!t)
		return -ENOMEM;
	for (int i = 0; i < TCP_HASH_SIZE; i++) {
		INIT_LIST_HEAD(&t->binds[i]);
		INIT_LIST_HEAD(&t->conns[i]);
	}
	t->isn_secret[0] = ((uint64_t)net_random_u32(net) << 32) |
			   net_random_u32(net);
	t->isn_secret[1] = ((uint64_t)net_random_u32(net) << 32) |
			   net_random_u32(net);
	net_ipv4(net)->tcp = t;
	return 0;
}

/* A listener is going away: the connections it had not yet queued for
 * accept() (handshake under way, or waiting for data with
 * TCP_DEFER_ACCEPT) go without a word, as Linux drops its request socks
 * (inet_csk_listen_stop() resets only the connections made); the peer's
 * next segment meets no socket. */
void tcp_drop_children(struct sock *lsk)
{
	struct tcp_table *t = tcp_table(sock_net(lsk));
	struct tcp_sock *tp, *next;

	for (int i = 0; i < TCP_HASH_SIZE; i++) {
		list_for_each_entry_safe(tp, next, &t->conns[i], conn_node) {
			struct sock *child = &tp->inet.sk;

			if (tp->parent != lsk)
				continue;
			tp->parent = NULL;
			tcp_done(child);
		}
	}
	tcp_sk(lsk)->syn_queue_len = 0;
}

void tcp_net_exit(struct net *net)
{
	obj_free(OBJ_OTHER, tcp_table(net));
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
	list_add_tail(&inet_sk(sk)->bind_node,
		      tcp_bind_bucket(tcp_table(sock_net(sk)), snum));
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

/* A listener's child shares its port (Linux's inet_inherit_port()). */
void tcp_bind_inherit(struct sock *sk)
{
	list_add_tail(&inet_sk(sk)->bind_node,
		      tcp_bind_bucket(tcp_table(sock_net(sk)),
				      inet_sk(sk)->inet_num));
}

/* Off every table; the conns table's reference is dropped. */
void tcp_unhash(struct sock *sk)
{
	struct tcp_sock *tp = tcp_sk(sk);
	struct inet_sock *inet = inet_sk(sk);

	if (!list_empty(&inet->bind_node)) {
		list_del_init(&inet->bind_node);
		inet->inet_num = 0;
	}
	if (!list_empty(&tp->conn_node)) {
		list_del_init(&tp->conn_node);
		sock_put(sk);
	}
}

/* Enter the connection table (holding a reference on the sock). */
void tcp_hash_conn(struct sock *sk)
{
	struct tcp_sock *tp = tcp_sk(sk);
	struct inet_sock *inet = inet_sk(sk);

	if (list_empty(&tp->conn_node)) {
		sock_hold(sk);
		list_add_tail(
			&tp->conn_node,
			tcp_conn_bucket(tcp_table(sock_net(sk)),
					inet->inet_rcv_saddr, inet->inet_sport,
					inet->inet_daddr, inet->inet_dport));
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

	list_for_each_entry(tp, tcp_conn_bucket(t, daddr, dport, saddr, sport),
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
