/*
 * netsim.c - bulk TCP transfers between two namespaces over a link that
 * misbehaves on purpose, under the virtual clock (issue 3, section 5,
 * "Netsim"; smoltcp's network simulator is the model).
 *
 * Each cell of a matrix (link rate x RTT x fault x loss) is one transfer:
 * a client in one namespace writes 16 MiB of a seeded pseudo-random
 * pattern, a server in the other reads it all; both hash what they moved
 * and the hashes must be equal (the reader also checks each byte against
 * the pattern, to say where a difference starts).  Then the client shuts
 * down its side, the server reads EOF and closes, the client reads EOF
 * with no error, so a FIN went each way and no RST came before; once the
 * clock has run past TIME_WAIT, the object counts must be back where they
 * were before the first socket, and where they were before the namespaces
 * once those are gone.  Every transfer is bounded in virtual time and in
 * loop iterations, and says where it stuck when it runs out.
 *
 * The output is a throughput table (Mbit/s of payload from connect to the
 * last byte read, virtual time), a table of retransmitted segments and one
 * line of detail per cell.  It is compared with tests/netsim/golden.txt:
 * any difference fails and is shown.  A congestion-control change moves
 * these numbers; when the change is meant, regenerate the file with
 *
 *     NETSIM_UPDATE=1 meson test -C build --suite netsim
 *
 * (or NETSIM_UPDATE=1 build/tests/netsim/netsim tests/netsim/golden.txt)
 * and commit it with the change, so that the diff shows in review.
 *
 * Usage: netsim GOLDEN [FILTER]
 *   FILTER          run only the cells whose name contains it, print
 *                   their lines, and compare nothing (for debugging)
 *   NETSIM_UPDATE=1 write GOLDEN instead of comparing with it
 *   NETSIM_JOBS=N   run N cells at a time (default 2)
 *   NETSIM_TRACE=N  print the connection's state every N steps (stderr)
 *
 * Each cell runs in a process of its own (the virtual clock is set once
 * per process, and the namespaces' random streams are numbered from the
 * process's first namespace), so a cell gives the same result alone or in
 * the whole matrix.  One cell is run twice, to show that a run repeats
 * exactly.  Public API only; addresses from 198.18.0.0/15.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <inttypes.h>
#include <linux/tcp.h>
#include <netinet/in.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <usnet/usnet.h>

#define ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))

#define NS_PER_US  ((int64_t)1000)
#define NS_PER_MS  ((int64_t)1000000)
#define NS_PER_SEC ((int64_t)1000000000)

#define TRANSFER (16u << 20) /* bytes per cell: at least 16 MiB */
#define CHUNK	 (64u << 10) /* bytes per send() */
#define PORT	 5001
#define SEED	 0x6e657473696dull /* the link's faults, every cell */
#define PATTERN	 0x7061747465726eull

/*
 * The clock moves in steps; between two, the test's sockets are served
 * (the client writes what fits, the server reads what came).  A step is
 * STEP_MIN while data moves, so that neither side waits on the test (the
 * send and receive buffers hold far longer than that at these rates).
 * While nothing moves (a retransmission timeout) it doubles up to
 * STEP_MAX, and past that grows to IDLE_SHARE of the time since the last
 * move, so that the test answers late by at most that share of a wait,
 * and a backed-off timeout of two minutes costs hundreds of rounds, not
 * thousands.  All of it is fixed: the steps are part of the deterministic
 * run.
 */
#define STEP_MIN   (100 * NS_PER_US)
#define STEP_MAX   (10 * NS_PER_MS)
#define IDLE_SHARE 64 /* a step is at most 1/64 of the idle time */

/* Bounds of one transfer, far beyond the slowest cells: with 20 % loss
 * each way they take 4 to 6 days of virtual time and up to 1.3 million
 * steps (as this is written the retransmission timeout climbs to its
 * 120 s ceiling there).  Reaching one is a stall, reported as such. */
#define LIMIT_NS    (30 * 24 * 3600 * NS_PER_SEC)
#define LIMIT_STEPS 20000000ull
/* After both closes: TIME_WAIT is 60 s; a lost last ACK adds the peer's
 * FIN retransmissions. */
#define CLOSE_LIMIT_NS (300 * NS_PER_SEC)

/* ---- the matrix ----------------------------------------------------------- */

struct fault {
	const char *name;
	double reorder, duplicate, corrupt;
};

static const uint64_t rates_bps[] = { 10000000, 100000000 };
static const uint32_t rtts_us[] = { 1000, 100000 };
static const struct fault faults[] = {
	{ .name = "none" },
	{ .name = "reorder 5%", .reorder = 0.05 },
	{ .name = "duplicate 5%", .duplicate = 0.05 },
	{ .name = "corrupt 1%", .corrupt = 0.01 },
};
static const unsigned int losses_pct[] = { 0, 1, 5, 20 };

#define N_ROWS \
	(ARRAY_SIZE(rates_bps) * ARRAY_SIZE(rtts_us) * ARRAY_SIZE(faults))
