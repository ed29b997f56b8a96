/*
 * sock_opt.c - the options of SOL_SOCKET, as Linux's sk_setsockopt() and
 * sk_getsockopt() give them: the same clamps, the same errno, the same
 * truncation of short option buffers on get.
 */
#include <limits.h>
#include <net/if.h>
#include <string.h>

#include "core/creds.h"
#include "core/sock.h"
#include "socket/socket.h"
#include "socket/sock_no.h"

/* Socket timeouts round up to jiffies (lib/clock.h). */
#define JIFFY_NS (NSEC_PER_SEC / USNET_HZ)

/* The first SO_COOKIE of a process is 1 and each new one is the next,
 * as Linux's sock_gen_cookie() does with its global counter. */
static _Atomic uint64_t cookie_gen;

static uint64_t sock_gen_cookie(struct sock *sk)
{
	uint64_t c = atomic_load(&sk->sk_cookie);

	if (c == 0) {
		uint64_t fresh = atomic_fetch_add(&cookie_gen, 1) + 1;

		if (atomic_compare_exchange_strong(&sk->sk_cookie, &c, fresh))
			c = fresh;
	}
	return c;
}

static int sock_set_timeout(int64_t *timeo, const void *optval,
			    unsigned int optlen)
{
	struct timeval tv;
	int64_t jiffies;

	if (optlen < sizeof(tv))
		return -EINVAL;
	memcpy(&tv, optval, sizeof(tv));
	if (tv.tv_usec < 0 || tv.tv_usec >= 1000000)
		return -EDOM;
	if (tv.tv_sec < 0) {
		*timeo = 0;
		return 0;
	}
	if ((tv.tv_sec == 0 && tv.tv_usec == 0) ||
	    tv.tv_sec >= INT64_MAX / NSEC_PER_SEC - 1) {
		*timeo = TIMEO_INFINITE;
		return 0;
	}
	jiffies = tv.tv_sec * USNET_HZ + (tv.tv_usec + (1000000 / USNET_HZ) -
					  1) / (1000000 / USNET_HZ);
	*timeo = jiffies * JIFFY_NS;
	return 0;
}

static void sock_get_timeout(int64_t timeo, struct timeval *tv)
{
	if (timeo == TIMEO_INFINITE) {
		tv->tv_sec = 0;
		tv->tv_usec = 0;
		return;
	}
	tv->tv_sec = timeo / NSEC_PER_SEC;
	tv->tv_usec = (timeo % NSEC_PER_SEC) / NSEC_PER_USEC;
}

static void sock_set_sndbuf(struct sock *sk, int val)
{
	val = min_t(int, val, INT_MAX / 2);
	sk->sk_userlocks |= SOCK_SNDBUF_LOCK;
	WRITE_ONCE(sk->sk_sndbuf, max_t(int, val * 2, SOCK_MIN_SNDBUF));
	sk->sk_write_space(sk);
}

static void sock_set_rcvbuf(struct sock *sk, int val)
{
	val = min_t(int, val, INT_MAX / 2);
	sk->sk_userlocks |= SOCK_RCVBUF_LOCK;
	WRITE_ONCE(sk->sk_rcvbuf, max_t(int, val * 2, SOCK_MIN_RCVBUF));
}

static int sock_setbindtodevice(struct sock *sk, const void *optval,
				unsigned int optlen)
{
	char name[IFNAMSIZ];

	if (!capable(CAP_NET_RAW))
		return -EPERM;
	if (optlen > IFNAMSIZ - 1)
		optlen = IFNAMSIZ - 1;
	memset(name, 0, sizeof(name));
	memcpy(name, optval, optlen);
	if (name[0] == '\0') {
		sk->sk_bound_dev_if = 0;
		return 0;
	}
	/* No devices in this namespace yet: every name is unknown. */
	return -ENODEV;
}

