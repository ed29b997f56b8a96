/*
 * icmp_limits.c - the ICMP rate limits (Linux's icmp_global_allow() and
 * icmpv4_xrlim_allow()) under the virtual clock: a (198.18.0.1) sends UDP
 * datagrams to a closed port of b (198.18.0.2), or echo requests, and
 * counts what comes back; b counts what it held back
 * (IcmpOutRateLimitHost, IcmpOutRateLimitGlobal).  usnet-only (usnet_*
 * API and the wire helpers to build echo requests).
 */
#include <criterion/criterion.h>
#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <netinet/in.h>

#include <usnet/usnet.h>

#include "hosts.h"
#include "wire/icmp.h"

#define LIMITS_TEST(name)                                    \
	Test(icmp_limits, name, .init = hosts_virtual_clock, \
	     .fini = hosts_teardown, .timeout = 20.0)

/* A UDP socket of a that reports ICMP errors on its error queue. */
static int udp_recverr(void)
{
	int s = udp_in(ns_a, "198.18.0.1", 4000), on = 1;

	cr_assert_eq(usnet_setsockopt(s, SOL_IP, IP_RECVERR, &on, sizeof(on)),
		     0);
	cr_assert_eq(usnet_fcntl(s, F_SETFL, O_NONBLOCK), 0);
	return s;
}

/* Send @n datagrams from @s to b's closed port 9 at this instant; return
 * how many port unreachables came back. */
static int burst_to_closed_port(int s, int n)
{
	struct sockaddr_in to = sin_of("198.18.0.2", 9);
	int errors = 0;

	for (int i = 0; i < n; i++) {
		cr_assert_eq(usnet_sendto(s, "x", 1, 0, (struct sockaddr *)&to,
					  sizeof(to)),
			     1, "%s", strerror(errno));
		errors += icmp_errors_queued(s, ICMP_TYPE_DEST_UNREACH,
					     ICMP_CODE_PORT_UNREACH);
	}
	return errors;
}

static void sysctl_b(const char *name, long v)
{
	cr_assert_eq(usnet_sysctl_set(ns_b, name, v), 0, "%s", name);
}

/* A destination gets six errors at once (six intervals saved up), then
 * one per ipv4.icmp_ratelimit (1000 ms); what is held back is counted as
 * IcmpOutRateLimitHost, and the namespace's bucket (50) is not reached. */
LIMITS_TEST(per_destination_burst_then_one_a_second)
{
	int64_t t0;
	int s;

	two_hosts(NULL);
	s = udp_recverr();
	t0 = usnet_clock_now();
	cr_assert_eq(burst_to_closed_port(s, 20), 6);
	cr_assert_eq(stat_of(ns_b, "IcmpOutRateLimitHost"), 14);
	advance_to(t0 + 1000 * MS - 1);
	cr_assert_eq(burst_to_closed_port(s, 1), 0);
	advance_to(t0 + 1000 * MS);
	cr_assert_eq(burst_to_closed_port(s, 3), 1);
	advance_to(t0 + 2500 * MS);
	cr_assert_eq(burst_to_closed_port(s, 3), 1);
	/* Six intervals of silence fill the bucket again. */
	advance_to(t0 + 9000 * MS);
	cr_assert_eq(burst_to_closed_port(s, 10), 6);
	cr_assert_eq(stat_of(ns_b, "IcmpOutRateLimitHost"), 14 + 1 + 2 + 2 + 4);
	cr_assert_eq(stat_of(ns_b, "IcmpOutRateLimitGlobal"), 0);
	cr_assert_eq(stat_of(ns_b, "drop.NO_SOCKET"), 20 + 1 + 3 + 3 + 10);
}

/* The interval is a sysctl (ms, kept in 4 ms jiffies as Linux does); 0
 * turns the per-destination limit off. */
LIMITS_TEST(ratelimit_sysctl)
{
	long v;
	int s;

	two_hosts(NULL);
	s = udp_recverr();
	sysctl_b("ipv4.icmp_ratelimit", 101);
	cr_assert_eq(usnet_sysctl_get(ns_b, "ipv4.icmp_ratelimit", &v), 0);
	cr_assert_eq(v, 104);
	cr_assert_eq(usnet_sysctl_set(ns_b, "ipv4.icmp_ratelimit", -1), -1);
	cr_assert_eq(errno, EINVAL);
	cr_assert_eq(usnet_sysctl_set(ns_b, "ipv4.icmp_msgs_per_sec", -1), -1);
	cr_assert_eq(errno, EINVAL);
	cr_assert_eq(usnet_sysctl_set(ns_b, "ipv4.icmp_msgs_burst", -1), -1);
	cr_assert_eq(errno, EINVAL);
	cr_assert_eq(burst_to_closed_port(s, 10), 6);
	usnet_clock_advance(104 * MS);
	cr_assert_eq(burst_to_closed_port(s, 10), 1);
	sysctl_b("ipv4.icmp_ratelimit", 0);
	cr_assert_eq(burst_to_closed_port(s, 20), 20);
}

