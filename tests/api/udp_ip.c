/*
 * udp_ip.c - UDP over IPv4 on the loopback where the IP layer shows, as
 * Linux does it: ICMP port unreachable as ECONNREFUSED (connected
 * sockets, or any socket with IP_RECVERR), the error queue, IP_PKTINFO,
 * IP_RECVTTL, IP_RECVTOS, IP_TTL, IP_TOS, IP_MTU_DISCOVER, IP_MTU, receive
 * buffer overflow with SO_RXQ_OVFL, and shutdown.
 *
 * Every datagram goes to 127.0.0.0/8; a closed port is found by binding a
 * port and closing the socket.
 */
#include "udp_util.h"

/* -- ICMP errors ----------------------------------------------------- */

/* A connected socket sending to a closed port gets the ICMP port
 * unreachable as a pending ECONNREFUSED (POLLERR); the next recv reports
 * it once, and then the socket is back to normal (EAGAIN). */
API_TEST(udp, connected_econnrefused_on_recv, API_NEEDS_INET)
{
	struct sockaddr_in to = api_sin_of("127.0.0.1", closed_port());
	int s = udp_socket();
	char c;

	expect_ok(connect(s, (struct sockaddr *)&to, sizeof(to)));
	cr_assert_eq(send(s, "abc", 3, 0), 3);
	wait_error(s);
	cr_assert_eq(wait_events(s, POLLIN | POLLOUT, 0), POLLERR | POLLOUT);
	expect_errno(recv(s, &c, 1, MSG_DONTWAIT), ECONNREFUSED);
	expect_errno(recv(s, &c, 1, MSG_DONTWAIT), EAGAIN);
	cr_assert_eq(wait_events(s, POLLIN | POLLOUT, 0), POLLOUT);
	cr_assert_eq(api_getsockopt_int(s, SOL_SOCKET, SO_ERROR), 0);
	/* Still connected. */
	cr_assert_eq(api_peer_of(s).sin_port, to.sin_port);
	expect_ok(close(s));
}

/* If the next call is a send, the send fails with ECONNREFUSED instead
 * (and is not sent); the one after succeeds. */
API_TEST(udp, connected_econnrefused_on_send, API_NEEDS_INET)
{
	struct sockaddr_in to = api_sin_of("127.0.0.1", closed_port());
	int s = udp_socket();
	char c;

	expect_ok(connect(s, (struct sockaddr *)&to, sizeof(to)));
	cr_assert_eq(send(s, "abc", 3, 0), 3);
	wait_error(s);
	expect_errno(send(s, "abc", 3, 0), ECONNREFUSED);
	expect_errno(recv(s, &c, 1, MSG_DONTWAIT), EAGAIN);
	cr_assert_eq(send(s, "abc", 3, 0), 3);
	/* ... and that one is refused in turn. */
	wait_error(s);
	expect_errno(recv(s, &c, 1, MSG_DONTWAIT), ECONNREFUSED);
	expect_ok(close(s));
}

/* SO_ERROR reads the pending error and clears it. */
API_TEST(udp, so_error_reads_and_clears, API_NEEDS_INET)
{
	struct sockaddr_in to = api_sin_of("127.0.0.1", closed_port());
	int s = udp_socket();
	char c;

	expect_ok(connect(s, (struct sockaddr *)&to, sizeof(to)));
	cr_assert_eq(send(s, "abc", 3, 0), 3);
	wait_error(s);
	cr_assert_eq(api_getsockopt_int(s, SOL_SOCKET, SO_ERROR), ECONNREFUSED);
	cr_assert_eq(api_getsockopt_int(s, SOL_SOCKET, SO_ERROR), 0);
	expect_errno(recv(s, &c, 1, MSG_DONTWAIT), EAGAIN);
	cr_assert_eq(wait_events(s, POLLIN, 0), 0);
	expect_ok(close(s));
}

/* An unconnected socket without IP_RECVERR hears nothing of the ICMP
 * error.  (A connected socket sending to the same port afterwards
 * serves as the witness that the first error was processed.) */
