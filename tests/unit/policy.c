/*
 * policy.c - what usnet adds to the socket API: the embedder's security
 * policy (usnet_security_install), acting with other credentials
 * (usnet_cred_override), and network namespaces with their own AF_UNIX
 * names and sysctls.  The kernel has no such calls, so these are not
 * dual-target tests; where a check mirrors Linux (capabilities), the
 * errno is the one the kernel-target API tests established.
 */
#include <criterion/criterion.h>
#include <errno.h>
#include <string.h>
#include <sys/un.h>

#include <usnet/usnet.h>

static struct usnet_objects live;

static void setup(void)
{
}

static void teardown(void)
{
	usnet_security_install(NULL);
	usnet_cred_override(NULL);
	usnet_close_range(0, ~0U, 0);
	usnet_objects_live(&live);
	cr_expect(live.sockets == 0 && live.socks == 0 && live.skbs == 0 &&
			  live.files == 0,
		  "left alive: %lu sockets %lu socks %lu skbs %lu files",
		  live.sockets, live.socks, live.skbs, live.files);
}

#define POLICY_TEST(suite, name) \
	Test(suite, name, .init = setup, .fini = teardown, .timeout = 20.0)

static socklen_t abstract(struct sockaddr_un *sun, const char *name)
{
	memset(sun, 0, sizeof(*sun));
	sun->sun_family = AF_UNIX;
	strcpy(sun->sun_path + 1, name);
	return (socklen_t)(offsetof(struct sockaddr_un, sun_path) + 1 +
			   strlen(name));
}

/* ---- the embedder's policy -------------------------------------------- */

static int seen_family, seen_backlog;
static uid_t seen_uid;

static int deny_inet_create(const struct usnet_cred *cred, int family, int type,
			    int protocol)
{
	seen_family = family;
	seen_uid = cred->uid;
	return family == AF_UNIX && type == SOCK_SEQPACKET ? -EACCES : 0;
}

static int deny_abstract_bind(const struct usnet_cred *cred, int fd,
			      const struct sockaddr *addr, socklen_t len)
{
	const struct sockaddr_un *sun = (const void *)addr;

	return len > 2 && sun->sun_path[0] == '\0' ? -EPERM : 0;
}

static int count_listen(const struct usnet_cred *cred, int fd, int backlog)
{
	seen_backlog = backlog;
	return 0;
}

static int deny_connect(const struct usnet_cred *cred, int fd,
			const struct sockaddr *addr, socklen_t len)
{
	return -ECONNREFUSED;
}

static int deny_send(const struct usnet_cred *cred, int fd, size_t len)
{
	return len > 3 ? -EMSGSIZE : 0;
}

static int deny_peek(const struct usnet_cred *cred, int fd, size_t len,
		     int flags)
{
	return flags & MSG_PEEK ? -EACCES : 0;
}

static int deny_option(const struct usnet_cred *cred, int fd, int level,
		       int name)
{
	return name == SO_KEEPALIVE ? -EPERM : 0;
}

