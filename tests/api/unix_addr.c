/*
 * unix_addr.c - AF_UNIX addresses: bind() to filesystem paths (the socket
 * node it creates and the errors of path lookup and permissions), address
 * length and family validation, abstract names, autobind (explicit, and
 * implicit on connect/sendto with SO_PASSCRED), the exact lengths that
 * getsockname() and getpeername() report, and what connect() says for
 * every way a name can fail to lead to a listening socket of the right
 * type.
 */
#include "api.h"

#define SUN_LEN_MIN ((socklen_t)offsetof(struct sockaddr_un, sun_path))

/* A copy of api_path(), whose buffer is reused by the next call. */
static void path_copy(char *dst, const char *name)
{
	snprintf(dst, sizeof(((struct sockaddr_un *)0)->sun_path), "%s",
		 api_path(name));
}

/* A regular file at path. */
static void make_file(const char *path, mode_t mode)
{
	int f = open(path, O_CREAT | O_WRONLY, mode);

	cr_assert(f >= 0, "open %s: %s", path, strerror(errno));
	real_close(f);
}

/* A socket of the given type bound to the filesystem path. */
static int bound_at(int type, const char *path)
{
	struct sockaddr_un sun;
	socklen_t len = api_sun(&sun, path);
	int fd = (int)expect_ok(socket(AF_UNIX, type, 0));

	expect_ok(bind(fd, (struct sockaddr *)&sun, len));
	return fd;
}

static int listener_at(const char *path)
{
	int fd = bound_at(SOCK_STREAM, path);

	expect_ok(listen(fd, 8));
	return fd;
}

static int connect_path(int fd, const char *path)
{
	struct sockaddr_un sun;
	socklen_t len = api_sun(&sun, path);

	return connect(fd, (struct sockaddr *)&sun, len);
}

/* --- bind to a path --------------------------------------------------- */

API_TEST(unix_addr, bind_path_creates_socket_node)
{
	char p[108];
	struct stat st;
	int fd;

	path_copy(p, "node");
	fd = bound_at(SOCK_STREAM, p);
	expect_ok(stat(p, &st));
	cr_assert(S_ISSOCK(st.st_mode), "mode %o", (unsigned)st.st_mode);
	expect_ok(close(fd));
	/* Closing the socket does not remove the node. */
	expect_ok(stat(p, &st));
	cr_assert(S_ISSOCK(st.st_mode));
}

API_TEST(unix_addr, bind_existing_path_eaddrinuse)
{
	struct sockaddr_un sun;
	char p[108];
	socklen_t len;
	int a, b;

	path_copy(p, "dup");
	a = bound_at(SOCK_STREAM, p);
	b = (int)expect_ok(socket(AF_UNIX, SOCK_STREAM, 0));
	len = api_sun(&sun, p);
	expect_errno(bind(b, (struct sockaddr *)&sun, len), EADDRINUSE);

	/* Any existing file counts, not only socket nodes. */
	path_copy(p, "file");
	make_file(p, 0644);
	len = api_sun(&sun, p);
	expect_errno(bind(b, (struct sockaddr *)&sun, len), EADDRINUSE);
	api_close_pair(a, b);
}

API_TEST(unix_addr, bind_missing_directory_enoent)
{
	struct sockaddr_un sun;
	socklen_t len = api_sun(&sun, api_path("nodir/sock"));
	int fd = (int)expect_ok(socket(AF_UNIX, SOCK_STREAM, 0));

	expect_errno(bind(fd, (struct sockaddr *)&sun, len), ENOENT);
	expect_ok(close(fd));
}

API_TEST(unix_addr, bind_through_file_enotdir)
{
	struct sockaddr_un sun;
	socklen_t len;
	int fd;

	make_file(api_path("plain"), 0644);
	len = api_sun(&sun, api_path("plain/sock"));
	fd = (int)expect_ok(socket(AF_UNIX, SOCK_STREAM, 0));
	expect_errno(bind(fd, (struct sockaddr *)&sun, len), ENOTDIR);
	expect_ok(close(fd));
}

