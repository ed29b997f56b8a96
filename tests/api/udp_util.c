/*
 * udp_util.c - what the UDP tests share (udp.c, udp_ip.c): sockets bound
 * on the loopback, sends and waits, a closed port, control messages.
 */
#include "udp_util.h"

int udp_socket(void)
{
	return expect_ok(socket(AF_INET, SOCK_DGRAM, 0));
}

/* A UDP socket bound to ip, port 0; *name gets the name it was given. */
int udp_bound(const char *ip, struct sockaddr_in *name)
{
	int s = udp_socket();
	struct sockaddr_in sin = api_sin_of(ip, 0);

	expect_ok(bind(s, (struct sockaddr *)&sin, sizeof(sin)));
	if (name)
		*name = api_name_of(s);
	return s;
}

/* A UDP socket bound to ip and an explicit port (one that bind(port 0)
 * just gave out and was released). */
int udp_bound_explicit(const char *ip, struct sockaddr_in *name)
{
	struct sockaddr_in sin;
	int s = udp_bound(ip, &sin);

	expect_ok(close(s));
	s = udp_socket();
	expect_ok(bind(s, (struct sockaddr *)&sin, sizeof(sin)));
	if (name)
		*name = api_name_of(s);
	return s;
}

/* bind() to ip:port (port in host order); 0 or the errno. */
int bind_err(int fd, const char *ip, uint16_t port)
{
	struct sockaddr_in sin = api_sin_of(ip, port);

	errno = 0;
	if (bind(fd, (struct sockaddr *)&sin, sizeof(sin)) == 0)
		return 0;
	return errno;
}

/* setsockopt of an int; 0 or the errno. */
int set_int(int fd, int level, int name, int v)
{
	errno = 0;
	if (setsockopt(fd, level, name, &v, sizeof(v)) == 0)
		return 0;
	return errno;
}

void send_to(int fd, const void *buf, size_t len, const struct sockaddr_in *to)
{
	ssize_t n = sendto(fd, buf, len, 0, (const struct sockaddr *)to,
			   sizeof(*to));

	cr_assert_eq(n, (ssize_t)len, "sendto: %zd (%s)", n, strerror(errno));
}

/* poll() one descriptor for up to ms; the revents. */
short wait_events(int fd, short events, int ms)
{
	struct pollfd p = { .fd = fd, .events = events };

	cr_assert_geq(poll(&p, 1, ms), 0);
	return p.revents;
}

void wait_readable(int fd)
{
	cr_assert(wait_events(fd, POLLIN, WAIT_MS) & POLLIN, "nothing arrived");
}

void wait_error(int fd)
{
	cr_assert(wait_events(fd, 0, WAIT_MS) & POLLERR, "no POLLERR");
}

/* Bound blocking receives, so that a wrong implementation fails rather
 * than hangs. */
void set_rcvtimeo(int fd, int ms)
{
	struct timeval tv = { .tv_sec = ms / 1000,
			      .tv_usec = (ms % 1000) * 1000 };

	expect_ok(setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv)));
}

/* Wait for one datagram and read it without blocking. */
ssize_t recv_wait(int fd, void *buf, size_t len, int flags)
{
	wait_readable(fd);
	return recv(fd, buf, len, flags | MSG_DONTWAIT);
}

/* A loopback port (host order) with no socket on it. */
uint16_t closed_port(void)
{
	struct sockaddr_in sin;
	int s = udp_bound("127.0.0.1", &sin);

	expect_ok(close(s));
	return ntohs(sin.sin_port);
}

struct cmsghdr *find_cmsg(struct msghdr *m, int level, int type)
{
	for (struct cmsghdr *c = CMSG_FIRSTHDR(m); c; c = CMSG_NXTHDR(m, c))
		if (c->cmsg_level == level && c->cmsg_type == type)
			return c;
	return NULL;
}

int count_dontwait(int fd)
{
	char buf[16];
	int n = 0;

	while (n < 1000 && recv(fd, buf, sizeof(buf), MSG_DONTWAIT) >= 0)
		n++;
	cr_assert_eq(errno, EAGAIN);
	return n;
}

/* Read what arrives on fds[0..n) into counts[] until want datagrams in
 * all, or nothing more comes for WAIT_MS. */
void collect(const int *fds, int n, int *counts, int want)
{
	struct pollfd p[8];
	int total = 0;

	cr_assert_leq(n, 8);
	for (int i = 0; i < n; i++) {
		counts[i] = 0;
		p[i] = (struct pollfd){ .fd = fds[i], .events = POLLIN };
	}
	while (total < want && poll(p, (nfds_t)n, WAIT_MS) > 0) {
		for (int i = 0; i < n; i++) {
			int k = count_dontwait(fds[i]);

			counts[i] += k;
			total += k;
		}
	}
}