/* Without the per-destination limit, the namespace's bucket rules: about
 * icmp_msgs_burst (50) at once, each message taking 0, 1 or 2 credits at
 * random; then nothing for 20 ms, after which it refills at
 * icmp_msgs_per_sec.  At 0 per second it never refills. */
LIMITS_TEST(namespace_bucket)
{
	unsigned long held;
	int64_t t0;
	int s, n;

	two_hosts(NULL);
	s = udp_recverr();
	sysctl_b("ipv4.icmp_ratelimit", 0);
	t0 = usnet_clock_now();
	n = burst_to_closed_port(s, 200);
	cr_assert(n >= 30 && n <= 80, "%d errors in the first burst", n);
	held = stat_of(ns_b, "IcmpOutRateLimitGlobal");
	cr_assert_eq(held, 200 - (unsigned long)n);
	advance_to(t0 + 20 * MS - 1);
	cr_assert_eq(burst_to_closed_port(s, 10), 0);
	/* 20 ms at 1000/s: about 20 more. */
	advance_to(t0 + 20 * MS);
	n = burst_to_closed_port(s, 100);
	cr_assert(n >= 8 && n <= 40, "%d errors after 20 ms", n);
	sysctl_b("ipv4.icmp_msgs_per_sec", 0);
	burst_to_closed_port(s, 200);
	usnet_clock_advance(10 * SEC);
	cr_assert_eq(burst_to_closed_port(s, 10), 0);
	sysctl_b("ipv4.icmp_msgs_per_sec", 1000);
	usnet_clock_advance(SEC);
	cr_assert_gt(burst_to_closed_port(s, 10), 0);
}

/* Send @n echo requests from a raw ICMP socket of a to b; return how
 * many replies came. */
static int pings(int n)
{
	struct sockaddr_in to = sin_of("198.18.0.2", 0);
	int r = socket_in(ns_a, SOCK_RAW | SOCK_NONBLOCK, IPPROTO_ICMP);
	int replies = 0;
	uint8_t pkt[128];

	for (int i = 0; i < n; i++) {
		struct icmp_hdr_info ih = { .type = ICMP_TYPE_ECHO,
					    .id = 7,
					    .seq = (uint16_t)i };

		memcpy(pkt + ICMP_HLEN, "ping", 4);
		cr_assert_eq(icmp_emit(&ih, pkt + ICMP_HLEN, 4, pkt,
				       sizeof(pkt)),
			     ICMP_HLEN);
		cr_assert_eq(usnet_sendto(r, pkt, ICMP_HLEN + 4, 0,
					  (struct sockaddr *)&to, sizeof(to)),
			     ICMP_HLEN + 4);
	}
	/* The raw socket hears its own requests too (they are sent, not
	 * received) only as b's replies: type 0. */
	while (usnet_recv(r, pkt, sizeof(pkt), 0) > 0)
		if (pkt[20] == ICMP_TYPE_ECHO_REPLY)
			replies++;
	cr_assert_eq(usnet_close(r), 0);
	return replies;
}

/* Echo replies are not in the default ipv4.icmp_ratemask: every request
 * is answered.  With their bit set, they are limited like errors. */
LIMITS_TEST(echo_replies_follow_the_mask)
{
	two_hosts(NULL);
	cr_assert_eq(pings(100), 100);
	cr_assert_eq(stat_of(ns_b, "IcmpOutRateLimitHost"), 0);
	sysctl_b("ipv4.icmp_ratemask", 0x1818 | 1);
	cr_assert_eq(pings(20), 6);
	cr_assert_eq(stat_of(ns_b, "IcmpOutRateLimitHost"), 14);
	/* Port unreachables out of the mask are no longer limited. */
	sysctl_b("ipv4.icmp_ratemask", 1);
	cr_assert_eq(burst_to_closed_port(udp_recverr(), 30), 30);
}
