/*
 * fdtable.c - the descriptor table: lowest free number, dup, close.
 *
 * The table lock covers the slots only; files are released (fput) after
 * it is dropped, since releasing a socket may take the namespace lock and
 * wake epoll waiters.
 */
#include "lib/mutex.h"
#include "socket/fdtable.h"

#include <errno.h>
#include <linux/close_range.h>
#include <string.h>
#include <sys/resource.h>

#include "lib/alloc.h"

/* A slot taken by get_unused_fd() whose file is not installed yet. */
#define FD_RESERVED ((struct file *)1)

#define FD_HARD_MAX (1u << 20)

struct files_struct *files_create(void)
{
	struct files_struct *files = obj_alloc(OBJ_OTHER, sizeof(*files));
	struct rlimit rl;

	if (!files)
		return NULL;
	stack_mutex_init(&files->lock);
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

static struct files_struct *_Atomic process_files;
static pthread_mutex_t process_files_lock = PTHREAD_MUTEX_INITIALIZER;

/* Made on first use; when that allocation fails, the next call tries again
 * (NULL means -ENOMEM to the caller). */
struct files_struct *current_files(void)
{
	struct files_struct *files =
		atomic_load_explicit(&process_files, memory_order_acquire);

	if (likely(files))
		return files;
	pthread_mutex_lock(&process_files_lock);
	files = atomic_load(&process_files);
	if (!files) {
		files = files_create();
		atomic_store_explicit(&process_files, files,
				      memory_order_release);
	}
	pthread_mutex_unlock(&process_files_lock);
	return files;
}

/* The open file at @fd, or NULL (free, reserved, out of range); lock held. */
static struct file *slot_file(const struct files_struct *files, int fd)
{
	struct file *f;

	if (fd < 0 || (unsigned int)fd >= files->max_fds)
		return NULL;
	f = files->fd[fd];
	return f == FD_RESERVED ? NULL : f;
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

int get_unused_fd(struct files_struct *files, bool cloexec)
{
	int fd;

	pthread_mutex_lock(&files->lock);
	fd = alloc_fd_locked(files, 0);
	if (fd >= 0)
		install_locked(files, fd, FD_RESERVED, cloexec);
	pthread_mutex_unlock(&files->lock);
	return fd;
}

void put_unused_fd(struct files_struct *files, int fd)
{
	pthread_mutex_lock(&files->lock);
	files->fd[fd] = NULL;
	files->cloexec[fd] = 0;
	if ((unsigned int)fd < files->next_fd)
		files->next_fd = (unsigned int)fd;
	pthread_mutex_unlock(&files->lock);
}

void fd_install(struct files_struct *files, int fd, struct file *f)
{
	pthread_mutex_lock(&files->lock);
	files->fd[fd] = f;
	pthread_mutex_unlock(&files->lock);
}

int fd_install_new(struct files_struct *files, struct file *f, bool cloexec)
{
	int fd = get_unused_fd(files, cloexec);

	if (fd >= 0)
		fd_install(files, fd, f);
	return fd;
}

struct file *fget(struct files_struct *files, int fd)
{
	struct file *f = NULL;

	if (fd < 0)
		return NULL;
	pthread_mutex_lock(&files->lock);
	f = slot_file(files, fd);
	if (f)
		get_file(f);
	pthread_mutex_unlock(&files->lock);
	return f;
}

/* Empty slot @fd and hand back its file; lock held. */
static struct file *pick_file(struct files_struct *files, unsigned int fd)
{
	struct file *f;

	f = slot_file(files, (int)fd);
	if (!f)
		return NULL;
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
			if (!slot_file(files, (int)fd))
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
	f = slot_file(files, oldfd);
	if (!f) {
		fd = -EBADF;
		goto out;
	}
	if (minfd < 0 || (unsigned int)minfd >= files->rlimit) {
		fd = -EINVAL;
		goto out;
	}
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
	f = slot_file(files, oldfd);
	if (!f || newfd < 0 || (unsigned int)newfd >= files->rlimit) {
		err = -EBADF;
		goto out;
	}
	err = expand_files(files, (unsigned int)newfd);
	if (err)
		goto out;
	/* Linux: a number reserved by a call still in progress is busy. */
	if (files->fd[newfd] == FD_RESERVED) {
		err = -EBUSY;
		goto out;
	}
	old = files->fd[newfd];
	install_locked(files, newfd, get_file(f), cloexec);
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
	if (slot_file(files, fd))
		ret = files->cloexec[fd];
	pthread_mutex_unlock(&files->lock);
	return ret;
}

int fd_set_cloexec(struct files_struct *files, int fd, bool on)
{
	int ret = -EBADF;

	pthread_mutex_lock(&files->lock);
	if (slot_file(files, fd)) {
		files->cloexec[fd] = on;
		ret = 0;
	}
	pthread_mutex_unlock(&files->lock);
	return ret;
}
