/*
 * tcp_tables.c - the TCP tables of a namespace (tcp_ipv4.c) as they grow:
 * thousands of connections open at once, each still found by its segments
 * after the bind and connection tables have doubled (from 1 024 buckets)
 * several times, then closed into TIME_WAIT and gone.  Two hosts, a
 * (clients) and b (a listener on port 80), under the virtual clock.
 * usnet-only (usnet_* API).
 */
#include <criterion/criterion.h>
#include <errno.h>
#include <string.h>
#include <sys/resource.h>

#include <usnet/usnet.h>

#include "hosts.h"

#define PAIRS 2500

/* Room for every descriptor (the table reads the limit when made). */
static void tables_init(void)
{
	struct rlimit rl;

	cr_assert_eq(getrlimit(RLIMIT_NOFILE, &rl), 0);
	if (rl.rlim_cur < 2 * PAIRS + 16) {
		cr_assert_geq(rl.rlim_max, 2 * PAIRS + 16,
			      "RLIMIT_NOFILE too low for this test");
		rl.rlim_cur = 2 * PAIRS + 16;
		cr_assert_eq(setrlimit(RLIMIT_NOFILE, &rl), 0);
	}
	hosts_virtual_clock();
}

Test(tcp_tables, thousands_of_connections, .init = tables_init,
     .fini = hosts_teardown_tcp, .timeout = 120.0)
{
	static int c[PAIRS], s[PAIRS];
	int l;

	two_hosts(NULL);
	l = tcp_listener_b();

	for (int i = 0; i < PAIRS; i++) {
		c[i] = socket_in(ns_a, SOCK_STREAM | SOCK_NONBLOCK, 0);
		s[i] = tcp_accept_from(l, c[i]);
	}
	/* each connection, both ends, still found: a word each way */
	for (int i = 0; i < PAIRS; i++) {
		int back = ~i;

		cr_assert_eq(usnet_send(c[i], &i, sizeof(i), 0),
			     (ssize_t)sizeof(i));
		cr_assert_eq(usnet_send(s[i], &back, sizeof(back), 0),
			     (ssize_t)sizeof(back));
	}
	usnet_clock_advance(MS);
	for (int i = 0; i < PAIRS; i++) {
		int got = 0;

		cr_assert_eq(usnet_recv(s[i], &got, sizeof(got), 0),
			     (ssize_t)sizeof(got), "server %d: %s", i,
			     strerror(errno));
		cr_assert_eq(got, i);
		cr_assert_eq(usnet_recv(c[i], &got, sizeof(got), 0),
			     (ssize_t)sizeof(got), "client %d: %s", i,
			     strerror(errno));
		cr_assert_eq(got, ~i);
	}
	/* the clients close first and stay in TIME_WAIT; every close is
	 * found by its peer */
	for (int i = 0; i < PAIRS; i++)
		cr_assert_eq(usnet_close(c[i]), 0);
	usnet_clock_advance(MS);
	for (int i = 0; i < PAIRS; i++) {
		char byte;

		cr_assert_eq(usnet_recv(s[i], &byte, 1, 0), 0,
			     "server %d did not see the FIN", i);
		cr_assert_eq(usnet_close(s[i]), 0);
	}
	cr_assert_eq(usnet_close(l), 0);
}
