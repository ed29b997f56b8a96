/*
 * tcp.h - TCP (RFC 9293) as Linux does it: the socket (tcp.c), segments in
 * (tcp_input.c) and out (tcp_output.c), timers (tcp_timer.c), connection
 * tables and ports (tcp_ipv4.c).
 *
 * Sequence numbers are host-order uint32_t compared with before()/after()
 * (RFC 1982 serial arithmetic).  Every field is under the namespace lock.
 */
#ifndef USNET_INET_TCP_H
#define USNET_INET_TCP_H

#include "core/timer.h"
#include "inet/inet_sock.h"
#include "inet/ip.h"
#include "wire/tcp.h"

/* Linux's constants. */
#define TCP_RTO_MIN	    (200 * NSEC_PER_MSEC)
#define TCP_RTO_MAX	    (120 * NSEC_PER_SEC)
#define TCP_TIMEOUT_INIT    (1 * NSEC_PER_SEC)
#define TCP_DELACK_MAX	    (200 * NSEC_PER_MSEC)
#define TCP_DELACK_MIN	    (40 * NSEC_PER_MSEC)
#define TCP_TIMEWAIT_LEN    (60 * NSEC_PER_SEC)
#define TCP_FIN_TIMEOUT_MAX 120 /* s, TCP_LINGER2's ceiling */
#define TCP_QUICK_ACKS	    16	/* Linux's TCP_MAX_QUICKACKS */
#define TCP_MIN_MSS	    88	/* the least MSS Linux takes */
#define TCP_SYNACK_RETRIES  5
#define TCP_SYN_LINEAR_RTOS 4 /* Linux 6.18's tcp_syn_linear_timeouts */
#define TCP_RETRIES2	    15
#define TCP_INIT_CWND	    10
#define TCP_WSCALE	    7
#define TCP_MAX_WINDOW	    (1u << 30)
#define TCP_CA_NAME_MAX	    16
/* Linux's defaults of net.ipv4.tcp_rmem and tcp_wmem: a new socket's
 * buffers, and how far tuning grows them */
#define TCP_RMEM_MAX	 6291456
#define TCP_WMEM_DEFAULT 16384
#define TCP_WMEM_MAX	 4194304
#define TCP_TS_OPT_LEN	 12 /* NOP, NOP, timestamps */
#define TCP_PAWS_24DAYS	 (24LL * 86400 * NSEC_PER_SEC)

/* The MSS a device's MTU allows: headers off, and never a datagram over
 * 65535 bytes (loopback: 65495, as Linux announces). */
static inline uint32_t tcp_mss_for_mtu(unsigned int mtu)
{
	return (mtu > 65535 ? 65535 : mtu) - 40;
}

/* The MSS this end announces (RFC 9293 3.7.1): what its device takes,
 * whatever the peer announced, lowered by TCP_MAXSEG (@user_mss; Linux's
 * advmss, tcp_mss_clamp()). */
static inline uint16_t tcp_advmss(unsigned int user_mss, unsigned int mtu)
{
	uint32_t mss = tcp_mss_for_mtu(mtu);

	return (uint16_t)(user_mss && user_mss < mss ? user_mss : mss);
}

static inline bool before(uint32_t a, uint32_t b)
{
	return (int32_t)(a - b) < 0;
}

#define after(a, b) before(b, a)

/* What a queued segment covers (TCP_SKB_CB, in skb->cb after the IPv4
 * control block). */
struct tcp_skb_cb {
	uint32_t seq;
	uint32_t end_seq;  /* seq + len + SYN + FIN */
	uint8_t flags;	   /* TCPHDR_* */
	uint8_t sacked;	   /* TCPCB_*: the scoreboard (RFC 6675) */
	int64_t sent;	   /* when last sent, for RTT (Karn: not if
				 * retransmitted) */
	uint32_t consumed; /* receive queue: bytes already read */
};

/* tcp_skb_cb.sacked */
#define TCPCB_EVER_RETRANS 0x01 /* sent more than once (Karn) */
#define TCPCB_SACKED	   0x02 /* the peer SACKed it */
#define TCPCB_LOST	   0x04 /* taken for lost (RFC 6675 IsLost) */
#define TCPCB_RETRANS	   0x08 /* retransmitted in this recovery */

/* Congestion states (Linux's tcp_ca_state). */
enum {
	TCP_CA_OPEN,
	TCP_CA_RECOVERY,
	TCP_CA_LOSS
};

