/*
 * wire.h - the harness of the TCP wire tests: one namespace wired to a
 * test device, a peer played by the test, segments checked to the bit.
 *
 * How to write a wire test
 * ------------------------
 * Each test runs in its own process (Criterion) with a fresh namespace
 * under the virtual clock: the stack is 198.18.0.1 on device "wire0"
 * (MTU 1500, so MSS 1460), the test plays 198.18.0.2.  Whatever the stack
 * sends on wire0 is captured, in order, with the virtual time it left.
 *
 *	// RFC 9293 3.5: a passive open, the SYN-ACK exact.
 *	WIRE_TEST(listen, synack)
 *	{
 *		struct wire_conn c;
 *
 *		wire_listen(&c, 80, 16);
 *		wire_in(&c, "S", 0, 0, .opts = "mss 1460");
 *		wire_out(&c, "S.", 0, 1, .opts = "mss 1460");
 *		wire_in(&c, ".", 1, 1);
 *		wire_accept(&c);
 *	}
 *
 * The vocabulary:
 *  - a struct wire_conn is one connection: the stack's port and socket,
 *    the peer's port, both initial sequence numbers.  wire_listen(),
 *    wire_passive_open(), wire_active_open() and the state helpers below
 *    fill it; wire_conn_init() makes one for a port with no socket.
 *  - wire_in(c, flags, seq, ack, ...) injects a segment from the peer;
 *    wire_out(c, flags, seq, ack, ...) takes the next segment the stack
 *    sent and fails unless it is exactly this one.  Flags are tcpdump's
 *    letters in any order ("S", "S.", ".", "P.", "F.", "R", "R.", "FP.").
 *    Sequence numbers are relative, as tcpdump prints them: a segment's
 *    seq counts from its sender's ISN, its ack from the receiver's (so the
 *    stack's SYN-ACK to a SYN is seq 0 ack 1).  The rest are designated
 *    initializers of struct wire_seg: .len, .data, .win, .opts, .at,
 *    .bad_csum.  Payloads are made up from their sequence numbers
 *    (wire_pattern()) unless .data gives them, and checked the same way:
 *    wire_send_pattern() and wire_recv_pattern() do the socket side.
 *  - Windows: a field left 0 means the connection's usual window
 *    (c->win_in for what the peer sends, c->win_out for what the stack is
 *    expected to send: 65535 for a peer that offered no window scale);
 *    WIRE_WIN(0) is a zero window, WIRE_WIN(n) any other exact value.
 *  - Options are written as tcpdump prints them: "mss 1460,nop,wscale 7",
 *    "sackOK", "TS val 1 ecr 0", "sack 1 {1461:2921}" (relative, like
 *    sequence numbers).
 *    Expected options match byte for byte in that layout; a trailing
 *    ",..." accepts others after the ones listed, in any order (use it for
 *    the stack's own SYN: it may gain SACK-permitted and timestamps).  A
 *    value written "*" ("mss *") matches any.  No .opts means no options
 *    at all.  The injected peer offers only MSS
 *    (and window scale when a test is about it).
 *  - Time: the clock starts at t=0 (WIRE_T0 on the stack's clock).
 *    wire_advance(ns) moves it, running every timer that falls due.  A
 *    segment is expected to have left at the current time unless .at
 *    gives another (ns since t=0; WIRE_ANY: not checked); MS() and SEC()
 *    convert.  wire_out_none() asserts that nothing more was sent.
 *  - State: wire_state(c) is the TCP state of the connection's sock, found
 *    by its 4-tuple as an arriving segment would be (TCP_CLOSE when no
 *    sock has it any more: an orphan that ended).
 *
 * At the end of each test (wire_finish(), inside WIRE_TEST) every segment
 * the stack sent must have been taken by wire_out() (or wire_discard());
 * then every socket is closed, the clock runs two hours (orphans finish)
 * and no socket, sock or skb may be left alive.
 *
 * Each test cites the RFC section it checks in a comment, and says where
 * Linux's behaviour is the reference.  Tests are grouped by TCP state, one
 * file per group: listen.c (LISTEN, SYN-RECEIVED), syn_sent.c,
 * established.c (receiving), send.c (sending), close.c (FIN-WAIT,
 * CLOSING, TIME-WAIT, CLOSE-WAIT, LAST-ACK), closed.c (no connection, ISN,
 * ports), timers.c, options.c.  A new file goes in tests/wire/meson.build.
 *
 * Where usnet is known to differ from Linux, the test is written as Linux
 * behaves and starts with wire_skip_bug("usnet bug: ...") naming the
 * code; WIRE_RUN_SKIPPED=1 in the environment runs those tests, so a fix
 * can be checked.  What Linux does was checked with
 * tests/wire/linux_peer.py, which plays the peer against the kernel over
 * a tun device in a private namespace.
 *
 * PSH is compared too.  Linux sets it on the last segment of each write
 * and, within a long one, once every half of the peer's largest window
 * (tcp_push(), forced_push()), and that is what usnet does.  Linux builds
 * its segments in GSO batches whose size follows the pacing rate, and at
 * low rates (an RTT of tens of ms) a batch may end in PSH as well: what
 * linux_peer.py shows depends on its RTT.  The tests' handshakes take no
 * time, and their expectations are Linux's for such a fast handshake.
 */