#define N_COLS	ARRAY_SIZE(losses_pct)
#define N_CELLS (N_ROWS * N_COLS)
/* The cell run a second time, one with many random draws per packet. */
#define REPEAT_CELL "100Mbit/s rtt 1ms reorder 5% loss 5%"

struct cell {
	uint64_t rate_bps;
	uint32_t rtt_us;
	const struct fault *fault;
	unsigned int loss_pct;
	char name[64];
	char row[48];
};

static struct cell cell_at(size_t i)
{
	size_t col = i % N_COLS, row = i / N_COLS;
	size_t f = row % ARRAY_SIZE(faults);
	size_t rtt = row / ARRAY_SIZE(faults) % ARRAY_SIZE(rtts_us);
	size_t rate = row / ARRAY_SIZE(faults) / ARRAY_SIZE(rtts_us);
	struct cell c = {
		.rate_bps = rates_bps[rate],
		.rtt_us = rtts_us[rtt],
		.fault = &faults[f],
		.loss_pct = losses_pct[col],
	};

	snprintf(c.row, sizeof(c.row), "%3" PRIu64 "Mbit/s %4ums  %-12s",
		 c.rate_bps / 1000000, c.rtt_us / 1000, c.fault->name);
	snprintf(c.name, sizeof(c.name),
		 "%" PRIu64 "Mbit/s rtt %ums %s loss %u%%",
		 c.rate_bps / 1000000, c.rtt_us / 1000, c.fault->name,
		 c.loss_pct);
	return c;
}

/* ---- what one cell measures ----------------------------------------------- */

enum {
	CLIENT,
	SERVER
};

struct result {
	uint32_t ok;
	uint32_t retrans[2];	/* tcpi_total_retrans */
	uint32_t segs_out[2];	/* tcpi_segs_out */
	uint64_t bytes;		/* read by the server */
	int64_t ns;		/* from connect to the last byte read */
	uint64_t steps;		/* rounds of the test loop */
	uint64_t link_drops[2]; /* drop.DEV_QUEUE: lost on the link */
	uint64_t bad_drops[2];	/* checksum and header drops (corruption) */
	uint64_t nosk_drops[2]; /* drop.NO_SOCKET: after the close */
	uint64_t buf_drops[2];	/* drop.SOCKET_RCVBUFF */
};

/* ---- the pattern and the hash ------------------------------------------- */

static uint64_t mix64(uint64_t z)
{
	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
	return z ^ (z >> 31);
}

/* Byte @off of the stream is byte off % 8 of word off / 8. */
static void pattern_fill(uint8_t *p, uint64_t off, size_t len)
{
	uint64_t w = mix64(PATTERN + off / 8);

	for (size_t i = 0; i < len; i++, off++) {
		if (off % 8 == 0)
			w = mix64(PATTERN + off / 8);
		p[i] = (uint8_t)(w >> (8 * (off % 8)));
	}
}

/* A 64-bit hash of a byte stream, the same however the stream is cut
 * (xxhash's round on 8-byte little-endian words, the tail and the length
 * folded in at the end). */
struct hash {
	uint64_t h, len;
	uint8_t tail[8];
};

static uint64_t rotl64(uint64_t x, int r)
{
	return (x << r) | (x >> (64 - r));
}

static void hash_word(struct hash *s, const uint8_t *p)
{
	uint64_t w = 0;

	for (int i = 7; i >= 0; i--)
		w = (w << 8) | p[i];
	s->h = rotl64(s->h ^ (w * 0xc2b2ae3d27d4eb4full), 31) *
	       0x9e3779b185ebca87ull;
}

static void hash_update(struct hash *s, const uint8_t *p, size_t n)
{
	size_t have = s->len % 8;

	s->len += n;
	if (have) {
		size_t take = 8 - have < n ? 8 - have : n;

		memcpy(s->tail + have, p, take);
		p += take;
		n -= take;
		if (have + take < 8)
			return;
		hash_word(s, s->tail);
	}
	for (; n >= 8; p += 8, n -= 8)
		hash_word(s, p);
	memcpy(s->tail, p, n);
}

static uint64_t hash_final(const struct hash *s)
{
	struct hash t = *s;
	uint8_t last[8] = { 0 };

	memcpy(last, t.tail, t.len % 8);
	hash_word(&t, last);
	return mix64(t.h ^ t.len);
}

/* ---- one transfer ------------------------------------------------------- */

static const char *const tcp_states[] = {
	"?",	      "ESTABLISHED", "SYN_SENT",  "SYN_RECV",
	"FIN_WAIT1",  "FIN_WAIT2",   "TIME_WAIT", "CLOSE",
	"CLOSE_WAIT", "LAST_ACK",    "LISTEN",	  "CLOSING",
};

struct xfer {
	const struct cell *cell;
	struct usnet_net *ns[2];
	int lsn, fd[2];
	uint64_t sent, rcvd;
	uint64_t sbuf_at; /* the stream offset sbuf holds */
	struct hash hash[2];
	bool shut, srv_eof, cli_eof;
	int64_t t0, t_last;
	struct result *res;
	uint8_t sbuf[CHUNK], rbuf[CHUNK], expect[CHUNK];
};

static struct xfer xf;