#define TCP_SKB_CB(skb) \
	((struct tcp_skb_cb *)((skb)->cb + sizeof(struct inet_skb_parm)))

struct tcp_sock {
	struct inet_sock inet;

	/* send side (RFC 9293 3.3.1) */
	uint32_t snd_una, snd_nxt, snd_wnd, snd_wl1, snd_wl2, iss;
	uint32_t write_seq;	   /* end of the data queued to send */
	uint32_t snd_sml;	   /* end of the last small segment sent */
	uint32_t pushed_seq;	   /* end of the data last marked PSH */
	uint32_t max_window;	   /* the largest window the peer offered */
	struct sk_buff *send_head; /* first unsent skb of the write
					 * queue (NULL: all sent) */
	uint32_t mss_cache;	   /* what we send */
	uint32_t rx_opt_mss;	   /* what the peer announced */
	uint8_t snd_wscale, rcv_wscale;
	bool wscale_ok;
	/* RFC 7323 timestamps and RFC 2018 SACK: offered (before the
	 * handshake), then agreed */
	bool tstamp_ok, sack_ok;
	uint32_t ts_recent;	 /* the TSval to echo (4.3) */
	int64_t ts_recent_stamp; /* when it was stored (PAWS, 5.5) */
	uint32_t ts_offset;	 /* added to our ms clock (5.4) */
	uint32_t sack_recent;	 /* seq of the latest out-of-order arrival */

	/* receive side */
	uint32_t rcv_nxt, rcv_wnd, rcv_wup, irs;
	struct sk_buff_head out_of_order_queue;
	uint32_t copied_seq; /* next byte the reader takes */

	/* congestion control (RFC 5681, NewReno 6582; tcp_cong.c) */
	uint32_t snd_cwnd, snd_ssthresh, cwnd_cnt;
	uint32_t dupacks, high_seq;    /* high_seq: RecoveryPoint */
	uint8_t ca_state;	       /* TCP_CA_* */
	uint32_t sacked_out, lost_out; /* segments on the scoreboard */
	bool cwnd_limited;	       /* the last send stopped at the window */
	const struct tcp_congestion_ops *ca_ops;
	uint64_t ca_priv[8]; /* the algorithm's state */

	/* RTT and RTO (RFC 6298 as Linux's tcp_rtt_estimator() does it):
	 * mdev is 4 x the mean deviation; rttvar its largest over the last
	 * window of data (rtt_seq), never below TCP_RTO_MIN */
	int64_t srtt, mdev, mdev_max, rttvar, rto; /* ns */
	uint32_t rtt_seq;
	int retransmits;       /* of the current segment */
	int64_t retrans_stamp; /* first retransmission (timeout) */

	/* timers */
	struct timer_list retransmit_timer;
	struct timer_list delack_timer;
	struct timer_list keepalive_timer; /* also TIME_WAIT */
	bool ack_pending; /* data or a FIN came that is not ACKed yet */
	bool ack_now;	  /* ... and its ACK is not to wait */
	/* the peer's segment size as we see it (Linux's icsk_ack.rcv_mss):
	 * more than that unacknowledged is ACKed at once */
	uint32_t rcv_mss, last_seg_size;

	/* options */
	bool nodelay, cork;
	unsigned int user_mss;
	int keepidle, keepintvl, keepcnt; /* seconds, count */
	unsigned int user_timeout;	  /* ms */
	int syncnt;			  /* 0: ipv4.tcp_syn_retries */
	int linger2;			  /* s; 0: sysctl, <0: none */
	int notsent_lowat;
	int window_clamp;
	int fastopen_qlen;
	/* TCP Fast Open (tcp_fastopen.c): a client's SYN carries the
	 * option; what SYN data was acked; a server's SYN-ACK cookie */
	bool fastopen_connect;	   /* TCP_FASTOPEN_CONNECT */
	bool defer_connect;	   /* its SYN waits for the first write */
	bool tfo_syn;		   /* our SYN carries the option */
	bool syn_data_acked;	   /* TCPI_OPT_SYN_DATA */
	bool accept_queued;	   /* a child queued for accept() */
	struct tcp_options tfo;	   /* the option to send in our SYN(-ACK) */
	struct iov_iter *tfo_data; /* MSG_FASTOPEN's data, during connect */
	size_t tfo_len;
	int tfo_copied;		 /* of it, into the SYN */
	uint8_t defer_accept;	 /* SYN-ACK retransmissions */
	bool defer_acked;	 /* half-open, its ACK dropped for it */
	bool pingpong;		 /* TCP_QUICKACK 0: delay ACKs */
	unsigned int quick_acks; /* segments still ACKed at once */

