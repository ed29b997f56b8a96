/*
 * net.c - namespaces: creation, reference counting, sysctls.
 *
 * A namespace lives while anyone holds a reference: the user who created
 * it and every sock created in it.  The default namespace is made on first
 * use and never goes away.
 */
#include "lib/mutex.h"
#include "core/net.h"

#include <errno.h>
#include <limits.h>
#include <string.h>

#include <usnet/net.h>

#include "lib/alloc.h"
#include "lib/clock.h"
#include "socket/wait.h"
#include "core/netdevice.h"
#include "core/timer.h"
#include "inet/netns_ipv4.h"
#include "unix/af_unix.h"

static const struct net_sysctls sysctl_defaults = {
	/* Linux's defaults since 5.4 / on 64-bit machines. */
	.somaxconn = 4096,
	.wmem_default = 212992,
	.wmem_max = 212992,
	.rmem_default = 212992,
	.rmem_max = 212992,
	.optmem_max = 131072,
	.busy_wait_us = 50,
	.unix_max_dgram_qlen = 10,
	.ip_forward = 0,
	.ip_default_ttl = 64,
	.icmp_echo_ignore_all = 0,
	.ipfrag_time = 30,
	.ipfrag_high_thresh = 4 * 1024 * 1024,
	.tcp_keepalive_time = 7200,
	.tcp_keepalive_intvl = 75,
	.tcp_keepalive_probes = 9,
	.tcp_syn_retries = 6,
	.tcp_fin_timeout = 60,
	.tcp_timestamps = 1,
	.tcp_sack = 1,
	.tcp_syncookies = 1,
	.tcp_fastopen = 1,
	.tcp_moderate_rcvbuf = 1,
	.icmp_ratelimit = 1000,
	.icmp_ratemask = 0x1818, /* dest unreach, source quench, time
				  * exceeded, parameter problem */
	.icmp_msgs_per_sec = 1000,
	.icmp_msgs_burst = 50,
	.tcp_invalid_ratelimit = 500,
};

static struct list_head net_all = LIST_HEAD_INIT(net_all);
static pthread_mutex_t net_all_lock = PTHREAD_MUTEX_INITIALIZER;
static uint64_t net_created;

static struct net *_Atomic default_net;
static pthread_mutex_t default_net_lock = PTHREAD_MUTEX_INITIALIZER;
static __thread struct net *thread_net;

/*
 * What every namespace is made of, in order (Linux's pernet_operations):
 * each init runs when a namespace is made, each exit, in reverse, when it
 * goes.
 */
static void devices_net_exit(struct net *net);

static const struct pernet_operations {
	int (*init)(struct net *net);
	void (*exit)(struct net *net);
} pernet_subsys[] = {
	{ unix_net_init, unix_net_exit },
	{ loopback_net_init, devices_net_exit },
	{ inet_net_init, inet_net_exit },
};

static void devices_net_exit(struct net *net)
{
	while (!list_empty(&net->dev_base))
		unregister_netdevice(list_first_entry(
			&net->dev_base, struct net_device, dev_list));
	skb_queue_purge(&net->rx_backlog);
}

static void net_unlist(struct net *net)
{
	pthread_mutex_lock(&net_all_lock);
	list_del_init(&net->net_list);
	pthread_mutex_unlock(&net_all_lock);
}

int net_list_get(struct net ***out)
{
	struct net **nets = NULL, *net;
	int n = 0;

	pthread_mutex_lock(&net_all_lock);
	list_for_each_entry(net, &net_all, net_list)
		n++;
	nets = obj_alloc(OBJ_OTHER, (size_t)(n ? n : 1) * sizeof(*nets));
	if (!nets) {
		pthread_mutex_unlock(&net_all_lock);
		return -1;
	}
	n = 0;
	list_for_each_entry(net, &net_all, net_list)
		if (get_net_not_zero(net))
			nets[n++] = net;
	pthread_mutex_unlock(&net_all_lock);
	*out = nets;
	return n;
}

void net_list_put(struct net **nets, int n)
{
	for (int i = 0; i < n; i++)
		put_net(nets[i]);
	obj_free(OBJ_OTHER, nets);
}

static struct net *net_alloc(bool is_default)
{
	struct net *net = obj_alloc(OBJ_OTHER, sizeof(*net));
	size_t i;

