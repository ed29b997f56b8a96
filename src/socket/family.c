/*
 * family.c - the registry of protocol families (Linux's net_families[]).
 *
 * Families register at run time; socket() finds the one asked for here.
 * The built-in families are registered once, on first use.
 */
#include <pthread.h>

#include "socket/socket.h"
#include "inet/inet_sock.h"
#include "unix/af_unix.h"

static const struct net_proto_family *_Atomic net_families[AF_MAX];
static pthread_mutex_t families_lock = PTHREAD_MUTEX_INITIALIZER;

int sock_register(const struct net_proto_family *ops)
{
	int err = 0;

	if (ops->family < 0 || ops->family >= AF_MAX)
		return -ENOBUFS;
	pthread_mutex_lock(&families_lock);
	if (atomic_load(&net_families[ops->family]))
		err = -EEXIST;
	else
		atomic_store(&net_families[ops->family], ops);
	pthread_mutex_unlock(&families_lock);
	return err;
}

void sock_unregister(int family)
{
	if (family < 0 || family >= AF_MAX)
		return;
	pthread_mutex_lock(&families_lock);
	atomic_store(&net_families[family], NULL);
	pthread_mutex_unlock(&families_lock);
}

static pthread_once_t families_once = PTHREAD_ONCE_INIT;

static void families_init_once(void)
{
	af_unix_init();
	inet_init();
}

void sock_families_init(void)
{
	pthread_once(&families_once, families_init_once);
}

const struct net_proto_family *sock_family_get(int family)
{
	sock_families_init();
	return atomic_load_explicit(&net_families[family],
				    memory_order_acquire);
}