#ifndef USNET_TESTS_WIRE_H
#define USNET_TESTS_WIRE_H

#include <arpa/inet.h>
#include <criterion/criterion.h>
#include <errno.h>
#include <netinet/tcp.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <usnet/usnet.h>

#include "wire/tcp.h"

#define WIRE_LOCAL     "198.18.0.1" /* the stack */
#define WIRE_REMOTE    "198.18.0.2" /* the peer the test plays */
#define WIRE_PEER_PORT 40000	    /* the peer's port unless a test sets one */
#define WIRE_PEER_ISN  0x10000000u

/* The stack's clock at the test's t=0 (not 0: a zero timestamp means
 * "never" in places). */
#define WIRE_T0 (1000LL * 1000000000LL)

#define MS(x)  ((int64_t)(x)*1000000LL)
#define SEC(x) ((int64_t)(x)*1000000000LL)

/*
 * The windows the stack announces where nothing makes them smaller: its
 * receive buffer's worth, capped at 65535 without window scaling
 * (WIRE_WIN_STACK), and in its own SYN, 65535 rounded down to what window
 * scale 7 can say (WIRE_WIN_SYN).  Linux announces 64240 in both (half of
 * tcp_rmem[1], rounded down to the MSS) and grows that as data arrives;
 * usnet starts from the whole free buffer (tcp_select_window()): see
 * options.c.
 */
#define WIRE_WIN_STACK 65535
#define WIRE_WIN_SYN   65408
/* What the injected peer announces unless a test says otherwise. */
#define WIRE_WIN_PEER 65535

#define WIRE_ANY (-1)
/* An exact window value (0 included) in struct wire_seg's .win. */
#define WIRE_WIN(n) ((int64_t)(n) + 0x100000000LL)

/* Sequence number order (RFC 1982 serial arithmetic). */
static inline bool wire_before(uint32_t a, uint32_t b)
{
	return (int32_t)(a - b) < 0;
}

struct wire_conn {
	int fd;		/* the stack's socket of this connection, or -1 */
	int listen_fd;	/* the listener of a passive open, or -1 */
	uint16_t lport; /* the stack's port */
	uint16_t rport; /* the peer's */
	uint32_t iss;	/* the stack's ISN (learned from its SYN) */
	uint32_t irs;	/* the peer's ISN */
	bool iss_known;
	uint16_t win_in;  /* the peer's usual window */
	uint16_t win_out; /* the stack's usual window */
	/* Where each side is, relative: the peer's next sequence number
	 * and the stack's (the next the peer expects).  wire_in() and
	 * wire_out() move them; the helpers use them. */
	uint32_t snd_nxt, rcv_nxt;
};

