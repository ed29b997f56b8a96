/*
 * hosts.c - the helpers of hosts.h.
 */
#include "hosts.h"

#include <arpa/inet.h>
#include <criterion/criterion.h>
#include <errno.h>
#include <string.h>
#include <linux/errqueue.h>

struct usnet_net *ns_a, *ns_b;

void two_hosts(const struct usnet_link_params *p)
{
	ns_a = usnet_net_create();
	ns_b = usnet_net_create();
	cr_assert(ns_a && ns_b);
	cr_assert_eq(usnet_link_add(ns_a, "eth0", ns_b, "eth0", p), 0);
	ip(ns_a, "addr add 198.18.0.1/24 dev eth0");
	ip(ns_b, "addr add 198.18.0.2/24 dev eth0");
	ip(ns_a, "link set eth0 up");
	ip(ns_b, "link set eth0 up");
}

void hosts_teardown(void)
{
	struct usnet_objects live;

	usnet_close_range(0, ~0U, 0);
	usnet_net_enter(usnet_net_default());
	if (ns_a)
		usnet_net_destroy(ns_a);
	if (ns_b)
		usnet_net_destroy(ns_b);
	ns_a = ns_b = NULL;
	usnet_objects_live(&live);
	cr_expect(live.sockets == 0 && live.socks == 0 && live.skbs == 0 &&
			  live.files == 0,
		  "left alive: %lu sockets %lu socks %lu skbs %lu files",
		  live.sockets, live.socks, live.skbs, live.files);
}

void hosts_teardown_tcp(void)
{
	usnet_close_range(0, ~0U, 0);
	usnet_clock_advance(3 * 3600 * SEC);
	hosts_teardown();
}

void hosts_virtual_clock(void)
{
	cr_assert_eq(usnet_clock_virtual(SEC), 0);
}

void ip(struct usnet_net *net, const char *cmd)
{
	cr_assert_eq(usnet_ip(net, cmd), 0, "usnet_ip(\"%s\"): %s", cmd,
		     strerror(errno));
}

struct sockaddr_in sin_of(const char *addr, uint16_t port)
{
	struct sockaddr_in sin = { .sin_family = AF_INET,
				   .sin_port = htons(port) };

	inet_pton(AF_INET, addr, &sin.sin_addr);
	return sin;
}

int socket_in(struct usnet_net *net, int type, int protocol)
{
	struct usnet_net *prev = usnet_net_enter(net);
	int s = usnet_socket(AF_INET, type, protocol);

	usnet_net_enter(prev);
	cr_assert_geq(s, 0, "socket: %s", strerror(errno));
	return s;
}

int udp_in(struct usnet_net *net, const char *addr, uint16_t port)
{
	struct sockaddr_in sin = sin_of(addr, port);
	int s = socket_in(net, SOCK_DGRAM, 0);

	cr_assert_eq(usnet_bind(s, (struct sockaddr *)&sin, sizeof(sin)), 0,
		     "bind %s:%u: %s", addr, port, strerror(errno));
	return s;
}

int tcp_listener_b(void)
{
	struct sockaddr_in sin = sin_of("198.18.0.2", 80);
	int l = socket_in(ns_b, SOCK_STREAM | SOCK_NONBLOCK, 0);

	cr_assert_eq(usnet_bind(l, (struct sockaddr *)&sin, sizeof(sin)), 0);
	cr_assert_eq(usnet_listen(l, 4), 0);
	return l;
}

int tcp_accept_from(int l, int c)
{
	struct sockaddr_in sin = sin_of("198.18.0.2", 80);
	int s = -1;

	errno = 0;
	cr_assert_eq(usnet_connect(c, (struct sockaddr *)&sin, sizeof(sin)),
		     -1);
	cr_assert_eq(errno, EINPROGRESS);
	for (int i = 0; i < 1000 && s < 0; i++) {
		usnet_clock_advance(MS);
		s = usnet_accept4(l, NULL, NULL, SOCK_NONBLOCK);
	}
	cr_assert_geq(s, 0, "accept: %s", strerror(errno));
	return s;
}

bool errqueue_next(int s, struct sock_extended_err *ee)
{
	char data[64], ctl[256];
	struct iovec iov = { data, sizeof(data) };
	struct msghdr m = { .msg_iov = &iov,
			    .msg_iovlen = 1,
			    .msg_control = ctl,
			    .msg_controllen = sizeof(ctl) };
	struct cmsghdr *c;

	if (usnet_recvmsg(s, &m, MSG_ERRQUEUE | MSG_DONTWAIT) < 0) {
		cr_assert_eq(errno, EAGAIN, "%s", strerror(errno));
		return false;
	}
	c = CMSG_FIRSTHDR(&m);
	cr_assert(c && c->cmsg_level == SOL_IP && c->cmsg_type == IP_RECVERR);
	memcpy(ee, CMSG_DATA(c), sizeof(*ee));
	return true;
}

int icmp_errors_queued(int s, int type, int code)
{
	struct sock_extended_err ee;
	int errors = 0;

	while (errqueue_next(s, &ee)) {
		cr_assert_eq(ee.ee_origin, SO_EE_ORIGIN_ICMP);
		cr_assert_eq(ee.ee_type, type);
		cr_assert_eq(ee.ee_code, code);
		errors++;
	}
	return errors;
}

unsigned long stat_of(struct usnet_net *net, const char *name)
{
	unsigned long v = 0;

	cr_assert_eq(usnet_stat_get(net, name, &v), 0, "%s", name);
	return v;
}

void advance_to(int64_t t)
{
	cr_assert_geq(t, usnet_clock_now());
	cr_assert_eq(usnet_clock_advance(t - usnet_clock_now()), 0);
}
