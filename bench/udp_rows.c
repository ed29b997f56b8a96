/*
 * udp_rows.c - the UDP rows of usnet-bench: udp_pps, 64-byte datagrams
 * per second from one thread to another over 127.0.0.1.
 *
 * Written once against struct bench_ops, like every row.  The figure is
 * what the receiver got, not what the sender sent: a stack that drops
 * cannot look fast.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <pthread.h>
#include <stdatomic.h>
#include <string.h>
#include <sys/time.h>

#include "bench.h"

#define PPS_PAYLOAD 64
/* A bound on the datagrams of one run, whatever its time budget. */
#define PPS_MAX 50000000L
/* The receiver's SO_RCVTIMEO: once the sender has stopped, this long with
 * nothing to receive ends the run.  While the sender runs, a timeout only
 * means a stall, and the receiver waits again. */
#define PPS_IDLE_US 20000

struct pps_sender {
	const struct bench_ops *ops;
	int fd;
	struct sockaddr_in to;
	int64_t run_ns;
	long sent;
	int err;
	atomic_bool done; /* the sender has returned from its last sendto */
};

static void *pps_send(void *arg)
{
	struct pps_sender *s = arg;
	char buf[PPS_PAYLOAD];
	int64_t end = bench_now_ns() + s->run_ns;

	memset(buf, 0x42, sizeof(buf));
	while (s->sent < PPS_MAX && ((s->sent & 63) || bench_now_ns() < end)) {
		if (s->ops->sendto(s->fd, buf, sizeof(buf), 0,
				   (struct sockaddr *)&s->to,
				   sizeof(s->to)) != sizeof(buf)) {
			if (errno == EAGAIN || errno == ENOBUFS)
				continue;
			s->err = errno;
			break;
		}
		s->sent++;
	}
	atomic_store(&s->done, true);
	return NULL;
}

int bench_udp_pps(const struct bench_ops *ops, const struct bench_params *p,
		  struct bench_result *res)
{
	struct sockaddr_in addr = { .sin_family = AF_INET,
				    .sin_addr.s_addr = htonl(INADDR_LOOPBACK) };
	struct timeval tmo = { .tv_sec = 0, .tv_usec = PPS_IDLE_US };
	socklen_t alen = sizeof(addr);
	struct pps_sender s = { .ops = ops, .run_ns = p->run_ns };
	char buf[PPS_PAYLOAD * 2];
	int64_t start, last = 0;
	long got = 0;
	pthread_t t;
	int rx;

	rx = ops->socket(AF_INET, SOCK_DGRAM, 0);
	s.fd = ops->socket(AF_INET, SOCK_DGRAM, 0);
	if (rx < 0 || s.fd < 0)
		return bench_fail(res, true, "socket");
	if (ops->bind(rx, (struct sockaddr *)&addr, sizeof(addr)) ||
	    ops->getsockname(rx, (struct sockaddr *)&addr, &alen) ||
	    ops->setsockopt(rx, SOL_SOCKET, SO_RCVTIMEO, &tmo, sizeof(tmo))) {
		ops->close(rx);
		ops->close(s.fd);
		return bench_fail(res, true, "bind");
	}
	s.to = addr;
	start = bench_now_ns();
	if (pthread_create(&t, NULL, pps_send, &s)) {
		ops->close(rx);
		ops->close(s.fd);
		return bench_fail(res, false, "pthread_create");
	}
	for (;;) {
		ssize_t n = ops->recv(rx, buf, sizeof(buf), 0);

		if (n < 0 && (errno == EAGAIN || errno == EINTR) &&
		    !atomic_load(&s.done))
			continue;
		if (n < 0)
			break; /* the sender stopped: the timeout ran out */
		if (n != PPS_PAYLOAD || buf[0] != 0x42)
			break;
		got++;
		last = bench_now_ns();
	}
	pthread_join(t, NULL);
	ops->close(rx);
	ops->close(s.fd);
	if (s.err) {
		errno = s.err;
		return bench_fail(res, true, "sendto");
	}
	if (got == 0 || last <= start)
		return bench_fail(res, false, "nothing received");
	res->value = (double)got * 1e9 / (double)(last - start);
	return 0;
}