	/* listening: made connections waiting for accept(), and the
	 * children not yet queued for it (half-open, or waiting for data
	 * with TCP_DEFER_ACCEPT: Linux's request-sock queue) */
	struct sk_buff_head accept_queue; /* skbs pointing at child socks */
	struct list_head children;	  /* tcp_sock.child_node */
	unsigned int syn_queue_len;	  /* on children */
	struct sock *parent;		  /* a child not yet accepted */
	struct list_head child_node;	  /* in the parent's children */

	/* the namespace's connection list (tcp_ipv4.c) */
	struct list_head conn_node;
	bool orphan_counted;
	bool port_by_connect; /* an ephemeral port connect() chose */

	/* receive buffer tuning (Linux's rcvq_space): bytes read in the
	 * last RTT, from where, since when */
	uint32_t rcvq_space, rcvq_seq;
	int64_t rcvq_time;

	/* statistics for TCP_INFO */
	uint64_t bytes_acked, bytes_received;
	uint32_t segs_out, segs_in;
	uint32_t total_retrans;

	/* keepalive (tcp_timer.c) */
	int64_t rcv_tstamp; /* the last acceptable ACK, or establishment */
	int probes_out;	    /* keepalive probes not answered */

	/* urgent data (tcp_urg.c) */
	uint32_t snd_up;   /* past the urgent byte we sent */
	bool urg_mode;	   /* snd_up not yet acknowledged */
	uint32_t urg_seq;  /* the peer's urgent byte */
	uint16_t urg_data; /* TCP_URG_* | the byte */

	/* the last ACK to an unacceptable segment (tcp_input.c) */
	int64_t last_oow_ack_time;
};

/* A congestion-control algorithm (Linux's tcp_congestion_ops). */
struct tcp_congestion_ops {
	const char *name; /* TCP_CONGESTION; at most 15 bytes */
	void (*init)(struct sock *sk);
	/* the slow-start threshold after a congestion event */
	uint32_t (*ssthresh)(struct sock *sk);
	/* @acked segments newly acknowledged outside recovery */
	void (*cong_avoid)(struct sock *sk, uint32_t acked);
	/* an RTT sample (ns; Karn: never of a retransmission) */
	void (*pkts_acked)(struct sock *sk, int64_t rtt);
	/* a retransmission timeout */
	void (*loss)(struct sock *sk);
};
/* What is known of the peer's urgent byte (Linux's tp->urg_data). */
#define TCP_URG_VALID  0x0100 /* here, in the low 8 bits */
#define TCP_URG_NOTYET 0x0200 /* announced, not arrived */
#define TCP_URG_READ   0x0400 /* read with MSG_OOB */

static inline struct tcp_sock *tcp_sk(const struct sock *sk)
{
	return (struct tcp_sock *)sk;
}

/* The peer's window, in bytes, and the largest it offered (Linux's
 * max_window, which sizes the forced PSH). */
static inline void tcp_set_snd_wnd(struct tcp_sock *tp, uint32_t wnd)
{
	tp->snd_wnd = wnd;
	if (wnd > tp->max_window)
		tp->max_window = wnd;
}

extern struct proto tcp_prot;
extern const struct proto_ops inet_stream_ops;

/* tcp_ipv4.c */
int tcp_net_init(struct net *net);
void tcp_net_exit(struct net *net);
void tcp_init(void);
int tcp_get_port(struct sock *sk, unsigned short snum);
int tcp_hash_connect(struct sock *sk);
void tcp_unhash(struct sock *sk);
void tcp_hash_conn(struct sock *sk);
void tcp_unhash_conn(struct sock *sk);
void tcp_bind_inherit(struct sock *sk);
void tcp_put_port(struct sock *sk);
struct sock *tcp_lookup(struct net *net, uint32_t saddr, uint16_t sport,
			uint32_t daddr, uint16_t dport);
/* The listener on daddr:dport (network order), or NULL. */
struct sock *tcp_lookup_listener(struct net *net, uint32_t daddr,
				 uint16_t dport);
uint32_t tcp_isn(struct net *net, uint32_t saddr, uint32_t daddr,
		 uint16_t sport, uint16_t dport);
/* A keyed hash of a 4-tuple with the namespace's secret. */
uint64_t tcp_secret_hash(struct net *net, uint32_t saddr, uint32_t daddr,
			 uint16_t sport, uint16_t dport);