static void __attribute__((format(printf, 2, 3)))
fail(const struct xfer *x, const char *fmt, ...)
{
	va_list ap;

	fprintf(stderr, "netsim: %s: ", x->cell->name);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
}

static bool get_info(int fd, struct tcp_info *ti)
{
	socklen_t len = sizeof(*ti);

	memset(ti, 0, sizeof(*ti));
	return fd >= 0 &&
	       usnet_getsockopt(fd, IPPROTO_TCP, TCP_INFO, ti, &len) == 0;
}

static const char *state_of(int fd)
{
	struct tcp_info ti;

	if (fd < 0)
		return "closed";
	if (!get_info(fd, &ti))
		return strerror(errno);
	return ti.tcpi_state < ARRAY_SIZE(tcp_states) ?
		       tcp_states[ti.tcpi_state] :
		       "?";
}

/* What went wrong (with @err, an errno, if not 0) and where the transfer
 * stands. */
static void fail_where(const struct xfer *x, const char *what, int err)
{
	struct tcp_info ti;

	get_info(x->fd[CLIENT], &ti);
	fail(x,
	     "%s%s%s at %.3f s virtual, %" PRIu64
	     " steps: client wrote %" PRIu64
	     " of %u bytes (%s, cwnd %u, ssthresh %u, rto %u us, "
	     "%u retransmitted), server read %" PRIu64 " (%s)",
	     what, err ? ": " : "", err ? strerror(err) : "",
	     (double)(usnet_clock_now() - x->t0) / NS_PER_SEC, x->res->steps,
	     x->sent, TRANSFER, state_of(x->fd[CLIENT]), ti.tcpi_snd_cwnd,
	     ti.tcpi_snd_ssthresh, ti.tcpi_rto, ti.tcpi_total_retrans, x->rcvd,
	     state_of(x->fd[SERVER]));
}

static void take_info(struct xfer *x, int side)
{
	struct tcp_info ti;

	if (get_info(x->fd[side], &ti)) {
		x->res->retrans[side] = ti.tcpi_total_retrans;
		x->res->segs_out[side] = ti.tcpi_segs_out;
	}
}

static struct sockaddr_in server_addr(void)
{
	struct sockaddr_in sin = { .sin_family = AF_INET,
				   .sin_port = htons(PORT) };

	inet_pton(AF_INET, "198.18.0.2", &sin.sin_addr);
	return sin;
}

/* The two hosts: client 198.18.0.1 and server 198.18.0.2 on one link. */
static int hosts_up(struct xfer *x)
{
	const struct cell *c = x->cell;
	struct usnet_link_params p = {
		.loss = c->loss_pct / 100.0,
		.duplicate = c->fault->duplicate,
		.corrupt = c->fault->corrupt,
		.reorder = c->fault->reorder,
		.rate_bps = c->rate_bps,
		.delay_us = c->rtt_us / 2,
		.seed = SEED,
	};

	static const char *const cmds[2][2] = {
		[CLIENT] = { "addr add 198.18.0.1/24 dev eth0",
			     "link set eth0 up" },
		[SERVER] = { "addr add 198.18.0.2/24 dev eth0",
			     "link set eth0 up" },
	};

	x->ns[CLIENT] = usnet_net_create();
	x->ns[SERVER] = usnet_net_create();
	if (!x->ns[CLIENT] || !x->ns[SERVER] ||
	    usnet_link_add(x->ns[CLIENT], "eth0", x->ns[SERVER], "eth0", &p)) {
		fail(x, "namespaces and link: %s", strerror(errno));
		return -1;
	}
	for (int side = CLIENT; side <= SERVER; side++)
		for (int i = 0; i < 2; i++)
			if (usnet_ip(x->ns[side], cmds[side][i])) {
				fail(x, "usnet_ip(\"%s\"): %s", cmds[side][i],
				     strerror(errno));
				return -1;
			}
	return 0;
}

static int socket_in(struct usnet_net *net)
{
	struct usnet_net *prev = usnet_net_enter(net);
	int fd = usnet_socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK, 0);

	usnet_net_enter(prev);
	return fd;
}

/* The server listens, the client connects (non-blocking: the handshake
 * runs as the clock moves). */
static int open_conn(struct xfer *x)
{
	struct sockaddr_in sin = server_addr();

	x->lsn = socket_in(x->ns[SERVER]);
	x->fd[CLIENT] = socket_in(x->ns[CLIENT]);
	if (x->lsn < 0 || x->fd[CLIENT] < 0 ||
	    usnet_bind(x->lsn, (struct sockaddr *)&sin, sizeof(sin)) ||
	    usnet_listen(x->lsn, 8)) {
		fail(x, "listen: %s", strerror(errno));
		return -1;
	}
	x->t0 = usnet_clock_now();
	if (usnet_connect(x->fd[CLIENT], (struct sockaddr *)&sin,
			  sizeof(sin)) == 0 ||
	    errno != EINPROGRESS) {
		fail(x, "connect: %s (want EINPROGRESS)", strerror(errno));
		return -1;
	}
	return 0;
}

/* The client writes what its socket takes; at the end it shuts down its
 * side.  Returns 1 if it moved, 0 if not, -1 on error. */
