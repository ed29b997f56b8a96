/*
 * fdtable.c - unit tests for src/socket/fdtable.c: descriptor numbers,
 * dup, close, close-on-exec, growth and limits, on private tables made by
 * files_create() and filled with files whose release is counted.
 */
#include <criterion/criterion.h>
#include <errno.h>
#include <linux/close_range.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/un.h>

#include <usnet/usnet.h>

#include "lib/alloc.h"
#include "socket/fdtable.h"
#include "socket/file.h"

/* What a test file points at: how often it was released. */
struct tfile {
	int released;
};

static void tfile_release(struct file *f)
{
	struct tfile *t = f->private_data;

	t->released++;
}

static const struct file_operations tfile_fops = {
	.release = tfile_release,
};

static struct file *tfile_new(struct tfile *t)
{
	struct file *f = alloc_file(&tfile_fops, t, 0);

	cr_assert_not_null(f);
	return f;
}

/* A new file, installed at the lowest free number. */
static int tfile_install(struct files_struct *ft, struct tfile *t, bool cloexec)
{
	struct file *f = tfile_new(t);
	int fd = fd_install_new(ft, f, cloexec);

	cr_assert_geq(fd, 0, "fd_install_new: %d", fd);
	return fd;
}

/* The file behind @fd, without keeping a reference. */
static struct file *peek(struct files_struct *ft, int fd)
{
	struct file *f = fget(ft, fd);

	if (f)
		fput(f);
	return f;
}

static struct usnet_objects live_at_start;
static struct files_struct *files;

static void setup(void)
{
	usnet_alloc_fail_at(0, 0);
	usnet_objects_live(&live_at_start);
	files = files_create();
	cr_assert_not_null(files);
}

static void teardown(void)
{
	struct usnet_objects now;

	if (files)
		files_destroy(files);
	files = NULL;
	usnet_alloc_fail_at(0, 0);
	usnet_objects_live(&now);
	cr_expect_eq(now.files, live_at_start.files, "files leaked");
	cr_expect_eq(now.other, live_at_start.other, "tables leaked");
	cr_expect_eq(now.bytes, live_at_start.bytes, "bytes leaked");
}

TestSuite(fdtable, .init = setup, .fini = teardown);

Test(fdtable, empty_table)
{
	cr_assert_null(fget(files, 0));
	cr_assert_null(fget(files, -1));
	cr_assert_null(fget(files, 1 << 20));
	cr_assert_eq(close_fd(files, 0), -EBADF);
	cr_assert_eq(fd_get_cloexec(files, 0), -EBADF);
	cr_assert_eq(fd_set_cloexec(files, 0, true), -EBADF);
	cr_assert_eq(dup_fd_min(files, 0, 0, false), -EBADF);
	cr_assert_eq(dup_fd_to(files, 0, 1, false), -EBADF);
	cr_assert_eq(close_range_fds(files, 0, ~0u, 0), 0);
	cr_assert_eq(close_range_fds(files, 0, ~0u, CLOSE_RANGE_CLOEXEC), 0);
}

Test(fdtable, lowest_free_number)
{
	static struct tfile t[6] = { { 0 } };
	struct file *f;

	cr_assert_eq(tfile_install(files, &t[0], false), 0);
	cr_assert_eq(tfile_install(files, &t[1], false), 1);
	cr_assert_eq(tfile_install(files, &t[2], false), 2);
	cr_assert_eq(tfile_install(files, &t[3], false), 3);
	cr_assert_eq(close_fd(files, 1), 0);
	cr_assert_eq(close_fd(files, 2), 0);
	cr_assert_eq(tfile_install(files, &t[4], false), 1);
	cr_assert_eq(close_fd(files, 0), 0);
	cr_assert_eq(tfile_install(files, &t[5], false), 0);
	/* 2 is still the hole below the end. */
	f = tfile_new(&t[0]);
	cr_assert_eq(fd_install_new(files, f, false), 2);
	f = tfile_new(&t[0]);
	cr_assert_eq(fd_install_new(files, f, false), 4);
	cr_assert_eq(peek(files, 1)->private_data, &t[4]);
	cr_assert_eq(peek(files, 3)->private_data, &t[3]);
	cr_assert_eq(t[1].released, 1);
	cr_assert_eq(t[2].released, 1);
}