API_TEST(udp, unconnected_ignores_icmp_without_recverr, API_NEEDS_INET)
{
	struct sockaddr_in to = api_sin_of("127.0.0.1", closed_port());
	int s = udp_socket(), w = udp_socket();
	char c;

	send_to(s, "abc", 3, &to);
	expect_ok(connect(w, (struct sockaddr *)&to, sizeof(to)));
	cr_assert_eq(send(w, "abc", 3, 0), 3);
	wait_error(w);
	cr_assert_eq(wait_events(s, POLLIN, 0), 0);
	cr_assert_eq(api_getsockopt_int(s, SOL_SOCKET, SO_ERROR), 0);
	expect_errno(recv(s, &c, 1, MSG_DONTWAIT), EAGAIN);
	expect_errno(recv(s, &c, 1, MSG_DONTWAIT | MSG_ERRQUEUE), EAGAIN);
	expect_ok(close(w));
	expect_ok(close(s));
}

/* Surprising: with IP_RECVERR an unconnected socket gets the pending
 * error set too, so the next recv or sendto fails with ECONNREFUSED,
 * besides the error queue entry (which a failed sendto does not
 * consume). */
API_TEST(udp, recverr_unconnected_sets_error, API_NEEDS_INET)
{
	struct sockaddr_in to = api_sin_of("127.0.0.1", closed_port());
	int s = udp_socket();
	char c;

	cr_assert_eq(set_int(s, SOL_IP, IP_RECVERR, 1), 0);
	cr_assert_eq(api_getsockopt_int(s, SOL_IP, IP_RECVERR), 1);
	send_to(s, "abc", 3, &to);
	wait_error(s);
	expect_errno(recv(s, &c, 1, MSG_DONTWAIT), ECONNREFUSED);
	expect_errno(recv(s, &c, 1, MSG_DONTWAIT), EAGAIN);
	/* The error queue still holds the entry (and POLLERR with it). */
	cr_assert_eq(wait_events(s, POLLIN, 0), POLLERR);
	cr_assert_eq(recv(s, &c, 1, MSG_ERRQUEUE), 1);
	cr_assert_eq(wait_events(s, POLLIN, 0), 0);
	/* Again, and this time the pending error hits the next sendto. */
	send_to(s, "abc", 3, &to);
	wait_error(s);
	expect_errno(sendto(s, "abc", 3, 0, (struct sockaddr *)&to, sizeof(to)),
		     ECONNREFUSED);
	expect_errno(recv(s, &c, 1, MSG_DONTWAIT), EAGAIN);
	cr_assert_eq(recv(s, &c, 1, MSG_ERRQUEUE), 1);
	expect_errno(recv(s, &c, 1, MSG_ERRQUEUE), EAGAIN);
	expect_ok(close(s));
}

/* ICMP errors about datagrams that came in over the loopback are not
 * rate limited (Linux's __icmp_send() skips both the namespace's and the
 * destination's bucket for them): 200 port unreachables in a row. */
API_TEST(udp, loopback_errors_not_rate_limited, API_NEEDS_INET)
{
	struct sockaddr_in to = api_sin_of("127.0.0.1", closed_port());
	int s = udp_socket();
	char c;

	cr_assert_eq(set_int(s, SOL_IP, IP_RECVERR, 1), 0);
	for (int i = 0; i < 200; i++) {
		send_to(s, "x", 1, &to);
		wait_error(s);
		cr_assert_eq(recv(s, &c, 1, MSG_ERRQUEUE), 1, "error %d", i);
	}
	expect_ok(close(s));
}

/* The error queue entry: payload = the original datagram's data,
 * msg_name = its destination, an IP_RECVERR cmsg with a
 * sock_extended_err (ECONNREFUSED, origin ICMP, type 3, code 3), the
 * offender's address after it, and MSG_ERRQUEUE in msg_flags.  POLLERR
 * stays while the queue is not empty, even after SO_ERROR is read. */
