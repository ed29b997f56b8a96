/*
 * threads.c - the threaded paths at once, for ThreadSanitizer: UDP ping-pong
 * between two namespaces over a link with a delay (real clock, so the
 * namespaces' service threads deliver), an AF_UNIX stream transfer read
 * through epoll, and sockets made and closed meanwhile.  A plain program
 * (Criterion's runner does not start under TSan); it exits non-zero on any
 * wrong byte or object left alive.
 */
#include <arpa/inet.h>
#include <pthread.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <usnet/usnet.h>

#define ROUNDS	 2000
#define UNIX_LEN (8u << 20)

static struct usnet_net *na, *nb;
static int failures;

static void fail(const char *what)
{
	fprintf(stderr, "threads: %s\n", what);
	__atomic_add_fetch(&failures, 1, __ATOMIC_RELAXED);
}

static int udp_in(struct usnet_net *net, const char *addr, uint16_t port)
{
	struct sockaddr_in sin = { .sin_family = AF_INET,
				   .sin_port = htons(port) };
	struct usnet_net *prev = usnet_net_enter(net);
	int s = usnet_socket(AF_INET, SOCK_DGRAM, 0);

	usnet_net_enter(prev);
	inet_pton(AF_INET, addr, &sin.sin_addr);
	if (s < 0 || usnet_bind(s, (struct sockaddr *)&sin, sizeof(sin)))
		fail("udp bind");
	return s;
}

struct pingpong {
	int fd;
	const char *peer;
	uint16_t port;
	bool client;
};

static void *udp_pingpong(void *arg)
{
	struct pingpong *pp = arg;
	struct sockaddr_in to = { .sin_family = AF_INET,
				  .sin_port = htons(pp->port) };
	char buf[32];

	inet_pton(AF_INET, pp->peer, &to.sin_addr);
	for (int i = 0; i < ROUNDS; i++) {
		int v = i;

		if (pp->client &&
		    usnet_sendto(pp->fd, &v, sizeof(v), 0,
				 (struct sockaddr *)&to, sizeof(to)) < 0)
			fail("sendto");
		if (usnet_recv(pp->fd, buf, sizeof(buf), 0) != sizeof(v))
			fail("recv");
		memcpy(&v, buf, sizeof(v));
		if (v != i)
			fail("udp order");
		if (!pp->client &&
		    usnet_sendto(pp->fd, &v, sizeof(v), 0,
				 (struct sockaddr *)&to, sizeof(to)) < 0)
			fail("echo");
	}
	return NULL;
}

static void *unix_writer(void *arg)
{
	int fd = *(int *)arg;
	static unsigned char buf[65536];
	size_t sent = 0;

	while (sent < UNIX_LEN) {
		for (size_t i = 0; i < sizeof(buf); i++)
			buf[i] = (unsigned char)((sent + i) % 251);
		ssize_t n = usnet_write(fd, buf, sizeof(buf));

		if (n <= 0) {
			fail("unix write");
			break;
		}
		sent += (size_t)n;
	}
	usnet_close(fd);
	return NULL;
}

static void *unix_reader(void *arg)
{
	int fd = *(int *)arg, ep = usnet_epoll_create1(0);
	struct epoll_event ev = { .events = EPOLLIN, .data.fd = fd };
	unsigned char buf[70000];
	size_t got = 0;

	usnet_epoll_ctl(ep, EPOLL_CTL_ADD, fd, &ev);
	for (;;) {
		if (usnet_epoll_wait(ep, &ev, 1, 5000) != 1) {
			fail("epoll_wait");
			break;
		}
		ssize_t n = usnet_recv(fd, buf, sizeof(buf), MSG_DONTWAIT);

		if (n == 0)
			break;
		for (ssize_t i = 0; i < n; i++)
			if (buf[i] !=
			    (unsigned char)((got + (size_t)i) % 251)) {
				fail("unix data");
				break;
			}
		if (n > 0)
			got += (size_t)n;
	}
	if (got != UNIX_LEN)
		fail("unix length");
	usnet_close(ep);
	usnet_close(fd);
	return NULL;
}

static void *churn(void *arg)
{
	(void)arg;
	for (int i = 0; i < 2000; i++) {
		int sv[2];

		if (usnet_socketpair(AF_UNIX, SOCK_DGRAM, 0, sv) == 0) {
			usnet_send(sv[0], "c", 1, 0);
			usnet_close(sv[0]);
			usnet_close(sv[1]);
		}
	}
	return NULL;
}

int main(void)
{
	struct usnet_link_params p = { .delay_us = 100 };
	struct pingpong c1, s1;
	struct usnet_objects live;
	pthread_t t[6];
	int sv[2];

	na = usnet_net_create();
	nb = usnet_net_create();
	if (!na || !nb || usnet_link_add(na, "eth0", nb, "eth0", &p) ||
	    usnet_ip(na, "addr add 198.18.3.1/24 dev eth0") ||
	    usnet_ip(nb, "addr add 198.18.3.2/24 dev eth0") ||
	    usnet_ip(na, "link set eth0 up") ||
	    usnet_ip(nb, "link set eth0 up"))
		fail("setup");
	c1 = (struct pingpong){ udp_in(na, "198.18.3.1", 1000 + 7000),
				"198.18.3.2", 9000, true };
	s1 = (struct pingpong){ udp_in(nb, "198.18.3.2", 9000), "198.18.3.1",
				8000, false };
	if (usnet_socketpair(AF_UNIX, SOCK_STREAM, 0, sv))
		fail("socketpair");
	pthread_create(&t[0], NULL, udp_pingpong, &s1);
	pthread_create(&t[1], NULL, udp_pingpong, &c1);
	pthread_create(&t[2], NULL, unix_writer, &sv[0]);
	pthread_create(&t[3], NULL, unix_reader, &sv[1]);
	pthread_create(&t[4], NULL, churn, NULL);
	pthread_create(&t[5], NULL, churn, NULL);
	for (int i = 0; i < 6; i++)
		pthread_join(t[i], NULL);
	usnet_close_range(0, ~0U, 0);
	usnet_net_destroy(na);
	usnet_net_destroy(nb);
	usnet_objects_live(&live);
	if (live.sockets || live.socks || live.skbs || live.files)
		fail("objects left alive");
	printf("threads: %s\n", failures ? "FAILED" : "ok");
	return failures ? 1 : 0;
}
