/*
 * unix_rows.c - the stream rows of usnet-bench: throughput with 64 KiB
 * writes (unix_stream, tcp_stream) and 1-byte ping-pong round trips
 * (unix_rr, tcp_rr), each between two threads of this process over a
 * connected pair: an AF_UNIX socketpair, or a TCP connection over
 * 127.0.0.1 (with TCP_NODELAY, as request/response programs set it).
 *
 * All are written once against struct bench_ops and so measure the
 * kernel and usnet with the same code.
 */
#include <errno.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include "bench.h"

#define STREAM_CHUNK (64 * 1024)
/* 4 GiB: far more than any run moves in its time budget. */
#define STREAM_MAX_CHUNKS 65536
/* Bytes of each read compared against the expected stream. */
#define STREAM_CHECK_WINDOW 64

#define RR_MAX_SAMPLES 400000
#define RR_WARMUP      200

/*
 * The stream the writer sends: 64 KiB chunks, each a fixed pattern with
 * the chunk's number in its first 8 bytes, so the reader can spot lost,
 * repeated, reordered or corrupted data by sampling.
 */
static uint8_t stream_pattern(size_t off_in_chunk)
{
	return (uint8_t)(off_in_chunk * 167u + (off_in_chunk >> 9) + 0x5a);
}

static uint8_t stream_expect(uint64_t off)
{
	uint64_t chunk = off / STREAM_CHUNK;
	size_t o = (size_t)(off % STREAM_CHUNK);
	uint8_t stamp[sizeof(chunk)];

	if (o >= sizeof(chunk))
		return stream_pattern(o);
	memcpy(stamp, &chunk, sizeof(chunk));
	return stamp[o];
}

/* Check the chunk stamps that lie wholly inside @p (@n bytes at stream
 * offset @off) and a window of STREAM_CHECK_WINDOW bytes at a varying
 * place; -1 with the offset of the first bad byte in *@bad. */
static int stream_verify(const uint8_t *p, size_t n, uint64_t off,
			 uint32_t *seed, uint64_t *bad)
{
	uint64_t cs = (off + STREAM_CHUNK - 1) / STREAM_CHUNK * STREAM_CHUNK;
	size_t w = n < STREAM_CHECK_WINDOW ? n : STREAM_CHECK_WINDOW;
	size_t pos, i;

	for (; cs + sizeof(uint64_t) <= off + n; cs += STREAM_CHUNK) {
		uint64_t v;

		memcpy(&v, p + (cs - off), sizeof(v));
		if (v != cs / STREAM_CHUNK) {
			*bad = cs;
			return -1;
		}
	}
	*seed = *seed * 1103515245u + 12345u;
	pos = (*seed >> 8) % (n - w + 1);
	for (i = pos; i < pos + w; i++) {
		if (p[i] != stream_expect(off + i)) {
			*bad = off + i;
			return -1;
		}
	}
	return 0;
}

/* A TCP listener on 127.0.0.1 with a kernel-chosen port, in *@addr. */
int bench_tcp_listener(const struct bench_ops *ops, struct sockaddr_in *addr)
{
	socklen_t alen = sizeof(*addr);
	int one = 1;
	int l = ops->socket(AF_INET, SOCK_STREAM, 0);

	if (l < 0)
		return -1;
	*addr = (struct sockaddr_in){
		.sin_family = AF_INET, .sin_addr.s_addr = htonl(INADDR_LOOPBACK)
	};
	if (ops->setsockopt(l, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one)) ||
	    ops->bind(l, (struct sockaddr *)addr, sizeof(*addr)) ||
	    ops->getsockname(l, (struct sockaddr *)addr, &alen) ||
	    ops->listen(l, 128)) {
		int err = errno;

		ops->close(l);
		errno = err;
		return -1;
	}
	return l;
}

/* Two connected stream sockets of @family (AF_UNIX or AF_INET). */
static int stream_pair(const struct bench_ops *ops, int family, bool nodelay,
		       int sv[2])
{
	struct sockaddr_in addr;
	int one = 1, l, err;

	if (family == AF_UNIX)
		return ops->socketpair(AF_UNIX, SOCK_STREAM, 0, sv);
	l = bench_tcp_listener(ops, &addr);
	if (l < 0)
		return -1;
	sv[0] = ops->socket(AF_INET, SOCK_STREAM, 0);
	sv[1] = -1;
	if (sv[0] >= 0 &&
	    ops->connect(sv[0], (struct sockaddr *)&addr, sizeof(addr)) == 0)
		sv[1] = ops->accept(l, NULL, NULL);
	err = errno;
	ops->close(l);
	if (sv[1] >= 0 && nodelay &&
	    (ops->setsockopt(sv[0], IPPROTO_TCP, TCP_NODELAY, &one,
			     sizeof(one)) ||
	     ops->setsockopt(sv[1], IPPROTO_TCP, TCP_NODELAY, &one,
			     sizeof(one)))) {
		err = errno;
		ops->close(sv[1]);
		sv[1] = -1;
	}
	if (sv[1] < 0) {
		if (sv[0] >= 0)
			ops->close(sv[0]);
		errno = err;
		return -1;
	}
	return 0;
}