API_TEST(udp, recverr_errqueue_contents, API_NEEDS_INET)
{
	uint16_t port = closed_port();
	struct sockaddr_in to = api_sin_of("127.0.0.1", port), from;
	int s = udp_socket();
	char buf[64], cbuf[256];
	struct iovec iov = { .iov_base = buf, .iov_len = sizeof(buf) };
	struct msghdr m = { .msg_name = &from,
			    .msg_namelen = sizeof(from),
			    .msg_iov = &iov,
			    .msg_iovlen = 1,
			    .msg_control = cbuf,
			    .msg_controllen = sizeof(cbuf) };
	struct sock_extended_err *ee;
	struct sockaddr_in *off;
	struct cmsghdr *cm;

	cr_assert_eq(set_int(s, SOL_IP, IP_RECVERR, 1), 0);
	send_to(s, "hello", 5, &to);
	wait_error(s);
	cr_assert_eq(api_getsockopt_int(s, SOL_SOCKET, SO_ERROR), ECONNREFUSED);
	cr_assert_eq(wait_events(s, POLLIN, 0), POLLERR);
	memset(&from, 0, sizeof(from));
	cr_assert_eq(recvmsg(s, &m, MSG_ERRQUEUE), 5);
	cr_assert_eq(memcmp(buf, "hello", 5), 0);
	cr_assert_eq(m.msg_flags, MSG_ERRQUEUE);
	cr_assert_eq(m.msg_namelen, sizeof(from));
	cr_assert_eq(from.sin_family, AF_INET);
	cr_assert_eq(from.sin_addr.s_addr, htonl(INADDR_LOOPBACK));
	cr_assert_eq(ntohs(from.sin_port), port);
	cm = find_cmsg(&m, SOL_IP, IP_RECVERR);
	cr_assert_not_null(cm);
	cr_assert_eq(cm->cmsg_len,
		     CMSG_LEN(sizeof(*ee) + sizeof(struct sockaddr_in)));
	ee = (struct sock_extended_err *)CMSG_DATA(cm);
	cr_assert_eq(ee->ee_errno, ECONNREFUSED);
	cr_assert_eq(ee->ee_origin, SO_EE_ORIGIN_ICMP);
	cr_assert_eq(ee->ee_type, 3);
	cr_assert_eq(ee->ee_code, 3);
	cr_assert_eq(ee->ee_pad, 0);
	cr_assert_eq(ee->ee_info, 0);
	cr_assert_eq(ee->ee_data, 0);
	off = (struct sockaddr_in *)SO_EE_OFFENDER(ee);
	cr_assert_eq(off->sin_family, AF_INET);
	cr_assert_eq(off->sin_addr.s_addr, htonl(INADDR_LOOPBACK));
	cr_assert_eq(off->sin_port, 0);
	cr_assert_eq(wait_events(s, POLLIN, 0), 0);
	expect_errno(recvmsg(s, &m, MSG_ERRQUEUE), EAGAIN);
	expect_ok(close(s));
}

/* A short data buffer gives MSG_TRUNC, a control buffer shorter than a
 * cmsghdr MSG_CTRUNC and no cmsg at all. */
API_TEST(udp, errqueue_truncation_flags, API_NEEDS_INET)
{
	struct sockaddr_in to = api_sin_of("127.0.0.1", closed_port());
	int s = udp_socket();
	char buf[64], cbuf[256];
	struct iovec iov = { .iov_base = buf, .iov_len = 2 };
	struct msghdr m = { .msg_iov = &iov,
			    .msg_iovlen = 1,
			    .msg_control = cbuf,
			    .msg_controllen = sizeof(cbuf) };

	cr_assert_eq(set_int(s, SOL_IP, IP_RECVERR, 1), 0);
	expect_ok(connect(s, (struct sockaddr *)&to, sizeof(to)));
	cr_assert_eq(send(s, "abcdef", 6, 0), 6);
	wait_error(s);
	cr_assert_eq(recvmsg(s, &m, MSG_ERRQUEUE), 2);
	cr_assert_eq(m.msg_flags, MSG_ERRQUEUE | MSG_TRUNC);
	cr_assert_not_null(find_cmsg(&m, SOL_IP, IP_RECVERR));
	cr_assert_eq(api_getsockopt_int(s, SOL_SOCKET, SO_ERROR), 0);

	cr_assert_eq(send(s, "abcdef", 6, 0), 6);
	wait_error(s);
	iov.iov_len = sizeof(buf);
	m.msg_controllen = sizeof(struct cmsghdr) - 1;
	cr_assert_eq(recvmsg(s, &m, MSG_ERRQUEUE), 6);
	cr_assert_eq(m.msg_flags, MSG_ERRQUEUE | MSG_CTRUNC);
	cr_assert_eq(m.msg_controllen, 0);

	/* Surprising: with room for the header alone, a truncated cmsg is
	 * written: the header, cmsg_len = the room there was. */
	cr_assert_eq(send(s, "abcdef", 6, 0), 6);
	wait_error(s);
	memset(cbuf, 0, sizeof(cbuf));
	m.msg_controllen = sizeof(struct cmsghdr);
	cr_assert_eq(recvmsg(s, &m, MSG_ERRQUEUE), 6);
	cr_assert_eq(m.msg_flags, MSG_ERRQUEUE | MSG_CTRUNC);
	cr_assert_eq(m.msg_controllen, sizeof(struct cmsghdr));
	cr_assert_eq(((struct cmsghdr *)cbuf)->cmsg_len,
		     sizeof(struct cmsghdr));
	cr_assert_eq(((struct cmsghdr *)cbuf)->cmsg_level, SOL_IP);
	cr_assert_eq(((struct cmsghdr *)cbuf)->cmsg_type, IP_RECVERR);
	expect_ok(close(s));
}