/* The options that need no lock: checks and atomics only. */
static int sock_setsockopt_nolock(struct socket *sock, int optname, int val,
				  bool *done)
{
	struct sock *sk = sock->sk;

	*done = true;
	switch (optname) {
	case SO_PRIORITY:
		if ((val >= 0 && val <= 6) || capable(CAP_NET_RAW) ||
		    capable(CAP_NET_ADMIN)) {
			WRITE_ONCE(sk->sk_priority, val);
			return 0;
		}
		return -EPERM;
	case SO_TYPE:
	case SO_PROTOCOL:
	case SO_DOMAIN:
	case SO_ERROR:
		return -ENOPROTOOPT;
	case SO_PEEK_OFF:
		return sock->ops->set_peek_off(sk, val);
	}
	*done = false;
	return 0;
}

int sock_setsockopt(struct socket *sock, int level, int optname,
		    const void *optval, unsigned int optlen)
{
	struct sock *sk = sock->sk;
	struct net *net = sock_net(sk);
	struct linger ling;
	bool done;
	int val, valbool, ret = 0;

	if (optname == SO_BINDTODEVICE)
		return sock_setbindtodevice(sk, optval, optlen);
	if (optlen < sizeof(int))
		return -EINVAL;
	memcpy(&val, optval, sizeof(val));
	valbool = val ? 1 : 0;

	ret = sock_setsockopt_nolock(sock, optname, val, &done);
	if (done)
		return ret;

	lock_sock(sk);
	switch (optname) {
	case SO_DEBUG:
		if (val && !capable(CAP_NET_ADMIN))
			ret = -EACCES;
		else
			sock_valbool_flag(sk, SOCK_DBG, valbool);
		break;
	case SO_REUSEADDR:
		sk->sk_reuse = (unsigned char)valbool;
		break;
	case SO_REUSEPORT:
		if (valbool && sk->sk_family != AF_INET &&
		    sk->sk_family != AF_INET6)
			ret = -EOPNOTSUPP;
		else
			sk->sk_reuseport = (unsigned char)valbool;
		break;
	case SO_DONTROUTE:
		sock_valbool_flag(sk, SOCK_LOCALROUTE, valbool);
		break;
	case SO_BROADCAST:
		sock_valbool_flag(sk, SOCK_BROADCAST, valbool);
		break;
	case SO_SNDBUF:
		/* Linux compares as unsigned: a negative value is huge. */
		val = (int)min_t(unsigned int, (unsigned int)val,
				 (unsigned int)net->sysctl.wmem_max);
		sock_set_sndbuf(sk, val);
		break;
	case SO_SNDBUFFORCE:
		if (!capable(CAP_NET_ADMIN)) {
			ret = -EPERM;
			break;
		}
		sock_set_sndbuf(sk, val < 0 ? 0 : val);
		break;
	case SO_RCVBUF:
		val = (int)min_t(unsigned int, (unsigned int)val,
				 (unsigned int)net->sysctl.rmem_max);
		sock_set_rcvbuf(sk, val);
		break;
	case SO_RCVBUFFORCE:
		if (!capable(CAP_NET_ADMIN)) {
			ret = -EPERM;
			break;
		}
		sock_set_rcvbuf(sk, val < 0 ? 0 : val);
		break;
	case SO_KEEPALIVE:
		if (sk->sk_prot->keepalive)
			sk->sk_prot->keepalive(sk, valbool);
		sock_valbool_flag(sk, SOCK_KEEPOPEN, valbool);
		break;
	case SO_OOBINLINE:
		sock_valbool_flag(sk, SOCK_URGINLINE, valbool);
		break;
	case SO_NO_CHECK:
		sk->sk_no_check_tx = (unsigned char)valbool;
		break;
	case SO_LINGER:
		if (optlen < sizeof(ling)) {
			ret = -EINVAL;
			break;
		}
		memcpy(&ling, optval, sizeof(ling));
		if (!ling.l_onoff) {
			sock_reset_flag(sk, SOCK_LINGER);
		} else {
			sk->sk_lingertime = (unsigned int)ling.l_linger >
							    INT_MAX / USNET_HZ ?
						    INT_MAX / USNET_HZ :
						    ling.l_linger;
			sock_set_flag(sk, SOCK_LINGER);
		}
		break;
	case SO_BSDCOMPAT:
		break;
	case SO_PASSCRED:
		sock_valbool_flag(sk, SOCK_PASSCRED, valbool);
		break;
	case SO_TIMESTAMP_OLD:
		sock_valbool_flag(sk, SOCK_RCVTSTAMP, valbool);
		break;
	case SO_RCVLOWAT:
		if (val < 0)
			val = INT_MAX;
		if (sk->sk_prot->set_rcvlowat)
			sk->sk_prot->set_rcvlowat(sk, val);
		else
			WRITE_ONCE(sk->sk_rcvlowat, val ? val : 1);
		break;
	case SO_RCVTIMEO_OLD:
	case SO_RCVTIMEO_NEW:
		ret = sock_set_timeout(&sk->sk_rcvtimeo, optval, optlen);
		break;
	case SO_SNDTIMEO_OLD:
	case SO_SNDTIMEO_NEW:
		ret = sock_set_timeout(&sk->sk_sndtimeo, optval, optlen);
		break;
	case SO_MARK:
		if (!capable(CAP_NET_RAW) && !capable(CAP_NET_ADMIN)) {
			ret = -EPERM;
			break;
		}
		sk->sk_mark = (unsigned int)val;
		break;
	case SO_RXQ_OVFL:
		sock_valbool_flag(sk, SOCK_RXQ_OVFL, valbool);
		break;
	case SO_NOFCS:
		sock_valbool_flag(sk, SOCK_NOFCS, valbool);
		break;
	case SO_SELECT_ERR_QUEUE:
		sock_valbool_flag(sk, SOCK_SELECT_ERR_QUEUE, valbool);
		break;
	case SO_ZEROCOPY:
		/* Only TCP and UDP sockets have zero-copy sends in Linux. */
		ret = -EOPNOTSUPP;
		break;
	case SO_BUF_LOCK:
		if (val & ~(SOCK_SNDBUF_LOCK | SOCK_RCVBUF_LOCK))
			ret = -EINVAL;
		else
			sk->sk_userlocks =
				(unsigned int)val |
				(sk->sk_userlocks &
				 ~(SOCK_SNDBUF_LOCK | SOCK_RCVBUF_LOCK));
		break;
	default:
		ret = -ENOPROTOOPT;
		break;
	}
	release_sock(sk);
	return ret;
}