struct stream_writer {
	const struct bench_ops *ops;
	int fd;
	int64_t run_ns;
	pthread_barrier_t *start;
	uint64_t written; /* out: bytes written */
	int err;	  /* out: errno of a failed write, or 0 */
};

/* Write 64 KiB chunks until the time is up, then close, so the reader
 * sees end of file after the last byte. */
static void *stream_writer_main(void *arg)
{
	struct stream_writer *w = arg;
	uint8_t *buf = malloc(STREAM_CHUNK);
	int64_t end;
	uint64_t c;
	size_t i;

	if (!buf) {
		w->err = ENOMEM;
		w->ops->close(w->fd);
		pthread_barrier_wait(w->start);
		return NULL;
	}
	for (i = 0; i < STREAM_CHUNK; i++)
		buf[i] = stream_pattern(i);
	pthread_barrier_wait(w->start);
	end = bench_now_ns() + w->run_ns;
	for (c = 0; c < STREAM_MAX_CHUNKS && bench_now_ns() < end; c++) {
		size_t off = 0;

		memcpy(buf, &c, sizeof(c));
		while (off < STREAM_CHUNK) {
			ssize_t n = w->ops->write(w->fd, buf + off,
						  STREAM_CHUNK - off);

			if (n < 0 && errno == EINTR)
				continue;
			if (n <= 0) {
				w->err = n < 0 ? errno : EIO;
				goto out;
			}
			off += (size_t)n;
			w->written += (uint64_t)n;
		}
	}
out:
	w->ops->close(w->fd);
	free(buf);
	return NULL;
}

static int stream_run(const struct bench_ops *ops, const struct bench_params *p,
		      struct bench_result *res, int family)
{
	struct stream_writer w = { .ops = ops, .run_ns = p->run_ns };
	pthread_barrier_t start;
	pthread_t thread;
	uint64_t total = 0, bad = 0;
	uint32_t seed = 1;
	int64_t t0, t1;
	uint8_t *buf;
	int sv[2], ret = 0, err;

	buf = malloc(STREAM_CHUNK);
	if (!buf)
		return bench_fail(res, false, "out of memory");
	if (stream_pair(ops, family, false, sv) < 0) {
		free(buf);
		return bench_fail(res, true, "connected pair");
	}
	pthread_barrier_init(&start, NULL, 2);
	w.fd = sv[0];
	w.start = &start;
	err = pthread_create(&thread, NULL, stream_writer_main, &w);
	if (err) {
		ops->close(sv[0]);
		ops->close(sv[1]);
		pthread_barrier_destroy(&start);
		free(buf);
		errno = err;
		return bench_fail(res, true, "pthread_create");
	}
	/* Touch the buffer so the first reads do not pay for page faults. */
	memset(buf, 0, STREAM_CHUNK);
	pthread_barrier_wait(&start);
	t0 = bench_now_ns();
	for (;;) {
		ssize_t n = ops->read(sv[1], buf, STREAM_CHUNK);

		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0) {
			ret = bench_fail(res, true, "read after %llu bytes",
					 (unsigned long long)total);
			break;
		}
		if (n == 0)
			break;
		if (stream_verify(buf, (size_t)n, total, &seed, &bad) < 0) {
			ret = bench_fail(res, false,
					 "wrong data at stream offset %llu",
					 (unsigned long long)bad);
			break;
		}
		total += (uint64_t)n;
	}
	t1 = bench_now_ns();
	/* Closing our end also stops a writer still blocked after an error. */
	ops->close(sv[1]);
	pthread_join(thread, NULL);
	pthread_barrier_destroy(&start);
	free(buf);
	if (ret)
		return ret;
	if (w.err) {
		errno = w.err;
		return bench_fail(res, true, "write after %llu bytes",
				  (unsigned long long)w.written);
	}
	if (total != w.written)
		return bench_fail(res, false, "wrote %llu bytes, read %llu",
				  (unsigned long long)w.written,
				  (unsigned long long)total);
	if (!total || t1 <= t0)
		return bench_fail(res, false, "no data moved");
	res->value = (double)total / 1e6 / ((double)(t1 - t0) / 1e9);
	return 0;
}

