/*
 * api.c - fixtures and helpers shared by every dual-target API test.  It
 * includes api.h like a test and is built into each target, so the socket
 * calls below go to whichever target the binary is for.
 */
#include "api.h"

#include <ftw.h>
#include <net/if.h>
#include <sched.h>
#include <grp.h>
#include <sys/syscall.h>

int real_close(int fd)
{
	return (int)syscall(SYS_close, fd);
}

ssize_t real_read(int fd, void *buf, size_t len)
{
	return syscall(SYS_read, fd, buf, len);
}

ssize_t real_write(int fd, const void *buf, size_t len)
{
	return syscall(SYS_write, fd, buf, len);
}

static char tmpdir[64];
static char pathbuf[sizeof(((struct sockaddr_un *)0)->sun_path)];
static unsigned int abstract_seq;

void api_setup(void)
{
	snprintf(tmpdir, sizeof(tmpdir), "/tmp/usnet-api-XXXXXX");
	cr_assert(mkdtemp(tmpdir) != NULL, "mkdtemp: %s", strerror(errno));
	chmod(tmpdir, 0777);
	/* Owned by the user api_drop_privileges() becomes, so that teardown
	 * can remove it from the sticky /tmp after a test dropped root. */
	if (geteuid() == 0 && chown(tmpdir, 65534, 65534) != 0)
		cr_log_warn("chown %s: %s", tmpdir, strerror(errno));
}

static int rm_one(const char *path, const struct stat *st, int flag,
		  struct FTW *ftw)
{
	(void)st;
	(void)flag;
	(void)ftw;
	return remove(path);
}

void api_teardown(void)
{
#ifdef API_TARGET_USNET
	struct usnet_objects live;

	usnet_close_range(0, ~0U, 0);
	usnet_objects_live(&live);
	/* TCP connections still closing (TIME-WAIT, ...) are the protocol's,
	 * not leaks: they go when their timers end. */
	cr_expect(live.sockets == 0 && live.socks == live.orphans &&
			  live.files == 0 && live.epitems == 0 &&
			  (live.skbs == 0 || live.orphans),
		  "objects left alive: %lu sockets, %lu socks (%lu orphans), "
		  "%lu skbs, %lu files, %lu epitems",
		  live.sockets, live.socks, live.orphans, live.skbs, live.files,
		  live.epitems);
#endif
	if (tmpdir[0])
		nftw(tmpdir, rm_one, 16, FTW_DEPTH | FTW_PHYS);
}

const char *api_path(const char *name)
{
	if (snprintf(pathbuf, sizeof(pathbuf), "%s/%s", tmpdir, name) >=
	    (int)sizeof(pathbuf))
		cr_assert_fail("api_path: name too long");
	return pathbuf;
}

socklen_t api_sun(struct sockaddr_un *sun, const char *path)
{
	memset(sun, 0, sizeof(*sun));
	sun->sun_family = AF_UNIX;
	strncpy(sun->sun_path, path, sizeof(sun->sun_path) - 1);
	return (socklen_t)(offsetof(struct sockaddr_un, sun_path) +
			   strlen(sun->sun_path) + 1);
}

socklen_t api_sun_abstract(struct sockaddr_un *sun, const char *name)
{
	int n;

	memset(sun, 0, sizeof(*sun));
	sun->sun_family = AF_UNIX;
	n = snprintf(sun->sun_path + 1, sizeof(sun->sun_path) - 1,
		     "usnet-api-%d-%u-%s", (int)getpid(), abstract_seq++, name);
	return (socklen_t)(offsetof(struct sockaddr_un, sun_path) + 1 + n);
}

void api_drop_privileges(void)
{
	cr_assert(setgroups(0, NULL) == 0);
	cr_assert(setgid(65534) == 0);
	cr_assert(setuid(65534) == 0);
}

void api_socketpair(int type, int sv[2])
{
	expect_ok(socketpair(AF_UNIX, type, 0, sv));
}

void api_close_pair(int a, int b)
{
	expect_ok(close(a));
	expect_ok(close(b));
}

int api_closed_fd(void)
{
	int fd = (int)expect_ok(socket(AF_UNIX, SOCK_STREAM, 0));

	expect_ok(close(fd));
	return fd;
}

int api_bound(int type, const char *name, struct sockaddr_un *sun,
	      socklen_t *len)
{
	int fd = (int)expect_ok(socket(AF_UNIX, type, 0));

	*len = api_sun_abstract(sun, name);
	expect_ok(bind(fd, (struct sockaddr *)sun, *len));
	return fd;
}

