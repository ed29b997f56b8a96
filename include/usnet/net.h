/*
 * usnet/net.h - namespaces, security policy and introspection.
 */
#ifndef USNET_NET_H
#define USNET_NET_H

#include <stdint.h>
#include <sys/socket.h>
#include <sys/types.h>

#ifdef __cplusplus
extern "C" {
#endif

#ifndef USNET_API
#if defined(USNET_BUILDING)
#define USNET_API __attribute__((visibility("default")))
#else
#define USNET_API
#endif
#endif

/* An isolated network stack: its own devices, port tables, AF_UNIX
 * abstract names and sysctls (Linux's struct net). */
struct usnet_net;

/**
 * usnet_net_default() - the namespace that exists from the first call.
 */
USNET_API struct usnet_net *usnet_net_default(void);
/**
 * usnet_net_create() - a new, empty namespace; NULL with errno on failure.
 */
USNET_API struct usnet_net *usnet_net_create(void);
/**
 * usnet_net_destroy() - drop the caller's reference; the namespace goes
 * when its last socket is gone.  The default namespace cannot be destroyed.
 */
USNET_API void usnet_net_destroy(struct usnet_net *net);
/**
 * usnet_net_enter() - make @net the namespace in which the calling thread
 * creates sockets (as setns(2) does); returns the previous one.
 */
USNET_API struct usnet_net *usnet_net_enter(struct usnet_net *net);

/**
 * usnet_sysctl_set() / usnet_sysctl_get() - a namespace's sysctl by its
 * /proc/sys/net name, e.g. "core.somaxconn" or "unix.max_dgram_qlen".
 * Return 0, or -1 with errno ENOENT (unknown name) or EINVAL (value).
 */
USNET_API int usnet_sysctl_set(struct usnet_net *net, const char *name,
			       long value);
USNET_API int usnet_sysctl_get(struct usnet_net *net, const char *name,
			       long *value);

/**
 * usnet_clock_virtual() - switch the process to a virtual clock that
 * starts at @start_ns and moves only with usnet_clock_advance(): protocol
 * timers, link delays and timestamps then follow the test, exactly
 * repeatable, and the namespaces' random streams are fixed too.  Call it
 * before making namespaces.  Returns 0, or -1 with errno EBUSY (already
 * virtual) or EINVAL.
 */
USNET_API int usnet_clock_virtual(int64_t start_ns);
/**
 * usnet_clock_advance() - move the virtual clock @ns forward, running in
 * the calling thread, in time order, every timer of every namespace that
 * falls due, and delivering what they send.  Returns 0, or -1 with errno
 * EPERM (the clock is real) or EINVAL.
 */
USNET_API int usnet_clock_advance(int64_t ns);
/* The stack's time in nanoseconds (virtual or CLOCK_MONOTONIC). */
USNET_API int64_t usnet_clock_now(void);

/* A link between two namespaces, like a veth pair, and the faults it
 * injects on a seeded schedule (the knobs of tc netem).  Probabilities are
 * in [0, 1]; each direction draws from its own stream seeded by @seed. */
struct usnet_link_params {
	unsigned int mtu;   /* 0: 1500 */
	double loss;	    /* drop a packet */
	double duplicate;   /* deliver a packet twice */
	double corrupt;	    /* flip one random bit of a packet */
	double reorder;	    /* hold a packet back behind the next one */
	uint64_t rate_bps;  /* line rate in bit/s, 0: unlimited */
	uint32_t delay_us;  /* one-way delay */
	uint32_t jitter_us; /* +- uniform around the delay (reorders) */
	uint64_t seed;
};

/**
 * usnet_link_add() - join @a and @b with a point-to-point link: device
 * @name_a in @a, @name_b in @b, both down and without addresses until
 * configured (usnet_ip()).  IP packets cross it as they are (no link
 * header, no ARP), like a tun pair.  @params may be NULL for a perfect
 * link.  Delay, jitter and rate follow the stack's clock: with the virtual
 * clock a packet arrives only when the test advances time past its
 * arrival.  Returns 0, or -1 with errno EEXIST (a name is taken), EINVAL
 * (bad parameters), ENOMEM.
 */
USNET_API int usnet_link_add(struct usnet_net *a, const char *name_a,
			     struct usnet_net *b, const char *name_b,
			     const struct usnet_link_params *params);

/**
 * usnet_ip() - configure a namespace the way iproute2 does, one command
 * per call (@net NULL: the default namespace):
 *   "link set DEV up|down", "link set DEV mtu N",
 *   "addr add A.B.C.D/N dev DEV", "addr del A.B.C.D/N dev DEV",
 *   "route add PREFIX/N dev DEV", "route add PREFIX/N via GW [dev DEV]",
 *   "route add default via GW [dev DEV]", "route del PREFIX/N",
 *   "sysctl NAME VALUE" (as usnet_sysctl_set()).
 * Returns 0, or -1 with errno EINVAL (cannot parse), ENODEV (no such
 * device), EEXIST, EADDRNOTAVAIL, ESRCH (no such route), ENETUNREACH (the
 * gateway is not on a connected network).
 */
USNET_API int usnet_ip(struct usnet_net *net, const char *cmd);

/* The credentials a socket call acts with (Linux's struct cred, reduced to
 * what the socket layer checks).  caps is a bit mask of CAP_* numbers. */
struct usnet_cred {
	pid_t pid;
	uid_t uid;
	gid_t gid;
	uint64_t caps;
};

/* Security hooks, called where Linux calls security_socket_*().  Each
 * returns 0 to allow or a negative errno to refuse; a NULL hook allows.
 * The default policy (capabilities, as Linux) runs before these. */
struct usnet_security_ops {
	int (*socket_create)(const struct usnet_cred *cred, int family,
			     int type, int protocol);
	int (*socket_bind)(const struct usnet_cred *cred, int fd,
			   const struct sockaddr *addr, socklen_t len);
	int (*socket_connect)(const struct usnet_cred *cred, int fd,
			      const struct sockaddr *addr, socklen_t len);
	int (*socket_listen)(const struct usnet_cred *cred, int fd,
			     int backlog);
	int (*socket_accept)(const struct usnet_cred *cred, int fd);
	int (*socket_sendmsg)(const struct usnet_cred *cred, int fd,
			      size_t len);
	int (*socket_recvmsg)(const struct usnet_cred *cred, int fd, size_t len,
			      int flags);
	int (*socket_setsockopt)(const struct usnet_cred *cred, int fd,
				 int level, int name);
};

/**
 * usnet_security_install() - install an embedder's policy (NULL removes
 * it).  The structure is copied.
 */
USNET_API void usnet_security_install(const struct usnet_security_ops *ops);

/**
 * usnet_cred_override() - act with @cred in the calling thread instead of
 * the process's own credentials (NULL goes back to them).  Meant for
 * embedders that serve several users and for tests.
 */
USNET_API void usnet_cred_override(const struct usnet_cred *cred);

/**
 * usnet_stat_get() - a namespace's counter by name: "drop.REASON" for the
 * packets dropped for REASON (e.g. "drop.NO_SOCKET", "drop.UDP_CSUM"; the
 * names of Linux's skb drop reasons), or an SNMP counter as nstat(8)
 * names it ("IcmpOutRateLimitGlobal", "IcmpOutRateLimitHost": ICMP
 * messages the rate limits held back).  @net NULL is the default
 * namespace.  Returns 0, or -1 with errno ENOENT for an unknown name.
 */
USNET_API int usnet_stat_get(struct usnet_net *net, const char *name,
			     unsigned long *value);

/* Objects alive right now, from the counted allocator. */
struct usnet_objects {
	unsigned long sockets;
	unsigned long socks;
	unsigned long skbs;
	unsigned long files;
	unsigned long epitems;
	/* of the socks, those no descriptor reaches that a protocol still
	 * keeps: TCP connections closing (FIN-WAIT, TIME-WAIT, ...) */
	unsigned long orphans;
	unsigned long other;
	unsigned long bytes;
};

USNET_API void usnet_objects_live(struct usnet_objects *out);

/**
 * usnet_alloc_fail_at() - make the Nth allocation from now fail (and every
 * one after it when @sticky), for testing failure paths; 0 turns it off.
 */
USNET_API void usnet_alloc_fail_at(unsigned long n, int sticky);

#ifdef __cplusplus
}
#endif

#endif