/* Turning IP_RECVERR off empties the error queue.  Surprising:
 * MSG_ERRQUEUE never blocks; an empty queue is EAGAIN even on a blocking
 * socket, with IP_RECVERR on or off. */
API_TEST(udp, recverr_off_purges_queue, API_NEEDS_INET)
{
	struct sockaddr_in to = api_sin_of("127.0.0.1", closed_port());
	int s = udp_socket();
	char c;

	cr_assert_eq(set_int(s, SOL_IP, IP_RECVERR, 1), 0);
	send_to(s, "abc", 3, &to);
	wait_error(s);
	cr_assert_eq(api_getsockopt_int(s, SOL_SOCKET, SO_ERROR), ECONNREFUSED);
	cr_assert_eq(set_int(s, SOL_IP, IP_RECVERR, 0), 0);
	cr_assert_eq(wait_events(s, POLLIN, 0), 0);
	expect_errno(recv(s, &c, 1, MSG_ERRQUEUE), EAGAIN);
	cr_assert_eq(set_int(s, SOL_IP, IP_RECVERR, 1), 0);
	expect_errno(recv(s, &c, 1, MSG_ERRQUEUE), EAGAIN);
	expect_ok(close(s));
}

/* -- IP-level ancillary data ----------------------------------------- */

/* IP_PKTINFO on receive: ipi_addr is the header's destination,
 * ipi_spec_dst the local address a reply would come from, ipi_ifindex
 * the loopback's index (1 on Linux, where lo is always the first
 * device). */
API_TEST(udp, ip_pktinfo_receive, API_NEEDS_INET)
{
	struct sockaddr_in ra, to;
	int r = udp_bound("0.0.0.0", &ra);
	int s = udp_socket();
	char buf[8], cbuf[256];
	struct iovec iov = { .iov_base = buf, .iov_len = sizeof(buf) };
	struct msghdr m = { .msg_iov = &iov,
			    .msg_iovlen = 1,
			    .msg_control = cbuf,
			    .msg_controllen = sizeof(cbuf) };
	struct in_pktinfo pi;
	struct cmsghdr *cm;

	cr_assert_eq(set_int(r, SOL_IP, IP_PKTINFO, 9), 0);
	cr_assert_eq(api_getsockopt_int(r, SOL_IP, IP_PKTINFO), 1);
	to = api_sin_of("127.0.0.5", ntohs(ra.sin_port));
	send_to(s, "x", 1, &to);
	wait_readable(r);
	cr_assert_eq(recvmsg(r, &m, 0), 1);
	cm = find_cmsg(&m, SOL_IP, IP_PKTINFO);
	cr_assert_not_null(cm);
	cr_assert_eq(cm->cmsg_len, CMSG_LEN(sizeof(pi)));
	memcpy(&pi, CMSG_DATA(cm), sizeof(pi));
	cr_assert_eq(pi.ipi_ifindex, 1);
	cr_assert_eq(pi.ipi_addr.s_addr, api_ip_of("127.0.0.5"));
	cr_assert_eq(pi.ipi_spec_dst.s_addr, api_ip_of("127.0.0.5"));
	expect_ok(close(s));
	expect_ok(close(r));
}

/* IP_PKTINFO on send: ipi_spec_dst chooses the source address. */
API_TEST(udp, ip_pktinfo_send_sets_source, API_NEEDS_INET)
{
	struct sockaddr_in ra, from;
	int r = udp_bound("127.0.0.1", &ra);
	int s = udp_socket();
	union {
		struct cmsghdr h;
		char b[CMSG_SPACE(sizeof(struct in_pktinfo))];
	} u;
	struct in_pktinfo pi = { 0 };
	struct iovec iov = { .iov_base = "x", .iov_len = 1 };
	struct msghdr m = { .msg_name = &ra,
			    .msg_namelen = sizeof(ra),
			    .msg_iov = &iov,
			    .msg_iovlen = 1,
			    .msg_control = u.b,
			    .msg_controllen = sizeof(u.b) };
	socklen_t len = sizeof(from);
	char c;

	memset(&u, 0, sizeof(u));
	u.h.cmsg_len = CMSG_LEN(sizeof(pi));
	u.h.cmsg_level = SOL_IP;
	u.h.cmsg_type = IP_PKTINFO;
	pi.ipi_spec_dst.s_addr = api_ip_of("127.0.0.9");
	memcpy(CMSG_DATA(&u.h), &pi, sizeof(pi));
	cr_assert_eq(sendmsg(s, &m, 0), 1);
	wait_readable(r);
	cr_assert_eq(recvfrom(r, &c, 1, 0, (struct sockaddr *)&from, &len), 1);
	cr_assert_eq(from.sin_addr.s_addr, api_ip_of("127.0.0.9"));
	/* Only for that datagram. */
	send_to(s, "y", 1, &ra);
	wait_readable(r);
	cr_assert_eq(recvfrom(r, &c, 1, 0, (struct sockaddr *)&from, &len), 1);
	cr_assert_eq(from.sin_addr.s_addr, htonl(INADDR_LOOPBACK));
	expect_ok(close(s));
	expect_ok(close(r));
}