int api_listener(int type, int backlog, struct sockaddr_un *sun, socklen_t *len)
{
	int fd = api_bound(type, "listen", sun, len);

	expect_ok(listen(fd, backlog));
	return fd;
}

void api_connected_pair(int type, int *client, int *server)
{
	struct sockaddr_un sun;
	socklen_t len;
	int l = api_listener(type, 4, &sun, &len);

	*client = (int)expect_ok(socket(AF_UNIX, type, 0));
	expect_ok(connect(*client, (struct sockaddr *)&sun, len));
	*server = (int)expect_ok(accept(l, NULL, NULL));
	expect_ok(close(l));
}

int api_get_int(int fd, int name)
{
	int v = -12345;
	socklen_t len = sizeof(v);

	expect_ok(getsockopt(fd, SOL_SOCKET, name, &v, &len));
	cr_assert_eq(len, sizeof(v));
	return v;
}

void api_set_int(int fd, int name, int v)
{
	expect_ok(setsockopt(fd, SOL_SOCKET, name, &v, sizeof(v)));
}

size_t api_fill(int fd)
{
	static char junk[4096];
	size_t total = 0;
	ssize_t n;

	while ((n = send(fd, junk, sizeof(junk), MSG_DONTWAIT)) > 0)
		total += n;
	cr_assert(n == -1 && errno == EAGAIN, "fill: %s", strerror(errno));
	return total;
}

short api_revents(int fd, short events)
{
	struct pollfd p = { .fd = fd, .events = events, .revents = -1 };
	int n = (int)expect_ok(poll(&p, 1, 0));

	cr_assert_eq(n, p.revents ? 1 : 0);
	return p.revents;
}

void api_msg_init(struct msghdr *msg, struct iovec *iov, void *buf, size_t len)
{
	memset(msg, 0, sizeof(*msg));
	iov->iov_base = buf;
	iov->iov_len = len;
	msg->msg_iov = iov;
	msg->msg_iovlen = 1;
}

void api_msleep(long ms)
{
	struct timespec ts = { .tv_sec = ms / 1000,
			       .tv_nsec = (ms % 1000) * 1000000L };

	while (nanosleep(&ts, &ts) == -1 && errno == EINTR)
		;
}

long api_ms_since(const struct timespec *t0)
{
	struct timespec t1;

	clock_gettime(CLOCK_MONOTONIC, &t1);
	return (t1.tv_sec - t0->tv_sec) * 1000 +
	       (t1.tv_nsec - t0->tv_nsec) / 1000000;
}

void api_expect_elapsed(const struct timespec *t0, long min_ms, long max_ms)
{
	long ms = api_ms_since(t0);

	cr_assert_geq(ms, min_ms, "returned after %ld ms", ms);
	cr_assert_lt(ms, max_ms, "returned after %ld ms", ms);
}

static volatile sig_atomic_t sigpipes, usr1s;

static void on_sigpipe(int sig)
{
	(void)sig;
	sigpipes++;
}

static void on_usr1(int sig)
{
	(void)sig;
	usr1s++;
}

static void count_signal(int sig, void (*handler)(int))
{
	struct sigaction sa;

	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = handler;
	sigemptyset(&sa.sa_mask);
	cr_assert_eq(sigaction(sig, &sa, NULL), 0);
}

void api_count_sigpipe(void)
{
	count_signal(SIGPIPE, on_sigpipe);
	sigpipes = 0;
}

int api_sigpipes(void)
{
	return sigpipes;
}

void api_block_usr1(sigset_t *without_usr1, sigset_t *with_usr1)
{
	sigset_t set;

	count_signal(SIGUSR1, on_usr1);
	sigemptyset(&set);
	sigaddset(&set, SIGUSR1);
	cr_assert_eq(pthread_sigmask(SIG_BLOCK, &set, NULL), 0);
	cr_assert_eq(pthread_sigmask(SIG_BLOCK, NULL, with_usr1), 0);
	*without_usr1 = *with_usr1;
	sigdelset(without_usr1, SIGUSR1);
	usr1s = 0;
}

int api_usr1_count(void)
{
	return usr1s;
}

bool api_usr1_blocked(void)
{
	sigset_t cur;

	pthread_sigmask(SIG_BLOCK, NULL, &cur);
	return sigismember(&cur, SIGUSR1);
}

static void *writer_main(void *arg)
{
	struct api_writer *w = arg;

	api_msleep(w->delay_ms);
	w->ret = write(w->fd, "w", 1);
	return NULL;
}