API_TEST(unix_addr, bind_unwritable_directory_eacces)
{
	struct sockaddr_un sun;
	socklen_t len;
	int fd;

	expect_ok(mkdir(api_path("ro"), 0555));
	len = api_sun(&sun, api_path("ro/sock"));
	api_drop_privileges();
	fd = (int)expect_ok(socket(AF_UNIX, SOCK_STREAM, 0));
	expect_errno(bind(fd, (struct sockaddr *)&sun, len), EACCES);
	expect_ok(close(fd));
}

API_TEST(unix_addr, connect_unwritable_node_eacces)
{
	char p[108];
	int l, c;

	path_copy(p, "locked");
	l = listener_at(p);
	expect_ok(chmod(p, 0555));
	api_drop_privileges();
	c = (int)expect_ok(socket(AF_UNIX, SOCK_STREAM, 0));
	expect_errno(connect_path(c, p), EACCES);
	api_close_pair(c, l);
}

API_TEST(unix_addr, bind_twice_einval)
{
	struct sockaddr_un sun;
	char p[108];
	socklen_t len;
	int fd;

	path_copy(p, "first");
	fd = bound_at(SOCK_STREAM, p);
	len = api_sun(&sun, api_path("second"));
	expect_errno(bind(fd, (struct sockaddr *)&sun, len), EINVAL);
	/* The failed bind created no node. */
	cr_assert(access(api_path("second"), F_OK) != 0);
	len = api_sun_abstract(&sun, "again");
	expect_errno(bind(fd, (struct sockaddr *)&sun, len), EINVAL);
	/* Surprising: an autobind request on a bound socket succeeds. */
	expect_ok(bind(fd, (struct sockaddr *)&sun, sizeof(sa_family_t)));
	len = sizeof(sun);
	expect_ok(getsockname(fd, (struct sockaddr *)&sun, &len));
	cr_assert_str_eq(sun.sun_path, p);
	expect_ok(close(fd));
}

API_TEST(unix_addr, bind_bad_length_einval)
{
	struct sockaddr_storage ss;
	struct sockaddr_un sun;
	int fd = (int)expect_ok(socket(AF_UNIX, SOCK_STREAM, 0));

	api_sun(&sun, api_path("len"));
	expect_errno(bind(fd, (struct sockaddr *)&sun, 0), EINVAL);
	expect_errno(bind(fd, (struct sockaddr *)&sun, 1), EINVAL);
	memset(&ss, 0, sizeof(ss));
	memcpy(&ss, &sun, sizeof(sun));
	expect_errno(bind(fd, (struct sockaddr *)&ss, sizeof(sun) + 1), EINVAL);
	expect_ok(close(fd));
}

API_TEST(unix_addr, bind_wrong_family_einval)
{
	struct sockaddr_un sun;
	socklen_t len = api_sun(&sun, api_path("fam"));
	int fd = (int)expect_ok(socket(AF_UNIX, SOCK_STREAM, 0));

	sun.sun_family = AF_INET;
	expect_errno(bind(fd, (struct sockaddr *)&sun, len), EINVAL);
	/* Also at the autobind length. */
	expect_errno(bind(fd, (struct sockaddr *)&sun, SUN_LEN_MIN), EINVAL);
	expect_ok(close(fd));
}

API_TEST(unix_addr, unlink_then_rebind)
{
	char p[108];
	int a, b;

	path_copy(p, "reuse");
	a = bound_at(SOCK_STREAM, p);
	expect_ok(unlink(p));
	b = bound_at(SOCK_STREAM, p);
	api_close_pair(a, b);
}

API_TEST(unix_addr, connect_after_unlink_enoent)
{
	char p[108];
	int l, c;

	path_copy(p, "gone");
	l = listener_at(p);
	expect_ok(unlink(p));
	c = (int)expect_ok(socket(AF_UNIX, SOCK_STREAM, 0));
	expect_errno(connect_path(c, p), ENOENT);
	api_close_pair(c, l);
}

