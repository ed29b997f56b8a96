/*
 * snmp.h - what a namespace counts besides drops: Linux's SNMP MIB
 * counters (/proc/net/snmp, /proc/net/netstat), each named as nstat(8)
 * names it, read with usnet_stat_get().
 */
#ifndef USNET_CORE_SNMP_H
#define USNET_CORE_SNMP_H

#define SNMP_MIBS(X)                                                          \
	/* an ICMP error not sent: the namespace's token bucket was empty   \
	 * (ipv4.icmp_msgs_per_sec, icmp_msgs_burst; ICMP_MIB_RATELIMITGLOBAL) \
	 */ \
	X(IcmpOutRateLimitGlobal)                                             \
	/* an ICMP error not sent: its destination's bucket was empty       \
	 * (ipv4.icmp_ratelimit; ICMP_MIB_RATELIMITHOST) */ \
	X(IcmpOutRateLimitHost)                                               \
	/* an ACK not sent (ipv4.tcp_invalid_ratelimit): for a segment out  \
	 * of the window, a challenge (RFC 5961), in TIME_WAIT */ \
	X(TcpExtTCPACKSkippedSeq)                                             \
	X(TcpExtTCPACKSkippedChallenge)                                       \
	X(TcpExtTCPACKSkippedTimeWait)

enum snmp_mib {
#define MIB_ENUM(n) MIB_##n,
	SNMP_MIBS(MIB_ENUM)
#undef MIB_ENUM
	SNMP_MIB_MAX
};

/* "IcmpOutRateLimitHost" for MIB_IcmpOutRateLimitHost. */
const char *snmp_mib_name(enum snmp_mib mib);

#endif