struct rr_responder {
	const struct bench_ops *ops;
	int fd;
	pthread_barrier_t *start;
	uint64_t echoed; /* out: bytes echoed */
	int err;	 /* out: errno of a failed call, or 0 */
};

/* Echo each byte back until end of file; close on the way out so that a
 * failure here ends the main thread's wait too. */
static void *rr_responder_main(void *arg)
{
	struct rr_responder *r = arg;
	uint8_t c;

	pthread_barrier_wait(r->start);
	for (;;) {
		ssize_t n = r->ops->read(r->fd, &c, 1);

		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0) {
			r->err = errno;
			break;
		}
		if (n == 0)
			break;
		do {
			n = r->ops->write(r->fd, &c, 1);
		} while (n < 0 && errno == EINTR);
		if (n != 1) {
			r->err = n < 0 ? errno : EIO;
			break;
		}
		r->echoed++;
	}
	r->ops->close(r->fd);
	return NULL;
}

/* One round trip: send a byte, wait for it to come back. */
static int rr_once(const struct bench_ops *ops, int fd, uint8_t out,
		   struct bench_result *res, size_t i)
{
	uint8_t in;
	ssize_t n;

	do {
		n = ops->write(fd, &out, 1);
	} while (n < 0 && errno == EINTR);
	if (n != 1)
		return bench_fail(res, n < 0, "write of round trip %zu", i);
	do {
		n = ops->read(fd, &in, 1);
	} while (n < 0 && errno == EINTR);
	if (n != 1)
		return bench_fail(res, n < 0, "read of round trip %zu%s", i,
				  n == 0 ? ": unexpected end of file" : "");
	if (in != out)
		return bench_fail(res, false, "round trip %zu: sent %u, got %u",
				  i, out, in);
	return 0;
}

static int rr_run(const struct bench_ops *ops, const struct bench_params *p,
		  struct bench_result *res, int family)
{
	struct rr_responder r = { .ops = ops };
	pthread_barrier_t start;
	pthread_t thread;
	double *samples;
	int64_t end, t0, t1;
	size_t i, n = 0;
	int sv[2], ret = 0, err;

	samples = malloc(RR_MAX_SAMPLES * sizeof(*samples));
	if (!samples)
		return bench_fail(res, false, "out of memory");
	if (stream_pair(ops, family, true, sv) < 0) {
		free(samples);
		return bench_fail(res, true, "connected pair");
	}
	pthread_barrier_init(&start, NULL, 2);
	r.fd = sv[1];
	r.start = &start;
	err = pthread_create(&thread, NULL, rr_responder_main, &r);
	if (err) {
		ops->close(sv[0]);
		ops->close(sv[1]);
		pthread_barrier_destroy(&start);
		free(samples);
		errno = err;
		return bench_fail(res, true, "pthread_create");
	}
	pthread_barrier_wait(&start);
	for (i = 0; i < RR_WARMUP && !ret; i++)
		ret = rr_once(ops, sv[0], (uint8_t)i, res, i);
	end = bench_now_ns() + p->run_ns;
	t1 = 0;
	while (!ret && n < RR_MAX_SAMPLES && t1 < end) {
		t0 = bench_now_ns();
		ret = rr_once(ops, sv[0], (uint8_t)(i + n), res, i + n);
		t1 = bench_now_ns();
		samples[n++] = (double)(t1 - t0) / 1e3;
	}
	ops->close(sv[0]);
	pthread_join(thread, NULL);
	pthread_barrier_destroy(&start);
	if (!ret && r.err) {
		errno = r.err;
		ret = bench_fail(res, true, "responder");
	}
	if (!ret && r.echoed != i + n)
		ret = bench_fail(res, false, "sent %zu bytes, %llu echoed",
				 i + n, (unsigned long long)r.echoed);
	if (ret) {
		free(samples);
		return ret;
	}
	res->samples = samples;
	res->nsamples = n;
	/* The median sorts; keep the samples sorted, the driver does not
	 * care about their order. */
	res->value = bench_median(samples, n);
	return 0;
}

int bench_unix_stream(const struct bench_ops *ops, const struct bench_params *p,
		      struct bench_result *res)
{
	return stream_run(ops, p, res, AF_UNIX);
}

int bench_tcp_stream(const struct bench_ops *ops, const struct bench_params *p,
		     struct bench_result *res)
{
	return stream_run(ops, p, res, AF_INET);
}

int bench_unix_rr(const struct bench_ops *ops, const struct bench_params *p,
		  struct bench_result *res)
{
	return rr_run(ops, p, res, AF_UNIX);
}

int bench_tcp_rr(const struct bench_ops *ops, const struct bench_params *p,
		 struct bench_result *res)
{
	return rr_run(ops, p, res, AF_INET);
}
