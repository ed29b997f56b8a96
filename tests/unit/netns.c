/*
 * netns.c - several hosts in one process: namespaces joined by links,
 * configured with usnet_ip(), exchanging UDP datagrams and ICMP, and the
 * faults a link injects (loss, duplication, corruption, reordering) on a
 * seeded schedule.  usnet-only API, so not a dual-target test; addresses
 * from 198.18.0.0/15 as the project's rules ask, though nothing here
 * leaves the process.
 */
#include <arpa/inet.h>
#include <criterion/criterion.h>
#include <errno.h>
#include <pthread.h>
#include <string.h>
#include <unistd.h>

#include <usnet/usnet.h>

#include "hosts.h"

#define NETNS_TEST(name, ...)                                      \
	Test(netns, name, .fini = hosts_teardown, .timeout = 20.0, \
	     ##__VA_ARGS__)

NETNS_TEST(udp_between_namespaces)
{
	struct sockaddr_in to = sin_of("198.18.0.2", 5000), from;
	socklen_t flen = sizeof(from);
	char buf[16];
	int a, b;

	two_hosts(NULL);
	a = udp_in(ns_a, "198.18.0.1", 4000);
	b = udp_in(ns_b, "198.18.0.2", 5000);
	cr_assert_eq(usnet_sendto(a, "ping", 4, 0, (struct sockaddr *)&to,
				  sizeof(to)),
		     4);
	cr_assert_eq(usnet_recvfrom(b, buf, sizeof(buf), MSG_DONTWAIT,
				    (struct sockaddr *)&from, &flen),
		     4);
	cr_assert(memcmp(buf, "ping", 4) == 0);
	cr_assert_eq(from.sin_addr.s_addr,
		     sin_of("198.18.0.1", 0).sin_addr.s_addr);
	cr_assert_eq(ntohs(from.sin_port), 4000);
	/* And back, to the address it came from. */
	cr_assert_eq(usnet_sendto(b, "pong", 4, 0, (struct sockaddr *)&from,
				  flen),
		     4);
	cr_assert_eq(usnet_recv(a, buf, sizeof(buf), MSG_DONTWAIT), 4);
	cr_assert(memcmp(buf, "pong", 4) == 0);
}

/* A blocked receiver in one namespace is woken by a sender in the other. */
static void *sender(void *arg)
{
	int s = *(int *)arg;
	struct sockaddr_in to = sin_of("198.18.0.2", 5001);

	usleep(20000);
	usnet_sendto(s, "late", 4, 0, (struct sockaddr *)&to, sizeof(to));
	return NULL;
}

NETNS_TEST(blocked_receiver_woken_across_namespaces)
{
	pthread_t t;
	char buf[8];
	int a, b;

	two_hosts(NULL);
	a = udp_in(ns_a, "198.18.0.1", 4001);
	b = udp_in(ns_b, "198.18.0.2", 5001);
	pthread_create(&t, NULL, sender, &a);
	cr_assert_eq(usnet_recv(b, buf, sizeof(buf), 0), 4);
	pthread_join(t, NULL);
}

NETNS_TEST(closed_port_refuses_across_the_link)
{
	struct sockaddr_in to = sin_of("198.18.0.2", 6000);
	char c;
	int a;

	two_hosts(NULL);
	a = udp_in(ns_a, "198.18.0.1", 4002);
	cr_assert_eq(usnet_connect(a, (struct sockaddr *)&to, sizeof(to)), 0);
	cr_assert_eq(usnet_send(a, "x", 1, 0), 1);
	/* b answered with port unreachable; a connected socket hears it. */
	errno = 0;
	cr_assert_eq(usnet_recv(a, &c, 1, MSG_DONTWAIT), -1);
	cr_assert_eq(errno, ECONNREFUSED);
	cr_assert_eq(stat_of(ns_b, "drop.NO_SOCKET"), 1);
}

NETNS_TEST(no_route_is_enetunreach)
{
	struct sockaddr_in far = sin_of("198.19.0.9", 7);
	int a;

	two_hosts(NULL);
	a = udp_in(ns_a, "198.18.0.1", 4003);
	errno = 0;
	cr_assert_eq(usnet_sendto(a, "x", 1, 0, (struct sockaddr *)&far,
				  sizeof(far)),
		     -1);
	cr_assert_eq(errno, ENETUNREACH);
	/* A default route through b makes it go (and b drops it, as it
	 * does not forward yet). */
	ip(ns_a, "route add default via 198.18.0.2");
	cr_assert_eq(usnet_sendto(a, "x", 1, 0, (struct sockaddr *)&far,
				  sizeof(far)),
		     1);
	cr_assert_eq(stat_of(ns_b, "drop.IP_NOT_FORWARDING"), 1);
}

NETNS_TEST(link_down_drops)
{
	struct sockaddr_in to = sin_of("198.18.0.2", 5002);
	char c;
	int a, b;

	two_hosts(NULL);
	a = udp_in(ns_a, "198.18.0.1", 4004);
	b = udp_in(ns_b, "198.18.0.2", 5002);
	ip(ns_b, "link set eth0 down");
	cr_assert_eq(usnet_sendto(a, "x", 1, 0, (struct sockaddr *)&to,
				  sizeof(to)),
		     1);
	errno = 0;
	cr_assert_eq(usnet_recv(b, &c, 1, MSG_DONTWAIT), -1);
	cr_assert_eq(errno, EAGAIN);
	cr_assert_eq(stat_of(ns_b, "drop.DEV_READY"), 1);
}

NETNS_TEST(loss_drops_everything_at_one)
{
	struct usnet_link_params p = { .loss = 1.0, .seed = 1 };
	struct sockaddr_in to = sin_of("198.18.0.2", 5003);
	char c;
	int a, b;

	two_hosts(&p);
	a = udp_in(ns_a, "198.18.0.1", 4005);
	b = udp_in(ns_b, "198.18.0.2", 5003);
	for (int i = 0; i < 10; i++)
		cr_assert_eq(usnet_sendto(a, "x", 1, 0, (struct sockaddr *)&to,
					  sizeof(to)),
			     1);
	errno = 0;
	cr_assert_eq(usnet_recv(b, &c, 1, MSG_DONTWAIT), -1);
	cr_assert_eq(stat_of(ns_a, "drop.DEV_QUEUE"), 10);
}

/* The same seed gives the same losses: a schedule, not chance. */
static int delivered(double loss, uint64_t seed)
{
	struct usnet_link_params p = { .loss = loss, .seed = seed };
	struct sockaddr_in to = sin_of("198.18.0.2", 5004);
	int a, b, n = 0;
	char c;

	two_hosts(&p);
	a = udp_in(ns_a, "198.18.0.1", 4006);
	b = udp_in(ns_b, "198.18.0.2", 5004);
	for (int i = 0; i < 200; i++)
		usnet_sendto(a, "x", 1, 0, (struct sockaddr *)&to, sizeof(to));
	while (usnet_recv(b, &c, 1, MSG_DONTWAIT) == 1)
		n++;
	usnet_close(a);
	usnet_close(b);
	usnet_net_destroy(ns_a);
	usnet_net_destroy(ns_b);
	ns_a = ns_b = NULL;
	return n;
}

NETNS_TEST(loss_schedule_is_seeded)
{
	int first = delivered(0.3, 42), again = delivered(0.3, 42);

	cr_assert_eq(first, again);
	cr_assert(first > 100 && first < 180, "delivered %d of 200", first);
}

NETNS_TEST(duplicate_and_corrupt)
{
	struct usnet_link_params dup = { .duplicate = 1.0, .seed = 3 };
	struct usnet_link_params bad = { .corrupt = 1.0, .seed = 4 };
	struct sockaddr_in to = sin_of("198.18.0.2", 5005);
	unsigned long csum;
	char c;
	int a, b, n = 0;

	two_hosts(&dup);
	a = udp_in(ns_a, "198.18.0.1", 4007);
	b = udp_in(ns_b, "198.18.0.2", 5005);
	cr_assert_eq(usnet_sendto(a, "d", 1, 0, (struct sockaddr *)&to,
				  sizeof(to)),
		     1);
	while (usnet_recv(b, &c, 1, MSG_DONTWAIT) == 1)
		n++;
	cr_assert_eq(n, 2);
	usnet_close(a);
	usnet_close(b);
	usnet_net_destroy(ns_a);
	usnet_net_destroy(ns_b);

	/* One flipped bit anywhere: a checksum catches it, or it lands in
	 * a field that makes the packet someone else's. */
	two_hosts(&bad);
	a = udp_in(ns_a, "198.18.0.1", 4008);
	b = udp_in(ns_b, "198.18.0.2", 5005);
	for (int i = 0; i < 20; i++)
		usnet_sendto(a, "corrupt", 7, 0, (struct sockaddr *)&to,
			     sizeof(to));
	n = 0;
	while (usnet_recv(b, &c, 1, MSG_DONTWAIT) >= 0)
		n++;
	csum = stat_of(ns_b, "drop.IP_CSUM") + stat_of(ns_b, "drop.UDP_CSUM") +
	       stat_of(ns_b, "drop.IP_INHDR") +
	       stat_of(ns_b, "drop.NO_SOCKET") +
	       stat_of(ns_b, "drop.PKT_TOO_SMALL") +
	       stat_of(ns_b, "drop.IP_NOT_FORWARDING") +
	       stat_of(ns_b, "drop.IP_NOPROTO") +
	       stat_of(ns_b, "drop.IP_FRAG") + stat_of(ns_b, "drop.UDP_INHDR");
	cr_assert_eq(n, 0, "%d corrupted datagrams delivered", n);
	cr_assert_eq(csum, 20, "%lu of 20 counted", csum);
}

NETNS_TEST(reorder_swaps_neighbours)
{
	struct usnet_link_params p = { .reorder = 1.0, .seed = 5 };
	struct sockaddr_in to = sin_of("198.18.0.2", 5006);
	char got[4] = { 0 };
	int a, b;

	two_hosts(&p);
	a = udp_in(ns_a, "198.18.0.1", 4009);
	b = udp_in(ns_b, "198.18.0.2", 5006);
	/* Every packet that can be held is: 1 is held, 2 goes then 1,
	 * 3 is held, 4 goes then 3. */
	for (char i = '1'; i <= '4'; i++)
		usnet_sendto(a, &i, 1, 0, (struct sockaddr *)&to, sizeof(to));
	for (int i = 0; i < 4; i++)
		cr_assert_eq(usnet_recv(b, &got[i], 1, MSG_DONTWAIT), 1);
	cr_assert(memcmp(got, "2143", 4) == 0, "order %.4s", got);
}

NETNS_TEST(usnet_ip_errors)
{
	ns_a = usnet_net_create();
	cr_assert_not_null(ns_a);
	errno = 0;
	cr_assert_eq(usnet_ip(ns_a, "addr add 198.18.0.1/24 dev eth9"), -1);
	cr_assert_eq(errno, ENODEV);
	cr_assert_eq(usnet_ip(ns_a, "addr add 198.18.0.1/33 dev lo"), -1);
	cr_assert_eq(errno, EINVAL);
	cr_assert_eq(usnet_ip(ns_a, "frobnicate"), -1);
	cr_assert_eq(errno, EINVAL);
	cr_assert_eq(usnet_ip(ns_a, "route add default via 198.18.0.254"), -1);
	cr_assert_eq(errno, ENETUNREACH);
	cr_assert_eq(usnet_ip(ns_a, "route del 198.18.5.0/24"), -1);
	cr_assert_eq(errno, ESRCH);
	ip(ns_a, "addr add 198.18.0.1/24 dev lo");
	cr_assert_eq(usnet_ip(ns_a, "addr add 198.18.0.1/24 dev lo"), -1);
	cr_assert_eq(errno, EEXIST);
	cr_assert_eq(usnet_ip(ns_a, "addr del 198.18.0.7/24 dev lo"), -1);
	cr_assert_eq(errno, EADDRNOTAVAIL);
	ip(ns_a, "sysctl unix.max_dgram_qlen 5");
	cr_assert_eq(usnet_link_add(ns_a, "x", ns_a, "x", NULL), -1);
	cr_assert_eq(errno, EINVAL);
	cr_assert_eq(usnet_link_add(ns_a, "lo", ns_a, "y", NULL), -1);
	cr_assert_eq(errno, EEXIST);
}

/* A new namespace's lo is down, as on Linux, until it is brought up; then
 * it has 127.0.0.1/8. */
NETNS_TEST(new_namespace_loopback_starts_down)
{
	struct sockaddr_in lo = sin_of("127.0.0.1", 9);
	struct usnet_net *prev;
	int s;

	ns_a = usnet_net_create();
	prev = usnet_net_enter(ns_a);
	s = usnet_socket(AF_INET, SOCK_DGRAM, 0);
	errno = 0;
	cr_assert_eq(usnet_sendto(s, "x", 1, 0, (struct sockaddr *)&lo,
				  sizeof(lo)),
		     -1);
	cr_assert_eq(errno, ENETUNREACH);
	ip(ns_a, "link set lo up");
	cr_assert_eq(usnet_sendto(s, "x", 1, 0, (struct sockaddr *)&lo,
				  sizeof(lo)),
		     1);
	usnet_net_enter(prev);
}