API_TEST(unix_addr, bind_path_without_nul_108_bytes)
{
	struct sockaddr_storage ss;
	struct sockaddr_un sun;
	char p[108], full[109];
	socklen_t len;
	size_t dirlen;
	int fd;
	struct stat st;

	/* Build a path of exactly sizeof(sun_path) bytes, no terminator. */
	path_copy(p, "");
	dirlen = strlen(p);
	memcpy(full, p, dirlen);
	memset(full + dirlen, 'x', sizeof(full) - 1 - dirlen);
	full[sizeof(full) - 1] = '\0';
	cr_assert_eq(strlen(full), sizeof(sun.sun_path));
	memset(&sun, 0, sizeof(sun));
	sun.sun_family = AF_UNIX;
	memcpy(sun.sun_path, full, sizeof(sun.sun_path));

	fd = (int)expect_ok(socket(AF_UNIX, SOCK_STREAM, 0));
	expect_ok(bind(fd, (struct sockaddr *)&sun, sizeof(sun)));
	expect_ok(stat(full, &st));
	cr_assert(S_ISSOCK(st.st_mode));

	/*
	 * Linux stores the name with a terminating NUL it appends, so
	 * getsockname() reports sizeof(sockaddr_un) + 1 = 111: one more than
	 * the structure holds.
	 */
	memset(&ss, 0x55, sizeof(ss));
	len = sizeof(ss);
	expect_ok(getsockname(fd, (struct sockaddr *)&ss, &len));
	cr_assert_eq(len, sizeof(sun) + 1);
	cr_assert(memcmp(((struct sockaddr_un *)&ss)->sun_path, full,
			 sizeof(sun.sun_path)) == 0);
	cr_assert_eq(((char *)&ss)[sizeof(sun)], '\0');
	expect_ok(close(fd));
	expect_ok(unlink(full));
}

API_TEST(unix_addr, bind_path_length_ignores_bytes_after_nul)
{
	struct sockaddr_un sun, got;
	char p[108];
	socklen_t len;
	int fd;

	/* addrlen covers the whole structure; the name ends at the NUL. */
	path_copy(p, "short");
	api_sun(&sun, p);
	fd = (int)expect_ok(socket(AF_UNIX, SOCK_STREAM, 0));
	expect_ok(bind(fd, (struct sockaddr *)&sun, sizeof(sun)));
	len = sizeof(got);
	expect_ok(getsockname(fd, (struct sockaddr *)&got, &len));
	cr_assert_eq(len, SUN_LEN_MIN + strlen(p) + 1);
	cr_assert_str_eq(got.sun_path, p);
	expect_ok(close(fd));
}

/* --- abstract names --------------------------------------------------- */

API_TEST(unix_addr, abstract_duplicate_eaddrinuse)
{
	struct sockaddr_un sun;
	socklen_t len = api_sun_abstract(&sun, "dup");
	int a = (int)expect_ok(socket(AF_UNIX, SOCK_STREAM, 0));
	int b = (int)expect_ok(socket(AF_UNIX, SOCK_STREAM, 0));

	expect_ok(bind(a, (struct sockaddr *)&sun, len));
	expect_errno(bind(b, (struct sockaddr *)&sun, len), EADDRINUSE);
	expect_ok(close(a));
	/* Freed as soon as the owner is closed. */
	expect_ok(bind(b, (struct sockaddr *)&sun, len));
	expect_ok(close(b));
}

/*
 * Surprising: abstract names are per socket type (Linux hashes the type
 * into the name), so a stream and a dgram socket can own the same abstract
 * name, and connecting to it with the wrong type finds nothing:
 * ECONNREFUSED, not the EPROTOTYPE a filesystem name gives.
 */
