/*
 * tcp.c - TCP's threaded paths at once, for ThreadSanitizer, under the real
 * clock (so the namespaces' service threads run the timers and the link's
 * wire):
 *
 *  - bulk: 64 MiB between two namespaces over a link with a delay and a
 *    little loss (retransmissions, delayed ACKs and the link's delivery run
 *    on the service threads), and 64 MiB over 127.0.0.1 at the same time;
 *    each with its writer and its reader in threads of their own, the bytes
 *    compared by a hash;
 *  - storm: client threads connect to a listener served by an accept thread
 *    and two workers; each connection exchanges a few bytes and ends in one
 *    of five ways (either side first, gracefully or with SO_LINGER 0, or a
 *    half-close), while another thread changes options on the descriptors
 *    in use and polls them.
 *
 * Each phase ends with what it made gone: everything after the transfers;
 * after the storm everything but the one TIME_WAIT sock each graceful close
 * leaves, counted exactly (Linux keeps those 60 s, which no sysctl
 * shortens; waiting that long would be most of the suite's time).
 *
 * A plain program (Criterion's runner does not start under TSan); it exits
 * non-zero on any wrong byte, unexpected error or object left alive.
 * "stress_tcp bulk" or "stress_tcp storm" runs one phase.
 */
#include <arpa/inet.h>
#include <endian.h>
#include <errno.h>
#include <fcntl.h>
#include <linux/sockios.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <pthread.h>
#include <signal.h>
#include <stdarg.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <time.h>
#include <unistd.h>

#include <usnet/net.h>
#include <usnet/usnet.h>

#define BULK_LEN	 (64u << 20)
#define IO_TIMEOUT_S	 20 /* SO_RCVTIMEO/SO_SNDTIMEO: a stall fails */
#define STORM_CLIENTS	 3
#define STORM_WORKERS	 2
#define STORM_PER_CLIENT 1000
#define STORM_SECONDS	 3.0
#define SETTLE_SECONDS	 5.0
#define ARRAY_LEN(a)	 (sizeof(a) / sizeof((a)[0]))
#define WATCHDOG_SECONDS 240

static atomic_int failures;

static void fail(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	flockfile(stderr);
	fputs("stress_tcp: ", stderr);
	vfprintf(stderr, fmt, ap);
	fputc('\n', stderr);
	funlockfile(stderr);
	va_end(ap);
	atomic_fetch_add(&failures, 1);
}

static double now_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static void on_watchdog(int sig)
{
	static const char msg[] = "stress_tcp: watchdog: a phase hangs\n";

	(void)sig;
	(void)!write(2, msg, sizeof(msg) - 1);
	_exit(2);
}

/* ---- the data and its hash ------------------------------------------------ */

/* FNV-1a over little-endian 64-bit words, fed in pieces of any size: the
 * same bytes give the same hash however they were split. */
struct hash {
	uint64_t h, word, len;
	unsigned int nbytes; /* bytes in @word so far */
};

static void hash_init(struct hash *h)
{
	*h = (struct hash){ .h = 0xcbf29ce484222325ull };
}

static void hash_word(struct hash *h, uint64_t w)
{
	h->h = (h->h ^ w) * 0x100000001b3ull;
	h->h ^= h->h >> 29;
}

static void hash_update(struct hash *h, const unsigned char *p, size_t n)
{
	h->len += n;
	for (; n && h->nbytes; n--) {
		h->word |= (uint64_t)*p++ << (8 * h->nbytes);
		if (++h->nbytes == 8) {
			hash_word(h, h->word);
			h->word = 0;
			h->nbytes = 0;
		}
	}
	for (; n >= 8; p += 8, n -= 8) {
		uint64_t w;

		memcpy(&w, p, sizeof(w));
		hash_word(h, le64toh(w));
	}
	for (; n; n--)
		h->word |= (uint64_t)*p++ << (8 * h->nbytes++);
}

static uint64_t hash_final(const struct hash *h)
{
	struct hash f = *h;

	if (f.nbytes)
		hash_word(&f, f.word);
	hash_word(&f, f.len);
	return f.h;
}

/* xorshift64*: the bytes sent, so that no pattern of the stack's own
 * (a segment copied twice, one skipped) could cancel out. */
static void fill_random(unsigned char *buf, size_t n, uint64_t *state)
{
	for (size_t i = 0; i + 8 <= n; i += 8) {
		uint64_t x = *state;

		x ^= x >> 12;
		x ^= x << 25;
		x ^= x >> 27;
		*state = x;
		x *= 0x2545f4914f6cdd1dull;
		memcpy(buf + i, &x, sizeof(x));
	}
}

