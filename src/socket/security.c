/*
 * security.c - the hook points and the embedder's policy.
 *
 * The policy is read without a lock on every call: installing one is meant
 * to happen before sockets are in use, as an LSM is chosen at boot.
 */
#include "socket/security.h"

#include <pthread.h>
#include <stdatomic.h>
#include <stdbool.h>

#include <usnet/net.h>

#include "core/creds.h"

static struct usnet_security_ops policy;
static _Atomic bool policy_installed;
static pthread_mutex_t policy_lock = PTHREAD_MUTEX_INITIALIZER;

void usnet_security_install(const struct usnet_security_ops *ops)
{
	pthread_mutex_lock(&policy_lock);
	atomic_store(&policy_installed, false);
	if (ops) {
		policy = *ops;
		atomic_store(&policy_installed, true);
	}
	pthread_mutex_unlock(&policy_lock);
}

static inline bool have_policy(void)
{
	return atomic_load_explicit(&policy_installed, memory_order_acquire);
}

#define CALL_HOOK(hook, ...)                            \
	do {                                            \
		struct usnet_cred cred;                 \
		if (!have_policy() || !policy.hook)     \
			return 0;                       \
		current_cred(&cred);                    \
		return policy.hook(&cred, __VA_ARGS__); \
	} while (0)

int security_socket_create(int family, int type, int protocol, int kern)
{
	if (kern)
		return 0;
	CALL_HOOK(socket_create, family, type, protocol);
}

int security_socket_bind(int fd, const struct sockaddr *addr, int len)
{
	CALL_HOOK(socket_bind, fd, addr, (socklen_t)len);
}

int security_socket_connect(int fd, const struct sockaddr *addr, int len)
{
	CALL_HOOK(socket_connect, fd, addr, (socklen_t)len);
}

int security_socket_listen(int fd, int backlog)
{
	CALL_HOOK(socket_listen, fd, backlog);
}

int security_socket_accept(int fd)
{
	CALL_HOOK(socket_accept, fd);
}

int security_socket_sendmsg(int fd, size_t len)
{
	CALL_HOOK(socket_sendmsg, fd, len);
}

int security_socket_recvmsg(int fd, size_t len, int flags)
{
	CALL_HOOK(socket_recvmsg, fd, len, flags);
}

int security_socket_setsockopt(int fd, int level, int optname)
{
	CALL_HOOK(socket_setsockopt, fd, level, optname);
}