API_TEST(unix_addr, abstract_names_are_per_type)
{
	struct sockaddr_un sun;
	socklen_t len = api_sun_abstract(&sun, "types");
	int s = (int)expect_ok(socket(AF_UNIX, SOCK_STREAM, 0));
	int d = (int)expect_ok(socket(AF_UNIX, SOCK_DGRAM, 0));
	int q = (int)expect_ok(socket(AF_UNIX, SOCK_SEQPACKET, 0));
	int c = (int)expect_ok(socket(AF_UNIX, SOCK_SEQPACKET, 0));
	int tx = (int)expect_ok(socket(AF_UNIX, SOCK_DGRAM, 0));
	char buf[4];

	expect_ok(bind(d, (struct sockaddr *)&sun, len));
	expect_ok(bind(s, (struct sockaddr *)&sun, len));
	expect_ok(listen(s, 4));
	/* No seqpacket socket owns the name (yet). */
	expect_errno(connect(c, (struct sockaddr *)&sun, len), ECONNREFUSED);
	expect_ok(bind(q, (struct sockaddr *)&sun, len));
	expect_ok(listen(q, 4));
	expect_ok(connect(c, (struct sockaddr *)&sun, len));
	expect_ok(close(c));
	c = (int)expect_ok(socket(AF_UNIX, SOCK_STREAM, 0));
	expect_ok(connect(c, (struct sockaddr *)&sun, len));
	expect_ok(close(c));
	cr_assert_eq(sendto(tx, "d", 1, 0, (struct sockaddr *)&sun, len), 1);
	cr_assert_eq(recv(d, buf, sizeof(buf), MSG_DONTWAIT), 1);
	api_close_pair(tx, q);
	api_close_pair(d, s);
}

API_TEST(unix_addr, abstract_exact_length_and_no_node)
{
	struct sockaddr_un sun, got;
	socklen_t len = api_sun_abstract(&sun, "exact"), glen;
	int fd = (int)expect_ok(socket(AF_UNIX, SOCK_STREAM, 0));
	int other = (int)expect_ok(socket(AF_UNIX, SOCK_STREAM, 0));
	int c;

	expect_ok(bind(fd, (struct sockaddr *)&sun, len));
	glen = sizeof(got);
	expect_ok(getsockname(fd, (struct sockaddr *)&got, &glen));
	cr_assert_eq(glen, len);
	cr_assert(memcmp(&got, &sun, len) == 0);
	/* No filesystem entry named after the abstract name. */
	cr_assert(access(sun.sun_path + 1, F_OK) != 0);
	/* The length is part of the name: one byte shorter is another name. */
	expect_ok(bind(other, (struct sockaddr *)&sun, len - 1));
	/* Trailing NULs are significant: one byte longer finds nothing. */
	expect_ok(listen(fd, 4));
	c = (int)expect_ok(socket(AF_UNIX, SOCK_STREAM, 0));
	expect_errno(connect(c, (struct sockaddr *)&sun, len + 1),
		     ECONNREFUSED);
	expect_ok(connect(c, (struct sockaddr *)&sun, len));
	api_close_pair(c, fd);
	expect_ok(close(other));
}

/* --- autobind --------------------------------------------------------- */

static void expect_autobind_name(const struct sockaddr_un *sun, socklen_t len)
{
	int i;

	cr_assert_eq(len, SUN_LEN_MIN + 1 + 5, "len %u", (unsigned)len);
	cr_assert_eq(sun->sun_family, AF_UNIX);
	cr_assert_eq(sun->sun_path[0], '\0');
	for (i = 1; i <= 5; i++)
		cr_assert(strchr("0123456789abcdef", sun->sun_path[i]) &&
				  sun->sun_path[i] != '\0',
			  "byte %d is %#x", i, sun->sun_path[i]);
}

/* fd's own name, which must be an autobind name; returns its length. */
static socklen_t expect_autobound(int fd, struct sockaddr_un *got)
{
	socklen_t len = sizeof(*got);

	expect_ok(getsockname(fd, (struct sockaddr *)got, &len));
	expect_autobind_name(got, len);
	return len;
}