POLICY_TEST(security, hooks_refuse_with_their_errno)
{
	struct usnet_security_ops ops = {
		.socket_create = deny_inet_create,
		.socket_bind = deny_abstract_bind,
		.socket_listen = count_listen,
		.socket_connect = deny_connect,
		.socket_sendmsg = deny_send,
		.socket_recvmsg = deny_peek,
		.socket_setsockopt = deny_option,
	};
	struct sockaddr_un sun;
	socklen_t len = abstract(&sun, "usnet-policy");
	int one = 1, s, sv[2];
	char buf[8];

	usnet_security_install(&ops);
	errno = 0;
	cr_assert_eq(usnet_socket(AF_UNIX, SOCK_SEQPACKET, 0), -1);
	cr_assert_eq(errno, EACCES);
	cr_assert_eq(seen_family, AF_UNIX);
	cr_assert_eq(seen_uid, geteuid());

	s = usnet_socket(AF_UNIX, SOCK_STREAM, 0);
	cr_assert_geq(s, 0);
	cr_assert_eq(usnet_bind(s, (struct sockaddr *)&sun, len), -1);
	cr_assert_eq(errno, EPERM);
	/* Autobind (length 2) is allowed by this policy. */
	cr_assert_eq(usnet_bind(s, (struct sockaddr *)&sun, 2), 0);
	/* The hook sees the backlog after the somaxconn clamp. */
	cr_assert_eq(usnet_listen(s, 1 << 30), 0);
	cr_assert_eq(seen_backlog, 4096);
	cr_assert_eq(usnet_connect(usnet_socket(AF_UNIX, SOCK_STREAM, 0),
				   (struct sockaddr *)&sun, len),
		     -1);
	cr_assert_eq(errno, ECONNREFUSED);

	cr_assert_eq(usnet_socketpair(AF_UNIX, SOCK_STREAM, 0, sv), 0);
	cr_assert_eq(usnet_send(sv[0], "abc", 3, 0), 3);
	cr_assert_eq(usnet_send(sv[0], "abcd", 4, 0), -1);
	cr_assert_eq(errno, EMSGSIZE);
	cr_assert_eq(usnet_recv(sv[1], buf, sizeof(buf), MSG_PEEK), -1);
	cr_assert_eq(errno, EACCES);
	cr_assert_eq(usnet_recv(sv[1], buf, sizeof(buf), 0), 3);
	cr_assert_eq(usnet_setsockopt(sv[0], SOL_SOCKET, SO_KEEPALIVE, &one,
				      sizeof(one)),
		     -1);
	cr_assert_eq(errno, EPERM);
	cr_assert_eq(usnet_setsockopt(sv[0], SOL_SOCKET, SO_REUSEADDR, &one,
				      sizeof(one)),
		     0);

	/* Removing the policy allows everything again. */
	usnet_security_install(NULL);
	cr_assert_eq(usnet_send(sv[0], "abcd", 4, 0), 4);
	s = usnet_socket(AF_UNIX, SOCK_SEQPACKET, 0);
	cr_assert_geq(s, 0);
}

/* ---- credentials -------------------------------------------------------- */

POLICY_TEST(cred, override_drops_capabilities)
{
	struct usnet_cred nobody = {
		.pid = getpid(), .uid = 65534, .gid = 65534, .caps = 0
	};
	int s = usnet_socket(AF_UNIX, SOCK_STREAM, 0), v = 1 << 20, prio = 7;

	cr_assert_geq(s, 0);
	/* As root (the test runs as root with CAP_NET_ADMIN) these work. */
	cr_assert_eq(usnet_setsockopt(s, SOL_SOCKET, SO_SNDBUFFORCE, &v,
				      sizeof(v)),
		     0);
	usnet_cred_override(&nobody);
	errno = 0;
	cr_assert_eq(usnet_setsockopt(s, SOL_SOCKET, SO_SNDBUFFORCE, &v,
				      sizeof(v)),
		     -1);
	cr_assert_eq(errno, EPERM);
	cr_assert_eq(usnet_setsockopt(s, SOL_SOCKET, SO_PRIORITY, &prio,
				      sizeof(prio)),
		     -1);
	cr_assert_eq(errno, EPERM);
	usnet_cred_override(NULL);
	cr_assert_eq(usnet_setsockopt(s, SOL_SOCKET, SO_PRIORITY, &prio,
				      sizeof(prio)),
		     0);
}

POLICY_TEST(cred, peercred_reports_the_override)
{
	struct usnet_cred who = {
		.pid = 4242, .uid = 1000, .gid = 100, .caps = 0
	};
	struct ucred uc;
	socklen_t len = sizeof(uc);
	int sv[2];

	usnet_cred_override(&who);
	cr_assert_eq(usnet_socketpair(AF_UNIX, SOCK_STREAM, 0, sv), 0);
	usnet_cred_override(NULL);
	cr_assert_eq(
		usnet_getsockopt(sv[0], SOL_SOCKET, SO_PEERCRED, &uc, &len), 0);
	cr_assert_eq(uc.pid, 4242);
	cr_assert_eq(uc.uid, 1000);
	cr_assert_eq(uc.gid, 100);
}

/* ---- namespaces ---------------------------------------------------------- */