Test(fdtable, fget_takes_a_reference)
{
	static struct tfile t = { 0 };
	int fd = tfile_install(files, &t, false);
	struct file *f = fget(files, fd);

	cr_assert_not_null(f);
	cr_assert_eq(file_count(f), 2);
	cr_assert_eq(f->f_op, &tfile_fops);
	/* Closing the number leaves the file to the holder. */
	cr_assert_eq(close_fd(files, fd), 0);
	cr_assert_eq(t.released, 0);
	cr_assert_null(fget(files, fd));
	fput(f);
	cr_assert_eq(t.released, 1);
}

Test(fdtable, dup_fd_min)
{
	static struct tfile a = { 0 }, b = { 0 }, c = { 0 };
	struct file *fa;
	int fd;

	cr_assert_eq(tfile_install(files, &a, false), 0);
	cr_assert_eq(tfile_install(files, &b, false), 1);
	fa = peek(files, 0);

	/* dup(): lowest free. */
	cr_assert_eq(dup_fd_min(files, 0, 0, false), 2);
	cr_assert_eq(peek(files, 2), fa);
	cr_assert_eq(file_count(fa), 2);
	/* F_DUPFD with a floor; F_DUPFD_CLOEXEC sets the bit on the new
	 * number only. */
	cr_assert_eq(dup_fd_min(files, 0, 10, true), 10);
	cr_assert_eq(fd_get_cloexec(files, 10), 1);
	cr_assert_eq(fd_get_cloexec(files, 0), 0);
	cr_assert_eq(dup_fd_min(files, 1, 10, false), 11);
	cr_assert_eq(dup_fd_min(files, 1, 5, false), 5);
	/* A floor far above the table grows it. */
	cr_assert_eq(dup_fd_min(files, 1, 3000, false), 3000);
	cr_assert_eq(peek(files, 3000)->private_data, &b);
	/* The floor did not disturb the lowest-free search. */
	cr_assert_eq(dup_fd_min(files, 0, 0, false), 3);
	fd = tfile_install(files, &c, false);
	cr_assert_eq(fd, 4);
	cr_assert_eq(close_fd(files, fd), 0);
	cr_assert_eq(c.released, 1);
	cr_assert_eq(b.released, 0);
	cr_assert_eq(file_count(fa), 4);

	/* Errors: bad old number, bad floor. */
	cr_assert_eq(dup_fd_min(files, 7, 0, false), -EBADF);
	cr_assert_eq(dup_fd_min(files, -1, 0, false), -EBADF);
	cr_assert_eq(dup_fd_min(files, 100000, 0, false), -EBADF);
	cr_assert_eq(dup_fd_min(files, 0, -1, false), -EINVAL);
	cr_assert_eq(dup_fd_min(files, 0, (int)files->rlimit, false), -EINVAL);
	cr_assert_eq(file_count(fa), 4);
}

