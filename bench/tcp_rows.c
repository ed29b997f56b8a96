/*
 * tcp_rows.c - the tcp_crr row of usnet-bench: TCP connections per
 * second over 127.0.0.1, each one connect, accept and close of both ends
 * (the client first, so its side goes through TIME_WAIT as usual), all in
 * one thread.  tcp_stream and tcp_rr share the AF_UNIX rows' code
 * (unix_rows.c).
 */
#include <errno.h>
#include <netinet/in.h>
#include <sys/socket.h>

#include "bench.h"

/* Connections per run at most: the client ends stay in TIME_WAIT for a
 * minute, and ephemeral ports (28232 of them) must last all the runs. */
#define CRR_MAX_CONNS 3000

int bench_tcp_crr(const struct bench_ops *ops, const struct bench_params *p,
		  struct bench_result *res)
{
	struct sockaddr_in addr;
	int64_t t0, t1, end;
	long n = 0;
	int l = bench_tcp_listener(ops, &addr);

	if (l < 0)
		return bench_fail(res, true, "listener");
	t0 = bench_now_ns();
	end = t0 + p->run_ns;
	for (t1 = t0; n < CRR_MAX_CONNS && t1 < end; n++) {
		int c = ops->socket(AF_INET, SOCK_STREAM, 0), s = -1;

		if (c >= 0 && ops->connect(c, (struct sockaddr *)&addr,
					   sizeof(addr)) == 0)
			s = ops->accept(l, NULL, NULL);
		if (s < 0) {
			int err = errno;

			if (c >= 0)
				ops->close(c);
			ops->close(l);
			errno = err;
			return bench_fail(res, true, "connection %ld", n);
		}
		ops->close(c);
		ops->close(s);
		t1 = bench_now_ns();
	}
	ops->close(l);
	if (!n || t1 <= t0)
		return bench_fail(res, false, "no connection made");
	res->value = (double)n * 1e9 / (double)(t1 - t0);
	return 0;
}
