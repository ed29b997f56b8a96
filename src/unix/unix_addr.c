/*
 * unix_addr.c - AF_UNIX names: the per-namespace table, filesystem nodes,
 * abstract names and autobind.
 *
 * A path name is a real socket node made with mknod(2), so that the
 * filesystem gives EADDRINUSE, ENOENT, ENOTDIR and EACCES exactly as it
 * does for Linux's own sockets; the sock is then found by the node's
 * (device, inode), as Linux finds it, never by the string.  Abstract
 * names live only in the table of their namespace.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "lib/alloc.h"
#include "unix/af_unix.h"

struct unix_table {
	struct list_head bound;
};

int unix_net_init(struct net *net)
{
	net->unx = obj_alloc(OBJ_OTHER, sizeof(*net->unx));
	if (!net->unx)
		return -ENOMEM;
	INIT_LIST_HEAD(&net->unx->bound);
	return 0;
}

void unix_net_exit(struct net *net)
{
	obj_free(OBJ_OTHER, net->unx);
}

int unix_validate_addr(const struct sockaddr_un *sun, int len)
{
	if (len <= (int)offsetof(struct sockaddr_un, sun_path) ||
	    len > (int)sizeof(struct sockaddr_un))
		return -EINVAL;
	if (sun->sun_family != AF_UNIX)
		return -EINVAL;
	return 0;
}

/* Linux's unix_mkname_bsd(): the path ends at its first NUL or at the
 * given length; the address length counts one NUL. */
static int unix_mkname_bsd(struct sockaddr_un *sun, int len)
{
	((char *)sun)[len] = 0;
	return (int)(strlen(sun->sun_path) +
		     offsetof(struct sockaddr_un, sun_path) + 1);
}

static struct unix_address *unix_create_addr(const void *name, int len)
{
	struct unix_address *addr = obj_alloc(OBJ_OTHER, sizeof(*addr));

	if (!addr)
		return NULL;
	addr->refcnt = 1;
	addr->len = len;
	memcpy(&addr->storage, name, (size_t)len);
	return addr;
}

void unix_release_addr(struct unix_address *addr)
{
	if (addr && --addr->refcnt == 0)
		obj_free(OBJ_OTHER, addr);
}

static void unix_table_insert(struct sock *sk, struct unix_address *addr)
{
	struct unix_sock *u = unix_sk(sk);

	u->addr = addr;
	list_add_tail(&u->link, &sock_net(sk)->unx->bound);
}

void unix_table_remove(struct sock *sk)
{
	struct unix_sock *u = unix_sk(sk);

	if (!list_empty(&u->link))
		list_del_init(&u->link);
}

/* Abstract names are per socket type: Linux hashes the type into the
 * name, so a stream and a dgram socket may hold the same one. */
static struct unix_sock *
unix_find_abstract_name(struct net *net, const void *name, int len, int type)
{
	struct unix_sock *u;

	list_for_each_entry(u, &net->unx->bound, link)
		if (!u->has_inode && u->sk.sk_type == type &&
		    u->addr->len == len &&
		    memcmp(&u->addr->storage, name, (size_t)len) == 0)
			return u;
	return NULL;
}

static struct unix_sock *unix_find_inode(struct net *net, dev_t dev, ino_t ino)
{
	struct unix_sock *u;

	list_for_each_entry(u, &net->unx->bound, link)
		if (u->has_inode && u->dev == dev && u->ino == ino)
			return u;
	return NULL;
}

int unix_bind_abstract(struct sock *sk, const struct sockaddr_un *sun, int len)
{
	struct unix_address *addr;

	if (unix_sk(sk)->addr)
		return -EINVAL;
	if (unix_find_abstract_name(sock_net(sk), sun, len, sk->sk_type))
		return -EADDRINUSE;
	addr = unix_create_addr(sun, len);
	if (!addr)
		return -ENOMEM;
	unix_table_insert(sk, addr);
	return 0;
}

int unix_bind_path(struct sock *sk, struct sockaddr_un *sun, int len)
{
	struct unix_sock *u = unix_sk(sk);
	struct unix_address *addr;
	struct stat st;
	int saved = errno, err = 0;

	len = unix_mkname_bsd(sun, len);
	/* The mode is the socket inode's 0777; mknod applies the umask. */
	if (mknod(sun->sun_path, S_IFSOCK | 0777, 0) < 0) {
		err = errno == EEXIST ? -EADDRINUSE : -errno;
		goto out;
	}
	if (u->addr) {
		unlink(sun->sun_path);
		err = -EINVAL;
		goto out;
	}
	addr = unix_create_addr(sun, len);
	if (!addr || lstat(sun->sun_path, &st) < 0) {
		unlink(sun->sun_path);
		unix_release_addr(addr);
		err = -ENOMEM;
		goto out;
	}
	u->has_inode = true;
	u->dev = st.st_dev;
	u->ino = st.st_ino;
	unix_table_insert(sk, addr);
out:
	errno = saved;
	return err;
}

int unix_autobind(struct sock *sk)
{
	struct net *net = sock_net(sk);
	struct unix_address *addr;
	struct sockaddr_un sun = { .sun_family = AF_UNIX };
	const int len = (int)offsetof(struct sockaddr_un, sun_path) + 1 + 5;
	uint32_t ordernum, lastnum;

	if (unix_sk(sk)->addr)
		return 0;
	ordernum = net_random_u32(net) & 0xFFFFF;
	lastnum = ordernum;
	for (;;) {
		char hex[8];

		ordernum = (ordernum + 1) & 0xFFFFF;
		snprintf(hex, sizeof(hex), "%05x", ordernum);
		memcpy(sun.sun_path + 1, hex, 5);
		if (!unix_find_abstract_name(net, &sun, len, sk->sk_type))
			break;
		if (ordernum == lastnum)
			return -ENOSPC;
	}
	addr = unix_create_addr(&sun, len);
	if (!addr)
		return -ENOMEM;
	unix_table_insert(sk, addr);
	return 0;
}

static struct unix_sock *unix_find_bsd(struct net *net, struct sockaddr_un *sun,
				       int len, int *err)
{
	struct unix_sock *u;
	struct stat st;
	int saved = errno;

	unix_mkname_bsd(sun, len);
	if (stat(sun->sun_path, &st) < 0) {
		*err = -errno;
		goto out;
	}
	if (faccessat(AT_FDCWD, sun->sun_path, W_OK, AT_EACCESS) < 0) {
		*err = -errno;
		goto out;
	}
	*err = -ECONNREFUSED;
	if (!S_ISSOCK(st.st_mode))
		goto out;
	u = unix_find_inode(net, st.st_dev, st.st_ino);
	errno = saved;
	return u;
out:
	errno = saved;
	return NULL;
}

struct sock *unix_find_other(struct net *net, struct sockaddr_un *sun, int len,
			     int type, int *err)
{
	struct unix_sock *u;

	*err = -ECONNREFUSED;
	if (sun->sun_path[0])
		u = unix_find_bsd(net, sun, len, err);
	else
		u = unix_find_abstract_name(net, sun, len, type);
	if (!u) {
		if (!*err)
			*err = -ECONNREFUSED;
		return NULL;
	}
	if (u->sk.sk_type != type) {
		*err = -EPROTOTYPE;
		return NULL;
	}
	*err = 0;
	sock_hold(&u->sk);
	return &u->sk;
}