static int sock_getpeercred(struct sock *sk, void *optval, int *optlen)
{
	struct ucred uc = { .pid = 0, .uid = (uid_t)-1, .gid = (gid_t)-1 };
	int len = *optlen;

	lock_sock(sk);
	if (sk->sk_peer_valid) {
		uc.pid = sk->sk_peer_cred.pid;
		uc.uid = sk->sk_peer_cred.uid;
		uc.gid = sk->sk_peer_cred.gid;
	}
	release_sock(sk);
	if (len > (int)sizeof(uc))
		len = sizeof(uc);
	memcpy(optval, &uc, (size_t)len);
	*optlen = len;
	return 0;
}

static int sock_getpeername(struct socket *sock, void *optval, int *optlen)
{
	struct sockaddr_storage addr;
	int lv = sock->ops->getname(sock, (struct sockaddr *)&addr, 2);

	if (lv < 0)
		return -ENOTCONN;
	if (lv < *optlen)
		return -EINVAL;
	memcpy(optval, &addr, (size_t)*optlen);
	return 0;
}

int sock_getsockopt(struct socket *sock, int level, int optname, void *optval,
		    int *optlen)
{
	struct sock *sk = sock->sk;
	union {
		int val;
		uint64_t val64;
		struct linger ling;
		struct timeval tm;
	} v;
	int lv = sizeof(int);
	int len = *optlen;

	if (len < 0)
		return -EINVAL;
	memset(&v, 0, sizeof(v));
	switch (optname) {
	case SO_DEBUG:
		v.val = sock_flag(sk, SOCK_DBG);
		break;
	case SO_DONTROUTE:
		v.val = sock_flag(sk, SOCK_LOCALROUTE);
		break;
	case SO_BROADCAST:
		v.val = sock_flag(sk, SOCK_BROADCAST);
		break;
	case SO_SNDBUF:
		v.val = READ_ONCE(sk->sk_sndbuf);
		break;
	case SO_RCVBUF:
		v.val = READ_ONCE(sk->sk_rcvbuf);
		break;
	case SO_REUSEADDR:
		v.val = sk->sk_reuse;
		break;
	case SO_REUSEPORT:
		v.val = sk->sk_reuseport;
		break;
	case SO_KEEPALIVE:
		v.val = sock_flag(sk, SOCK_KEEPOPEN);
		break;
	case SO_TYPE:
		v.val = sk->sk_type;
		break;
	case SO_PROTOCOL:
		v.val = sk->sk_protocol;
		break;
	case SO_DOMAIN:
		v.val = sk->sk_family;
		break;
	case SO_ERROR:
		lock_sock(sk);
		v.val = -sock_error(sk);
		if (v.val == 0) {
			v.val = sk->sk_err_soft;
			sk->sk_err_soft = 0;
		}
		release_sock(sk);
		break;
	case SO_OOBINLINE:
		v.val = sock_flag(sk, SOCK_URGINLINE);
		break;
	case SO_NO_CHECK:
		v.val = sk->sk_no_check_tx;
		break;
	case SO_PRIORITY:
		v.val = READ_ONCE(sk->sk_priority);
		break;
	case SO_LINGER:
		lv = sizeof(v.ling);
		v.ling.l_onoff = sock_flag(sk, SOCK_LINGER);
		v.ling.l_linger = sk->sk_lingertime;
		break;
	case SO_BSDCOMPAT:
		break;
	case SO_TIMESTAMP_OLD:
		v.val = sock_flag(sk, SOCK_RCVTSTAMP);
		break;
	case SO_RCVTIMEO_OLD:
	case SO_RCVTIMEO_NEW:
		lv = sizeof(v.tm);
		sock_get_timeout(sk->sk_rcvtimeo, &v.tm);
		break;
	case SO_SNDTIMEO_OLD:
	case SO_SNDTIMEO_NEW:
		lv = sizeof(v.tm);
		sock_get_timeout(sk->sk_sndtimeo, &v.tm);
		break;
	case SO_RCVLOWAT:
		v.val = READ_ONCE(sk->sk_rcvlowat);
		break;
	case SO_SNDLOWAT:
		v.val = 1;
		break;
	case SO_PASSCRED:
		v.val = sock_flag(sk, SOCK_PASSCRED);
		break;
	case SO_PEERCRED:
		return sock_getpeercred(sk, optval, optlen);
	case SO_PEERNAME:
		return sock_getpeername(sock, optval, optlen);
	case SO_ACCEPTCONN:
		v.val = sk->sk_state == TCP_LISTEN;
		break;
	case SO_MARK:
		v.val = (int)sk->sk_mark;
		break;
	case SO_RXQ_OVFL:
		v.val = sock_flag(sk, SOCK_RXQ_OVFL);
		break;
	case SO_PEEK_OFF:
		if (sock->ops->set_peek_off == sock_no_set_peek_off)
			return -EOPNOTSUPP;
		v.val = READ_ONCE(sk->sk_peek_off);
		break;
	case SO_NOFCS:
		v.val = sock_flag(sk, SOCK_NOFCS);
		break;
	case SO_BINDTODEVICE:
		if (len < IFNAMSIZ)
			return -EINVAL;
		/* Unbound: nothing is copied and the length becomes 0. */
		*optlen = 0;
		return 0;
	case SO_SELECT_ERR_QUEUE:
		v.val = sock_flag(sk, SOCK_SELECT_ERR_QUEUE);
		break;
	case SO_COOKIE:
		lv = sizeof(uint64_t);
		if (len < lv)
			return -EINVAL;
		v.val64 = sock_gen_cookie(sk);
		break;
	case SO_ZEROCOPY:
		v.val = sock_flag(sk, SOCK_ZEROCOPY);
		break;
	case SO_BINDTOIFINDEX:
		v.val = sk->sk_bound_dev_if;
		break;
	case SO_BUF_LOCK:
		v.val = (int)(sk->sk_userlocks &
			      (SOCK_SNDBUF_LOCK | SOCK_RCVBUF_LOCK));
		break;
	default:
		return -ENOPROTOOPT;
	}
	if (len > lv)
		len = lv;
	memcpy(optval, &v, (size_t)len);
	*optlen = len;
	return 0;
}
