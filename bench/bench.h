/*
 * bench.h - shared declarations of usnet-bench, the side-by-side benchmark
 * of usnet against the Linux kernel.
 *
 * A row (unix_stream, unix_rr, ...) is one run function written once
 * against struct bench_ops; the driver in main.c calls it alternately with
 * usnet's ops, the kernel's ops (libc) and lwIP's ops, several runs each,
 * and reports the ratios usnet / kernel and usnet / lwIP.  To add a row: write its run function (see
 * unix_rows.c), declare it here and add an entry to the row table in
 * main.c.
 */
#ifndef USNET_BENCH_H
#define USNET_BENCH_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/socket.h>
#include <sys/types.h>

/*
 * The socket calls a row may use, with POSIX signatures: -1 and errno on
 * failure.  One instance per target (bench_usnet_ops, bench_kernel_ops,
 * and bench_lwip_ops when the bench is built with liblwip).
 */
struct bench_ops {
	const char *name; /* "usnet", "kernel" or "lwip" */
	int (*socket)(int domain, int type, int protocol);
	/* NULL when the target has no AF_UNIX: rows marked af_unix are not
	 * run on it. */
	int (*socketpair)(int domain, int type, int protocol, int sv[2]);
	int (*bind)(int fd, const struct sockaddr *addr, socklen_t len);
	int (*listen)(int fd, int backlog);
	int (*accept)(int fd, struct sockaddr *addr, socklen_t *len);
	int (*connect)(int fd, const struct sockaddr *addr, socklen_t len);
	int (*shutdown)(int fd, int how);
	int (*setsockopt)(int fd, int level, int name, const void *val,
			  socklen_t len);
	int (*getsockopt)(int fd, int level, int name, void *val,
			  socklen_t *len);
	int (*getsockname)(int fd, struct sockaddr *addr, socklen_t *len);
	ssize_t (*read)(int fd, void *buf, size_t len);
	ssize_t (*write)(int fd, const void *buf, size_t len);
	ssize_t (*send)(int fd, const void *buf, size_t len, int flags);
	ssize_t (*recv)(int fd, void *buf, size_t len, int flags);
	ssize_t (*sendto)(int fd, const void *buf, size_t len, int flags,
			  const struct sockaddr *addr, socklen_t alen);
	ssize_t (*recvfrom)(int fd, void *buf, size_t len, int flags,
			    struct sockaddr *addr, socklen_t *alen);
	int (*close)(int fd);
};

extern const struct bench_ops bench_kernel_ops;
extern const struct bench_ops bench_usnet_ops;
#ifdef BENCH_HAVE_LWIP
/* lwip_ops.c: lwIP's socket API over its own loopback netif. */
extern const struct bench_ops bench_lwip_ops;
#endif

/* How long one run may take.  Each row also caps its operation count, so
 * a run stops at whichever limit comes first. */
struct bench_params {
	int64_t run_ns; /* wall-clock budget of the measured part */
};

/*
 * What one run of one target produced.  @value is the run's figure in the
 * row's unit (for rows with samples, the median of the run's samples).
 * Rows with per-operation samples (has_samples) malloc @samples, in the
 * row's unit; the driver frees them.
 */
struct bench_result {
	double value;
	double *samples;
	size_t nsamples;
	char err[160]; /* why the run failed, when it returns -1 */
};

struct bench_row {
	const char *name;
	const char *unit;
	const char *what; /* one line for --help and the docs */
	bool higher_is_better;
	bool has_samples; /* median and p99 over all samples */
	bool af_unix;	  /* needs AF_UNIX (ops->socketpair) */
	int (*run)(const struct bench_ops *ops, const struct bench_params *p,
		   struct bench_result *res);
};

/* Row run functions: 0, or -1 with res->err filled in. */
int bench_unix_stream(const struct bench_ops *ops, const struct bench_params *p,
		      struct bench_result *res);
int bench_unix_rr(const struct bench_ops *ops, const struct bench_params *p,
		  struct bench_result *res);
int bench_udp_pps(const struct bench_ops *ops, const struct bench_params *p,
		  struct bench_result *res);
int bench_tcp_stream(const struct bench_ops *ops, const struct bench_params *p,
		     struct bench_result *res);
int bench_tcp_rr(const struct bench_ops *ops, const struct bench_params *p,
		 struct bench_result *res);
int bench_tcp_crr(const struct bench_ops *ops, const struct bench_params *p,
		  struct bench_result *res);

struct sockaddr_in;
/* A TCP listener on 127.0.0.1 at a port of the target's choice, written
 * to *@addr; -1 with errno on failure. */
int bench_tcp_listener(const struct bench_ops *ops, struct sockaddr_in *addr);

/* CLOCK_MONOTONIC in nanoseconds. */
int64_t bench_now_ns(void);
/* Fill res->err (printf-style) and return -1; appends strerror(errno)
 * when @with_errno. */
int bench_fail(struct bench_result *res, bool with_errno, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
/* Median of @v (sorted in place). */
double bench_median(double *v, size_t n);

#endif