void api_writer_start(struct api_writer *w, int fd, long delay_ms)
{
	w->fd = fd;
	w->delay_ms = delay_ms;
	w->ret = -2;
	cr_assert_eq(pthread_create(&w->thread, NULL, writer_main, w), 0);
}

void api_writer_join(struct api_writer *w)
{
	cr_assert_eq(pthread_join(w->thread, NULL), 0);
	cr_assert_eq(w->ret, 1);
}

/* ---- AF_INET helpers ---- */

struct sockaddr_in api_sin_of(const char *ip, uint16_t port)
{
	struct sockaddr_in sin;

	memset(&sin, 0, sizeof(sin));
	sin.sin_family = AF_INET;
	sin.sin_port = htons(port);
	cr_assert_eq(inet_pton(AF_INET, ip, &sin.sin_addr), 1);
	return sin;
}

in_addr_t api_ip_of(const char *ip)
{
	return api_sin_of(ip, 0).sin_addr.s_addr;
}

int api_tcp_socket(void)
{
	return expect_ok(socket(AF_INET, SOCK_STREAM, 0));
}

struct sockaddr_in api_name_of(int fd)
{
	struct sockaddr_in sin;
	socklen_t len = sizeof(sin);

	memset(&sin, 0xa5, sizeof(sin));
	expect_ok(getsockname(fd, (struct sockaddr *)&sin, &len));
	cr_assert_eq(len, sizeof(sin));
	cr_assert_eq(sin.sin_family, AF_INET);
	return sin;
}

struct sockaddr_in api_peer_of(int fd)
{
	struct sockaddr_in sin;
	socklen_t len = sizeof(sin);

	memset(&sin, 0xa5, sizeof(sin));
	expect_ok(getpeername(fd, (struct sockaddr *)&sin, &len));
	cr_assert_eq(len, sizeof(sin));
	cr_assert_eq(sin.sin_family, AF_INET);
	return sin;
}

int api_getsockopt_int(int fd, int level, int name)
{
	int v = -12345;
	socklen_t len = sizeof(v);

	expect_ok(getsockopt(fd, level, name, &v, &len));
	cr_assert_eq(len, sizeof(v));
	return v;
}

long api_sysctl_net(const char *name)
{
	long v = -1;
#ifdef API_TARGET_USNET
	cr_assert_eq(usnet_sysctl_get(NULL, name, &v), 0, "sysctl %s: %s", name,
		     strerror(errno));
#else
	char path[128];
	FILE *f;

	snprintf(path, sizeof(path), "/proc/sys/net/%s", name);
	for (char *p = path + strlen("/proc/sys/net/"); *p; p++)
		if (*p == '.')
			*p = '/';
	f = fopen(path, "r");
	cr_assert_not_null(f, "%s: %s", path, strerror(errno));
	cr_assert_eq(fscanf(f, "%ld", &v), 1);
	fclose(f);
#endif
	return v;
}

/* The kernel target runs the test in a network namespace of its own
 * (made once per test process, with lo up, gone when the process ends)
 * so that a sysctl can change without touching the machine's. */
void api_sysctl_net_set(const char *name, long value)
{
#ifdef API_TARGET_USNET
	cr_assert_eq(usnet_sysctl_set(NULL, name, value), 0, "sysctl %s: %s",
		     name, strerror(errno));
#else
	static bool private_netns;
	char path[128];
	FILE *f;

	if (!private_netns) {
		struct ifreq ifr = { .ifr_name = "lo" };
		int fd;

		cr_assert_eq(unshare(CLONE_NEWNET), 0, "unshare: %s",
			     strerror(errno));
		fd = expect_ok(socket(AF_INET, SOCK_DGRAM, 0));
		expect_ok(ioctl(fd, SIOCGIFFLAGS, &ifr));
		ifr.ifr_flags |= IFF_UP;
		expect_ok(ioctl(fd, SIOCSIFFLAGS, &ifr));
		expect_ok(close(fd));
		private_netns = true;
	}
	snprintf(path, sizeof(path), "/proc/sys/net/%s", name);
	for (char *p = path + strlen("/proc/sys/net/"); *p; p++)
		if (*p == '.')
			*p = '/';
	f = fopen(path, "w");
	cr_assert_not_null(f, "%s: %s", path, strerror(errno));
	cr_assert_gt(fprintf(f, "%ld\n", value), 0);
	cr_assert_eq(fclose(f), 0, "%s: %s", path, strerror(errno));
#endif
}