Test(fdtable, dup_fd_to_replaces_and_releases_old)
{
	static struct tfile a = { 0 }, b = { 0 };
	struct file *fa;

	cr_assert_eq(tfile_install(files, &a, false), 0);
	cr_assert_eq(tfile_install(files, &b, true), 1);
	fa = peek(files, 0);

	cr_assert_eq(dup_fd_to(files, 0, 1, false), 1);
	cr_assert_eq(b.released, 1, "the file at newfd is released");
	cr_assert_eq(a.released, 0);
	cr_assert_eq(peek(files, 1), fa);
	cr_assert_eq(fd_get_cloexec(files, 1), 0,
		     "cloexec comes from the call, not the old descriptor");
	cr_assert_eq(file_count(fa), 2);

	/* Onto a free number, far out: the table grows. */
	cr_assert_eq(dup_fd_to(files, 0, 700, true), 700);
	cr_assert_eq(fd_get_cloexec(files, 700), 1);
	cr_assert_eq(peek(files, 700), fa);
	/* The lowest free number is still 2. */
	cr_assert_eq(dup_fd_min(files, 0, 0, false), 2);

	/* Onto itself: nothing is released. */
	cr_assert_eq(dup_fd_to(files, 0, 0, false), 0);
	cr_assert_eq(a.released, 0);
	cr_assert_eq(peek(files, 0), fa);
	cr_assert_eq(file_count(fa), 4);

	/* Errors leave newfd alone. */
	cr_assert_eq(dup_fd_to(files, 5, 1, false), -EBADF);
	cr_assert_eq(dup_fd_to(files, -1, 1, false), -EBADF);
	cr_assert_eq(dup_fd_to(files, 0, -1, false), -EBADF);
	cr_assert_eq(dup_fd_to(files, 0, (int)files->rlimit, false), -EBADF);
	cr_assert_eq(peek(files, 1), fa);
	cr_assert_eq(file_count(fa), 4);

	cr_assert_eq(close_range_fds(files, 0, ~0u, 0), 0);
	cr_assert_eq(a.released, 1);
	cr_assert_eq(b.released, 1);
}

Test(fdtable, close_fd_ebadf)
{
	static struct tfile t = { 0 };
	int fd = tfile_install(files, &t, false);

	cr_assert_eq(close_fd(files, -1), -EBADF);
	cr_assert_eq(close_fd(files, fd + 1), -EBADF);
	cr_assert_eq(close_fd(files, 63), -EBADF);
	cr_assert_eq(close_fd(files, 64), -EBADF);
	cr_assert_eq(close_fd(files, 1 << 30), -EBADF);
	cr_assert_eq(close_fd(files, fd), 0);
	cr_assert_eq(close_fd(files, fd), -EBADF, "second close");
	cr_assert_eq(t.released, 1);
}

Test(fdtable, close_range)
{
	static struct tfile t[10] = { { 0 } };

	for (int i = 0; i < 10; i++)
		cr_assert_eq(tfile_install(files, &t[i], false), i);

	cr_assert_eq(close_range_fds(files, 5, 4, 0), -EINVAL);
	cr_assert_eq(close_range_fds(files, 0, 9, 0x80), -EINVAL);
	for (int i = 0; i < 10; i++)
		cr_assert_eq(t[i].released, 0);

	cr_assert_eq(close_range_fds(files, 3, 5, 0), 0);
	for (int i = 0; i < 10; i++) {
		bool gone = i >= 3 && i <= 5;

		cr_assert_eq(t[i].released, gone, "fd %d", i);
		cr_assert_eq(peek(files, i) == NULL, gone, "fd %d", i);
	}
	/* Holes and a range past the end are fine. */
	cr_assert_eq(close_range_fds(files, 2, 4, 0), 0);
	cr_assert_eq(t[2].released, 1);
	cr_assert_eq(close_range_fds(files, 500, 1000, 0), 0);
	cr_assert_eq(close_range_fds(files, 9, 9, 0), 0);
	cr_assert_eq(t[9].released, 1);
	cr_assert_eq(t[8].released, 0);

	/* CLOSE_RANGE_CLOEXEC marks instead of closing. */
	cr_assert_eq(close_range_fds(files, 6, ~0u, CLOSE_RANGE_CLOEXEC), 0);
	for (int i = 0; i < 10; i++) {
		int want = (i >= 6 && i <= 8) ? 1 :
						(peek(files, i) ? 0 : -EBADF);

		cr_assert_eq(fd_get_cloexec(files, i), want, "fd %d", i);
	}
	cr_assert_eq(t[6].released, 0);
	/* The marks go with the descriptors: a new one starts clear. */
	cr_assert_eq(tfile_install(files, &t[2], false), 2);
	cr_assert_eq(fd_get_cloexec(files, 2), 0);

	/* Everything. */
	cr_assert_eq(close_range_fds(files, 0, ~0u, 0), 0);
	for (int i = 0; i < 10; i++)
		cr_assert_null(fget(files, i));
	cr_assert_eq(t[2].released, 2);
	for (int i = 0; i < 10; i++)
		if (i != 2)
			cr_assert_eq(t[i].released, 1, "fd %d", i);
	cr_assert_eq(tfile_install(files, &t[0], false), 0);
}