struct wire_seg {
	const char *flags;
	uint32_t seq, ack;
	uint32_t len;	  /* payload bytes */
	const void *data; /* the payload; NULL: wire_pattern() from seq */
	int64_t win;	  /* 0: the connection's usual; WIRE_WIN(n); WIRE_ANY */
	const char *opts; /* tcpdump's notation; NULL: none */
	int64_t at;	  /* out: when sent, ns since t=0; 0: now; WIRE_ANY */
	bool bad_csum;	  /* in: a wrong TCP checksum */
	/* in: raw option bytes instead of .opts (malformed options) */
	const uint8_t *raw_opts;
	uint8_t raw_opts_len;
};

/* ---- set-up (Criterion .init/.fini of WIRE_TEST) ------------------------ */

void wire_setup(void);
void wire_teardown(void);
/* The end of every test's body: nothing unexamined, nothing left alive. */
void wire_finish(void);

/* A wire test: Criterion's Test() with the harness around the body (the
 * checks at the end run inside the test, where a failure counts). */
#define WIRE_TEST(suite, name, ...)                                  \
	static void suite##_##name##_body(void);                     \
	Test(suite, name, .init = wire_setup, .fini = wire_teardown, \
	     .timeout = 30.0, ##__VA_ARGS__)                         \
	{                                                            \
		suite##_##name##_body();                             \
		wire_finish();                                       \
	}                                                            \
	static void suite##_##name##_body(void)

/*
 * A test that shows a known usnet bug or difference from Linux: skipped,
 * with @reason (which names the bug) as the message.  With WIRE_RUN_SKIPPED
 * set in the environment it runs instead, to see whether a fix works.
 */
#define wire_skip_bug(reason)                       \
	do {                                        \
		if (!getenv("WIRE_RUN_SKIPPED"))    \
			cr_skip_test("%s", reason); \
	} while (0)

/* The namespace (for usnet_sysctl_set(), usnet_stat_get()). */
struct usnet_net *wire_net(void);
/* Set the namespace's ip_local_port_range (no public sysctl has it yet). */
void wire_set_port_range(int low, int high);

/* ---- time --------------------------------------------------------------- */

void wire_advance(int64_t ns);
/* ns since t=0 */
int64_t wire_now(void);

/* ---- segments ----------------------------------------------------------- */

#define WIRE_SEG(f, s, a, ...)     \
	(&(const struct wire_seg){ \
		.flags = (f), .seq = (s), .ack = (a), __VA_ARGS__ })
#define wire_in(c, flags, seq, ack, ...) \
	wire_in_seg(c, WIRE_SEG(flags, seq, ack, __VA_ARGS__))
#define wire_out(c, flags, seq, ack, ...)                                 \
	wire_out_seg(c, WIRE_SEG(flags, seq, ack, __VA_ARGS__), __FILE__, \
		     __LINE__)
#define wire_out_none() wire_out_none_at(__FILE__, __LINE__)

void wire_in_seg(struct wire_conn *c, const struct wire_seg *s);
void wire_out_seg(struct wire_conn *c, const struct wire_seg *s,
		  const char *file, int line);
void wire_out_none_at(const char *file, int line);

/* What the segment wire_out() took last carried (relative numbers), for
 * checks the expectation cannot say (PSH, a window range). */
struct wire_sent {
	uint16_t flags;
	uint32_t seq, ack, len;
	uint16_t win;
	int64_t at;
};
const struct wire_sent *wire_last(void);
/* Segments captured and not yet taken. */
unsigned int wire_pending(void);
/* Forget every captured segment. */
void wire_discard(void);
/* The payload byte at relative sequence number @seq of a stream whose
 * data the harness made up (wire_in() without .data). */
uint8_t wire_pattern(uint32_t seq);

/* ---- connections ---------------------------------------------------------- */

/* A connection to the stack's @lport from the peer's WIRE_PEER_PORT, with
 * no socket (yet): for segments to closed ports, or a second peer. */
void wire_conn_init(struct wire_conn *c, uint16_t lport);
/* A listener on @port (backlog @backlog), @c ready for the peer's SYN. */
void wire_listen(struct wire_conn *c, uint16_t port, int backlog);
/* The first half of a passive open (RFC 9293 3.5): the peer's SYN,
 * offering MSS 1460, and the stack's SYN-ACK, exact; SYN-RECEIVED. */
void wire_syn(struct wire_conn *c);
/* accept() the connection (non-blocking; fails if none is queued). */
void wire_accept(struct wire_conn *c);
/* accept() finds no connection (EAGAIN). */
void wire_accept_none(const struct wire_conn *c);
/*
 * The three-way handshake of RFC 9293 3.5 with the stack passive (on
 * @port) or active (connecting to the peer's @port), exact segments
 * asserted on the way; ends in ESTABLISHED with c->fd the stack's socket
 * (accepted, or connected), nothing pending.
 */
void wire_passive_open(struct wire_conn *c, uint16_t port);
void wire_active_open(struct wire_conn *c, uint16_t port);
/* The first half of an active open: connect() @fd (-1: a new socket) to
 * the peer's @port, and take its SYN (MSS 1460 and window scale 7 among
 * its options); SYN-SENT. */
void wire_connect(struct wire_conn *c, int fd, uint16_t port);
/* connect() @c's socket again: 0, or the errno it fails with. */
int wire_connect_again(const struct wire_conn *c);
/* A TCP socket in the namespace, non-blocking. */
int wire_socket(void);

/* The TCP state of @c's sock (TCP_CLOSE: no sock has its 4-tuple). */
int wire_state(const struct wire_conn *c);
#define wire_assert_state(c, st)                                   \
	cr_assert_eq(wire_state(c), (st), "state %s, expected %s", \
		     wire_state_name(wire_state(c)), wire_state_name(st))
const char *wire_state_name(int state);

/*
 * From ESTABLISHED to the closing states, every segment asserted:
 *  wire_fin_wait1: the stack closes (shutdown SHUT_WR): its FIN out.
 *  wire_fin_wait2: then the peer ACKs it.
 *  wire_time_wait: then the peer's FIN, and the stack's ACK.
 *  wire_close_wait: the peer's FIN arrives, the stack ACKs it.
 *  wire_last_ack: then the stack closes: its FIN out.
 */
void wire_fin_wait1(struct wire_conn *c);
void wire_fin_wait2(struct wire_conn *c);
void wire_time_wait(struct wire_conn *c);
void wire_close_wait(struct wire_conn *c);
void wire_last_ack(struct wire_conn *c);

/*
 * A new connection ACKs its first data at once (Linux's quick-ACK mode:
 * TCP_MAX_QUICKACKS, 16, for a 64 KiB window).  This sends 16 segments of
 * 100 bytes, 10 ms apart, each ACKed at once, so that what follows sees
 * the delayed-ACK behaviour (gaps stay far below the RTO, after which
 * Linux would quick-ACK again).
 */
void wire_spend_quickacks(struct wire_conn *c);

/* ---- socket helpers ------------------------------------------------------- */

void wire_setsockopt_int(int fd, int level, int name, int val);
/* send(@fd) @len bytes of wire_pattern() starting at relative @seq;
 * asserts all were taken. */
void wire_send_pattern(int fd, uint32_t seq, size_t len, int flags);
/* recv() exactly @len bytes from @c's socket and check they are the
 * pattern from relative @seq. */
void wire_recv_pattern(struct wire_conn *c, uint32_t seq, size_t len);
/* recv() from @c's socket fails with @err. */
void wire_recv_fails(struct wire_conn *c, int err);
/* The socket's pending error (SO_ERROR). */
int wire_so_error(int fd);

#endif