API_TEST(unix_addr, autobind_explicit)
{
	struct sockaddr_un sun, a, b;
	socklen_t la, lb;
	int fa = (int)expect_ok(socket(AF_UNIX, SOCK_DGRAM, 0));
	int fb = (int)expect_ok(socket(AF_UNIX, SOCK_DGRAM, 0));
	int fs = (int)expect_ok(socket(AF_UNIX, SOCK_STREAM, 0));
	int c;

	memset(&sun, 0, sizeof(sun));
	sun.sun_family = AF_UNIX;
	expect_ok(bind(fa, (struct sockaddr *)&sun, sizeof(sa_family_t)));
	expect_ok(bind(fb, (struct sockaddr *)&sun, sizeof(sa_family_t)));
	la = expect_autobound(fa, &a);
	lb = expect_autobound(fb, &b);
	cr_assert(memcmp(a.sun_path, b.sun_path, 6) != 0);
	/*
	 * Unlike a second bind to a name, a second autobind on a bound socket
	 * succeeds and changes nothing.
	 */
	expect_ok(bind(fa, (struct sockaddr *)&sun, sizeof(sa_family_t)));
	lb = sizeof(b);
	expect_ok(getsockname(fa, (struct sockaddr *)&b, &lb));
	cr_assert_eq(lb, la);
	cr_assert(memcmp(&a, &b, la) == 0);
	/* The name works like any abstract name. */
	expect_ok(bind(fs, (struct sockaddr *)&sun, sizeof(sa_family_t)));
	lb = expect_autobound(fs, &b);
	expect_ok(listen(fs, 4));
	c = (int)expect_ok(socket(AF_UNIX, SOCK_STREAM, 0));
	expect_ok(connect(c, (struct sockaddr *)&b, lb));
	api_close_pair(c, fa);
	api_close_pair(fb, fs);
}

API_TEST(unix_addr, no_autobind_without_passcred)
{
	struct sockaddr_un sun, got;
	socklen_t len, glen;
	int rx = api_bound(SOCK_DGRAM, "rx", &sun, &len);
	int tx = (int)expect_ok(socket(AF_UNIX, SOCK_DGRAM, 0));
	char c;

	cr_assert_eq(sendto(tx, "x", 1, 0, (struct sockaddr *)&sun, len), 1);
	glen = sizeof(got);
	expect_ok(getsockname(tx, (struct sockaddr *)&got, &glen));
	cr_assert_eq(glen, sizeof(sa_family_t));
	/* An unbound sender yields an address length of 0, not 2. */
	glen = sizeof(got);
	cr_assert_eq(recvfrom(rx, &c, 1, 0, (struct sockaddr *)&got, &glen), 1);
	cr_assert_eq(glen, 0);
	api_close_pair(rx, tx);
}

API_TEST(unix_addr, autobind_on_sendto_with_passcred)
{
	struct sockaddr_un sun, got, src;
	socklen_t len, glen, slen;
	int rx = api_bound(SOCK_DGRAM, "rx", &sun, &len);
	int tx = (int)expect_ok(socket(AF_UNIX, SOCK_DGRAM, 0));
	char c;

	api_set_int(tx, SO_PASSCRED, 1);
	cr_assert_eq(sendto(tx, "x", 1, 0, (struct sockaddr *)&sun, len), 1);
	glen = expect_autobound(tx, &got);
	slen = sizeof(src);
	cr_assert_eq(recvfrom(rx, &c, 1, 0, (struct sockaddr *)&src, &slen), 1);
	cr_assert_eq(slen, glen);
	cr_assert(memcmp(&src, &got, glen) == 0);
	api_close_pair(rx, tx);
}

API_TEST(unix_addr, autobind_on_connect_with_passcred)
{
	struct sockaddr_un sun, got;
	socklen_t len;
	int rx = api_bound(SOCK_DGRAM, "rx", &sun, &len);
	int tx = (int)expect_ok(socket(AF_UNIX, SOCK_DGRAM, 0));
	int l, c;

	api_set_int(tx, SO_PASSCRED, 1);
	expect_ok(connect(tx, (struct sockaddr *)&sun, len));
	expect_autobound(tx, &got);

	/* Stream connect autobinds too. */
	l = api_listener(SOCK_STREAM, 4, &sun, &len);
	c = (int)expect_ok(socket(AF_UNIX, SOCK_STREAM, 0));
	api_set_int(c, SO_PASSCRED, 1);
	expect_ok(connect(c, (struct sockaddr *)&sun, len));
	expect_autobound(c, &got);

	api_close_pair(c, l);
	api_close_pair(rx, tx);
}