Test(fdtable, cloexec_get_set)
{
	static struct tfile t = { 0 };
	int a = tfile_install(files, &t, false);
	int b = tfile_install(files, &t, true);

	cr_assert_eq(fd_get_cloexec(files, a), 0);
	cr_assert_eq(fd_get_cloexec(files, b), 1);
	cr_assert_eq(fd_set_cloexec(files, a, true), 0);
	cr_assert_eq(fd_get_cloexec(files, a), 1);
	cr_assert_eq(fd_set_cloexec(files, b, false), 0);
	cr_assert_eq(fd_get_cloexec(files, b), 0);
	cr_assert_eq(fd_get_cloexec(files, -1), -EBADF);
	cr_assert_eq(fd_set_cloexec(files, -1, true), -EBADF);
	cr_assert_eq(fd_get_cloexec(files, 2), -EBADF);
	cr_assert_eq(fd_set_cloexec(files, 2, true), -EBADF);
	cr_assert_eq(fd_get_cloexec(files, 100000), -EBADF);
	/* Closing clears the bit: the number comes back clear. */
	cr_assert_eq(close_fd(files, a), 0);
	cr_assert_eq(tfile_install(files, &t, false), a);
	cr_assert_eq(fd_get_cloexec(files, a), 0);
	/* dup() never copies the bit. */
	cr_assert_eq(fd_set_cloexec(files, a, true), 0);
	cr_assert_eq(fd_get_cloexec(files, dup_fd_min(files, a, 0, false)), 0);
}

Test(fdtable, released_once_at_last_descriptor)
{
	static struct tfile t = { 0 };
	struct file *f;
	int fd = tfile_install(files, &t, false);
	int d1 = dup_fd_min(files, fd, 0, false);
	int d2 = dup_fd_to(files, fd, 40, false);
	int d3 = dup_fd_min(files, fd, 100, true);

	cr_assert_geq(d1, 0);
	cr_assert_eq(d2, 40);
	cr_assert_eq(d3, 100);
	f = peek(files, fd);
	cr_assert_eq(file_count(f), 4);
	cr_assert_eq(close_fd(files, d2), 0);
	cr_assert_eq(close_fd(files, fd), 0);
	cr_assert_eq(close_range_fds(files, 99, 100, 0), 0);
	cr_assert_eq(t.released, 0);
	cr_assert_eq(file_count(f), 1);
	cr_assert_eq(close_fd(files, d1), 0);
	cr_assert_eq(t.released, 1);
	/* Nothing left to release twice. */
	cr_assert_eq(close_range_fds(files, 0, ~0u, 0), 0);
	cr_assert_eq(t.released, 1);
}

Test(fdtable, released_once_by_destroy)
{
	static struct tfile t[3] = { { 0 } };
	struct usnet_objects o;

	tfile_install(files, &t[0], false);
	tfile_install(files, &t[1], false);
	dup_fd_to(files, 1, 300, false);
	tfile_install(files, &t[2], true);
	files_destroy(files);
	files = NULL;
	for (int i = 0; i < 3; i++)
		cr_assert_eq(t[i].released, 1, "file %d", i);
	usnet_objects_live(&o);
	cr_assert_eq(o.files, live_at_start.files);
}