/* ---- helpers ---------------------------------------------------------------- */

static struct sockaddr_in inet_addr_port(const char *addr, uint16_t port)
{
	struct sockaddr_in sin = { .sin_family = AF_INET,
				   .sin_port = htons(port) };

	inet_pton(AF_INET, addr, &sin.sin_addr);
	return sin;
}

/* A TCP socket of @net (the calling thread stays in its namespace). */
static int tcp_socket(struct usnet_net *net, int flags)
{
	struct usnet_net *prev = usnet_net_enter(net);
	int fd = usnet_socket(AF_INET, SOCK_STREAM | flags, 0);

	usnet_net_enter(prev);
	if (fd < 0)
		fail("socket: %s", strerror(errno));
	return fd;
}

static int tcp_listener(struct usnet_net *net, const struct sockaddr_in *sin,
			int flags)
{
	int fd = tcp_socket(net, flags), one = 1;

	if (fd < 0)
		return -1;
	if (usnet_setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one)) ||
	    usnet_bind(fd, (const struct sockaddr *)sin, sizeof(*sin)) ||
	    usnet_listen(fd, 64)) {
		fail("listener: %s", strerror(errno));
		usnet_close(fd);
		return -1;
	}
	return fd;
}

static void set_timeouts(int fd)
{
	struct timeval tv = { .tv_sec = IO_TIMEOUT_S };

	if (usnet_setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv)) ||
	    usnet_setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof(tv)))
		fail("SO_RCVTIMEO: %s", strerror(errno));
}

/* Close with SO_LINGER 0: a RST, and no TIME_WAIT on either side. */
static void close_abort(int fd)
{
	struct linger lg = { .l_onoff = 1, .l_linger = 0 };

	if (usnet_setsockopt(fd, SOL_SOCKET, SO_LINGER, &lg, sizeof(lg)))
		fail("SO_LINGER: %s", strerror(errno));
	usnet_close(fd);
}

/* Wait for @events on @fd; false (and a failure) after IO_TIMEOUT_S. */
static bool wait_for(int fd, short events, const char *what)
{
	struct pollfd pfd = { .fd = fd, .events = events };
	int n = usnet_poll(&pfd, 1, IO_TIMEOUT_S * 1000);

	if (n == 1)
		return true;
	fail("%s: poll gave %d (%s)", what, n, n < 0 ? strerror(errno) : "");
	return false;
}

/* Send all of @buf, blocking or through poll(); false on an error. */
static bool send_all(int fd, const void *buf, size_t len, const char *what)
{
	const unsigned char *p = buf;

	while (len) {
		ssize_t n = usnet_send(fd, p, len, MSG_NOSIGNAL);

		if (n < 0 && errno == EAGAIN) {
			if (!wait_for(fd, POLLOUT, what))
				return false;
			continue;
		}
		if (n <= 0) {
			fail("%s: send: %s", what, strerror(errno));
			return false;
		}
		p += n;
		len -= (size_t)n;
	}
	return true;
}

/* Receive exactly @len bytes (blocking socket); false on an error or EOF. */
static bool recv_all(int fd, void *buf, size_t len, const char *what)
{
	unsigned char *p = buf;

	while (len) {
		ssize_t n = usnet_recv(fd, p, len, 0);

		if (n <= 0) {
			fail("%s: recv gave %zd (%s)", what, n,
			     n ? strerror(errno) : "EOF");
			return false;
		}
		p += n;
		len -= (size_t)n;
	}
	return true;
}

/* The next read must be the end: 0, or -1 with @err when @err is set. */
static void expect_end(int fd, int err, const char *what)
{
	char c;
	ssize_t n = usnet_recv(fd, &c, 1, 0);

	if (err ? n != -1 || errno != err : n != 0)
		fail("%s: recv gave %zd (%s), expected %s", what, n,
		     n < 0 ? strerror(errno) : "", err ? strerror(err) : "EOF");
}

/* ---- objects alive ------------------------------------------------------------ */

static struct usnet_objects baseline;

static bool objects_are(const struct usnet_objects *o, unsigned long tw)
{
	return o->sockets == baseline.sockets && o->files == baseline.files &&
	       o->epitems == baseline.epitems && o->skbs == baseline.skbs &&
	       o->socks == baseline.socks + tw &&
	       o->orphans == baseline.orphans + tw;
}

