/*
 * api.h - the one header of the dual-target API tests.
 *
 * A test in tests/api/ is written once, against the plain POSIX socket
 * calls, and compiled twice: with API_TARGET_KERNEL the calls go to libc and
 * so to the Linux kernel, which is the reference; with API_TARGET_USNET the
 * names below are redirected to usnet's public API.  Both binaries must pass.
 *
 * Rules for tests:
 *  - use only the calls redirected below on socket and epoll descriptors,
 *    and never call close/read/write on a kernel file (open one with the
 *    real_* helpers instead);
 *  - make Criterion assertions only from the test's own thread;
 *  - use api_path() for filesystem names: both targets run at once.
 */
#ifndef USNET_TESTS_API_H
#define USNET_TESTS_API_H

#include <arpa/inet.h>
#include <criterion/criterion.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <netinet/in.h>
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/ioctl.h>
#include <sys/select.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/time.h>
#include <sys/types.h>
#include <sys/uio.h>
#include <sys/un.h>
#include <time.h>
#include <unistd.h>
#include <linux/sockios.h>

/* Kernel files (pipes, regular files) used next to sockets. */
int real_close(int fd);
ssize_t real_read(int fd, void *buf, size_t len);
ssize_t real_write(int fd, const void *buf, size_t len);

#ifdef API_TARGET_USNET
#include <usnet/usnet.h>
#define socket		usnet_socket
#define socketpair	usnet_socketpair
#define bind		usnet_bind
#define listen		usnet_listen
#define accept		usnet_accept
#define accept4		usnet_accept4
#define connect		usnet_connect
#define shutdown	usnet_shutdown
#define getsockname	usnet_getsockname
#define getpeername	usnet_getpeername
#define getsockopt	usnet_getsockopt
#define setsockopt	usnet_setsockopt
#define send		usnet_send
#define sendto		usnet_sendto
#define sendmsg		usnet_sendmsg
#define sendmmsg	usnet_sendmmsg
#define recv		usnet_recv
#define recvfrom	usnet_recvfrom
#define recvmsg		usnet_recvmsg
#define recvmmsg	usnet_recvmmsg
#define read		usnet_read
#define write		usnet_write
#define readv		usnet_readv
#define writev		usnet_writev
#define close		usnet_close
#define close_range	usnet_close_range
#define dup		usnet_dup
#define dup2		usnet_dup2
#define dup3		usnet_dup3
#define fcntl		usnet_fcntl
#define ioctl		usnet_ioctl
#define poll		usnet_poll
#define ppoll		usnet_ppoll
#define select		usnet_select
#define pselect		usnet_pselect
#define epoll_create	usnet_epoll_create
#define epoll_create1	usnet_epoll_create1
#define epoll_ctl	usnet_epoll_ctl
#define epoll_wait	usnet_epoll_wait
#define epoll_pwait	usnet_epoll_pwait
#define API_TARGET_NAME "usnet"
/* AF_INET arrives in parts: IPv4 with UDP, TCP (urgent data included),
 * raw and ping sockets are in; AF_PACKET is not yet.  A test that needs a
 * part usnet does not have runs on the kernel target only, and is enabled
 * here when the part lands. */
#define API_HAS_INET	1
#define API_HAS_TCP	1
#define API_HAS_RAW	1
#define API_HAS_TCP_URG 1
#define API_HAS_PACKET	0
#else
#define API_TARGET_NAME "kernel"
#define API_HAS_INET	1
#define API_HAS_TCP	1
#define API_HAS_RAW	1
#define API_HAS_TCP_URG 1
#define API_HAS_PACKET	1
#endif

/* Options for API_TEST of a test that needs AF_INET (IPv4 and UDP), TCP,
 * or raw/ping/packet sockets in usnet. */
#define API_NEEDS_INET	  .disabled = !API_HAS_INET
#define API_NEEDS_TCP	  .disabled = !API_HAS_TCP
#define API_NEEDS_RAW	  .disabled = !API_HAS_RAW
#define API_NEEDS_TCP_URG .disabled = !API_HAS_TCP_URG
#define API_NEEDS_PACKET  .disabled = !API_HAS_PACKET

/* Run before and after every test: per-test temporary directory; on the
 * usnet target, teardown closes every descriptor and checks that no
 * socket, sock, skb, file or epoll item is left alive. */
void api_setup(void);
void api_teardown(void);