static void grow_to(unsigned int n)
{
	struct tfile *t = calloc(n, sizeof(*t));

	cr_assert_not_null(t);
	for (unsigned int i = 0; i < n; i++)
		cr_assert_eq(tfile_install(files, &t[i], i % 3 == 0), (int)i);
	cr_assert_geq(files->max_fds, n);
	for (unsigned int i = 0; i < n; i++) {
		cr_assert_eq(peek(files, (int)i)->private_data, &t[i], "fd %u",
			     i);
		cr_assert_eq(fd_get_cloexec(files, (int)i), i % 3 == 0, "fd %u",
			     i);
	}
	cr_assert_null(fget(files, (int)n));
	/* Punch a hole low down, fill it, then close everything. */
	cr_assert_eq(close_fd(files, 7), 0);
	cr_assert_eq(tfile_install(files, &t[7], false), 7);
	cr_assert_eq(close_range_fds(files, 0, ~0u, 0), 0);
	for (unsigned int i = 0; i < n; i++)
		cr_assert_eq(t[i].released, i == 7 ? 2 : 1, "fd %u", i);
	free(t);
}

Test(fdtable, grows_past_64)
{
	grow_to(65);
}

Test(fdtable, grows_past_128)
{
	grow_to(200);
}

Test(fdtable, grows_past_1024)
{
	if (files->rlimit < 2100)
		files->rlimit = 2100;
	grow_to(2100);
}

Test(fdtable, grows_by_dup_to_high_number)
{
	static struct tfile t = { 0 };

	if (files->rlimit < 5000)
		files->rlimit = 5000;
	tfile_install(files, &t, false);
	cr_assert_eq(dup_fd_to(files, 0, 4999, false), 4999);
	cr_assert_geq(files->max_fds, 5000);
	cr_assert_eq(dup_fd_to(files, 0, 1024, false), 1024);
	cr_assert_eq(dup_fd_to(files, 0, 64, false), 64);
	cr_assert_eq(tfile_install(files, &t, false), 1);
	cr_assert_eq(close_range_fds(files, 0, ~0u, 0), 0);
	cr_assert_eq(t.released, 2);
}

Test(fdtable, emfile_at_rlimit)
{
	static struct tfile t[6] = { { 0 } };
	struct file *extra;

	files->rlimit = 5;
	for (int i = 0; i < 5; i++)
		cr_assert_eq(tfile_install(files, &t[i], false), i);
	extra = tfile_new(&t[5]);
	cr_assert_eq(fd_install_new(files, extra, false), -EMFILE);
	/* On failure the caller still owns the file. */
	cr_assert_eq(file_count(extra), 1);
	cr_assert_eq(t[5].released, 0);
	cr_assert_eq(dup_fd_min(files, 0, 0, false), -EMFILE);
	cr_assert_eq(dup_fd_min(files, 0, 3, false), -EMFILE);
	cr_assert_eq(dup_fd_min(files, 0, 5, false), -EINVAL);
	cr_assert_eq(dup_fd_to(files, 0, 5, false), -EBADF);
	/* Replacing inside the limit still works. */
	cr_assert_eq(dup_fd_to(files, 0, 4, false), 4);
	cr_assert_eq(t[4].released, 1);
	/* A free number below the limit can be used again. */
	cr_assert_eq(close_fd(files, 2), 0);
	cr_assert_eq(fd_install_new(files, extra, false), 2);
	cr_assert_eq(peek(files, 2), extra);
	extra = tfile_new(&t[5]);
	cr_assert_eq(fd_install_new(files, extra, false), -EMFILE);
	fput(extra);
	cr_assert_eq(t[5].released, 1);
	cr_assert_eq(close_range_fds(files, 0, ~0u, 0), 0);
	cr_assert_eq(t[5].released, 2);
	cr_assert_eq(t[4].released, 1);
	for (int i = 0; i < 4; i++)
		cr_assert_eq(t[i].released, 1, "file %d", i);
}

Test(fdtable, rlimit_from_process)
{
	struct rlimit rl;

	cr_assert_eq(getrlimit(RLIMIT_NOFILE, &rl), 0);
	if (rl.rlim_cur < (1u << 20))
		cr_assert_eq(files->rlimit, rl.rlim_cur);
	else
		cr_assert_eq(files->rlimit, 1u << 20);
}