/* Wait (bounded) for the objects to be the baseline plus @tw TIME_WAIT
 * socks: orphans still closing (FIN_WAIT, LAST_ACK) go within an RTT or a
 * few, or within ipv4.tcp_fin_timeout when the last segment was lost. */
static void settle(const char *phase, unsigned long tw)
{
	double end = now_s() + SETTLE_SECONDS;
	struct usnet_objects o;

	for (;;) {
		usnet_objects_live(&o);
		if (objects_are(&o, tw))
			return;
		if (now_s() > end)
			break;
		usleep(10000);
	}
	fail("%s: left alive: %lu sockets, %lu socks (%lu orphans), %lu skbs, "
	     "%lu files, %lu epoll items; expected %lu TIME_WAIT socks more "
	     "than at the start (%lu sockets, %lu socks, %lu orphans, "
	     "%lu skbs, %lu files, %lu epoll items)",
	     phase, o.sockets, o.socks, o.orphans, o.skbs, o.files, o.epitems,
	     tw, baseline.sockets, baseline.socks, baseline.orphans,
	     baseline.skbs, baseline.files, baseline.epitems);
}

/* ---- bulk transfers ----------------------------------------------------------- */

struct bulk {
	const char *name;
	struct usnet_net *wnet; /* the writer's namespace */
	struct sockaddr_in addr;
	int lfd;	/* accepted, then closed, by the reader */
	bool nonblock;	/* poll()-driven, and the reader answers its hash */
	uint64_t whash; /* of what the writer sent */
	uint64_t rhash; /* of what the reader got */
	uint64_t rlen;
	double start, end;
};

/* Chunks of many sizes (multiples of 8, whole words of the generator). */
static const size_t write_sizes[] = { 65536, 1448, 8192, 200, 131072, 24, 3000 };
static const size_t read_sizes[] = { 65536, 1000, 200000, 7, 16384, 1448 };

static int bulk_connect(struct bulk *b)
{
	int fd = tcp_socket(b->wnet, b->nonblock ? SOCK_NONBLOCK : 0);
	int err = 0;
	socklen_t len = sizeof(err);

	if (fd < 0)
		return -1;
	set_timeouts(fd);
	if (usnet_connect(fd, (struct sockaddr *)&b->addr, sizeof(b->addr)) ==
	    0)
		return fd;
	if (errno == EINPROGRESS && wait_for(fd, POLLOUT, b->name) &&
	    usnet_getsockopt(fd, SOL_SOCKET, SO_ERROR, &err, &len) == 0 && !err)
		return fd;
	fail("%s: connect: %s", b->name, strerror(err ? err : errno));
	usnet_close(fd);
	return -1;
}

/* The writer's end: over the link, a graceful close with data maybe still
 * in flight (an orphan retransmits on the service thread until the reader
 * resets it); over 127.0.0.1, a half-close, the reader's hash back, and an
 * abortive close. */
static void bulk_writer_end(struct bulk *b, int fd)
{
	uint64_t theirs;

	if (!b->nonblock) {
		usnet_close(fd);
		return;
	}
	if (usnet_shutdown(fd, SHUT_WR))
		fail("%s: shutdown: %s", b->name, strerror(errno));
	if (usnet_fcntl(fd, F_SETFL, 0))
		fail("%s: F_SETFL: %s", b->name, strerror(errno));
	if (recv_all(fd, &theirs, sizeof(theirs), b->name) &&
	    theirs != b->whash)
		fail("%s: the reader's hash differs", b->name);
	close_abort(fd);
}

static void *bulk_writer(void *arg)
{
	struct bulk *b = arg;
	unsigned char *buf = malloc(131072);
	uint64_t rng = 0x9e3779b97f4a7c15ull ^ (uintptr_t)b;
	struct hash h;
	size_t sent = 0;
	int fd = buf ? bulk_connect(b) : -1;

	if (fd < 0) {
		free(buf);
		return NULL;
	}
	hash_init(&h);
	for (unsigned int i = 0; sent < BULK_LEN; i++) {
		size_t n = write_sizes[i % ARRAY_LEN(write_sizes)];

		if (n > BULK_LEN - sent)
			n = BULK_LEN - sent;
		fill_random(buf, n, &rng);
		hash_update(&h, buf, n);
		if (!send_all(fd, buf, n, b->name))
			break;
		sent += n;
	}
	b->whash = hash_final(&h);
	bulk_writer_end(b, fd);
	free(buf);
	return NULL;
}