	if (!net)
		return NULL;
	stack_mutex_init(&net->lock);
	pthread_mutex_init(&net->rx_lock, NULL);
	atomic_init(&net->refcnt, 1);
	net->sysctl = sysctl_defaults;
	net_timers_init(net);
	pthread_mutex_lock(&net_all_lock);
	/* Under the virtual clock the random streams are fixed too: the
	 * same test makes the same choices every run. */
	net->rng = clock_is_virtual() ?
			   0x5eedull + net_created :
			   (uint64_t)clock_now_ns() ^ (uint64_t)(uintptr_t)net;
	net_created++;
	list_add_tail(&net->net_list, &net_all);
	pthread_mutex_unlock(&net_all_lock);
	net->is_default = is_default;
	INIT_LIST_HEAD(&net->dev_base);
	skb_queue_head_init(&net->rx_backlog);
	for (i = 0; i < ARRAY_SIZE(pernet_subsys); i++) {
		if (pernet_subsys[i].init(net) < 0)
			break;
	}
	if (i < ARRAY_SIZE(pernet_subsys)) {
		while (i-- > 0)
			pernet_subsys[i].exit(net);
		net_unlist(net);
		net_timers_exit(net);
		pthread_mutex_destroy(&net->rx_lock);
		pthread_mutex_destroy(&net->lock);
		obj_free(OBJ_OTHER, net);
		return NULL;
	}
	return net;
}

static void net_free(struct net *net)
{
	net_unlist(net);
	net_timers_exit(net);
	for (size_t i = ARRAY_SIZE(pernet_subsys); i-- > 0;)
		pernet_subsys[i].exit(net);
	pthread_mutex_destroy(&net->rx_lock);
	pthread_mutex_destroy(&net->lock);
	obj_free(OBJ_OTHER, net);
}

/* splitmix64: small, fast, and good enough for names and ports. */
uint32_t net_random_u32(struct net *net)
{
	uint64_t z = (net->rng += 0x9e3779b97f4a7c15ull);

	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
	return (uint32_t)((z ^ (z >> 31)) >> 32);
}

/* Made on first use; when that allocation fails, the next call tries again
 * (NULL means -ENOMEM to the caller). */
struct net *net_default(void)
{
	struct net *net =
		atomic_load_explicit(&default_net, memory_order_acquire);

	if (likely(net))
		return net;
	pthread_mutex_lock(&default_net_lock);
	net = atomic_load(&default_net);
	if (!net) {
		net = net_alloc(true);
		atomic_store_explicit(&default_net, net, memory_order_release);
	}
	pthread_mutex_unlock(&default_net_lock);
	return net;
}

int net_busy_wait_ns(const struct net *net)
{
	if (!net)
		return waiter_default_spin_ns;
	return READ_ONCE(net->sysctl.busy_wait_us) * (int)NSEC_PER_USEC;
}

struct net *current_net(void)
{
	return thread_net ? thread_net : net_default();
}

struct net *get_net(struct net *net)
{
	atomic_fetch_add_explicit(&net->refcnt, 1, memory_order_relaxed);
	return net;
}

bool get_net_not_zero(struct net *net)
{
	long c = atomic_load(&net->refcnt);

	while (c > 0)
		if (atomic_compare_exchange_weak(&net->refcnt, &c, c + 1))
			return true;
	return false;
}

bool put_net(struct net *net)
{
	if (atomic_fetch_sub_explicit(&net->refcnt, 1, memory_order_acq_rel) !=
	    1)
		return false;
	net_free(net);
	return true;
}

struct usnet_net *usnet_net_default(void)
{
	struct net *net = net_default();

	if (!net)
		errno = ENOMEM;
	return (struct usnet_net *)net;
}

struct usnet_net *usnet_net_create(void)
{
	struct net *net = net_alloc(false);

	if (!net)
		errno = ENOMEM;
	return (struct usnet_net *)net;
}

void usnet_net_destroy(struct usnet_net *unet)
{
	struct net *net = (struct net *)unet;

	if (!net || net->is_default)
		return;
	if (thread_net == net)
		thread_net = NULL;
	put_net(net);
}

struct usnet_net *usnet_net_enter(struct usnet_net *unet)
{
	struct net *prev = current_net();

	thread_net = (struct net *)unet;
	return (struct usnet_net *)prev;
}

struct sysctl_entry {
	const char *name;
	size_t offset;
	int min, max;
	int step; /* values round up to a multiple of it (0: none) */
};

#define SYSCTL(n, field, lo, hi)                                  \
	{                                                         \
		n, offsetof(struct net_sysctls, field), lo, hi, 0 \
	}