static int client_write(struct xfer *x)
{
	int fd = x->fd[CLIENT], moved = 0;

	while (x->sent < TRANSFER) {
		size_t at = x->sent % CHUNK;
		ssize_t n;

		if (x->sbuf_at != x->sent - at) {
			x->sbuf_at = x->sent - at;
			pattern_fill(x->sbuf, x->sbuf_at, CHUNK);
		}
		n = usnet_send(fd, x->sbuf + at, CHUNK - at, MSG_NOSIGNAL);
		if (n < 0 && errno == EAGAIN)
			break;
		if (n <= 0) {
			fail_where(x, "send", n < 0 ? errno : EIO);
			return -1;
		}
		hash_update(&x->hash[CLIENT], x->sbuf + at, (size_t)n);
		x->sent += (uint64_t)n;
		moved = 1;
	}
	if (x->sent == TRANSFER && !x->shut) {
		if (usnet_shutdown(fd, SHUT_WR)) {
			fail_where(x, "shutdown", errno);
			return -1;
		}
		x->shut = true;
		moved = 1;
	}
	return moved;
}

/* The server reads what came, checks it against the pattern, and closes
 * at EOF.  Returns 1 if it moved, 0 if not, -1 on error. */
static int server_read(struct xfer *x)
{
	int moved = 0;

	if (x->fd[SERVER] < 0) {
		x->fd[SERVER] =
			usnet_accept4(x->lsn, NULL, NULL, SOCK_NONBLOCK);
		if (x->fd[SERVER] < 0 && errno != EAGAIN) {
			fail_where(x, "accept", errno);
			return -1;
		}
		if (x->fd[SERVER] < 0)
			return 0;
		moved = 1;
	}
	while (!x->srv_eof) {
		ssize_t n = usnet_recv(x->fd[SERVER], x->rbuf, CHUNK, 0);

		if (n < 0 && errno == EAGAIN)
			break;
		if (n < 0) {
			fail_where(x, "server recv", errno);
			return -1;
		}
		moved = 1;
		if (n == 0) {
			/* EOF: all of it, then the server's FIN. */
			x->srv_eof = true;
			if (x->rcvd != TRANSFER) {
				fail_where(x, "EOF before the end", 0);
				return -1;
			}
			take_info(x, SERVER);
			if (usnet_close(x->fd[SERVER])) {
				fail_where(x, "server close", errno);
				return -1;
			}
			x->fd[SERVER] = -1;
			break;
		}
		if (x->rcvd + (uint64_t)n > TRANSFER) {
			fail_where(x, "more bytes than were sent", 0);
			return -1;
		}
		pattern_fill(x->expect, x->rcvd, (size_t)n);
		if (memcmp(x->expect, x->rbuf, (size_t)n)) {
			size_t i = 0;

			while (x->expect[i] == x->rbuf[i])
				i++;
			fail(x, "byte %" PRIu64 " differs: 0x%02x, want 0x%02x",
			     x->rcvd + i, x->rbuf[i], x->expect[i]);
			return -1;
		}
		hash_update(&x->hash[SERVER], x->rbuf, (size_t)n);
		x->rcvd += (uint64_t)n;
		x->t_last = usnet_clock_now();
	}
	return moved;
}

/* After its shutdown, the client waits for the server's FIN: EOF, with
 * no error and no data.  Returns 1 at EOF, 0 before, -1 on error. */
static int client_read(struct xfer *x)
{
	char c;
	ssize_t n;

	if (!x->shut || x->cli_eof)
		return 0;
	n = usnet_recv(x->fd[CLIENT], &c, 1, 0);
	if (n < 0 && errno == EAGAIN)
		return 0;
	if (n != 0) {
		fail_where(x, n > 0 ? "the client got data" : "client recv",
			   n > 0 ? 0 : errno);
		return -1;
	}
	x->cli_eof = true;
	return 1;
}

/* NETSIM_TRACE=N: the client's state every N steps, on stderr. */
static uint64_t trace_every;

static void trace(const struct xfer *x)
{
	struct tcp_info ti, si;

	get_info(x->fd[CLIENT], &ti);
	get_info(x->fd[SERVER], &si);
	fprintf(stderr,
		"%12.6f s: sent %8" PRIu64 " read %8" PRIu64
		" | client %s cwnd %u ssthresh %u unacked %u rtt %u us"
		" rto %u us retrans %u | server %s window %u\n",
		(double)(usnet_clock_now() - x->t0) / NS_PER_SEC, x->sent,
		x->rcvd, state_of(x->fd[CLIENT]), ti.tcpi_snd_cwnd,
		ti.tcpi_snd_ssthresh, ti.tcpi_unacked, ti.tcpi_rtt, ti.tcpi_rto,
		ti.tcpi_total_retrans, state_of(x->fd[SERVER]),
		si.tcpi_rcv_space);
}

