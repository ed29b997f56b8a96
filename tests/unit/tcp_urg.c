/*
 * tcp_urg.c - TCP urgent data where the loopback cannot show it: the
 * urgent pointer announced by a segment before the one that carries the
 * urgent byte (RFC 9293 3.8.5).  Two hosts under the virtual clock, over
 * a link slow enough that segments arrive one at a time.  usnet-only
 * (usnet_* API); the rest of urgent data is in tests/api/tcp_data.c.
 */
#include <criterion/criterion.h>
#include <errno.h>
#include <string.h>
#include <sys/ioctl.h>
#include <linux/sockios.h>
#include <netinet/in.h>
#include <netinet/tcp.h>

#include <usnet/usnet.h>

#include "hosts.h"

static int ioctl_int(int fd, unsigned long cmd)
{
	int v = -1;

	cr_assert_eq(usnet_ioctl(fd, cmd, &v), 0);
	return v;
}

/* 500 bytes sent with MSG_OOB go as five segments of 100 bytes, 1 ms
 * apart on the line, each with URG and a pointer past the last byte.
 * The first tells the receiver urgent data is coming: recv(MSG_OOB)
 * does not wait for it (EAGAIN), POLLPRI is not yet set, and the data
 * before the mark can be read.  The last brings the urgent byte. */
Test(tcp_urg, pointer_before_byte, .init = hosts_virtual_clock,
     .fini = hosts_teardown_tcp, .timeout = 20.0)
{
	/* 140 bytes (100 of data, 40 of headers) a millisecond. */
	struct usnet_link_params p = { .rate_bps = 140 * 8 * 1000 };
	char out[500], in[500], oob;
	int mss = 100, l, c, s;

	for (int i = 0; i < 500; i++)
		out[i] = (char)('a' + i % 26);
	two_hosts(&p);
	/* segments of exactly 100 bytes: no timestamps to take 12 */
	cr_assert_eq(usnet_sysctl_set(ns_a, "ipv4.tcp_timestamps", 0), 0);
	l = tcp_listener_b();
	c = socket_in(ns_a, SOCK_STREAM | SOCK_NONBLOCK, 0);
	cr_assert_eq(usnet_setsockopt(c, IPPROTO_TCP, TCP_MAXSEG, &mss,
				      sizeof(mss)),
		     0);
	s = tcp_accept_from(l, c);
	usnet_clock_advance(10 * MS);
	cr_assert_eq(usnet_send(c, out, 500, MSG_OOB), 500);
	usnet_clock_advance(MS);
	cr_assert_eq(ioctl_int(s, SIOCINQ), 100);
	cr_assert_eq(usnet_recv(s, &oob, 1, MSG_OOB), -1);
	cr_assert_eq(errno, EAGAIN, "%s", strerror(errno));
	cr_assert_eq(usnet_recv(s, in, 50, 0), 50);
	cr_assert_eq(ioctl_int(s, SIOCATMARK), 0);
	cr_assert_eq(usnet_poll(&(struct pollfd){ .fd = s, .events = POLLPRI },
				1, 0),
		     0);
	usnet_clock_advance(4 * MS);
	cr_assert_eq(usnet_poll(&(struct pollfd){ .fd = s, .events = POLLPRI },
				1, 0),
		     1);
	cr_assert_eq(ioctl_int(s, SIOCINQ), 449);
	cr_assert_eq(usnet_recv(s, &oob, 1, MSG_OOB), 1);
	cr_assert_eq(oob, out[499]);
	cr_assert_eq(usnet_recv(s, in + 50, sizeof(in) - 50, 0), 449);
	cr_assert(memcmp(in, out, 499) == 0);
	cr_assert_eq(ioctl_int(s, SIOCATMARK), 1);
}