POLICY_TEST(net, abstract_names_are_per_namespace)
{
	struct usnet_net *a = usnet_net_create(), *prev;
	struct sockaddr_un sun;
	socklen_t len = abstract(&sun, "usnet-ns-name");
	int in_default, in_a, c;

	cr_assert_not_null(a);
	in_default = usnet_socket(AF_UNIX, SOCK_STREAM, 0);
	cr_assert_eq(usnet_bind(in_default, (struct sockaddr *)&sun, len), 0);
	cr_assert_eq(usnet_listen(in_default, 1), 0);

	prev = usnet_net_enter(a);
	cr_assert_eq(prev, usnet_net_default());
	/* The same name is free in another namespace... */
	in_a = usnet_socket(AF_UNIX, SOCK_STREAM, 0);
	cr_assert_eq(usnet_bind(in_a, (struct sockaddr *)&sun, len), 0);
	usnet_close(in_a);
	/* ...and the default namespace's listener cannot be reached. */
	c = usnet_socket(AF_UNIX, SOCK_STREAM, 0);
	errno = 0;
	cr_assert_eq(usnet_connect(c, (struct sockaddr *)&sun, len), -1);
	cr_assert_eq(errno, ECONNREFUSED);
	usnet_close(c);
	usnet_net_enter(prev);

	c = usnet_socket(AF_UNIX, SOCK_STREAM, 0);
	cr_assert_eq(usnet_connect(c, (struct sockaddr *)&sun, len), 0);
	usnet_net_destroy(a);
}

POLICY_TEST(net, sysctls_are_per_namespace)
{
	struct usnet_net *a = usnet_net_create(), *prev;
	long v = 0;
	int sv[2], sent = 0, rx, tx;
	struct sockaddr_un sun;
	socklen_t len = abstract(&sun, "usnet-ns-qlen");

	cr_assert_not_null(a);
	cr_assert_eq(usnet_sysctl_set(a, "unix.max_dgram_qlen", 2), 0);
	cr_assert_eq(usnet_sysctl_get(a, "unix.max_dgram_qlen", &v), 0);
	cr_assert_eq(v, 2);
	cr_assert_eq(usnet_sysctl_get(NULL, "unix.max_dgram_qlen", &v), 0);
	cr_assert_eq(v, 10);
	errno = 0;
	cr_assert_eq(usnet_sysctl_set(a, "core.no_such_thing", 1), -1);
	cr_assert_eq(errno, ENOENT);
	cr_assert_eq(usnet_sysctl_set(a, "core.somaxconn", -1), -1);
	cr_assert_eq(errno, EINVAL);

	/* A receiver in the namespace takes qlen + 1 datagrams from a
	 * sender it is not connected to. */
	prev = usnet_net_enter(a);
	rx = usnet_socket(AF_UNIX, SOCK_DGRAM, 0);
	tx = usnet_socket(AF_UNIX, SOCK_DGRAM, 0);
	usnet_net_enter(prev);
	cr_assert_eq(usnet_bind(rx, (struct sockaddr *)&sun, len), 0);
	while (usnet_sendto(tx, "x", 1, MSG_DONTWAIT, (struct sockaddr *)&sun,
			    len) == 1 &&
	       sent < 100)
		sent++;
	cr_assert_eq(errno, EAGAIN);
	cr_assert_eq(sent, 3);
	(void)sv;
	usnet_net_destroy(a);
}

POLICY_TEST(net, namespace_outlives_destroy_while_used)
{
	struct usnet_net *a = usnet_net_create(), *prev;
	int sv[2];
	char c;

	prev = usnet_net_enter(a);
	cr_assert_eq(usnet_socketpair(AF_UNIX, SOCK_DGRAM, 0, sv), 0);
	usnet_net_enter(prev);
	/* Destroying drops the creator's reference; the sockets keep the
	 * namespace until they are closed. */
	usnet_net_destroy(a);
	cr_assert_eq(usnet_send(sv[0], "y", 1, 0), 1);
	cr_assert_eq(usnet_recv(sv[1], &c, 1, 0), 1);
	cr_assert_eq(c, 'y');
	usnet_close(sv[0]);
	usnet_close(sv[1]);
	usnet_objects_live(&live);
	cr_assert_eq(live.socks, 0);
}