/* Move the clock and serve the sockets until the client reads EOF. */
static int transfer(struct xfer *x)
{
	int64_t step = STEP_MIN, moved = usnet_clock_now();

	while (!x->cli_eof) {
		int w = client_write(x), r = server_read(x), e = client_read(x);
		int64_t idle;

		if (w < 0 || r < 0 || e < 0)
			return -1;
		if (w || r || e)
			moved = usnet_clock_now();
		idle = usnet_clock_now() - moved;
		if (!idle)
			step = STEP_MIN;
		else if (step < STEP_MAX)
			step = step * 2 < STEP_MAX ? step * 2 : STEP_MAX;
		else if (idle / IDLE_SHARE > STEP_MAX)
			step = idle / IDLE_SHARE;
		if (x->cli_eof)
			break;
		if (trace_every && x->res->steps % trace_every == 0)
			trace(x);
		if (usnet_clock_now() - x->t0 > LIMIT_NS ||
		    ++x->res->steps > LIMIT_STEPS) {
			fail_where(x, "no end in the bounds", 0);
			return -1;
		}
		usnet_clock_advance(step);
	}
	return 0;
}

/* Whether @now is back at @base, but for up to @held packets that are not
 * the connection's: a link that reorders holds one packet per direction
 * back until the next one comes, and after the close none does.  Those go
 * with the link; objects_equal() counts them too, once it is gone. */
static bool objects_back(const struct usnet_objects *now,
			 const struct usnet_objects *base, unsigned long held)
{
	return now->sockets == base->sockets && now->socks == base->socks &&
	       now->skbs >= base->skbs && now->skbs <= base->skbs + held &&
	       now->files == base->files && now->epitems == base->epitems &&
	       now->orphans == base->orphans && now->other == base->other;
}

static bool objects_equal(const struct usnet_objects *a,
			  const struct usnet_objects *b)
{
	return objects_back(a, b, 0) && a->bytes == b->bytes;
}

/*
 * The close: a FIN each way and no error, so the client is in TIME_WAIT,
 * or already out of it (CLOSE) when a RST came after the FINs: a FIN the
 * link held back arrives twice, the second ACK of it finds only the
 * listener, which answers with a RST, and a RST ends TIME_WAIT as on Linux
 * without tcp_rfc1337.  Once TIME_WAIT is over, nothing of the connection
 * is left.
 */
static int close_conn(struct xfer *x, const struct usnet_objects *base)
{
	struct usnet_objects now;
	socklen_t len = sizeof(int);
	int64_t start;
	int err = -1;

	take_info(x, CLIENT);
	if (usnet_getsockopt(x->fd[CLIENT], SOL_SOCKET, SO_ERROR, &err, &len) ||
	    err != 0 ||
	    (strcmp(state_of(x->fd[CLIENT]), "TIME_WAIT") &&
	     strcmp(state_of(x->fd[CLIENT]), "CLOSE"))) {
		fail(x,
		     "client after EOF: %s, SO_ERROR %d (want TIME_WAIT or "
		     "CLOSE, 0)",
		     state_of(x->fd[CLIENT]), err);
		return -1;
	}
	usnet_close(x->fd[CLIENT]);
	usnet_close(x->lsn);
	x->fd[CLIENT] = x->lsn = -1;
	start = usnet_clock_now();
	for (;;) {
		usnet_objects_live(&now);
		if (objects_back(&now, base, x->cell->fault->reorder ? 2 : 0))
			return 0;
		if (usnet_clock_now() - start > CLOSE_LIMIT_NS) {
			fail(x,
			     "left alive %.0f s after the close: %lu sockets, "
			     "%lu socks (%lu orphans), %lu skbs, %lu files, "
			     "%lu other, %lu bytes; before the connection: "
			     "%lu, %lu (%lu), %lu, %lu, %lu, %lu",
			     (double)CLOSE_LIMIT_NS / NS_PER_SEC, now.sockets,
			     now.socks, now.orphans, now.skbs, now.files,
			     now.other, now.bytes, base->sockets, base->socks,
			     base->orphans, base->skbs, base->files,
			     base->other, base->bytes);
			return -1;
		}
		usnet_clock_advance(NS_PER_SEC);
	}
}

static uint64_t drops(struct usnet_net *net, const char *const *names)
{
	uint64_t sum = 0;
	unsigned long v;

	for (; *names; names++)
		if (usnet_stat_get(net, *names, &v) == 0)
			sum += v;
	return sum;
}

static void take_drops(struct xfer *x)
{
	static const char *const link[] = { "drop.DEV_QUEUE", NULL };
	/* A flipped bit fails a checksum, or a check before it. */
	static const char *const bad[] = {
		"drop.PKT_TOO_SMALL", "drop.IP_INHDR", "drop.IP_CSUM",
		"drop.TCP_INHDR",     "drop.TCP_CSUM", NULL,
	};
	static const char *const nosk[] = { "drop.NO_SOCKET", NULL };
	static const char *const buf[] = { "drop.SOCKET_RCVBUFF", NULL };

	for (int side = CLIENT; side <= SERVER; side++) {
		x->res->link_drops[side] = drops(x->ns[side], link);
		x->res->bad_drops[side] = drops(x->ns[side], bad);
		x->res->nosk_drops[side] = drops(x->ns[side], nosk);
		x->res->buf_drops[side] = drops(x->ns[side], buf);
	}
}

/* The faults the cell asks for happened, and only those (a link that
 * stopped injecting them would make every cell a perfect one). */