/* The reader's end: the writer's FIN was read.  Over the link, reset the
 * orphan at once (SO_LINGER 0); over 127.0.0.1, send the hash back and
 * wait for the writer's reset. */
static void bulk_reader_end(struct bulk *b, int fd)
{
	if (!b->nonblock) {
		close_abort(fd);
		return;
	}
	if (send_all(fd, &b->rhash, sizeof(b->rhash), b->name) &&
	    wait_for(fd, POLLIN, b->name)) {
		char c;
		ssize_t n = usnet_recv(fd, &c, 1, MSG_DONTWAIT);

		/* RFC 9293 3.10.7.4: a RST in CLOSE-WAIT; Linux's read
		 * gives the EOF already seen, or the error. */
		if (n > 0 || (n < 0 && errno != EPIPE && errno != ECONNRESET))
			fail("%s: after the reset, recv gave %zd (%s)", b->name,
			     n, n < 0 ? strerror(errno) : "");
	}
	usnet_close(fd);
}

static void *bulk_reader(void *arg)
{
	struct bulk *b = arg;
	unsigned char *buf = malloc(200000);
	struct hash h;
	int fd = -1;

	if (!b->nonblock || wait_for(b->lfd, POLLIN, b->name))
		fd = usnet_accept4(b->lfd, NULL, NULL,
				   b->nonblock ? SOCK_NONBLOCK : 0);
	usnet_close(b->lfd);
	if (fd < 0 || !buf) {
		fail("%s: accept: %s", b->name, strerror(errno));
		if (fd >= 0)
			usnet_close(fd);
		free(buf);
		return NULL;
	}
	set_timeouts(fd);
	hash_init(&h);
	b->start = now_s();
	for (unsigned int i = 0;; i++) {
		size_t want = read_sizes[i % ARRAY_LEN(read_sizes)];
		ssize_t n = usnet_recv(fd, buf, want,
				       b->nonblock ? MSG_DONTWAIT : 0);

		if (n < 0 && errno == EAGAIN && b->nonblock) {
			if (!wait_for(fd, POLLIN, b->name))
				break;
			continue;
		}
		if (n < 0)
			fail("%s: recv: %s", b->name, strerror(errno));
		if (n <= 0)
			break;
		hash_update(&h, buf, (size_t)n);
	}
	b->end = now_s();
	b->rhash = hash_final(&h);
	b->rlen = h.len;
	bulk_reader_end(b, fd);
	free(buf);
	return NULL;
}

static void bulk_check(const struct bulk *b)
{
	if (b->rlen != BULK_LEN)
		fail("%s: %llu bytes arrived of %u", b->name,
		     (unsigned long long)b->rlen, BULK_LEN);
	else if (b->rhash != b->whash)
		fail("%s: the data differs (hash)", b->name);
	else
		printf("stress_tcp: %s: %u MiB in %.2f s\n", b->name,
		       BULK_LEN >> 20, b->end - b->start);
}

static bool net_setup(struct usnet_net *net, const char *const *cmds)
{
	for (; *cmds; cmds++)
		if (usnet_ip(net, *cmds)) {
			fail("ip %s: %s", *cmds, strerror(errno));
			return false;
		}
	return true;
}

