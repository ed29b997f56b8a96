/*
 * fdtable.h - descriptor tables (Linux's files_struct).
 *
 * A table maps small integers to files, with a close-on-exec bit per
 * number.  The library has one table for the process; a daemon serving
 * many processes will hold one per client, so nothing assumes there is
 * only one: every call names its table.
 */
#ifndef USNET_SOCKET_FDTABLE_H
#define USNET_SOCKET_FDTABLE_H

#include <pthread.h>

#include "socket/file.h"

struct files_struct {
	pthread_mutex_t lock;
	unsigned int max_fds; /* allocated slots */
	unsigned int next_fd; /* no free slot below this */
	unsigned int rlimit;  /* RLIMIT_NOFILE at creation */
	struct file **fd;
	unsigned char *cloexec;
};

struct files_struct *files_create(void);
/* Close everything and free the table. */
void files_destroy(struct files_struct *files);
/* The table of the calling process (made on first use; NULL when that
 * allocation failed). */
struct files_struct *current_files(void);

/* Install @f (its reference moves into the table) at the lowest free
 * number; returns the number or -EMFILE / -ENOMEM (then @f is untouched). */
int fd_install_new(struct files_struct *files, struct file *f, bool cloexec);
/* Reserve the lowest free number (Linux's get_unused_fd_flags()), so that
 * a call can fail cleanly before it commits; then fd_install() the file
 * (its reference moves into the table) or put_unused_fd() the number. */
int get_unused_fd(struct files_struct *files, bool cloexec);
void fd_install(struct files_struct *files, int fd, struct file *f);
void put_unused_fd(struct files_struct *files, int fd);
/* The file behind @fd with a reference taken, or NULL. */
struct file *fget(struct files_struct *files, int fd);
int close_fd(struct files_struct *files, int fd);
int close_range_fds(struct files_struct *files, unsigned int first,
		    unsigned int last, unsigned int flags);
/* dup()/F_DUPFD: the lowest free number >= @minfd. */
int dup_fd_min(struct files_struct *files, int oldfd, int minfd, bool cloexec);
/* dup2()/dup3(): exactly @newfd, closing what was there. */
int dup_fd_to(struct files_struct *files, int oldfd, int newfd, bool cloexec);
int fd_get_cloexec(struct files_struct *files, int fd);
int fd_set_cloexec(struct files_struct *files, int fd, bool on);

#endif
