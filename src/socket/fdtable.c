/*
 * fdtable.c - the descriptor table: lowest free number, dup, close.
 *
 * The table lock covers the slots only; files are released (fput) after
 * it is dropped, since releasing a socket may take the namespace lock and
 * wake epoll waiters.
 */
#include "socket/fdtable.h"

#include <errno.h>
#include <linux/close_range.h>
#include <string.h>
#include <sys/resource.h>

#include "lib/alloc.h"

#define FD_HARD_MAX (1u << 20)

struct files_struct *files_create(void)
{
	struct files_struct *files = obj_alloc(OBJ_OTHER, sizeof(*files));
	struct rlimit rl;

	if (!files)
		return NULL;
	pthread_mutex_init(&files->lock, NULL);
	files->rlimit = FD_HARD_MAX;
	if (getrlimit(RLIMIT_NOFILE, &rl) == 0 && rl.rlim_cur < FD_HARD_MAX)
		files->rlimit = (unsigned int)rl.rlim_cur;
	return files;
}

void files_destroy(struct files_struct *files)
{
	close_range_fds(files, 0, ~0u, 0);
	obj_free(OBJ_OTHER, files->fd);
	obj_free(OBJ_OTHER, files->cloexec);
	pthread_mutex_destroy(&files->lock);
	obj_free(OBJ_OTHER, files);
}

static pthread_once_t files_once = PTHREAD_ONCE_INIT;
static struct files_struct *process_files;

static void process_files_init(void)
{
	process_files = files_create();
}

struct files_struct *current_files(void)
{
	pthread_once(&files_once, process_files_init);
	return process_files;
}

/* Make room for slot @nr; called with the lock held. */
static int expand_files(struct files_struct *files, unsigned int nr)
{
	unsigned int n = files->max_fds ? files->max_fds : 64;
	struct file **fd;
	unsigned char *ce;

	if (nr < files->max_fds)
		return 0;
	while (n <= nr)
		n *= 2;
	fd = obj_realloc(OBJ_OTHER, files->fd, n * sizeof(*fd));
	if (!fd)
		return -ENOMEM;
	files->fd = fd;
	ce = obj_realloc(OBJ_OTHER, files->cloexec, n);
	if (!ce)
		return -ENOMEM;
	files->cloexec = ce;
	memset(fd + files->max_fds, 0, (n - files->max_fds) * sizeof(*fd));
	memset(ce + files->max_fds, 0, n - files->max_fds);
	files->max_fds = n;
	return 0;
}

/* The lowest free slot >= @start, made available; lock held. */
static int alloc_fd_locked(struct files_struct *files, unsigned int start)
{
	unsigned int nr = start > files->next_fd ? start : files->next_fd;
	int err;

	while (nr < files->max_fds && files->fd[nr])
		nr++;
	if (nr >= files->rlimit)
		return -EMFILE;
	err = expand_files(files, nr);
	if (err)
		return err;
	if (start <= files->next_fd)
		files->next_fd = nr + 1;
	return (int)nr;
}

static void install_locked(struct files_struct *files, int fd, struct file *f,
			   bool cloexec)
{
	files->fd[fd] = f;
	files->cloexec[fd] = cloexec;
}

int fd_install_new(struct files_struct *files, struct file *f, bool cloexec)
{
	int fd;

	pthread_mutex_lock(&files->lock);
	fd = alloc_fd_locked(files, 0);
	if (fd >= 0)
		install_locked(files, fd, f, cloexec);
	pthread_mutex_unlock(&files->lock);
	return fd;
}

struct file *fget(struct files_struct *files, int fd)
{
	struct file *f = NULL;

	if (fd < 0)
		return NULL;
	pthread_mutex_lock(&files->lock);
	if ((unsigned int)fd < files->max_fds && files->fd[fd])
		f = get_file(files->fd[fd]);
	pthread_mutex_unlock(&files->lock);
	return f;
}

/* Empty slot @fd and hand back its file; lock held. */
static struct file *pick_file(struct files_struct *files, unsigned int fd)
{
	struct file *f;