static void bulk_phase(void)
{
	/* About 200 segments lost each way: fast retransmits, and
	 * retransmission timeouts now and then. */
	struct usnet_link_params p = { .delay_us = 200,
				       .loss = 0.003,
				       .seed = 20240611 };
	static const char *const a_cmds[] = { "addr add 198.18.4.1/24 dev eth0",
					      "link set eth0 up",
					      "sysctl ipv4.tcp_fin_timeout 1",
					      NULL };
	static const char *const b_cmds[] = { "addr add 198.18.4.2/24 dev eth0",
					      "link set eth0 up", NULL };
	static const char *const lo_cmds[] = { "link set lo up", NULL };
	struct usnet_net *na = usnet_net_create(), *nb = usnet_net_create();
	struct usnet_net *nl = usnet_net_create();
	struct bulk link = { .name = "bulk over a link",
			     .wnet = na,
			     .addr = inet_addr_port("198.18.4.2", 5001) };
	struct bulk lo = { .name = "bulk over 127.0.0.1",
			   .wnet = nl,
			   .addr = inet_addr_port("127.0.0.1", 5001),
			   .nonblock = true };
	pthread_t t[4];

	if (!na || !nb || !nl || usnet_link_add(na, "eth0", nb, "eth0", &p) ||
	    !net_setup(na, a_cmds) || !net_setup(nb, b_cmds) ||
	    !net_setup(nl, lo_cmds)) {
		fail("bulk: setup: %s", strerror(errno));
		return;
	}
	link.lfd = tcp_listener(nb, &link.addr, 0);
	lo.lfd = tcp_listener(nl, &lo.addr, SOCK_NONBLOCK);
	if (link.lfd < 0 || lo.lfd < 0)
		return;
	pthread_create(&t[0], NULL, bulk_reader, &link);
	pthread_create(&t[1], NULL, bulk_writer, &link);
	pthread_create(&t[2], NULL, bulk_reader, &lo);
	pthread_create(&t[3], NULL, bulk_writer, &lo);
	for (int i = 0; i < 4; i++)
		pthread_join(t[i], NULL);
	bulk_check(&link);
	bulk_check(&lo);
	/* The last segments (the reader's RST among them) are still on the
	 * wire for a while: a namespace destroyed now would drop them. */
	settle("bulk", 0);
	usnet_net_destroy(na);
	usnet_net_destroy(nb);
	usnet_net_destroy(nl);
}

/* ---- the connect/close storm ------------------------------------------------ */

/* How a connection ends, and where its TIME_WAIT is. */
enum storm_end {
	CLIENT_CLOSES, /* the client first: TIME_WAIT at the client */
	SERVER_CLOSES, /* the server first: TIME_WAIT at the server */
	CLIENT_ABORTS, /* the client with SO_LINGER 0: a RST, none */
	SERVER_ABORTS, /* the server with SO_LINGER 0 after the last byte */
	HALF_CLOSE,    /* the client shuts down writing, then reads the
			* server's last words: TIME_WAIT at the client */
	STORM_ENDS
};

static bool storm_end_time_waits(enum storm_end e)
{
	return e == CLIENT_CLOSES || e == SERVER_CLOSES || e == HALF_CLOSE;
}

#define STORM_QLEN 16
/* Below ip_local_port_range (32768-60999), above the client count. */
#define STORM_PORT_BASE 10000

struct storm {
	struct usnet_net *net;
	struct sockaddr_in addr;
	int lfd;
	int epfd; /* the option thread's */
	double deadline;
	atomic_bool clients_done, stop_options;

	/* accepted connections, from the accept thread to the workers */
	pthread_mutex_t lock;
	pthread_cond_t cond;
	int queue[STORM_QLEN];
	unsigned int head, tail;
	bool accept_done;

	/* the descriptor each client and worker is using, for the option
	 * thread (-1: none) */
	atomic_int fds[STORM_CLIENTS + STORM_WORKERS];
	atomic_ulong connections, time_waits;
	atomic_uint ports; /* taken from STORM_PORT_BASE up */
};

struct storm_client {
	struct storm *st;
	int id;
};

/*
 * Connect, blocking or through poll() as a nonblocking program does.
 *
 * When the server is to close first, its TIME_WAIT keeps the 4-tuple, and
 * a later connection from the same port (ephemeral ports are drawn at
 * random) would meet it and end it early: Linux lets the SYN reopen the
 * tuple (tcp_timewait_state_process()); usnet answers it with an ACK that
 * the client resets, and connects a second later.  Such connections come
 * from ports of their own, below the ephemeral range, so that each
 * graceful close leaves exactly one TIME_WAIT for settle() to count.
 */
static int storm_connect(struct storm *st, bool nonblock, bool own_port)
{
	int fd = tcp_socket(st->net, nonblock ? SOCK_NONBLOCK : 0);
	int err = 0;
	socklen_t len = sizeof(err);

	if (fd < 0)
		return -1;
	if (own_port) {
		struct sockaddr_in sin = inet_addr_port(
			"127.0.0.1",
			(uint16_t)(STORM_PORT_BASE +
				   atomic_fetch_add(&st->ports, 1)));

		if (usnet_bind(fd, (struct sockaddr *)&sin, sizeof(sin)))
			fail("storm: bind: %s", strerror(errno));
	}
	if (usnet_connect(fd, (struct sockaddr *)&st->addr, sizeof(st->addr)) ==
	    0)
		goto connected;
	if (errno != EINPROGRESS || !wait_for(fd, POLLOUT, "storm connect") ||
	    usnet_getsockopt(fd, SOL_SOCKET, SO_ERROR, &err, &len) || err) {
		fail("storm: connect: %s", strerror(err ? err : errno));
		usnet_close(fd);
		return -1;
	}
	if (usnet_fcntl(fd, F_SETFL, 0))
		fail("storm: F_SETFL: %s", strerror(errno));
connected:
	set_timeouts(fd);
	return fd;
}