#define API_TEST(suite, name, ...)                                 \
	Test(suite, name, .init = api_setup, .fini = api_teardown, \
	     .timeout = 20.0, ##__VA_ARGS__)

/* A fresh filesystem name for AF_UNIX binds, inside this test's own
 * temporary directory (removed at teardown). */
const char *api_path(const char *name);
/* Fill a sockaddr_un for a filesystem path; returns its length as
 * offsetof(sun_path) + strlen + 1. */
socklen_t api_sun(struct sockaddr_un *sun, const char *path);
/* Abstract name "\0<unique>-<name>"; returns the exact address length. */
socklen_t api_sun_abstract(struct sockaddr_un *sun, const char *name);

/* Assert that expr is -1 with errno err. */
#define expect_errno(expr, err)                                               \
	do {                                                                  \
		errno = 0;                                                    \
		long _r = (long)(expr);                                       \
		int _e = errno;                                               \
		cr_assert(_r == -1 && _e == (err),                            \
			  "%s: want -1/%s, got %ld/%s", #expr, strerror(err), \
			  _r, strerror(_e));                                  \
	} while (0)

/* Assert that expr succeeds (>= 0) and give its value. */
#define expect_ok(expr)                                                       \
	({                                                                    \
		errno = 0;                                                    \
		long _r = (long)(expr);                                       \
		cr_assert(_r >= 0, "%s: failed: %s", #expr, strerror(errno)); \
		_r;                                                           \
	})

/* Drop root for the rest of this test (each test is its own process). */
void api_drop_privileges(void);

/*
 * Helpers shared by the tests.  They make their calls through the names
 * above, so they act on the target the test is built for, and the ones
 * that assert must be called from the test's own thread.
 */

/* socketpair(AF_UNIX, type, 0, sv), asserting success. */
void api_socketpair(int type, int sv[2]);
/* Close a and b, asserting success. */
void api_close_pair(int a, int b);
/* A descriptor number that was valid a moment ago and is now closed: the
 * lowest free one, left free. */
int api_closed_fd(void);
/* An AF_UNIX socket of the given type bound to a fresh abstract name,
 * which goes to *sun and *len. */
int api_bound(int type, const char *name, struct sockaddr_un *sun,
	      socklen_t *len);
/* The same, listening with the given backlog. */
int api_listener(int type, int backlog, struct sockaddr_un *sun,
		 socklen_t *len);
/* A connected pair of the given type (SOCK_STREAM or SOCK_SEQPACKET) made
 * through listen/connect/accept; the listener is closed again. */
void api_connected_pair(int type, int *client, int *server);

/* An int option at SOL_SOCKET: get asserts success and an int-sized
 * result, set asserts success. */
int api_get_int(int fd, int name);
void api_set_int(int fd, int name, int v);
/* Send on fd without blocking until its path to the peer is full (EAGAIN);
 * returns the number of bytes queued. */
size_t api_fill(int fd);
/* poll() one fd for events without waiting; returns its revents. */
short api_revents(int fd, short events);
/* A msghdr for one buffer: everything else zero. */
void api_msg_init(struct msghdr *msg, struct iovec *iov, void *buf, size_t len);

/* Sleep ms milliseconds (EINTR restarts the sleep). */
void api_msleep(long ms);
/* Milliseconds of CLOCK_MONOTONIC since *t0. */
long api_ms_since(const struct timespec *t0);
/* Assert that min_ms <= api_ms_since(t0) < max_ms. */
void api_expect_elapsed(const struct timespec *t0, long min_ms, long max_ms);

/* Count SIGPIPEs from now on: api_sigpipes() is how many arrived. */
void api_count_sigpipe(void);
int api_sigpipes(void);
/* Count SIGUSR1s (api_usr1_count()) and block it; *with_usr1 is the new
 * mask, *without_usr1 the same with SIGUSR1 unblocked, for ppoll and the
 * like.  api_usr1_blocked() tells whether it is still blocked. */
void api_block_usr1(sigset_t *without_usr1, sigset_t *with_usr1);
int api_usr1_count(void);
bool api_usr1_blocked(void);

/* A thread that writes one byte to fd after delay_ms; join checks that
 * the write succeeded. */
struct api_writer {
	pthread_t thread;
	int fd;
	long delay_ms;
	ssize_t ret;
};
void api_writer_start(struct api_writer *w, int fd, long delay_ms);
void api_writer_join(struct api_writer *w);

/* AF_INET helpers: the address ip:port (dotted quad); its address alone;
 * a new TCP socket; the bound and peer names of fd (asserted AF_INET and
 * full length); an int option (asserted int-sized). */
struct sockaddr_in api_sin_of(const char *ip, uint16_t port);
in_addr_t api_ip_of(const char *ip);
int api_tcp_socket(void);
struct sockaddr_in api_name_of(int fd);
struct sockaddr_in api_peer_of(int fd);
int api_getsockopt_int(int fd, int level, int name);
/* A sysctl of the target's namespace by its /proc/sys/net name
 * ("core.somaxconn"), read only to decide what to expect. */
long api_sysctl_net(const char *name);
/* Set one: on the kernel target in a network namespace of the test's own
 * (unshare(), lo up; the test's descriptors made before are in the
 * machine's namespace still, so call it first). */
void api_sysctl_net_set(const char *name, long value);

#endif