/* --- getsockname / getpeername ---------------------------------------- */

API_TEST(unix_addr, getsockname_unbound_is_family_only)
{
	struct sockaddr_un got;
	socklen_t len = sizeof(got);
	int fd = (int)expect_ok(socket(AF_UNIX, SOCK_STREAM, 0));

	memset(&got, 0x55, sizeof(got));
	expect_ok(getsockname(fd, (struct sockaddr *)&got, &len));
	cr_assert_eq(len, sizeof(sa_family_t));
	cr_assert_eq(got.sun_family, AF_UNIX);
	expect_ok(close(fd));
}

API_TEST(unix_addr, getsockname_path_exact_length)
{
	struct sockaddr_un got;
	char p[108];
	socklen_t len = sizeof(got);
	int fd;

	path_copy(p, "named");
	fd = bound_at(SOCK_DGRAM, p);
	expect_ok(getsockname(fd, (struct sockaddr *)&got, &len));
	cr_assert_eq(len, SUN_LEN_MIN + strlen(p) + 1);
	cr_assert_eq(got.sun_family, AF_UNIX);
	cr_assert_str_eq(got.sun_path, p);
	expect_ok(close(fd));
}

API_TEST(unix_addr, getsockname_truncates_but_reports_full_length)
{
	struct sockaddr_un got;
	char p[108];
	socklen_t len = SUN_LEN_MIN + 4, full;
	int fd;

	path_copy(p, "trunc");
	fd = bound_at(SOCK_STREAM, p);
	full = SUN_LEN_MIN + strlen(p) + 1;
	memset(&got, 0x55, sizeof(got));
	expect_ok(getsockname(fd, (struct sockaddr *)&got, &len));
	cr_assert_eq(len, full);
	cr_assert(memcmp(got.sun_path, p, 4) == 0);
	/* Nothing past the caller's length was written. */
	cr_assert_eq((unsigned char)got.sun_path[4], 0x55);
	/* A length of zero is fine too. */
	len = 0;
	expect_ok(getsockname(fd, (struct sockaddr *)&got, &len));
	cr_assert_eq(len, full);
	expect_ok(close(fd));
}

API_TEST(unix_addr, getpeername_unconnected_enotconn)
{
	struct sockaddr_un got;
	socklen_t len = sizeof(got);
	char p[108];
	int s = (int)expect_ok(socket(AF_UNIX, SOCK_STREAM, 0));
	int d = (int)expect_ok(socket(AF_UNIX, SOCK_DGRAM, 0));
	int l;

	path_copy(p, "lst");
	l = listener_at(p);
	expect_errno(getpeername(s, (struct sockaddr *)&got, &len), ENOTCONN);
	expect_errno(getpeername(d, (struct sockaddr *)&got, &len), ENOTCONN);
	expect_errno(getpeername(l, (struct sockaddr *)&got, &len), ENOTCONN);
	api_close_pair(s, d);
	expect_ok(close(l));
}

API_TEST(unix_addr, getpeername_socketpair_is_family_only)
{
	struct sockaddr_un got;
	socklen_t len = sizeof(got);
	int sv[2];

	expect_ok(socketpair(AF_UNIX, SOCK_STREAM, 0, sv));
	expect_ok(getpeername(sv[0], (struct sockaddr *)&got, &len));
	cr_assert_eq(len, sizeof(sa_family_t));
	cr_assert_eq(got.sun_family, AF_UNIX);
	api_close_pair(sv[0], sv[1]);
}

API_TEST(unix_addr, getpeername_dgram_connected_path)
{
	struct sockaddr_un got;
	char p[108];
	socklen_t len = sizeof(got);
	int rx, tx;

	path_copy(p, "dpeer");
	rx = bound_at(SOCK_DGRAM, p);
	tx = (int)expect_ok(socket(AF_UNIX, SOCK_DGRAM, 0));
	expect_ok(connect_path(tx, p));
	expect_ok(getpeername(tx, (struct sockaddr *)&got, &len));
	cr_assert_eq(len, SUN_LEN_MIN + strlen(p) + 1);
	cr_assert_str_eq(got.sun_path, p);
	api_close_pair(tx, rx);
}