static int check_faults(const struct xfer *x)
{
	const struct result *r = x->res;
	uint64_t lost = r->link_drops[CLIENT] + r->link_drops[SERVER];
	uint64_t bad = r->bad_drops[CLIENT] + r->bad_drops[SERVER];

	if ((x->cell->loss_pct > 0) != (lost > 0) ||
	    (x->cell->fault->corrupt > 0) != (bad > 0)) {
		fail(x,
		     "%" PRIu64 " packets lost on the link, %" PRIu64
		     " dropped as corrupt",
		     lost, bad);
		return -1;
	}
	return 0;
}

/* One cell, in a process of its own; fills @res, true if it passed. */
static bool run_cell(const struct cell *c, struct result *res)
{
	struct xfer *x = &xf;
	struct usnet_objects empty, base, now;
	bool ok = false;
	int fd;

	memset(res, 0, sizeof(*res));
	x->cell = c;
	x->res = res;
	x->lsn = x->fd[CLIENT] = x->fd[SERVER] = -1;
	x->sbuf_at = UINT64_MAX;
	if (usnet_clock_virtual(0)) {
		fail(x, "usnet_clock_virtual: %s", strerror(errno));
		return false;
	}
	/* What lives for good once used (the default namespace, the
	 * descriptor table) is made before counting. */
	fd = usnet_socket(AF_INET, SOCK_DGRAM, 0);
	if (fd < 0 || usnet_close(fd)) {
		fail(x, "socket: %s", strerror(errno));
		return false;
	}
	usnet_objects_live(&empty);
	if (hosts_up(x))
		goto out;
	usnet_objects_live(&base);
	if (open_conn(x) || transfer(x))
		goto out;
	res->bytes = x->rcvd;
	res->ns = x->t_last - x->t0;
	if (hash_final(&x->hash[CLIENT]) != hash_final(&x->hash[SERVER])) {
		fail(x,
		     "hash of what was read %016" PRIx64
		     ", of what was written %016" PRIx64,
		     hash_final(&x->hash[SERVER]),
		     hash_final(&x->hash[CLIENT]));
		goto out;
	}
	if (close_conn(x, &base))
		goto out;
	take_drops(x);
	if (check_faults(x))
		goto out;
	ok = true;
out:
	usnet_close_range(0, ~0U, 0);
	usnet_net_enter(usnet_net_default());
	for (int side = CLIENT; side <= SERVER; side++)
		if (x->ns[side])
			usnet_net_destroy(x->ns[side]);
	usnet_objects_live(&now);
	if (ok && !objects_equal(&now, &empty)) {
		fail(x,
		     "left alive with the namespaces gone: %lu sockets, "
		     "%lu socks, %lu skbs, %lu files, %lu other, %lu bytes "
		     "(before them: %lu other, %lu bytes)",
		     now.sockets, now.socks, now.skbs, now.files, now.other,
		     now.bytes, empty.other, empty.bytes);
		ok = false;
	}
	res->ok = ok;
	return ok;
}

/* ---- the matrix, one process per cell ------------------------------------- */

struct job {
	pid_t pid;
	int fd;	     /* the read end of the child's result pipe */
	size_t slot; /* in the caller's list of cells */
	size_t cell;
	struct timespec start;
};

static double seconds_since(const struct timespec *t0)
{
	struct timespec t;

	clock_gettime(CLOCK_MONOTONIC, &t);
	return (double)(t.tv_sec - t0->tv_sec) +
	       (double)(t.tv_nsec - t0->tv_nsec) / 1e9;
}

/* Start @cell in a child that writes its result to a pipe. */
static int job_start(struct job *j, size_t slot, size_t cell)
{
	int p[2];

	if (pipe(p))
		return -1;
	fflush(NULL);
	j->pid = fork();
	if (j->pid < 0) {
		close(p[0]);
		close(p[1]);
		return -1;
	}
	if (j->pid == 0) {
		struct cell c = cell_at(cell);
		struct result res;
		bool ok;

		close(p[0]);
		ok = run_cell(&c, &res);
		if (write(p[1], &res, sizeof(res)) != (ssize_t)sizeof(res))
			ok = false;
		exit(ok ? 0 : 1);
	}
	close(p[1]);
	j->fd = p[0];
	j->slot = slot;
	j->cell = cell;
	clock_gettime(CLOCK_MONOTONIC, &j->start);
	return 0;
}

/* Wait for a running job; its result into @res (ok 0 if it failed). */
static struct job *job_wait(struct job *jobs, size_t n, struct result *res)
{
	int status;
	pid_t pid = wait(&status);

	for (size_t i = 0; i < n; i++) {
		struct job *j = &jobs[i];

		if (j->pid != pid || pid <= 0)
			continue;
		memset(res, 0, sizeof(*res));
		if (read(j->fd, res, sizeof(*res)) != (ssize_t)sizeof(*res) ||
		    !WIFEXITED(status) || WEXITSTATUS(status) != 0)
			res->ok = 0;
		if (WIFSIGNALED(status))
			fprintf(stderr, "netsim: %s: killed by signal %d\n",
				cell_at(j->cell).name, WTERMSIG(status));
		fprintf(stderr,
			"netsim: %-40s %s, %" PRIu64 " steps, %.2f s wall\n",
			cell_at(j->cell).name, res->ok ? "ok" : "FAILED",
			res->steps, seconds_since(&j->start));
		close(j->fd);
		j->pid = 0;
		return j;
	}
	return NULL;
}