	if (fd >= files->max_fds || !files->fd[fd])
		return NULL;
	f = files->fd[fd];
	files->fd[fd] = NULL;
	files->cloexec[fd] = 0;
	if (fd < files->next_fd)
		files->next_fd = fd;
	return f;
}

int close_fd(struct files_struct *files, int fd)
{
	struct file *f = NULL;

	pthread_mutex_lock(&files->lock);
	if (fd >= 0)
		f = pick_file(files, (unsigned int)fd);
	pthread_mutex_unlock(&files->lock);
	if (!f)
		return -EBADF;
	fput(f);
	return 0;
}

int close_range_fds(struct files_struct *files, unsigned int first,
		    unsigned int last, unsigned int flags)
{
	if (flags & ~(CLOSE_RANGE_UNSHARE | CLOSE_RANGE_CLOEXEC))
		return -EINVAL;
	if (first > last)
		return -EINVAL;
	for (;;) {
		struct file *f = NULL;
		unsigned int fd;

		pthread_mutex_lock(&files->lock);
		if (last >= files->max_fds)
			last = files->max_fds ? files->max_fds - 1 : 0;
		for (fd = first; fd <= last && fd < files->max_fds; fd++) {
			if (!files->fd[fd])
				continue;
			if (flags & CLOSE_RANGE_CLOEXEC) {
				files->cloexec[fd] = 1;
				continue;
			}
			f = pick_file(files, fd);
			break;
		}
		pthread_mutex_unlock(&files->lock);
		if (!f)
			return 0;
		fput(f);
		first = fd + 1;
	}
}

int dup_fd_min(struct files_struct *files, int oldfd, int minfd, bool cloexec)
{
	struct file *f;
	int fd;

	pthread_mutex_lock(&files->lock);
	if (oldfd < 0 || (unsigned int)oldfd >= files->max_fds ||
	    !files->fd[oldfd]) {
		fd = -EBADF;
		goto out;
	}
	if (minfd < 0 || (unsigned int)minfd >= files->rlimit) {
		fd = -EINVAL;
		goto out;
	}
	f = files->fd[oldfd];
	fd = alloc_fd_locked(files, (unsigned int)minfd);
	if (fd >= 0)
		install_locked(files, fd, get_file(f), cloexec);
out:
	pthread_mutex_unlock(&files->lock);
	return fd;
}

int dup_fd_to(struct files_struct *files, int oldfd, int newfd, bool cloexec)
{
	struct file *f, *old = NULL;
	int err;

	pthread_mutex_lock(&files->lock);
	if (oldfd < 0 || (unsigned int)oldfd >= files->max_fds ||
	    !files->fd[oldfd]) {
		err = -EBADF;
		goto out;
	}
	if (newfd < 0 || (unsigned int)newfd >= files->rlimit) {
		err = -EBADF;
		goto out;
	}
	err = expand_files(files, (unsigned int)newfd);
	if (err)
		goto out;
	f = get_file(files->fd[oldfd]);
	old = files->fd[newfd];
	install_locked(files, newfd, f, cloexec);
	err = newfd;
out:
	pthread_mutex_unlock(&files->lock);
	if (old)
		fput(old);
	return err;
}

int fd_get_cloexec(struct files_struct *files, int fd)
{
	int ret = -EBADF;

	pthread_mutex_lock(&files->lock);
	if (fd >= 0 && (unsigned int)fd < files->max_fds && files->fd[fd])
		ret = files->cloexec[fd];
	pthread_mutex_unlock(&files->lock);
	return ret;
}

int fd_set_cloexec(struct files_struct *files, int fd, bool on)
{
	int ret = -EBADF;

	pthread_mutex_lock(&files->lock);
	if (fd >= 0 && (unsigned int)fd < files->max_fds && files->fd[fd]) {
		files->cloexec[fd] = on;
		ret = 0;
	}
	pthread_mutex_unlock(&files->lock);
	return ret;
}