Test(fdtable, enomem_on_growth)
{
	static struct tfile t[66] = { { 0 } };
	struct file *f;

	/* First slot array: the fd array, then the cloexec array. */
	for (unsigned long n = 1; n <= 2; n++) {
		f = tfile_new(&t[0]);
		usnet_alloc_fail_at(n, 0);
		cr_assert_eq(fd_install_new(files, f, false), -ENOMEM, "n=%lu",
			     n);
		usnet_alloc_fail_at(0, 0);
		cr_assert_eq(file_count(f), 1);
		fput(f);
	}
	cr_assert_eq(t[0].released, 2);
	for (int i = 0; i < 64; i++)
		cr_assert_eq(tfile_install(files, &t[i], false), i);
	/* Growing past 64, both allocations. */
	for (unsigned long n = 1; n <= 2; n++) {
		f = tfile_new(&t[64]);
		usnet_alloc_fail_at(n, 0);
		cr_assert_eq(fd_install_new(files, f, false), -ENOMEM, "n=%lu",
			     n);
		usnet_alloc_fail_at(0, 0);
		fput(f);
		usnet_alloc_fail_at(n, 0);
		cr_assert_eq(dup_fd_to(files, 0, 64, false), -ENOMEM, "n=%lu",
			     n);
		usnet_alloc_fail_at(n, 0);
		cr_assert_eq(dup_fd_min(files, 0, 0, false), -ENOMEM, "n=%lu",
			     n);
		usnet_alloc_fail_at(0, 0);
		cr_assert_eq(file_count(peek(files, 0)), 1);
	}
	/* The table is still whole and grows once memory is back. */
	for (int i = 0; i < 64; i++)
		cr_assert_eq(peek(files, i)->private_data, &t[i]);
	cr_assert_eq(tfile_install(files, &t[64], true), 64);
	cr_assert_eq(tfile_install(files, &t[65], false), 65);
	cr_assert_eq(fd_get_cloexec(files, 64), 1);
	cr_assert_eq(fd_get_cloexec(files, 65), 0);
	cr_assert_null(fget(files, 66));
	cr_assert_null(fget(files, 127));
	cr_assert_eq(close_range_fds(files, 0, ~0u, 0), 0);
	for (int i = 0; i < 66; i++)
		cr_assert_eq(t[i].released,
			     i == 0  ? 3 :
			     i == 64 ? 3 :
				       1,
			     "file %d", i);
}

/* ---- many threads on one table ---------------------------------------- */

#define STRESS_THREADS 4
#define STRESS_ROUNDS  3000

static struct tfile stress_files[STRESS_THREADS];

static void *stress_thread(void *arg)
{
	struct tfile *t = arg;
	unsigned int seed = (unsigned int)(t - stress_files) + 1;

	for (int i = 0; i < STRESS_ROUNDS; i++) {
		struct file *f = alloc_file(&tfile_fops, t, 0);
		int fd, d, e;

		if (!f)
			return (void *)1;
		fd = fd_install_new(files, f, false);
		if (fd < 0)
			return (void *)2;
		d = dup_fd_min(files, fd, (int)(rand_r(&seed) % 200), true);
		if (d < 0)
			return (void *)3;
		/* Another thread may not see our numbers change under us. */
		f = fget(files, d);
		if (!f || f->private_data != t)
			return (void *)4;
		e = dup_fd_to(files, fd, 300 + (int)(t - stress_files), false);
		if (e < 0)
			return (void *)5;
		if (close_fd(files, fd) || close_fd(files, d))
			return (void *)6;
		fput(f);
	}
	return NULL;
}