/* Run the @n cells of @cells, @jobs at a time; the result of cells[k]
 * into res[k]. */
static void run_cells(const size_t *cells, size_t n, size_t jobs,
		      struct result *res)
{
	struct job running[8] = { 0 };
	size_t next = 0, busy = 0;

	if (jobs < 1)
		jobs = 1;
	if (jobs > ARRAY_SIZE(running))
		jobs = ARRAY_SIZE(running);
	while (next < n || busy) {
		struct result r;
		struct job *j;

		for (size_t i = 0; i < jobs && next < n; i++) {
			if (running[i].pid)
				continue;
			if (job_start(&running[i], next, cells[next])) {
				perror("netsim: fork");
				exit(1);
			}
			next++;
			busy++;
		}
		j = job_wait(running, jobs, &r);
		if (j) {
			res[j->slot] = r;
			busy--;
		}
	}
}

static bool results_equal(const struct result *a, const struct result *b)
{
	for (int side = CLIENT; side <= SERVER; side++)
		if (a->retrans[side] != b->retrans[side] ||
		    a->segs_out[side] != b->segs_out[side] ||
		    a->link_drops[side] != b->link_drops[side] ||
		    a->bad_drops[side] != b->bad_drops[side] ||
		    a->nosk_drops[side] != b->nosk_drops[side] ||
		    a->buf_drops[side] != b->buf_drops[side])
			return false;
	return a->ok == b->ok && a->bytes == b->bytes && a->ns == b->ns &&
	       a->steps == b->steps;
}

/* ---- the report ------------------------------------------------------------ */

/* Mbit/s to the bit/s, from integers: the same digits on every build. */
static void print_mbps(FILE *f, const struct result *r)
{
	uint64_t bps;

	if (!r->ok || r->ns <= 0) {
		fprintf(f, "  %10s", "FAILED");
		return;
	}
	bps = r->bytes * 8 * (uint64_t)NS_PER_SEC / (uint64_t)r->ns;
	fprintf(f, "  %3" PRIu64 ".%06" PRIu64, bps / 1000000, bps % 1000000);
}

static void print_table(FILE *f, const char *title, const struct result *res,
			bool mbps)
{
	fprintf(f, "\n%s, by loss on the link:\n", title);
	fprintf(f, "%9s %6s  %-12s", "rate", "rtt", "fault");
	for (size_t col = 0; col < N_COLS; col++)
		fprintf(f, "  %9u%%", losses_pct[col]);
	fputc('\n', f);
	for (size_t row = 0; row < N_ROWS; row++) {
		fprintf(f, "%s", cell_at(row * N_COLS).row);
		for (size_t col = 0; col < N_COLS; col++) {
			const struct result *r = &res[row * N_COLS + col];

			if (mbps)
				print_mbps(f, r);
			else if (r->ok)
				fprintf(f, "  %10" PRIu32, r->retrans[CLIENT]);
			else
				fprintf(f, "  %10s", "FAILED");
		}
		fputc('\n', f);
	}
}

static void print_cell(FILE *f, const struct cell *c, const struct result *r)
{
	if (!r->ok) {
		fprintf(f, "%s: FAILED\n", c->name);
		return;
	}
	fprintf(f,
		"%s: %" PRId64 ".%09" PRId64 " s; segments %" PRIu32 "/%" PRIu32
		", retransmitted %" PRIu32 "/%" PRIu32
		"; dropped: lost %" PRIu64 "/%" PRIu64 ", corrupt %" PRIu64
		"/%" PRIu64 ", no socket %" PRIu64 "/%" PRIu64
		", no buffer %" PRIu64 "/%" PRIu64 "\n",
		c->name, r->ns / NS_PER_SEC, r->ns % NS_PER_SEC,
		r->segs_out[CLIENT], r->segs_out[SERVER], r->retrans[CLIENT],
		r->retrans[SERVER], r->link_drops[CLIENT],
		r->link_drops[SERVER], r->bad_drops[SERVER],
		r->bad_drops[CLIENT], r->nosk_drops[SERVER],
		r->nosk_drops[CLIENT], r->buf_drops[SERVER],
		r->buf_drops[CLIENT]);
}

static void print_report(FILE *f, const struct result *res)
{
	fprintf(f,
		"# tests/netsim/golden.txt: what tests/netsim/netsim.c prints. "
		"%u MiB per cell\n"
		"# from a client at 198.18.0.1 to a server at 198.18.0.2 over "
		"one link (MTU\n"
		"# 1500, one-way delay RTT/2, faults seeded 0x%" PRIx64
		"), virtual clock.\n"
		"# After a deliberate change (congestion control, ...), "
		"regenerate it with\n"
		"#   NETSIM_UPDATE=1 meson test -C build --suite netsim\n",
		TRANSFER >> 20, (uint64_t)SEED);
	print_table(f, "Mbit/s of payload from connect to the last byte read",
		    res, true);
	print_table(f, "Segments the client retransmitted (tcpi_total_retrans)",
		    res, false);
	fprintf(f,
		"\nEach cell: virtual time from connect to the last byte read; "
		"segments sent and\nretransmitted by client/server; packets "
		"dropped on their way to server/client:\nlost on the link, "
		"corrupt (a checksum), for no socket (after the close), for "
		"no\nroom in the receive buffer.\n");
	for (size_t i = 0; i < N_CELLS; i++) {
		struct cell c = cell_at(i);

		print_cell(f, &c, &res[i]);
	}
}