/* Milliseconds Linux keeps in jiffies (proc_dointvec_ms_jiffies). */
#define SYSCTL_MS_JIFFIES(n, field)                                 \
	{                                                           \
		n, offsetof(struct net_sysctls, field), 0, INT_MAX, \
			1000 / USNET_HZ                             \
	}

static const struct sysctl_entry sysctl_table[] = {
	SYSCTL("core.somaxconn", somaxconn, 0, INT_MAX),
	SYSCTL("core.wmem_default", wmem_default, 4608, INT_MAX),
	SYSCTL("core.wmem_max", wmem_max, 4608, INT_MAX),
	SYSCTL("core.rmem_default", rmem_default, 2304, INT_MAX),
	SYSCTL("core.rmem_max", rmem_max, 2304, INT_MAX),
	SYSCTL("core.optmem_max", optmem_max, 0, INT_MAX),
	SYSCTL("core.busy_wait_us", busy_wait_us, 0, 1000000),
	SYSCTL("unix.max_dgram_qlen", unix_max_dgram_qlen, 0, INT_MAX),
	SYSCTL("ipv4.ip_forward", ip_forward, 0, 1),
	SYSCTL("ipv4.ip_default_ttl", ip_default_ttl, 1, 255),
	SYSCTL("ipv4.icmp_echo_ignore_all", icmp_echo_ignore_all, 0, 1),
	SYSCTL("ipv4.ipfrag_time", ipfrag_time, 1, 3600),
	SYSCTL("ipv4.ipfrag_high_thresh", ipfrag_high_thresh, 0, INT_MAX),
	SYSCTL("ipv4.tcp_keepalive_time", tcp_keepalive_time, 1, 32767),
	SYSCTL("ipv4.tcp_keepalive_intvl", tcp_keepalive_intvl, 1, 32767),
	SYSCTL("ipv4.tcp_keepalive_probes", tcp_keepalive_probes, 1, 127),
	SYSCTL("ipv4.tcp_syn_retries", tcp_syn_retries, 1, 127),
	SYSCTL("ipv4.tcp_fin_timeout", tcp_fin_timeout, 1, INT_MAX / 1000),
	SYSCTL("ipv4.tcp_timestamps", tcp_timestamps, 0, 2),
	SYSCTL("ipv4.tcp_sack", tcp_sack, 0, 1),
	SYSCTL("ipv4.tcp_syncookies", tcp_syncookies, 0, 2),
	SYSCTL("ipv4.tcp_fastopen", tcp_fastopen, 0, INT_MAX),
	SYSCTL("ipv4.tcp_moderate_rcvbuf", tcp_moderate_rcvbuf, 0, 1),
	SYSCTL_MS_JIFFIES("ipv4.icmp_ratelimit", icmp_ratelimit),
	SYSCTL("ipv4.icmp_ratemask", icmp_ratemask, INT_MIN, INT_MAX),
	SYSCTL("ipv4.icmp_msgs_per_sec", icmp_msgs_per_sec, 0, INT_MAX),
	SYSCTL("ipv4.icmp_msgs_burst", icmp_msgs_burst, 0, INT_MAX),
	SYSCTL_MS_JIFFIES("ipv4.tcp_invalid_ratelimit", tcp_invalid_ratelimit),
};

static int *sysctl_find(struct net *net, const char *name,
			const struct sysctl_entry **ent)
{
	for (size_t i = 0; i < ARRAY_SIZE(sysctl_table); i++) {
		if (strcmp(sysctl_table[i].name, name) == 0) {
			*ent = &sysctl_table[i];
			return (int *)((char *)&net->sysctl +
				       sysctl_table[i].offset);
		}
	}
	return NULL;
}

int usnet_sysctl_set(struct usnet_net *unet, const char *name, long value)
{
	struct net *net = unet ? (struct net *)unet : net_default();
	const struct sysctl_entry *ent;
	int *p = sysctl_find(net, name, &ent);

	if (!p) {
		errno = ENOENT;
		return -1;
	}
	if (value < ent->min || value > ent->max) {
		errno = EINVAL;
		return -1;
	}
	if (ent->step && value % ent->step)
		value = min_t(long, value + ent->step - value % ent->step,
			      INT_MAX);
	net_lock(net);
	*p = (int)value;
	net_unlock(net);
	return 0;
}

int usnet_sysctl_get(struct usnet_net *unet, const char *name, long *value)
{
	struct net *net = unet ? (struct net *)unet : net_default();
	const struct sysctl_entry *ent;
	int *p = sysctl_find(net, name, &ent);

	if (!p) {
		errno = ENOENT;
		return -1;
	}
	*value = READ_ONCE(*p);
	return 0;
}
