/*
 * clock.c - the virtual clock and the link timing it drives: delay,
 * jitter and rate, exactly repeatable; and the same link under the real
 * clock, where a namespace's service thread delivers.  Each test is its
 * own process (Criterion), so each may choose its clock.
 */
#include <arpa/inet.h>
#include <criterion/criterion.h>
#include <errno.h>
#include <string.h>

#include <usnet/usnet.h>

#include "hosts.h"

static int tx, rx;

#define CLOCK_TEST(name) \
	Test(clock, name, .fini = hosts_teardown, .timeout = 20.0)

static void hosts(const struct usnet_link_params *p)
{
	two_hosts(p);
	tx = udp_in(ns_a, "198.18.0.1", 7000);
	rx = udp_in(ns_b, "198.18.0.2", 7001);
}

static void send_bytes(size_t n, char tag)
{
	struct sockaddr_in to = sin_of("198.18.0.2", 7001);
	char buf[1500];

	memset(buf, tag, n);
	cr_assert_eq(usnet_sendto(tx, buf, n, 0, (struct sockaddr *)&to,
				  sizeof(to)),
		     (ssize_t)n);
}

/* The tag of the next datagram, or 0 if none has arrived. */
static char next_tag(void)
{
	char buf[1500];

	if (usnet_recv(rx, buf, sizeof(buf), MSG_DONTWAIT) < 1)
		return 0;
	return buf[0];
}

CLOCK_TEST(virtual_clock_api)
{
	errno = 0;
	cr_assert_eq(usnet_clock_advance(1), -1);
	cr_assert_eq(errno, EPERM);
	cr_assert_eq(usnet_clock_virtual(-1), -1);
	cr_assert_eq(errno, EINVAL);
	cr_assert_eq(usnet_clock_virtual(5 * MS), 0);
	cr_assert_eq(usnet_clock_now(), 5 * MS);
	cr_assert_eq(usnet_clock_virtual(0), -1);
	cr_assert_eq(errno, EBUSY);
	cr_assert_eq(usnet_clock_advance(-1), -1);
	cr_assert_eq(errno, EINVAL);
	cr_assert_eq(usnet_clock_advance(3 * MS), 0);
	cr_assert_eq(usnet_clock_now(), 8 * MS);
}

CLOCK_TEST(delay_holds_until_time_passes)
{
	struct usnet_link_params p = { .delay_us = 10000 };

	usnet_clock_virtual(0);
	hosts(&p);
	send_bytes(10, 'a');
	cr_assert_eq(next_tag(), 0);
	usnet_clock_advance(9 * MS);
	cr_assert_eq(next_tag(), 0, "arrived before the delay");
	usnet_clock_advance(1 * MS);
	cr_assert_eq(next_tag(), 'a');
}

/* 8000 bit/s: a 128-byte packet (100 of data, 28 of headers) takes
 * 128 ms on the line, and the next one waits for the line. */
CLOCK_TEST(rate_serialises_packets)
{
	struct usnet_link_params p = { .rate_bps = 8000 };

	usnet_clock_virtual(0);
	hosts(&p);
	send_bytes(100, '1');
	send_bytes(100, '2');
	usnet_clock_advance(127 * MS);
	cr_assert_eq(next_tag(), 0);
	usnet_clock_advance(1 * MS);
	cr_assert_eq(next_tag(), '1');
	cr_assert_eq(next_tag(), 0);
	usnet_clock_advance(128 * MS);
	cr_assert_eq(next_tag(), '2');
}

/* Jitter reorders, the same way every run. */
static void jitter_order(char out[9])
{
	struct usnet_link_params p = { .delay_us = 5000,
				       .jitter_us = 4000,
				       .seed = 7 };

	hosts(&p);
	for (char c = 'a'; c < 'i'; c++) {
		send_bytes(4, c);
		usnet_clock_advance(MS / 2);
	}
	usnet_clock_advance(20 * MS);
	for (int i = 0; i < 8; i++)
		out[i] = next_tag();
	out[8] = 0;
	usnet_close(tx);
	usnet_close(rx);
	usnet_net_destroy(ns_a);
	usnet_net_destroy(ns_b);
	ns_a = ns_b = NULL;
}

CLOCK_TEST(jitter_is_repeatable)
{
	char first[9], again[9];

	usnet_clock_virtual(0);
	jitter_order(first);
	jitter_order(again);
	cr_assert_str_eq(first, again);
	cr_assert_eq(strlen(first), 8, "all eight arrive: %s", first);
	cr_assert(strcmp(first, "abcdefgh") != 0, "no reordering: %s", first);
}

/* With the real clock the namespace's service thread delivers delayed
 * packets; a blocked receiver is woken by it. */
CLOCK_TEST(real_clock_service_thread_delivers)
{
	struct usnet_link_params p = { .delay_us = 20000 };
	char buf[8];

	hosts(&p);
	send_bytes(3, 'r');
	cr_assert_eq(usnet_recv(rx, buf, sizeof(buf), 0), 3);
	cr_assert_eq(buf[0], 'r');
}
