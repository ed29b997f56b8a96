/*
 * api.c - fixtures shared by every dual-target API test.
 */
#include "api.h"

#include <ftw.h>
#include <grp.h>
#include <sys/syscall.h>

int real_close(int fd)
{
	return (int)syscall(SYS_close, fd);
}

ssize_t real_read(int fd, void *buf, size_t len)
{
	return syscall(SYS_read, fd, buf, len);
}

ssize_t real_write(int fd, const void *buf, size_t len)
{
	return syscall(SYS_write, fd, buf, len);
}

static char tmpdir[64];
static char pathbuf[sizeof(((struct sockaddr_un *)0)->sun_path)];
static unsigned int abstract_seq;

void api_setup(void)
{
	snprintf(tmpdir, sizeof(tmpdir), "/tmp/usnet-api-XXXXXX");
	cr_assert(mkdtemp(tmpdir) != NULL, "mkdtemp: %s", strerror(errno));
	chmod(tmpdir, 0777);
	/* Owned by the user api_drop_privileges() becomes, so that teardown
	 * can remove it from the sticky /tmp after a test dropped root. */
	if (geteuid() == 0 && chown(tmpdir, 65534, 65534) != 0)
		cr_log_warn("chown %s: %s", tmpdir, strerror(errno));
}

static int rm_one(const char *path, const struct stat *st, int flag,
		  struct FTW *ftw)
{
	(void)st;
	(void)flag;
	(void)ftw;
	return remove(path);
}

void api_teardown(void)
{
#ifdef API_TARGET_USNET
	struct usnet_objects live;

	usnet_close_range(0, ~0U, 0);
	usnet_objects_live(&live);
	cr_expect(live.sockets == 0 && live.socks == 0 && live.skbs == 0 &&
			  live.files == 0 && live.epitems == 0,
		  "objects left alive: %lu sockets, %lu socks, %lu skbs, "
		  "%lu files, %lu epitems",
		  live.sockets, live.socks, live.skbs, live.files,
		  live.epitems);
#endif
	if (tmpdir[0])
		nftw(tmpdir, rm_one, 16, FTW_DEPTH | FTW_PHYS);
}

const char *api_path(const char *name)
{
	if (snprintf(pathbuf, sizeof(pathbuf), "%s/%s", tmpdir, name) >=
	    (int)sizeof(pathbuf))
		cr_assert_fail("api_path: name too long");
	return pathbuf;
}

socklen_t api_sun(struct sockaddr_un *sun, const char *path)
{
	memset(sun, 0, sizeof(*sun));
	sun->sun_family = AF_UNIX;
	strncpy(sun->sun_path, path, sizeof(sun->sun_path) - 1);
	return (socklen_t)(offsetof(struct sockaddr_un, sun_path) +
			   strlen(sun->sun_path) + 1);
}

socklen_t api_sun_abstract(struct sockaddr_un *sun, const char *name)
{
	int n;

	memset(sun, 0, sizeof(*sun));
	sun->sun_family = AF_UNIX;
	n = snprintf(sun->sun_path + 1, sizeof(sun->sun_path) - 1,
		     "usnet-api-%d-%u-%s", (int)getpid(), abstract_seq++, name);
	return (socklen_t)(offsetof(struct sockaddr_un, sun_path) + 1 + n);
}

void api_drop_privileges(void)
{
	cr_assert(setgroups(0, NULL) == 0);
	cr_assert(setgid(65534) == 0);
	cr_assert(setuid(65534) == 0);
}