/* The client's side of one connection. */
static void storm_client_one(struct storm_client *c, unsigned int i)
{
	struct storm *st = c->st;
	enum storm_end e =
		(enum storm_end)((i + (unsigned int)c->id) % STORM_ENDS);
	unsigned char req[4] = { (unsigned char)e, (unsigned char)c->id,
				 (unsigned char)i, (unsigned char)(i >> 8) };
	unsigned char rep[4], bye[3];
	int fd = storm_connect(st, i & 1, e == SERVER_CLOSES);

	if (fd < 0)
		return;
	atomic_store(&st->fds[c->id], fd);
	if (!send_all(fd, req, sizeof(req), "storm client") ||
	    !recv_all(fd, rep, sizeof(rep), "storm client"))
		goto out;
	for (size_t k = 0; k < sizeof(req); k++)
		if (rep[k] != (req[k] ^ 0x5a))
			fail("storm: a wrong reply");
	switch (e) {
	case CLIENT_CLOSES:
		break;
	case SERVER_CLOSES:
		expect_end(fd, 0, "storm client (server closes)");
		break;
	case CLIENT_ABORTS:
		close_abort(fd);
		fd = -1;
		break;
	case SERVER_ABORTS:
		if (send_all(fd, "x", 1, "storm client"))
			expect_end(fd, ECONNRESET,
				   "storm client (server aborts)");
		break;
	case HALF_CLOSE:
		if (usnet_shutdown(fd, SHUT_WR))
			fail("storm: shutdown: %s", strerror(errno));
		if (recv_all(fd, bye, sizeof(bye), "storm client (half)") &&
		    memcmp(bye, "bye", 3))
			fail("storm: a wrong goodbye");
		expect_end(fd, 0, "storm client (half-close)");
		break;
	default:
		break;
	}
	if (storm_end_time_waits(e))
		atomic_fetch_add(&st->time_waits, 1);
	atomic_fetch_add(&st->connections, 1);
out:
	if (fd >= 0)
		usnet_close(fd);
	atomic_store(&st->fds[c->id], -1);
}

static void *storm_client(void *arg)
{
	struct storm_client *c = arg;

	for (unsigned int i = 0;
	     i < STORM_PER_CLIENT && now_s() < c->st->deadline; i++)
		storm_client_one(c, i);
	return NULL;
}

/* The server's side: the request, the reply, and the end the client
 * asked for. */
static void storm_serve(int fd)
{
	unsigned char req[4], rep[4];
	char x;

	set_timeouts(fd);
	if (!recv_all(fd, req, sizeof(req), "storm server"))
		goto out;
	for (size_t k = 0; k < sizeof(req); k++)
		rep[k] = req[k] ^ 0x5a;
	if (!send_all(fd, rep, sizeof(rep), "storm server"))
		goto out;
	switch ((enum storm_end)req[0]) {
	case CLIENT_CLOSES:
		expect_end(fd, 0, "storm server (client closes)");
		break;
	case SERVER_CLOSES:
		break;
	case CLIENT_ABORTS:
		expect_end(fd, ECONNRESET, "storm server (client aborts)");
		break;
	case SERVER_ABORTS:
		if (!recv_all(fd, &x, 1, "storm server (aborts)"))
			break;
		close_abort(fd);
		return;
	case HALF_CLOSE:
		expect_end(fd, 0, "storm server (half-close)");
		send_all(fd, "bye", 3, "storm server (half-close)");
		break;
	default:
		fail("storm: a wrong request");
		break;
	}
out:
	usnet_close(fd);
}

static void storm_queue_put(struct storm *st, int fd)
{
	pthread_mutex_lock(&st->lock);
	while (st->tail - st->head == STORM_QLEN)
		pthread_cond_wait(&st->cond, &st->lock);
	st->queue[st->tail++ % STORM_QLEN] = fd;
	pthread_cond_broadcast(&st->cond);
	pthread_mutex_unlock(&st->lock);
}