/* IP_RECVTTL gives an int cmsg, IP_RECVTOS a one-byte cmsg; the TTL is
 * the sender's IP_TTL unless an IP_TTL cmsg overrides it for one
 * datagram.  A short control buffer drops what does not fit and sets
 * MSG_CTRUNC. */
API_TEST(udp, ip_recvttl_recvtos, API_NEEDS_INET)
{
	struct sockaddr_in ra;
	int r = udp_bound("127.0.0.1", &ra);
	int s = udp_socket();
	char buf[8], cbuf[256];
	struct iovec iov = { .iov_base = buf, .iov_len = sizeof(buf) };
	struct msghdr m = { .msg_iov = &iov,
			    .msg_iovlen = 1,
			    .msg_control = cbuf,
			    .msg_controllen = sizeof(cbuf) };
	union {
		struct cmsghdr h;
		char b[CMSG_SPACE(sizeof(int))];
	} u;
	struct iovec siov = { .iov_base = "x", .iov_len = 1 };
	struct msghdr sm = { .msg_name = &ra,
			     .msg_namelen = sizeof(ra),
			     .msg_iov = &siov,
			     .msg_iovlen = 1,
			     .msg_control = u.b,
			     .msg_controllen = sizeof(u.b) };
	struct cmsghdr *cm;
	int v;

	cr_assert_eq(set_int(r, SOL_IP, IP_RECVTTL, 1), 0);
	cr_assert_eq(set_int(r, SOL_IP, IP_RECVTOS, 1), 0);
	cr_assert_eq(set_int(s, SOL_IP, IP_TTL, 33), 0);
	cr_assert_eq(set_int(s, SOL_IP, IP_TOS, 0x28), 0);
	send_to(s, "x", 1, &ra);
	wait_readable(r);
	cr_assert_eq(recvmsg(r, &m, 0), 1);
	cm = find_cmsg(&m, SOL_IP, IP_TTL);
	cr_assert_not_null(cm);
	cr_assert_eq(cm->cmsg_len, CMSG_LEN(sizeof(int)));
	memcpy(&v, CMSG_DATA(cm), sizeof(v));
	cr_assert_eq(v, 33);
	cm = find_cmsg(&m, SOL_IP, IP_TOS);
	cr_assert_not_null(cm);
	cr_assert_eq(cm->cmsg_len, CMSG_LEN(1));
	cr_assert_eq(*CMSG_DATA(cm), 0x28);

	memset(&u, 0, sizeof(u));
	u.h.cmsg_len = CMSG_LEN(sizeof(int));
	u.h.cmsg_level = SOL_IP;
	u.h.cmsg_type = IP_TTL;
	v = 7;
	memcpy(CMSG_DATA(&u.h), &v, sizeof(v));
	cr_assert_eq(sendmsg(s, &sm, 0), 1);
	wait_readable(r);
	m.msg_controllen = sizeof(cbuf);
	cr_assert_eq(recvmsg(r, &m, 0), 1);
	cm = find_cmsg(&m, SOL_IP, IP_TTL);
	cr_assert_not_null(cm);
	memcpy(&v, CMSG_DATA(cm), sizeof(v));
	cr_assert_eq(v, 7);
	cr_assert_eq(api_getsockopt_int(s, SOL_IP, IP_TTL), 33);

	/* Room for the TTL cmsg only. */
	send_to(s, "x", 1, &ra);
	wait_readable(r);
	m.msg_controllen = CMSG_SPACE(sizeof(int));
	cr_assert_eq(recvmsg(r, &m, 0), 1);
	cr_assert_eq(m.msg_flags, MSG_CTRUNC);
	cr_assert_not_null(find_cmsg(&m, SOL_IP, IP_TTL));
	cr_assert_null(find_cmsg(&m, SOL_IP, IP_TOS));
	expect_ok(close(s));
	expect_ok(close(r));
}