/* RFC 7323 5.4: the offset of a connection's TSval clock. */
uint32_t tcp_ts_off(struct net *net, uint32_t saddr, uint32_t daddr);
/* Our TSval now: a 1 ms clock, as Linux's. */
uint32_t tcp_ts_now(const struct tcp_sock *tp);
void tcp_set_state(struct sock *sk, int state);
/* The sock is closed for good: off every table; drop the protocol's
 * reference (lock held). */
void tcp_done(struct sock *sk);

/* tcp_output.c */
int tcp_transmit_skb(struct sock *sk, struct sk_buff *skb, bool clone);
void tcp_write_xmit(struct sock *sk, bool push);
void tcp_push_pending(struct sock *sk);
void tcp_send_ack(struct sock *sk);
void tcp_ack_snd_check(struct sock *sk);
int tcp_connect(struct sock *sk, struct iov_iter *data, size_t len);
void tcp_send_synack(struct sock *sk);
void tcp_send_fin(struct sock *sk);
void tcp_send_active_reset(struct sock *sk);
void tcp_v4_send_reset(struct net *net, struct sk_buff *skb,
		       const struct tcp_hdr_info *th);
void tcp_v4_send_stateless(struct net *net, struct sk_buff *skb,
			   const struct tcp_hdr_info *out, uint8_t ttl,
			   const struct rtable *route);
void tcp_retransmit_skb(struct sock *sk, struct sk_buff *skb);
uint32_t tcp_receive_window(const struct tcp_sock *tp);
uint32_t tcp_select_window(struct sock *sk);
uint32_t tcp_win_from_space(const struct sock *sk, int space);
/* The buffer a window of @win bytes takes (tcp_win_from_space()'s
 * inverse). */
int tcp_space_from_win(const struct sock *sk, uint32_t win);
/* Grow the send buffer with the window (Linux's tcp_sndbuf_expand()). */
void tcp_sndbuf_expand(struct sock *sk);
/* Grow the receive buffer to what the reader takes per RTT (Linux's
 * tcp_rcv_space_adjust(), "DRS"). */
void tcp_rcv_space_adjust(struct sock *sk);
void tcp_init_xmit_timers(struct sock *sk);
void tcp_send_probe(struct sock *sk);
bool tcp_write_wakeup(struct sock *sk);
/* RFC 6675 SetPipe(): segments in flight, by the scoreboard. */
uint32_t tcp_pipe(const struct sock *sk);
/* Retransmit what is marked lost while the pipe is below cwnd. */
void tcp_xmit_retransmit_queue(struct sock *sk);
unsigned int tcp_current_mss(struct sock *sk);

/* tcp_input.c */
void tcp_v4_rcv(struct net *net, struct sk_buff *skb);
void tcp_listen_stop(struct sock *lsk);
void tcp_enter_loss(struct sock *sk);
/* A listener's child is made: on to the accept queue. */
void tcp_child_established(struct sock *child);

/* tcp_ipv4.c: a listener's children not yet queued for accept(); a
 * child leaves the list when queued, when done, or when the listener stops
 * (its children are then dropped). */
void tcp_child_link(struct sock *lsk, struct sock *child);
void tcp_child_unlink(struct sock *child);
void tcp_drop_children(struct sock *lsk);

/* syncookies.c: the addresses and ports of a cookie, as the SYN has
 * them (host order). */
struct tcp_cookie_tuple {
	uint32_t saddr, daddr;
	uint16_t sport, dport;
};

/* Our ISN for a SYN from @t; *@mss becomes the MSS the cookie keeps. */
uint32_t cookie_init_sequence(struct net *net, const struct tcp_cookie_tuple *t,
			      uint32_t peer_isn, uint16_t *mss);
/* The MSS of a valid cookie (the ACK's ack - 1, seq - 1), or -1. */
int cookie_check(struct net *net, const struct tcp_cookie_tuple *t,
		 uint32_t cookie, uint32_t peer_isn);
/* A SYN-ACK's TSval with the options the cookie cannot hold (wscale -1:
 * none), and back from the ACK's TSecr. */
uint32_t cookie_ts_encode(uint32_t tsval, int wscale, bool sack);
void cookie_ts_decode(uint32_t tsecr, int *wscale, bool *sack);

/* tcp_fastopen.c (RFC 7413) */
#define TFO_CLIENT_ENABLE 1
#define TFO_SERVER_ENABLE 2
#define TFO_CACHE_SIZE	  16