/* The next accepted descriptor, or -1 once the accept thread is done. */
static int storm_queue_get(struct storm *st)
{
	int fd = -1;

	pthread_mutex_lock(&st->lock);
	while (st->head == st->tail && !st->accept_done)
		pthread_cond_wait(&st->cond, &st->lock);
	if (st->head != st->tail) {
		fd = st->queue[st->head++ % STORM_QLEN];
		pthread_cond_broadcast(&st->cond);
	}
	pthread_mutex_unlock(&st->lock);
	return fd;
}

static void *storm_accept(void *arg)
{
	struct storm *st = arg;

	for (;;) {
		struct pollfd pfd = { .fd = st->lfd, .events = POLLIN };
		int n = usnet_poll(&pfd, 1, 20), fd;

		if (n < 0) {
			fail("storm: poll: %s", strerror(errno));
			break;
		}
		/* Every client waits for its connection to be served, so
		 * none is pending once they are all done. */
		if (!n) {
			if (atomic_load(&st->clients_done))
				break;
			continue;
		}
		fd = usnet_accept4(st->lfd, NULL, NULL, SOCK_CLOEXEC);
		if (fd < 0) {
			fail("storm: accept: %s", strerror(errno));
			continue;
		}
		storm_queue_put(st, fd);
	}
	pthread_mutex_lock(&st->lock);
	st->accept_done = true;
	pthread_cond_broadcast(&st->cond);
	pthread_mutex_unlock(&st->lock);
	return NULL;
}

struct storm_worker {
	struct storm *st;
	int slot;
};

static void *storm_worker(void *arg)
{
	struct storm_worker *w = arg;
	int fd;

	while ((fd = storm_queue_get(w->st)) >= 0) {
		atomic_store(&w->st->fds[w->slot], fd);
		storm_serve(fd);
		atomic_store(&w->st->fds[w->slot], -1);
	}
	return NULL;
}

/* Poll @fd, or watch it a moment through the option thread's epoll set
 * (its owner may close it meanwhile: the item then goes by itself). */
static int storm_watch(struct storm *st, int fd, unsigned int round)
{
	struct pollfd pfd = { .fd = fd,
			      .events = POLLIN | POLLOUT | POLLRDHUP };
	struct epoll_event ev = { .events = EPOLLIN | EPOLLOUT | EPOLLET };

	if (round & 1)
		return usnet_poll(&pfd, 1, (int)(round & 2) / 2) < 0 ? -1 : 0;
	ev.data.fd = fd;
	if (usnet_epoll_ctl(st->epfd, EPOLL_CTL_ADD, fd, &ev) &&
	    errno != EEXIST)
		return -1;
	if (usnet_epoll_wait(st->epfd, &ev, 1, (int)(round & 2) / 2) < 0)
		return -1;
	if (usnet_epoll_ctl(st->epfd, EPOLL_CTL_DEL, fd, NULL) &&
	    errno != ENOENT)
		return -1;
	return 0;
}

/* Options the option thread sets, two at a time: each on and off again,
 * or a pair that go together. */
static const struct storm_option {
	int level, name, value;
} storm_options_set[][2] = {
	{ { IPPROTO_TCP, TCP_NODELAY, 1 }, { IPPROTO_TCP, TCP_NODELAY, 0 } },
	{ { IPPROTO_TCP, TCP_CORK, 1 }, { IPPROTO_TCP, TCP_CORK, 0 } },
	{ { SOL_SOCKET, SO_KEEPALIVE, 1 }, { IPPROTO_TCP, TCP_KEEPIDLE, 1 } },
	{ { SOL_SOCKET, SO_SNDBUF, 4096 }, { SOL_SOCKET, SO_RCVBUF, 20000 } },
};

#define STORM_POKES (ARRAY_LEN(storm_options_set) + 2)

/* Change options of @fd, or look at it, while its owner uses it; it may
 * be closed (and its number taken again) meanwhile, so EBADF is fine, and
 * EINVAL for an ioctl that does not apply to the socket's state. */