/* -- IP options ------------------------------------------------------ */

/* IP_TTL: 1..255; 0, 256 and negative values other than -1 are EINVAL;
 * -1 restores the default (net.ipv4.ip_default_ttl, 64).  Surprising:
 * SOL_IP integer options also take a one-byte value, and getsockopt with
 * a buffer shorter than an int returns one byte (and len 1). */
API_TEST(udp, ip_ttl_roundtrip, API_NEEDS_INET)
{
	int s = udp_socket();
	unsigned char c;
	socklen_t len;
	int v;

	cr_assert_eq(set_int(s, SOL_IP, IP_TTL, 1), 0);
	cr_assert_eq(api_getsockopt_int(s, SOL_IP, IP_TTL), 1);
	cr_assert_eq(set_int(s, SOL_IP, IP_TTL, 255), 0);
	cr_assert_eq(api_getsockopt_int(s, SOL_IP, IP_TTL), 255);
	cr_assert_eq(set_int(s, SOL_IP, IP_TTL, 0), EINVAL);
	cr_assert_eq(set_int(s, SOL_IP, IP_TTL, 256), EINVAL);
	cr_assert_eq(set_int(s, SOL_IP, IP_TTL, -2), EINVAL);
	cr_assert_eq(api_getsockopt_int(s, SOL_IP, IP_TTL), 255);
	cr_assert_eq(set_int(s, SOL_IP, IP_TTL, -1), 0);
	cr_assert_eq(api_getsockopt_int(s, SOL_IP, IP_TTL), 64);

	c = 77;
	expect_ok(setsockopt(s, SOL_IP, IP_TTL, &c, 1));
	cr_assert_eq(api_getsockopt_int(s, SOL_IP, IP_TTL), 77);
	expect_errno(setsockopt(s, SOL_IP, IP_TTL, &c, 0), EINVAL);
	c = 0;
	len = 1;
	expect_ok(getsockopt(s, SOL_IP, IP_TTL, &c, &len));
	cr_assert_eq(len, 1);
	cr_assert_eq(c, 77);
	v = 0x11223344;
	len = 2;
	expect_ok(getsockopt(s, SOL_IP, IP_TTL, &v, &len));
	cr_assert_eq(len, 1);
	cr_assert_eq(((unsigned char *)&v)[0], 77);
	cr_assert_eq(((unsigned char *)&v)[1], 0x33);
	expect_ok(close(s));
}

/* IP_TOS on UDP keeps all eight bits, ECN included, and silently keeps
 * only the low byte of larger values (no EINVAL).  TCP, by contrast,
 * clears the two ECN bits. */
API_TEST(udp, ip_tos_roundtrip, API_NEEDS_TCP)
{
	int s = udp_socket();
	int t = expect_ok(socket(AF_INET, SOCK_STREAM, 0));

	cr_assert_eq(set_int(s, SOL_IP, IP_TOS, 0xff), 0);
	cr_assert_eq(api_getsockopt_int(s, SOL_IP, IP_TOS), 0xff);
	cr_assert_eq(set_int(s, SOL_IP, IP_TOS, 0x03), 0);
	cr_assert_eq(api_getsockopt_int(s, SOL_IP, IP_TOS), 0x03);
	cr_assert_eq(set_int(s, SOL_IP, IP_TOS, 0x10), 0);
	cr_assert_eq(api_getsockopt_int(s, SOL_IP, IP_TOS), 0x10);
	cr_assert_eq(set_int(s, SOL_IP, IP_TOS, 0x100), 0);
	cr_assert_eq(api_getsockopt_int(s, SOL_IP, IP_TOS), 0);
	cr_assert_eq(set_int(s, SOL_IP, IP_TOS, 0x1b8), 0);
	cr_assert_eq(api_getsockopt_int(s, SOL_IP, IP_TOS), 0xb8);
	cr_assert_eq(set_int(s, SOL_IP, IP_TOS, -1), 0);
	cr_assert_eq(api_getsockopt_int(s, SOL_IP, IP_TOS), 0xff);
	cr_assert_eq(set_int(t, SOL_IP, IP_TOS, 0xff), 0);
	cr_assert_eq(api_getsockopt_int(t, SOL_IP, IP_TOS), 0xfc);
	expect_ok(close(t));
	expect_ok(close(s));
}