Test(fdtable, threads_release_each_file_once)
{
	pthread_t th[STRESS_THREADS];
	void *ret;

	for (int i = 0; i < STRESS_THREADS; i++)
		cr_assert_eq(pthread_create(&th[i], NULL, stress_thread,
					    &stress_files[i]),
			     0);
	for (int i = 0; i < STRESS_THREADS; i++) {
		cr_assert_eq(pthread_join(th[i], &ret), 0);
		cr_assert_null(ret, "thread %d failed at step %ld", i,
			       (long)ret);
	}
	/* Each thread's slot at 300+i still holds its last file. */
	for (int i = 0; i < STRESS_THREADS; i++) {
		cr_assert_eq(peek(files, 300 + i)->private_data,
			     &stress_files[i]);
		cr_assert_eq(stress_files[i].released, STRESS_ROUNDS - 1,
			     "thread %d", i);
	}
	cr_assert_eq(close_range_fds(files, 0, ~0u, 0), 0);
	for (int i = 0; i < STRESS_THREADS; i++)
		cr_assert_eq(stress_files[i].released, STRESS_ROUNDS);
	for (int i = 0; i < 300; i++)
		cr_assert_null(fget(files, i));
}

/* ---- the process's table through the public calls --------------------- */

static struct files_struct *proc;

static void proc_setup(void)
{
	/* Make the namespace and the table, then note what is alive. */
	cr_assert_eq(usnet_close(usnet_socket(AF_UNIX, SOCK_DGRAM, 0)), 0);
	proc = current_files();
	cr_assert_not_null(proc);
	usnet_objects_live(&live_at_start);
}

static void proc_teardown(void)
{
	struct usnet_objects now;

	proc->rlimit = 1024;
	usnet_close_range(0, ~0U, 0);
	usnet_objects_live(&now);
	cr_expect(now.sockets == live_at_start.sockets &&
			  now.socks == live_at_start.socks &&
			  now.skbs == live_at_start.skbs &&
			  now.files == live_at_start.files,
		  "left alive: %lu sockets, %lu socks, %lu skbs, %lu files",
		  now.sockets, now.socks, now.skbs, now.files);
}

TestSuite(process_table, .init = proc_setup, .fini = proc_teardown,
	  .timeout = 30);

static socklen_t abstract(struct sockaddr_un *a, const char *name)
{
	memset(a, 0, sizeof(*a));
	a->sun_family = AF_UNIX;
	memcpy(a->sun_path + 1, name, strlen(name));
	return (socklen_t)(offsetof(struct sockaddr_un, sun_path) + 1 +
			   strlen(name));
}

Test(process_table, socket_and_socketpair_emfile)
{
	int sv[2] = { -1, -1 };
	int a = usnet_socket(AF_UNIX, SOCK_STREAM, 0);

	cr_assert_eq(a, 0);
	proc->rlimit = 2;
	/* One slot left: a pair does not fit, and takes nothing. */
	cr_assert_eq(usnet_socketpair(AF_UNIX, SOCK_STREAM, 0, sv), -1);
	cr_assert_eq(errno, EMFILE);
	cr_assert(sv[0] == -1 && sv[1] == -1);
	errno = 0;
	cr_assert(usnet_fcntl(1, F_GETFD) == -1 && errno == EBADF,
		  "the first half of the pair was left installed");
	cr_assert_eq(usnet_socket(AF_UNIX, SOCK_STREAM, 0), 1);
	cr_assert_eq(usnet_socket(AF_UNIX, SOCK_STREAM, 0), -1);
	cr_assert_eq(errno, EMFILE);
	cr_assert_eq(usnet_dup(0), -1);
	cr_assert_eq(errno, EMFILE);
	cr_assert_eq(usnet_epoll_create1(0), -1);
	cr_assert_eq(errno, EMFILE);
}

/*
 * BUG (src/socket/socket.c, __sys_accept4(), lines 370-395): the new
 * descriptor is installed only after sock->ops->accept() has taken the
 * connection off the listener's queue, so when the table is full (EMFILE)
 * or cannot grow (ENOMEM) the connection is released: the client sees its
 * peer close (ECONNRESET/EPIPE on send) and the server never gets it.
 * Linux reserves the descriptor first (get_unused_fd_flags() in
 * do_accept()), so accept4() fails with EMFILE and the connection stays
 * queued for the next accept once a descriptor is free — which is how
 * servers are written to cope with EMFILE.
 */