static void storm_poke(struct storm *st, int fd, unsigned int round)
{
	unsigned int what = round % STORM_POKES;
	struct tcp_info ti;
	socklen_t len = sizeof(ti);
	int err = 0, v;

	if (what < ARRAY_LEN(storm_options_set)) {
		for (int k = 0; k < 2 && !err; k++) {
			const struct storm_option *o =
				&storm_options_set[what][k];

			err = usnet_setsockopt(fd, o->level, o->name, &o->value,
					       sizeof(o->value));
		}
	} else if (what == ARRAY_LEN(storm_options_set)) {
		err = usnet_getsockopt(fd, IPPROTO_TCP, TCP_INFO, &ti, &len);
		if (!err && usnet_ioctl(fd, FIONREAD, &v) && errno != EINVAL)
			err = -1;
		if (!err && usnet_ioctl(fd, SIOCOUTQ, &v) && errno != EINVAL)
			err = -1;
	} else {
		err = storm_watch(st, fd, round / STORM_POKES);
	}
	if (err && errno != EBADF)
		fail("storm: poke %u: %s", what, strerror(errno));
}

static void *storm_options(void *arg)
{
	struct storm *st = arg;

	for (unsigned int round = 0; !atomic_load(&st->stop_options); round++) {
		struct pollfd pfd = { .fd = st->lfd, .events = POLLIN };

		for (int i = 0; i < STORM_CLIENTS + STORM_WORKERS; i++) {
			int fd = atomic_load(&st->fds[i]);

			if (fd >= 0)
				storm_poke(st, fd, round + (unsigned int)i);
		}
		if (usnet_poll(&pfd, 1, 0) < 0)
			fail("storm: poll: %s", strerror(errno));
		if (round % 64 == 63)
			usleep(100);
	}
	return NULL;
}

static void storm_phase(void)
{
	struct storm st = { .addr = inet_addr_port("127.0.0.1", 5002) };
	struct storm_client clients[STORM_CLIENTS];
	struct storm_worker workers[STORM_WORKERS];
	pthread_t tc[STORM_CLIENTS], tw[STORM_WORKERS], ta, to;

	st.net = usnet_net_create();
	if (!st.net || usnet_ip(st.net, "link set lo up")) {
		fail("storm: namespace: %s", strerror(errno));
		return;
	}
	st.lfd = tcp_listener(st.net, &st.addr, SOCK_NONBLOCK);
	st.epfd = usnet_epoll_create1(EPOLL_CLOEXEC);
	if (st.lfd < 0 || st.epfd < 0) {
		fail("storm: epoll_create1: %s", strerror(errno));
		return;
	}
	pthread_mutex_init(&st.lock, NULL);
	pthread_cond_init(&st.cond, NULL);
	for (int i = 0; i < STORM_CLIENTS + STORM_WORKERS; i++)
		atomic_init(&st.fds[i], -1);
	st.deadline = now_s() + STORM_SECONDS;
	pthread_create(&ta, NULL, storm_accept, &st);
	pthread_create(&to, NULL, storm_options, &st);
	for (int i = 0; i < STORM_WORKERS; i++) {
		workers[i] = (struct storm_worker){ &st, STORM_CLIENTS + i };
		pthread_create(&tw[i], NULL, storm_worker, &workers[i]);
	}
	for (int i = 0; i < STORM_CLIENTS; i++) {
		clients[i] = (struct storm_client){ &st, i };
		pthread_create(&tc[i], NULL, storm_client, &clients[i]);
	}
	for (int i = 0; i < STORM_CLIENTS; i++)
		pthread_join(tc[i], NULL);
	atomic_store(&st.clients_done, true);
	pthread_join(ta, NULL);
	for (int i = 0; i < STORM_WORKERS; i++)
		pthread_join(tw[i], NULL);
	atomic_store(&st.stop_options, true);
	pthread_join(to, NULL);
	usnet_close(st.epfd);
	usnet_close(st.lfd);
	usnet_net_destroy(st.net);
	pthread_cond_destroy(&st.cond);
	pthread_mutex_destroy(&st.lock);
	printf("stress_tcp: storm: %lu connections, %lu left in TIME_WAIT\n",
	       atomic_load(&st.connections), atomic_load(&st.time_waits));
	if (atomic_load(&st.connections) < 100)
		fail("storm: only %lu connections",
		     atomic_load(&st.connections));
	settle("storm", atomic_load(&st.time_waits));
}

int main(int argc, char **argv)
{
	const char *only = argc > 1 ? argv[1] : NULL;

	signal(SIGALRM, on_watchdog);
	alarm(WATCHDOG_SECONDS);
	usnet_objects_live(&baseline);
	if (!only || strcmp(only, "bulk") == 0)
		bulk_phase();
	if (!only || strcmp(only, "storm") == 0)
		storm_phase();
	printf("stress_tcp: %s\n", atomic_load(&failures) ? "FAILED" : "ok");
	return atomic_load(&failures) ? 1 : 0;
}
