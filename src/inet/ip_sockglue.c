/*
 * ip_sockglue.c - the SOL_IP socket options (Linux's ip_sockglue.c), with
 * its parsing rules: an int or a single byte, ranges checked per option.
 */
#include <errno.h>
#include <string.h>

#include "core/creds.h"
#include "inet/inet_sock.h"
#include "inet/netns_ipv4.h"
#include "inet/route.h"

/* IP_MTU never says more than an IPv4 datagram can carry. */
#define IP_MAX_MTU 0xFFFFu

int ip_select_ttl(const struct inet_sock *inet)
{
	if (inet->uc_ttl >= 0)
		return inet->uc_ttl;
	return READ_ONCE(sock_net(&inet->sk)->sysctl.ip_default_ttl);
}

static void set_flag(unsigned int *flags, unsigned int bit, int on)
{
	if (on)
		*flags |= bit;
	else
		*flags &= ~bit;
}

int ip_setsockopt(struct sock *sk, int level, int optname, const void *optval,
		  unsigned int optlen)
{
	struct inet_sock *inet = inet_sk(sk);
	int val = 0, err = 0;

	if (level != SOL_IP)
		return -ENOPROTOOPT;
	/* Linux reads an int, or a single byte when that is all there is. */
	if (optlen >= sizeof(int))
		memcpy(&val, optval, sizeof(int));
	else if (optlen >= 1)
		val = *(const unsigned char *)optval;

	lock_sock(sk);
	switch (optname) {
	case IP_PKTINFO:
		set_flag(&inet->cmsg_flags, IP_CMSG_PKTINFO, val);
		break;
	case IP_RECVTTL:
		set_flag(&inet->cmsg_flags, IP_CMSG_TTL, val);
		break;
	case IP_RECVTOS:
		set_flag(&inet->cmsg_flags, IP_CMSG_TOS, val);
		break;
	case IP_RECVERR:
		inet->recverr = val != 0;
		if (!val)
			skb_queue_purge(&sk->sk_error_queue);
		break;
	case IP_TOS:
		/* TCP keeps the ECN bits for itself. */
		if (sk->sk_type == SOCK_STREAM)
			val = (val & ~0x03) | (inet->tos & 0x03);
		inet->tos = (uint8_t)val;
		break;
	case IP_TTL:
		if (optlen < 1 || (val != -1 && (val < 1 || val > 255)))
			err = -EINVAL;
		else
			inet->uc_ttl = val;
		break;
	case IP_MTU_DISCOVER:
		if (val < IP_PMTUDISC_DONT || val > IP_PMTUDISC_OMIT)
			err = -EINVAL;
		else
			inet->pmtudisc = (uint8_t)val;
		break;
	case IP_FREEBIND:
		if (optlen < 1)
			err = -EINVAL;
		else
			inet->freebind = val != 0;
		break;
	case IP_TRANSPARENT:
		if (val && !capable(CAP_NET_RAW) && !capable(CAP_NET_ADMIN))
			err = -EPERM;
		else if (optlen < 1)
			err = -EINVAL;
		break;
	case IP_BIND_ADDRESS_NO_PORT:
		inet->bind_address_no_port = val != 0;
		break;
	case IP_MULTICAST_TTL:
		if (sk->sk_type == SOCK_STREAM || optlen < 1 || val < -1 ||
		    val > 255)
			err = -EINVAL;
		else
			inet->mc_ttl = (uint8_t)(val == -1 ? 1 : val);
		break;
	case IP_MULTICAST_LOOP:
		if (optlen < 1)
			err = -EINVAL;
		else
			inet->mc_loop = val != 0;
		break;
	case IP_HDRINCL:
		if (sk->sk_type != SOCK_RAW)
			err = -ENOPROTOOPT;
		else
			inet->hdrincl = val != 0;
		break;
	default:
		err = -ENOPROTOOPT;
		break;
	}
	release_sock(sk);
	return err;
}

/* IP_MTU: the path MTU of a connected socket. */
static int ip_mtu(struct sock *sk)
{
	struct inet_sock *inet = inet_sk(sk);
	struct rtable rt;

	if (sk->sk_state != TCP_ESTABLISHED ||
	    ip_route_output(sock_net(sk), inet->inet_daddr, inet->inet_saddr,
			    sk->sk_bound_dev_if, &rt))
		return -ENOTCONN;
	return (int)(rt.dev->mtu > IP_MAX_MTU ? IP_MAX_MTU : rt.dev->mtu);
}

int ip_getsockopt(struct sock *sk, int level, int optname, void *optval,
		  int *optlen)
{
	struct inet_sock *inet = inet_sk(sk);
	int val, len = *optlen;

	if (level != SOL_IP)
		return -EOPNOTSUPP;
	if (len < 0)
		return -EINVAL;
	lock_sock(sk);
	switch (optname) {
	case IP_PKTINFO:
		val = (inet->cmsg_flags & IP_CMSG_PKTINFO) != 0;
		break;
	case IP_RECVTTL:
		val = (inet->cmsg_flags & IP_CMSG_TTL) != 0;
		break;
	case IP_RECVTOS:
		val = (inet->cmsg_flags & IP_CMSG_TOS) != 0;
		break;
	case IP_RECVERR:
		val = inet->recverr;
		break;
	case IP_TOS:
		val = inet->tos;
		break;
	case IP_TTL:
		val = ip_select_ttl(inet);
		break;
	case IP_MTU_DISCOVER:
		val = inet->pmtudisc;
		break;
	case IP_MTU:
		val = ip_mtu(sk);
		if (val < 0) {
			release_sock(sk);
			return val;
		}
		break;
	case IP_FREEBIND:
		val = inet->freebind;
		break;
	case IP_TRANSPARENT:
		val = 0;
		break;
	case IP_BIND_ADDRESS_NO_PORT:
		val = inet->bind_address_no_port;
		break;
	case IP_MULTICAST_TTL:
		val = inet->mc_ttl;
		break;
	case IP_MULTICAST_LOOP:
		val = inet->mc_loop;
		break;
	case IP_HDRINCL:
		val = inet->hdrincl;
		break;
	default:
		release_sock(sk);
		return -ENOPROTOOPT;
	}
	release_sock(sk);
	/* Linux answers a short buffer with one byte when the value fits. */
	if (len < (int)sizeof(int) && len > 0 && val >= 0 && val <= 255) {
		*(unsigned char *)optval = (unsigned char)val;
		*optlen = 1;
		return 0;
	}
	if (len > (int)sizeof(int))
		len = sizeof(int);
	memcpy(optval, &val, (size_t)len);
	*optlen = len;
	return 0;
}