/* --- connect failures ------------------------------------------------- */

/* A missing path is ENOENT, a missing abstract name ECONNREFUSED. */
API_TEST(unix_addr, connect_missing_names)
{
	struct sockaddr_un sun;
	socklen_t len = api_sun_abstract(&sun, "nobody");
	int c = (int)expect_ok(socket(AF_UNIX, SOCK_STREAM, 0));

	expect_errno(connect_path(c, api_path("nobody")), ENOENT);
	expect_errno(connect(c, (struct sockaddr *)&sun, len), ECONNREFUSED);
	expect_ok(close(c));
}

API_TEST(unix_addr, connect_regular_file_econnrefused)
{
	char p[108];
	int c;

	path_copy(p, "regular");
	make_file(p, 0666);
	c = (int)expect_ok(socket(AF_UNIX, SOCK_STREAM, 0));
	expect_errno(connect_path(c, p), ECONNREFUSED);
	expect_ok(close(c));
}

API_TEST(unix_addr, connect_not_listening_econnrefused)
{
	char p[108];
	int s, c;

	path_copy(p, "idle");
	s = bound_at(SOCK_STREAM, p);
	c = (int)expect_ok(socket(AF_UNIX, SOCK_STREAM, 0));
	expect_errno(connect_path(c, p), ECONNREFUSED);
	api_close_pair(c, s);
}

API_TEST(unix_addr, connect_type_mismatch_eprototype)
{
	char pd[108], ps[108], pq[108];
	int d, l, lq, c, dc, q;

	path_copy(pd, "dgram");
	path_copy(ps, "stream");
	path_copy(pq, "seqpacket");
	d = bound_at(SOCK_DGRAM, pd);
	l = listener_at(ps);
	lq = bound_at(SOCK_SEQPACKET, pq);
	expect_ok(listen(lq, 4));
	c = (int)expect_ok(socket(AF_UNIX, SOCK_STREAM, 0));
	expect_errno(connect_path(c, pd), EPROTOTYPE);
	expect_errno(connect_path(c, pq), EPROTOTYPE);
	dc = (int)expect_ok(socket(AF_UNIX, SOCK_DGRAM, 0));
	expect_errno(connect_path(dc, ps), EPROTOTYPE);
	q = (int)expect_ok(socket(AF_UNIX, SOCK_SEQPACKET, 0));
	expect_errno(connect_path(q, ps), EPROTOTYPE);
	api_close_pair(c, dc);
	api_close_pair(q, d);
	api_close_pair(l, lq);
}

API_TEST(unix_addr, connect_node_of_closed_socket_econnrefused)
{
	char p[108];
	int l, c, d;

	path_copy(p, "dead");
	l = listener_at(p);
	expect_ok(close(l));
	c = (int)expect_ok(socket(AF_UNIX, SOCK_STREAM, 0));
	expect_errno(connect_path(c, p), ECONNREFUSED);
	d = (int)expect_ok(socket(AF_UNIX, SOCK_DGRAM, 0));
	expect_errno(connect_path(d, p), ECONNREFUSED);
	api_close_pair(c, d);
}

API_TEST(unix_addr, connect_bad_length_and_family)
{
	struct sockaddr_storage ss;
	struct sockaddr_un sun;
	char p[108];
	socklen_t len;
	int l, c;

	path_copy(p, "fam");
	l = listener_at(p);
	c = (int)expect_ok(socket(AF_UNIX, SOCK_STREAM, 0));
	len = api_sun(&sun, p);
	memset(&ss, 0, sizeof(ss));
	memcpy(&ss, &sun, sizeof(sun));
	expect_errno(connect(c, (struct sockaddr *)&sun, 1), EINVAL);
	expect_errno(connect(c, (struct sockaddr *)&ss, sizeof(sun) + 1),
		     EINVAL);
	sun.sun_family = AF_INET;
	expect_errno(connect(c, (struct sockaddr *)&sun, len), EINVAL);
	api_close_pair(c, l);
}