struct tcp_fastopen_entry {
	uint32_t daddr;
	uint8_t len; /* 0: unused */
	uint8_t cookie[TCP_FASTOPEN_COOKIE_MAX];
};

/* The cookies a namespace's clients were given (tcp_ipv4.c holds it). */
struct tcp_fastopen_cache {
	struct tcp_fastopen_entry e[TFO_CACHE_SIZE];
	unsigned int next;
};

struct tcp_fastopen_cache *tcp_fastopen_cache(struct net *net);
bool tcp_fastopen_server(struct sock *lsk);
bool tcp_fastopen_check(struct net *net, uint32_t saddr, uint32_t daddr,
			const struct tcp_options *opt,
			struct tcp_options *synack);
/* The option of a client's SYN to @daddr: its cookie, or a request;
 * whether there is a cookie. */
bool tcp_fastopen_cookie_get(struct net *net, uint32_t daddr,
			     struct tcp_options *opt);
void tcp_fastopen_cookie_set(struct net *net, uint32_t daddr,
			     const struct tcp_options *opt);

/* tcp_cong.c */
const struct tcp_congestion_ops *tcp_ca_default(void);
const struct tcp_congestion_ops *tcp_ca_find(const char *name);
void tcp_set_ca(struct sock *sk, const struct tcp_congestion_ops *ops);
void tcp_ca_enter_recovery(struct sock *sk);
void tcp_ca_enter_loss(struct sock *sk);
void tcp_ca_acked(struct sock *sk, uint32_t acked, int64_t rtt);

/* tcp_timer.c */
void tcp_reset_xmit_timer(struct sock *sk);
void tcp_clear_xmit_timers(struct sock *sk);
void tcp_time_wait(struct sock *sk);
/* An orphan's FIN was acknowledged: FIN_WAIT2 ends after TCP_LINGER2. */
void tcp_fin_wait2_orphan(struct sock *sk);
/* Keepalive (RFC 1122 4.2.3.6): the connection is established (or a
 * deferred child is accepted); an acceptable ACK arrived; SO_KEEPALIVE
 * is set (the proto's keepalive hook); TCP_KEEPIDLE changed. */
void tcp_keepalive_start(struct sock *sk);
void tcp_keepalive_ack(struct sock *sk);
void tcp_set_keepalive(struct sock *sk, int val);
void tcp_keepidle_changed(struct sock *sk);

/* tcp_urg.c */
void tcp_mark_urg(struct sock *sk);
bool tcp_urg_mode(const struct tcp_sock *tp);
void tcp_urg_hdr(struct tcp_sock *tp, struct tcp_hdr_info *th);
void tcp_urg(struct sock *sk, const struct sk_buff *skb,
	     const struct tcp_hdr_info *th);
int tcp_recv_urg(struct sock *sk, struct kmsghdr *msg, size_t len, int flags);
size_t tcp_urg_clip(const struct sock *sk, uint32_t seq, size_t avail,
		    bool *hole);
bool tcp_at_mark(const struct tcp_sock *tp, uint32_t seq);
void tcp_urg_passed(struct tcp_sock *tp);
int tcp_urg_inq(const struct sock *sk, int queued);
__poll_t tcp_urg_poll(const struct sock *sk, int *target);

/* tcp.c */
void tcp_write_queue_purge(struct sock *sk);
/* A new skb for @size bytes of the write queue, with headroom for the
 * headers (so that tcp_send_segment() may send it by reference). */
struct sk_buff *tcp_stream_alloc_skb(size_t size);
/* The reader takes @n bytes of @skb, the head of the receive queue,
 * freeing it once all is taken. */
void tcp_rcv_consume(struct sock *sk, struct sk_buff *skb, uint32_t n);
/* How long an orphan stays in FIN_WAIT2, ms (TCP_LINGER2; -1: not). */
int tcp_fin_time(const struct sock *sk);
/* The seconds TCP_DEFER_ACCEPT's count of retransmissions takes. */
int tcp_defer_secs(uint8_t retrans);
/* SYN retransmissions before connect() gives up (TCP_SYNCNT). */
int tcp_syn_retries(const struct sock *sk);
/* An accepted socket starts with its listener's options. */
void tcp_inherit_options(struct tcp_sock *child, const struct tcp_sock *parent);
void tcp_reset(struct sock *sk, int err);
void tcp_offer_options(struct sock *sk);

#endif