/* IP_MTU_DISCOVER takes IP_PMTUDISC_DONT (0) .. IP_PMTUDISC_OMIT (5);
 * anything else is EINVAL.  IP_MTU is ENOTCONN until connected; to the
 * loopback it is 65535: lo's MTU of 65536 clamped to IP_MAX_MTU. */
API_TEST(udp, ip_mtu_discover_and_ip_mtu, API_NEEDS_INET)
{
	struct sockaddr_in to;
	int r = udp_bound("127.0.0.1", &to);
	int s = udp_socket();
	int v;
	socklen_t len = sizeof(v);

	for (int i = IP_PMTUDISC_DONT; i <= IP_PMTUDISC_OMIT; i++) {
		cr_assert_eq(set_int(s, SOL_IP, IP_MTU_DISCOVER, i), 0);
		cr_assert_eq(api_getsockopt_int(s, SOL_IP, IP_MTU_DISCOVER), i);
	}
	cr_assert_eq(set_int(s, SOL_IP, IP_MTU_DISCOVER, 6), EINVAL);
	cr_assert_eq(set_int(s, SOL_IP, IP_MTU_DISCOVER, -1), EINVAL);
	cr_assert_eq(api_getsockopt_int(s, SOL_IP, IP_MTU_DISCOVER),
		     IP_PMTUDISC_OMIT);
	expect_errno(getsockopt(s, SOL_IP, IP_MTU, &v, &len), ENOTCONN);
	expect_ok(connect(s, (struct sockaddr *)&to, sizeof(to)));
	cr_assert_eq(api_getsockopt_int(s, SOL_IP, IP_MTU), 65535);
	expect_ok(close(s));
	expect_ok(close(r));
}

/* -- receive buffer -------------------------------------------------- */

/* With a tiny SO_RCVBUF, a burst overflows the queue: the excess is
 * dropped (the sends all succeed) and recv still works afterwards.  With
 * SO_RXQ_OVFL each datagram carries the socket's drop count at the time
 * it was queued, as a cmsg present only when the count is non-zero. */
API_TEST(udp, rcvbuf_overflow_drops, API_NEEDS_INET)
{
	const int n_sent = 100;
	struct sockaddr_in ra;
	int r = udp_bound("127.0.0.1", &ra);
	int s = udp_socket();
	char buf[100] = { 0 }, cbuf[64];
	struct iovec iov = { .iov_base = buf, .iov_len = sizeof(buf) };
	struct msghdr m = { .msg_iov = &iov,
			    .msg_iovlen = 1,
			    .msg_control = cbuf };
	struct cmsghdr *cm;
	int got = 0;
	uint32_t drops;

	cr_assert_eq(set_int(r, SOL_SOCKET, SO_RCVBUF, 1), 0);
	cr_assert_eq(set_int(r, SOL_SOCKET, SO_RXQ_OVFL, 1), 0);
	for (int i = 0; i < n_sent; i++)
		send_to(s, buf, sizeof(buf), &ra);
	wait_readable(r);
	for (;;) {
		m.msg_controllen = sizeof(cbuf);
		if (recvmsg(r, &m, MSG_DONTWAIT) < 0)
			break;
		got++;
		cr_assert_null(find_cmsg(&m, SOL_SOCKET, SO_RXQ_OVFL));
	}
	cr_assert_eq(errno, EAGAIN);
	cr_assert_geq(got, 1);
	cr_assert_lt(got, n_sent, "nothing dropped");
	send_to(s, buf, sizeof(buf), &ra);
	wait_readable(r);
	m.msg_controllen = sizeof(cbuf);
	cr_assert_eq(recvmsg(r, &m, 0), (ssize_t)sizeof(buf));
	cm = find_cmsg(&m, SOL_SOCKET, SO_RXQ_OVFL);
	cr_assert_not_null(cm);
	cr_assert_eq(cm->cmsg_len, CMSG_LEN(sizeof(uint32_t)));
	memcpy(&drops, CMSG_DATA(cm), sizeof(drops));
	cr_assert_eq(drops, (uint32_t)(n_sent - got), "got %d, drops %u", got,
		     drops);
	expect_ok(close(s));
	expect_ok(close(r));
}

/* The limit is checked before a datagram is added: an empty queue takes
 * one datagram of any size, even far above SO_RCVBUF; the next one is
 * dropped. */