/* ---- the golden file ------------------------------------------------------- */

static char *read_file(const char *path)
{
	FILE *f = fopen(path, "r");
	char *buf = NULL;
	size_t len = 0;
	FILE *m;
	int ch;

	if (!f)
		return NULL;
	m = open_memstream(&buf, &len);
	while ((ch = fgetc(f)) != EOF)
		fputc(ch, m);
	fclose(m);
	fclose(f);
	return buf;
}

/* Line by line: the layout is fixed, so the lines pair up. */
static void show_diff(const char *want, const char *got)
{
	unsigned int line = 1, shown = 0;

	fprintf(stderr, "netsim: the output differs from the golden file "
			"(- golden, + now):\n");
	while (*want || *got) {
		size_t wl = strcspn(want, "\n"), gl = strcspn(got, "\n");

		if ((wl != gl || memcmp(want, got, wl)) && shown++ < 100)
			fprintf(stderr, "line %u:\n-%.*s\n+%.*s\n", line,
				(int)wl, want, (int)gl, got);
		want += wl + (want[wl] == '\n');
		got += gl + (got[gl] == '\n');
		line++;
	}
}

static int check_golden(const char *path, const char *out, bool update)
{
	char *want;
	int ret = 0;

	if (update) {
		FILE *f = fopen(path, "w");

		if (!f || fputs(out, f) == EOF || fclose(f)) {
			perror(path);
			return 1;
		}
		fprintf(stderr, "netsim: wrote %s\n", path);
		return 0;
	}
	want = read_file(path);
	if (!want) {
		perror(path);
		return 1;
	}
	if (strcmp(want, out)) {
		show_diff(want, out);
		ret = 1;
	}
	free(want);
	return ret;
}

static size_t cell_named(const char *name)
{
	for (size_t i = 0; i < N_CELLS; i++)
		if (!strcmp(cell_at(i).name, name))
			return i;
	fprintf(stderr, "netsim: no cell \"%s\"\n", name);
	exit(2);
}

int main(int argc, char **argv)
{
	static struct result res[N_CELLS + 1];
	static size_t cells[N_CELLS + 1];
	const char *env = getenv("NETSIM_JOBS");
	bool update = getenv("NETSIM_UPDATE") &&
		      strcmp(getenv("NETSIM_UPDATE"), "0");
	size_t jobs = env ? strtoul(env, NULL, 10) : 2, n = 0, failed = 0;
	const char *filter = argc > 2 ? argv[2] : NULL;
	struct result *again = &res[N_CELLS];
	size_t repeat = cell_named(REPEAT_CELL);
	char *out = NULL;
	size_t len = 0;
	FILE *f;

	if (getenv("NETSIM_TRACE"))
		trace_every = strtoull(getenv("NETSIM_TRACE"), NULL, 10);
	if (argc < 2 || argc > 3) {
		fprintf(stderr, "usage: %s GOLDEN [FILTER]\n", argv[0]);
		return 2;
	}
	if (filter) {
		for (size_t i = 0; i < N_CELLS; i++)
			if (strstr(cell_at(i).name, filter))
				cells[n++] = i;
		run_cells(cells, n, jobs, res);
		for (size_t k = 0; k < n; k++) {
			struct cell c = cell_at(cells[k]);

			print_cell(stdout, &c, &res[k]);
			failed += !res[k].ok;
		}
		if (!n)
			fprintf(stderr, "netsim: no cell matches \"%s\"\n",
				filter);
		return failed || !n ? 1 : 0;
	}
	/* Every cell, and one of them again in a process of its own: the
	 * same result, to the last nanosecond and segment. */
	for (size_t i = 0; i < N_CELLS; i++)
		cells[n++] = i;
	cells[n++] = repeat;
	run_cells(cells, n, jobs, res);
	for (size_t i = 0; i < N_CELLS; i++)
		failed += !res[i].ok;
	if (!results_equal(again, &res[repeat])) {
		struct cell c = cell_at(repeat);

		fprintf(stderr, "netsim: %s does not repeat:\n", c.name);
		print_cell(stderr, &c, &res[repeat]);
		print_cell(stderr, &c, again);
		failed++;
	}
	f = open_memstream(&out, &len);
	print_report(f, res);
	fclose(f);
	fputs(out, stdout);
	fflush(stdout);
	if (failed) {
		fprintf(stderr, "netsim: %zu cell(s) failed\n", failed);
		free(out);
		return 1;
	}
	failed = check_golden(argv[1], out, update);
	free(out);
	return failed ? 1 : 0;
}