Test(process_table, accept_emfile_keeps_connection)
{
	struct sockaddr_un a;
	socklen_t alen = abstract(&a, "usnet-unit-accept-emfile");
	int lfd, cfd, afd;
	char buf[8];

	lfd = usnet_socket(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK, 0);
	cr_assert_geq(lfd, 0);
	cr_assert_eq(usnet_bind(lfd, (struct sockaddr *)&a, alen), 0);
	cr_assert_eq(usnet_listen(lfd, 4), 0);
	cfd = usnet_socket(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK, 0);
	cr_assert_geq(cfd, 0);
	cr_assert_eq(usnet_connect(cfd, (struct sockaddr *)&a, alen), 0);
	cr_assert_eq(usnet_send(cfd, "hi", 2, MSG_NOSIGNAL), 2);

	proc->rlimit = (unsigned int)cfd + 1; /* no free number */
	cr_assert_eq(usnet_accept(lfd, NULL, NULL), -1);
	cr_assert_eq(errno, EMFILE);
	proc->rlimit = 1024;

	/* The client is still connected ... */
	cr_assert_eq(usnet_send(cfd, "!", 1, MSG_NOSIGNAL), 1,
		     "send after the server's EMFILE: %s", strerror(errno));
	/* ... and the connection is still there to accept. */
	afd = usnet_accept(lfd, NULL, NULL);
	cr_assert_geq(afd, 0, "accept after EMFILE: %s", strerror(errno));
	cr_assert_eq(usnet_recv(afd, buf, sizeof(buf), 0), 3);
	cr_assert_eq(memcmp(buf, "hi!", 3), 0);
}

Test(process_table, scm_rights_at_emfile_truncates)
{
	union {
		char buf[CMSG_SPACE(sizeof(int))];
		struct cmsghdr align;
	} c;
	int sv[2], x, t;
	char data = 'F';
	struct iovec iov = { .iov_base = &data, .iov_len = 1 };
	struct msghdr msg = {
		.msg_iov = &iov,
		.msg_iovlen = 1,
		.msg_control = c.buf,
		.msg_controllen = sizeof(c.buf),
	};
	struct cmsghdr *cm = CMSG_FIRSTHDR(&msg);
	struct usnet_objects o;

	cr_assert_eq(usnet_socketpair(AF_UNIX, SOCK_STREAM, 0, sv), 0);
	x = usnet_socket(AF_UNIX, SOCK_DGRAM, 0);
	cr_assert_geq(x, 0);
	memset(&c, 0, sizeof(c));
	cm->cmsg_level = SOL_SOCKET;
	cm->cmsg_type = SCM_RIGHTS;
	cm->cmsg_len = CMSG_LEN(sizeof(int));
	memcpy(CMSG_DATA(cm), &x, sizeof(int));
	cr_assert_eq(usnet_sendmsg(sv[0], &msg, 0), 1);
	cr_assert_eq(usnet_close(x), 0);

	proc->rlimit = 3; /* 0, 1 and 2 are taken: x's number was 2 */
	t = usnet_socket(AF_UNIX, SOCK_DGRAM, 0);
	cr_assert_eq(t, 2);
	memset(&c, 0, sizeof(c));
	msg.msg_controllen = sizeof(c.buf);
	cr_assert_eq(usnet_recvmsg(sv[1], &msg, 0), 1);
	cr_assert(msg.msg_flags & MSG_CTRUNC);
	cr_assert_eq(msg.msg_controllen, 0, "no SCM_RIGHTS delivered");
	/* The passenger that could not be installed is gone. */
	usnet_objects_live(&o);
	cr_assert_eq(o.sockets, live_at_start.sockets + 3);
}