API_TEST(udp, rcvbuf_empty_queue_takes_one, API_NEEDS_INET)
{
	struct sockaddr_in ra;
	int r = udp_bound("127.0.0.1", &ra);
	int s = udp_socket();
	char *buf = calloc(1, UDP_MAX);

	cr_assert_not_null(buf);
	cr_assert_eq(set_int(r, SOL_SOCKET, SO_RCVBUF, 1), 0);
	cr_assert_lt(api_getsockopt_int(r, SOL_SOCKET, SO_RCVBUF), UDP_MAX);
	send_to(s, buf, UDP_MAX, &ra);
	send_to(s, buf, UDP_MAX, &ra);
	cr_assert_eq(recv_wait(r, buf, UDP_MAX, 0), UDP_MAX);
	expect_errno(recv(r, buf, UDP_MAX, MSG_DONTWAIT), EAGAIN);
	send_to(s, buf, 10, &ra);
	cr_assert_eq(recv_wait(r, buf, UDP_MAX, 0), 10);
	free(buf);
	expect_ok(close(s));
	expect_ok(close(r));
}

/* -- shutdown -------------------------------------------------------- */

/* Surprising: on an unconnected UDP socket shutdown() fails with
 * ENOTCONN but still takes effect.  After SHUT_RD a blocking recv
 * returns 0 at once (MSG_DONTWAIT still says EAGAIN) and poll shows
 * POLLIN|POLLRDHUP; after SHUT_WR sendto fails with EPIPE, without
 * SIGPIPE; after both, POLLHUP.  An invalid how is EINVAL first. */
API_TEST(udp, shutdown_unconnected_enotconn_but_applied, API_NEEDS_INET)
{
	struct sockaddr_in ra;
	int r = udp_bound("127.0.0.1", &ra);
	int s = udp_socket();
	short all = POLLIN | POLLOUT | POLLRDHUP;
	char c;

	set_rcvtimeo(s, WAIT_MS);
	expect_errno(shutdown(s, 3), EINVAL);
	expect_errno(shutdown(s, -1), EINVAL);
	cr_assert_eq(wait_events(s, all, 0), POLLOUT);
	expect_errno(shutdown(s, SHUT_RD), ENOTCONN);
	cr_assert_eq(wait_events(s, all, 0), POLLIN | POLLOUT | POLLRDHUP);
	expect_errno(recv(s, &c, 1, MSG_DONTWAIT), EAGAIN);
	cr_assert_eq(recv(s, &c, 1, 0), 0);
	expect_errno(shutdown(s, SHUT_WR), ENOTCONN);
	expect_errno(sendto(s, "x", 1, 0, (struct sockaddr *)&ra, sizeof(ra)),
		     EPIPE);
	cr_assert_eq(wait_events(s, all, 0),
		     POLLIN | POLLOUT | POLLRDHUP | POLLHUP);
	expect_errno(recv(r, &c, 1, MSG_DONTWAIT), EAGAIN);

	expect_ok(close(s));
	s = udp_socket();
	expect_errno(shutdown(s, SHUT_WR), ENOTCONN);
	cr_assert_eq(wait_events(s, all, 0), POLLOUT);
	expect_errno(sendto(s, "x", 1, 0, (struct sockaddr *)&ra, sizeof(ra)),
		     EPIPE);
	expect_ok(close(s));
	expect_ok(close(r));
}

/* Connected, shutdown() succeeds; the socket stays connected. */
API_TEST(udp, shutdown_connected, API_NEEDS_INET)
{
	struct sockaddr_in ra;
	int r = udp_bound("127.0.0.1", &ra);
	int s = udp_socket();
	char c;

	expect_ok(connect(s, (struct sockaddr *)&ra, sizeof(ra)));
	set_rcvtimeo(s, WAIT_MS);
	expect_ok(shutdown(s, SHUT_WR));
	expect_errno(send(s, "x", 1, 0), EPIPE);
	expect_errno(sendto(s, "x", 1, 0, (struct sockaddr *)&ra, sizeof(ra)),
		     EPIPE);
	expect_ok(shutdown(s, SHUT_RD));
	cr_assert_eq(recv(s, &c, 1, 0), 0);
	cr_assert_eq(api_peer_of(s).sin_port, ra.sin_port);
	cr_assert_eq(wait_events(s, POLLIN | POLLOUT | POLLRDHUP, 0),
		     POLLIN | POLLOUT | POLLRDHUP | POLLHUP);
	expect_ok(shutdown(s, SHUT_RDWR));
	expect_errno(recv(r, &c, 1, MSG_DONTWAIT), EAGAIN);
	expect_ok(close(s));
	expect_ok(close(r));
}
