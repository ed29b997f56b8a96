/*
 * net.h - struct net, one isolated network stack.
 *
 * Everything a namespace owns hangs off its struct net: its sysctls and
 * the AF_UNIX name table now, its devices, routes and port tables later.
 * The namespace lock serialises all protocol state of the namespace; no
 * code path holds two namespace locks at once (docs/ARCHITECTURE.md).
 */
#ifndef USNET_CORE_NET_H
#define USNET_CORE_NET_H

#include <pthread.h>

#include "lib/compiler.h"
#include "core/dropreason.h"
#include "core/snmp.h"
#include "core/skbuff.h"
#include "lib/list.h"
#include "lib/task_work.h"

struct unix_table;

/* The sysctls of a namespace, named as under /proc/sys/net. */
struct net_sysctls {
	int somaxconn;		   /* core.somaxconn */
	int wmem_default;	   /* core.wmem_default */
	int wmem_max;		   /* core.wmem_max */
	int rmem_default;	   /* core.rmem_default */
	int rmem_max;		   /* core.rmem_max */
	int optmem_max;		   /* core.optmem_max */
	int busy_wait_us;	   /* core.busy_wait_us (usnet's own) */
	int unix_max_dgram_qlen;   /* unix.max_dgram_qlen */
	int ip_forward;		   /* ipv4.ip_forward */
	int ip_default_ttl;	   /* ipv4.ip_default_ttl */
	int icmp_echo_ignore_all;  /* ipv4.icmp_echo_ignore_all */
	int ipfrag_time;	   /* ipv4.ipfrag_time, seconds */
	int ipfrag_high_thresh;	   /* ipv4.ipfrag_high_thresh, bytes */
	int tcp_keepalive_time;	   /* ipv4.tcp_keepalive_time, seconds */
	int tcp_keepalive_intvl;   /* ipv4.tcp_keepalive_intvl, seconds */
	int tcp_keepalive_probes;  /* ipv4.tcp_keepalive_probes */
	int tcp_syn_retries;	   /* ipv4.tcp_syn_retries */
	int tcp_fin_timeout;	   /* ipv4.tcp_fin_timeout, seconds */
	int tcp_timestamps;	   /* ipv4.tcp_timestamps (RFC 7323) */
	int tcp_sack;		   /* ipv4.tcp_sack (RFC 2018) */
	int tcp_syncookies;	   /* ipv4.tcp_syncookies */
	int tcp_fastopen;	   /* ipv4.tcp_fastopen (TFO_*_ENABLE) */
	int tcp_moderate_rcvbuf;   /* ipv4.tcp_moderate_rcvbuf */
	int icmp_ratelimit;	   /* ipv4.icmp_ratelimit, ms */
	int icmp_ratemask;	   /* ipv4.icmp_ratemask, bit per type */
	int icmp_msgs_per_sec;	   /* ipv4.icmp_msgs_per_sec */
	int icmp_msgs_burst;	   /* ipv4.icmp_msgs_burst */
	int tcp_invalid_ratelimit; /* ipv4.tcp_invalid_ratelimit, ms */
};

struct net_device;
struct netns_ipv4;

struct net {
	pthread_mutex_t lock;
	_Atomic long refcnt;
	struct net_sysctls sysctl;
	struct unix_table *unx;
	struct netns_ipv4 *ipv4; /* inet/: routes, ports, IPv4 sysctls */
	uint64_t rng;		 /* the namespace's random stream */
	bool is_default;

	/* Devices (core/netdevice.c), under the lock. */
	struct list_head dev_base;
	int ifindex;
	struct net_device *loopback_dev;

	/* The receive backlog: any thread may queue under rx_lock; the
	 * holder of the namespace lock drains it on unlock. */
	pthread_mutex_t rx_lock;
	struct sk_buff_head rx_backlog;
	_Atomic bool rx_drain_pending; /* a drain is scheduled (dev/link.c) */

	/* Timers (core/timer.c), by expiry, under the lock; with the real
	 * clock a service thread runs them. */
	struct list_head timers;
	pthread_cond_t timer_cond;
	pthread_t timer_thread;
	bool timer_started;
	bool timer_stop;

	struct list_head net_list; /* every namespace (net.c) */

	/* Packets dropped, by reason (core/dropreason.h). */
	_Atomic unsigned long drops[SKB_DROP_REASON_MAX];
	/* The SNMP counters (core/snmp.h). */
	_Atomic unsigned long mib[SNMP_MIB_MAX];
};

/* Count one event of @mib (Linux's __NET_INC_STATS()). */
static inline void net_inc_stats(struct net *net, enum snmp_mib mib)
{
	atomic_fetch_add_explicit(&net->mib[mib], 1, memory_order_relaxed);
}

/* The next number of the namespace's random stream (lock held). */
uint32_t net_random_u32(struct net *net);

/* The default namespace, made on first use (NULL if that failed). */
struct net *net_default(void);
/* The namespace in which the calling thread creates sockets (NULL when
 * the default one could not be made). */
struct net *current_net(void);
/* How long a waiter of @net spins before sleeping, in ns (@net may be
 * NULL). */
int net_busy_wait_ns(const struct net *net);
struct net *get_net(struct net *net);
/* A reference unless the namespace is already going away. */
bool get_net_not_zero(struct net *net);
/* Every living namespace, each with a reference taken: the count, or -1
 * on failure; release with net_list_put(). */
int net_list_get(struct net ***nets);
void net_list_put(struct net **nets, int n);
/* Drop a reference; true when it was the last and @net is gone. */
bool put_net(struct net *net);

static inline void net_lock(struct net *net)
{
	pthread_mutex_lock(&net->lock);
	stack_lock_enter();
}

void net_rx_drain(struct net *net);

/* Receive what was queued meanwhile, unlock, then run what was deferred
 * while the lock was held. */
static inline void net_unlock(struct net *net)
{
	if (unlikely(!skb_queue_empty(&net->rx_backlog)))
		net_rx_drain(net);
	pthread_mutex_unlock(&net->lock);
	stack_lock_exit();
}

#endif
