/*
 * main.c - usnet-bench: measures usnet against the Linux kernel and lwIP
 * side by side in one run and prints the ratios (see docs/PERFORMANCE.md).
 *
 *   usnet-bench [OPTIONS] [ROW...] [--json FILE]
 *
 * Each row runs alternately on every target, several runs each, after one
 * untimed warm-up run per target; the table shows the median of the runs
 * (for rows with per-operation samples, the median and p99 over all
 * samples) and the ratios usnet / kernel and usnet / lwIP of the medians.
 * lwIP is a target only when the bench was built with liblwip-dev.
 */
#include <errno.h>
#include <limits.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <time.h>
#include <unistd.h>

#include <usnet/usnet.h>

#include "bench.h"

#define MAX_RUNS       50
#define DEFAULT_RUNS   5
#define DEFAULT_RUN_MS 400
/* A run that takes this much longer than its budget is taken for a hang. */
#define HANG_SECONDS 20

static const struct bench_row rows[] = {
	{
		.name = "unix_stream",
		.unit = "MB/s",
		.what = "AF_UNIX stream socketpair, one thread writes 64 KiB "
			"chunks, another reads them (64 KiB buffer)",
		.higher_is_better = true,
		.af_unix = true,
		.run = bench_unix_stream,
	},
	{
		.name = "unix_rr",
		.unit = "us",
		.what = "AF_UNIX stream socketpair, 1-byte ping-pong round "
			"trip to an echoing thread",
		.higher_is_better = false,
		.has_samples = true,
		.af_unix = true,
		.run = bench_unix_rr,
	},
	{
		.name = "udp_pps",
		.unit = "pps",
		.what = "UDP over 127.0.0.1, one thread sends 64-byte "
			"datagrams, another receives; counted at the receiver",
		.higher_is_better = true,
		.run = bench_udp_pps,
	},
	{
		.name = "tcp_stream",
		.unit = "MB/s",
		.what = "TCP over 127.0.0.1, one thread writes 64 KiB chunks, "
			"another reads them (default buffers)",
		.higher_is_better = true,
		.run = bench_tcp_stream,
	},
	{
		.name = "tcp_rr",
		.unit = "us",
		.what = "TCP over 127.0.0.1 with TCP_NODELAY, 1-byte "
			"ping-pong round trip to an echoing thread",
		.higher_is_better = false,
		.has_samples = true,
		.run = bench_tcp_rr,
	},
	{
		.name = "tcp_crr",
		.unit = "conn/s",
		.what = "TCP over 127.0.0.1, connect + accept + close of both "
			"ends, one thread",
		.higher_is_better = true,
		.run = bench_tcp_crr,
	},
};

#define NR_ROWS (sizeof(rows) / sizeof(rows[0]))

/* The targets, in the order the first run uses; later runs alternate.
 * usnet comes first: the ratios are usnet / each of the others. */
static const struct bench_ops *const targets[] = {
	&bench_usnet_ops,
	&bench_kernel_ops,
#ifdef BENCH_HAVE_LWIP
	&bench_lwip_ops,
#endif
};

#define NR_TARGETS (sizeof(targets) / sizeof(targets[0]))

/* Everything one row measured on one target. */
struct target_stats {
	bool ok;
	bool skipped; /* not measured: --target, or no AF_UNIX */
	char err[sizeof(((struct bench_result *)0)->err)];
	double runs[MAX_RUNS]; /* each run's value, in run order */
	size_t nruns;
	double median, min, max, p99;
	bool has_p99;
	size_t nsamples;
};

struct row_stats {
	const struct bench_row *row;
	struct target_stats t[NR_TARGETS];
	/* CPU time other processes (and the hypervisor, as steal) took while
	 * the row ran, in % of all CPUs; < 0 when unknown. */
	double other_load_pct;
};

/* A busy machine skews both targets, and not by the same amount. */
#define OTHER_LOAD_WARN_PCT 10.0

static const char *alarm_row = "", *alarm_target = "";
/* --target: measure only the target of this name. */
static const char *only_target;

int64_t bench_now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000000000 + ts.tv_nsec;
}

int bench_fail(struct bench_result *res, bool with_errno, const char *fmt, ...)
{
	int saved = errno;
	va_list ap;
	size_t len;

	va_start(ap, fmt);
	vsnprintf(res->err, sizeof(res->err), fmt, ap);
	va_end(ap);
	len = strlen(res->err);
	if (with_errno && len < sizeof(res->err))
		snprintf(res->err + len, sizeof(res->err) - len, ": %s",
			 strerror(saved));
	return -1;
}

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return x < y ? -1 : x > y;
}

double bench_median(double *v, size_t n)
{
	if (!n)
		return 0;
	qsort(v, n, sizeof(*v), cmp_double);
	return n % 2 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
}

/* Nearest-rank percentile of sorted @v. */
static double percentile(const double *v, size_t n, double pct)
{
	size_t rank;

	if (!n)
		return 0;
	rank = (size_t)((pct / 100.0) * (double)n + 0.999999);
	if (rank < 1)
		rank = 1;
	return v[(rank > n ? n : rank) - 1];
}

static void on_alarm(int sig)
{
	static const char msg[] = "usnet-bench: a run did not finish in time "
				  "(hung?): ";
	ssize_t r;

	(void)sig;
	r = write(STDERR_FILENO, msg, sizeof(msg) - 1);
	r = write(STDERR_FILENO, alarm_row, strlen(alarm_row));
	r = write(STDERR_FILENO, " on ", 4);
	r = write(STDERR_FILENO, alarm_target, strlen(alarm_target));
	r = write(STDERR_FILENO, "\n", 1);
	(void)r;
	_exit(3);
}

/* CPU seconds the whole machine spent busy (incl. steal), from
 * /proc/stat; < 0 when unknown. */
static double machine_busy_s(void)
{
	unsigned long long v[8] = { 0 };
	FILE *f = fopen("/proc/stat", "r");
	long hz = sysconf(_SC_CLK_TCK);
	int n;

	if (!f)
		return -1;
	n = fscanf(f, "cpu %llu %llu %llu %llu %llu %llu %llu %llu", &v[0],
		   &v[1], &v[2], &v[3], &v[4], &v[5], &v[6], &v[7]);
	fclose(f);
	if (n < 8 || hz <= 0)
		return -1;
	/* user nice system [idle iowait] irq softirq steal */
	return (double)(v[0] + v[1] + v[2] + v[5] + v[6] + v[7]) / (double)hz;
}

/* CPU seconds this process has used. */
static double self_cpu_s(void)
{
	struct rusage ru;

	if (getrusage(RUSAGE_SELF, &ru) < 0)
		return 0;
	return (double)(ru.ru_utime.tv_sec + ru.ru_stime.tv_sec) +
	       (double)(ru.ru_utime.tv_usec + ru.ru_stime.tv_usec) / 1e6;
}

struct load_mark {
	double busy, self;
	int64_t wall;
};

static void load_mark(struct load_mark *m)
{
	m->busy = machine_busy_s();
	m->self = self_cpu_s();
	m->wall = bench_now_ns();
}

/* What other processes used since @m, in % of all CPUs. */
static double other_load_pct(const struct load_mark *m)
{
	struct load_mark now;
	long ncpu = sysconf(_SC_NPROCESSORS_ONLN);
	double other, wall;

	load_mark(&now);
	wall = (double)(now.wall - m->wall) / 1e9;
	if (m->busy < 0 || now.busy < 0 || ncpu <= 0 || wall <= 0)
		return -1;
	other = (now.busy - m->busy) - (now.self - m->self);
	if (other < 0)
		other = 0;
	return 100.0 * other / (wall * (double)ncpu);
}

/* One run under the watchdog. */
static int run_once(const struct bench_row *row, const struct bench_ops *ops,
		    const struct bench_params *p, struct bench_result *res)
{
	int ret;

	memset(res, 0, sizeof(*res));
	alarm_row = row->name;
	alarm_target = ops->name;
	alarm((unsigned int)(p->run_ns / 1000000000) + HANG_SECONDS);
	ret = row->run(ops, p, res);
	alarm(0);
	return ret;
}

/* One row: an untimed warm-up run per target, then @nruns timed runs of
 * each target, alternating which goes first. */
static void run_row(const struct bench_row *row, const struct bench_params *p,
		    int nruns, bool quiet, struct row_stats *st)
{
	struct bench_params warm = { .run_ns = p->run_ns / 4 };
	double *all[NR_TARGETS] = { NULL };
	size_t nall[NR_TARGETS] = { 0 };
	struct bench_result res;
	struct load_mark mark;
	size_t t, i;
	int r;

	memset(st, 0, sizeof(*st));
	st->row = row;
	load_mark(&mark);
	for (t = 0; t < NR_TARGETS; t++) {
		if (only_target && strcmp(only_target, targets[t]->name)) {
			snprintf(st->t[t].err, sizeof(st->t[t].err),
				 "not measured (--target %s)", only_target);
			st->t[t].skipped = true;
			continue;
		}
		if (row->af_unix && !targets[t]->socketpair) {
			snprintf(st->t[t].err, sizeof(st->t[t].err),
				 "no AF_UNIX in %s", targets[t]->name);
			st->t[t].skipped = true;
			continue;
		}
		st->t[t].ok = run_once(row, targets[t], &warm, &res) == 0;
		if (!st->t[t].ok)
			memcpy(st->t[t].err, res.err, sizeof(res.err));
		free(res.samples);
	}
	for (r = 0; r < nruns; r++) {
		for (i = 0; i < NR_TARGETS; i++) {
			struct target_stats *ts;
			double *grown;

			/* Alternate which target goes first. */
			t = r % 2 ? NR_TARGETS - 1 - i : i;
			ts = &st->t[t];
			if (!ts->ok)
				continue;
			if (run_once(row, targets[t], p, &res) < 0) {
				ts->ok = false;
				memcpy(ts->err, res.err, sizeof(res.err));
				free(res.samples);
				continue;
			}
			ts->runs[ts->nruns++] = res.value;
			if (!quiet)
				fprintf(stderr,
					"  %-12s %-6s run %d/%d: "
					"%10.2f %s\n",
					row->name, targets[t]->name, r + 1,
					nruns, res.value, row->unit);
			if (!row->has_samples || !res.nsamples) {
				free(res.samples);
				continue;
			}
			grown = realloc(all[t], (nall[t] + res.nsamples) *
							sizeof(double));
			if (!grown) {
				ts->ok = false;
				snprintf(ts->err, sizeof(ts->err),
					 "out of memory");
				free(res.samples);
				continue;
			}
			all[t] = grown;
			memcpy(all[t] + nall[t], res.samples,
			       res.nsamples * sizeof(double));
			nall[t] += res.nsamples;
			free(res.samples);
		}
	}
	for (t = 0; t < NR_TARGETS; t++) {
		struct target_stats *ts = &st->t[t];
		double sorted[MAX_RUNS];

		if (ts->ok && !ts->nruns) {
			ts->ok = false;
			snprintf(ts->err, sizeof(ts->err), "no runs");
		}
		if (ts->ok) {
			memcpy(sorted, ts->runs, ts->nruns * sizeof(double));
			ts->median = bench_median(sorted, ts->nruns);
			ts->min = sorted[0];
			ts->max = sorted[ts->nruns - 1];
			if (row->has_samples && nall[t]) {
				ts->median = bench_median(all[t], nall[t]);
				ts->p99 = percentile(all[t], nall[t], 99);
				ts->has_p99 = true;
				ts->nsamples = nall[t];
			}
		}
		free(all[t]);
	}
	st->other_load_pct = other_load_pct(&mark);
}

/* The ratio usnet / targets[@t] of row @st in *@r; false when either
 * side has no median. */
static bool ratio_of(const struct row_stats *st, size_t t, double *r)
{
	const struct target_stats *u = &st->t[0], *o = &st->t[t];

	if (!u->ok || !o->ok || o->median <= 0)
		return false;
	*r = u->median / o->median;
	return true;
}

static void fmt_value(char *buf, size_t len, const struct target_stats *ts,
		      double v)
{
	if (ts->ok)
		snprintf(buf, len, "%.2f", v);
	else
		snprintf(buf, len, ts->skipped ? "-" : "FAILED");
}

static void print_table(const struct row_stats *st, size_t n, int nruns,
			long busy_wait_us)
{
	char buf[32];
	size_t i, t;

	printf("\nusnet-bench: %d runs per target, median of the runs "
	       "(rr: median and p99 of all round trips);\n",
	       nruns);
	for (t = 1; t < NR_TARGETS; t++)
		printf("%s u/%s = usnet / %s",
		       t > 1 ? "," : "ratios:", targets[t]->name,
		       targets[t]->name);
	printf(".\n");
#ifndef BENCH_HAVE_LWIP
	printf("no lwip column: liblwip-dev was missing when the bench was "
	       "built.\n");
#endif
	if (busy_wait_us >= 0)
		printf("usnet core.busy_wait_us = %ld\n", busy_wait_us);
	printf("\n%-12s %-6s %-6s", "row", "unit", "better");
	for (t = 0; t < NR_TARGETS; t++)
		printf(" %11s", targets[t]->name);
	for (t = 1; t < NR_TARGETS; t++) {
		snprintf(buf, sizeof(buf), "u/%s", targets[t]->name);
		printf(" %8s", buf);
	}
	for (t = 0; t < NR_TARGETS; t++) {
		snprintf(buf, sizeof(buf), "%s p99", targets[t]->name);
		printf(" %11s", buf);
	}
	printf("\n");
	for (i = 0; i < n; i++) {
		printf("%-12s %-6s %-6s", st[i].row->name, st[i].row->unit,
		       st[i].row->higher_is_better ? "higher" : "lower");
		for (t = 0; t < NR_TARGETS; t++) {
			fmt_value(buf, sizeof(buf), &st[i].t[t],
				  st[i].t[t].median);
			printf(" %11s", buf);
		}
		for (t = 1; t < NR_TARGETS; t++) {
			double r;

			if (ratio_of(&st[i], t, &r))
				snprintf(buf, sizeof(buf), "%.3f", r);
			else
				snprintf(buf, sizeof(buf), "-");
			printf(" %8s", buf);
		}
		for (t = 0; t < NR_TARGETS; t++) {
			const struct target_stats *ts = &st[i].t[t];

			snprintf(buf, sizeof(buf), "-");
			if (ts->ok && ts->has_p99)
				fmt_value(buf, sizeof(buf), ts, ts->p99);
			printf(" %11s", buf);
		}
		printf("\n");
	}
	printf("\nspread of the runs (min .. max%s):\n",
	       " of the run values; rr: of each run's median");
	for (i = 0; i < n; i++) {
		if (st[i].other_load_pct >= 0)
			printf("  %-12s other processes used %.0f%% of the "
			       "CPUs meanwhile%s\n",
			       st[i].row->name, st[i].other_load_pct,
			       st[i].other_load_pct > OTHER_LOAD_WARN_PCT ?
				       " - WARNING: busy machine, numbers are "
				       "unreliable" :
				       "");
		for (t = 0; t < NR_TARGETS; t++) {
			const struct target_stats *ts = &st[i].t[t];

			if (!ts->ok) {
				printf("  %-12s %-6s %s: %s\n", st[i].row->name,
				       targets[t]->name,
				       ts->skipped ? "skipped" : "FAILED",
				       ts->err);
				continue;
			}
			printf("  %-12s %-6s %10.2f .. %-10.2f %s",
			       st[i].row->name, targets[t]->name, ts->min,
			       ts->max, st[i].row->unit);
			if (ts->nsamples)
				printf("  (%zu samples)", ts->nsamples);
			printf("\n");
		}
	}
}

static void json_string(FILE *f, const char *s)
{
	fputc('"', f);
	for (; *s; s++) {
		unsigned char c = (unsigned char)*s;

		if (c == '"' || c == '\\')
			fprintf(f, "\\%c", c);
		else if (c < 0x20)
			fprintf(f, "\\u%04x", c);
		else
			fputc(c, f);
	}
	fputc('"', f);
}

static void json_target(FILE *f, const char *key, const struct target_stats *ts)
{
	/* Keys are our own identifiers and need no escaping. */
	if (!ts->ok) {
		fprintf(f, "      \"%s\": null,\n      \"%s_error\": ", key,
			key);
		json_string(f, ts->err);
		fprintf(f, ",\n");
		return;
	}
	fprintf(f,
		"      \"%s\": {\"median\": %.4f, \"min\": %.4f, "
		"\"max\": %.4f, \"p99\": ",
		key, ts->median, ts->min, ts->max);
	if (ts->has_p99)
		fprintf(f, "%.4f", ts->p99);
	else
		fprintf(f, "null");
	fprintf(f, ", \"runs\": %zu", ts->nruns);
	if (ts->nsamples)
		fprintf(f, ", \"samples\": %zu", ts->nsamples);
	fprintf(f, "},\n");
}

/* Write the results to @f (opened before the runs) and close it.  Each
 * row has one object per target (null with "<target>_error" when it was
 * not measured or failed), "ratio" = usnet / kernel and "ratio_<target>"
 * = usnet / each further target. */
static int write_json(FILE *f, const char *path, const struct row_stats *st,
		      size_t n, int nruns, int64_t run_ns, long busy_wait_us)
{
	size_t i, t;

	fprintf(f,
		"{\n  \"config\": {\"runs\": %d, \"run_ms\": %lld, "
		"\"busy_wait_us\": %ld, \"nproc\": %ld, \"targets\": [",
		nruns, (long long)(run_ns / 1000000), busy_wait_us,
		sysconf(_SC_NPROCESSORS_ONLN));
	for (t = 0; t < NR_TARGETS; t++)
		fprintf(f, "%s\"%s\"", t ? ", " : "", targets[t]->name);
	fprintf(f, "]},\n  \"rows\": [\n");
	for (i = 0; i < n; i++) {
		fprintf(f, "    {\n      \"name\": ");
		json_string(f, st[i].row->name);
		fprintf(f, ",\n      \"unit\": ");
		json_string(f, st[i].row->unit);
		fprintf(f, ",\n      \"higher_is_better\": %s,\n",
			st[i].row->higher_is_better ? "true" : "false");
		if (st[i].other_load_pct >= 0)
			fprintf(f, "      \"other_load_pct\": %.1f,\n",
				st[i].other_load_pct);
		for (t = 0; t < NR_TARGETS; t++)
			json_target(f, targets[t]->name, &st[i].t[t]);
		for (t = 1; t < NR_TARGETS; t++) {
			double r;

			fprintf(f, "      \"ratio%s%s\": ", t > 1 ? "_" : "",
				t > 1 ? targets[t]->name : "");
			if (ratio_of(&st[i], t, &r))
				fprintf(f, "%.4f", r);
			else
				fprintf(f, "null");
			fprintf(f, "%s\n", t + 1 < NR_TARGETS ? "," : "");
		}
		fprintf(f, "    }%s\n", i + 1 < n ? "," : "");
	}
	fprintf(f, "  ]\n}\n");
	if (fclose(f) != 0) {
		fprintf(stderr, "usnet-bench: %s: %s\n", path, strerror(errno));
		return -1;
	}
	return 0;
}

static void list_rows(FILE *f)
{
	for (size_t i = 0; i < NR_ROWS; i++)
		fprintf(f, "  %-12s %-5s (%s is better) %s\n", rows[i].name,
			rows[i].unit,
			rows[i].higher_is_better ? "higher" : "lower",
			rows[i].what);
}

static void usage(FILE *f)
{
	fprintf(f,
		"usage: usnet-bench [OPTIONS] [ROW...] [--json FILE]\n"
		"\n"
		"Measures usnet against the Linux kernel and lwIP in this "
		"process, side by\nside, and prints the median of the runs "
		"and the ratios usnet / kernel and\nusnet / lwIP.  With no "
		"ROW, runs all rows.\n"
		"\n"
		"options:\n"
		"  --json FILE          also write the results as JSON\n"
		"  --runs N             timed runs per target (default %d, "
		"max %d)\n"
		"  --time MS            time budget of one run "
		"(default %d ms)\n"
		"  --sysctl NAME=VALUE  set a usnet sysctl first, e.g. "
		"core.busy_wait_us=0\n"
		"  --target NAME        measure only usnet, kernel or lwip "
		"(for profiling)\n"
		"  -q, --quiet          no per-run progress on stderr\n"
		"  --list               list the rows\n"
		"  -h, --help           this help\n"
		"\nrows:\n",
		DEFAULT_RUNS, MAX_RUNS, DEFAULT_RUN_MS);
	list_rows(f);
#ifndef BENCH_HAVE_LWIP
	fprintf(f, "\nBuilt without liblwip-dev: no lwip target.\n");
#endif
}

static int parse_long(const char *s, long lo, long hi, long *out)
{
	char *end;
	long v;

	errno = 0;
	v = strtol(s, &end, 10);
	if (errno || end == s || *end || v < lo || v > hi)
		return -1;
	*out = v;
	return 0;
}

static int set_sysctl(const char *arg)
{
	char name[128];
	const char *eq = strchr(arg, '=');
	long v;

	if (!eq || (size_t)(eq - arg) >= sizeof(name) ||
	    parse_long(eq + 1, LONG_MIN, LONG_MAX, &v) < 0) {
		fprintf(stderr,
			"usnet-bench: --sysctl wants NAME=NUMBER, "
			"not '%s'\n",
			arg);
		return -1;
	}
	memcpy(name, arg, (size_t)(eq - arg));
	name[eq - arg] = '\0';
	if (usnet_sysctl_set(usnet_net_default(), name, v) < 0) {
		fprintf(stderr, "usnet-bench: sysctl %s=%ld: %s\n", name, v,
			strerror(errno));
		return -1;
	}
	return 0;
}

static const struct bench_ops *find_target(const char *name)
{
	for (size_t t = 0; t < NR_TARGETS; t++)
		if (strcmp(targets[t]->name, name) == 0)
			return targets[t];
	return NULL;
}

static const struct bench_row *find_row(const char *name)
{
	for (size_t i = 0; i < NR_ROWS; i++)
		if (strcmp(rows[i].name, name) == 0)
			return &rows[i];
	return NULL;
}

int main(int argc, char **argv)
{
	const struct bench_row *sel[NR_ROWS];
	struct row_stats st[NR_ROWS];
	struct bench_params p = {
		.run_ns = (int64_t)DEFAULT_RUN_MS * 1000000,
	};
	struct usnet_objects live;
	struct sigaction sa;
	const char *json = NULL;
	FILE *json_f = NULL;
	long v, busy_wait_us = -1;
	size_t nsel = 0, i, j;
	int nruns = DEFAULT_RUNS, status = 0;
	bool quiet = false;

	for (int a = 1; a < argc; a++) {
		const char *arg = argv[a];
		const struct bench_row *row;

		if (!strcmp(arg, "-h") || !strcmp(arg, "--help")) {
			usage(stdout);
			return 0;
		} else if (!strcmp(arg, "--list")) {
			list_rows(stdout);
			return 0;
		} else if (!strcmp(arg, "-q") || !strcmp(arg, "--quiet")) {
			quiet = true;
		} else if (!strcmp(arg, "--json") || !strcmp(arg, "--runs") ||
			   !strcmp(arg, "--time") || !strcmp(arg, "--target") ||
			   !strcmp(arg, "--sysctl")) {
			if (a + 1 >= argc) {
				fprintf(stderr,
					"usnet-bench: %s needs an "
					"argument\n",
					arg);
				return 2;
			}
			a++;
			if (!strcmp(arg, "--json")) {
				json = argv[a];
			} else if (!strcmp(arg, "--runs")) {
				if (parse_long(argv[a], 1, MAX_RUNS, &v) < 0) {
					fprintf(stderr,
						"usnet-bench: --runs "
						"wants 1..%d\n",
						MAX_RUNS);
					return 2;
				}
				nruns = (int)v;
			} else if (!strcmp(arg, "--time")) {
				if (parse_long(argv[a], 1, 60000, &v) < 0) {
					fprintf(stderr,
						"usnet-bench: --time "
						"wants 1..60000 (ms)\n");
					return 2;
				}
				p.run_ns = (int64_t)v * 1000000;
			} else if (!strcmp(arg, "--target")) {
				if (!find_target(argv[a])) {
					fprintf(stderr,
						"usnet-bench: --target wants "
						"usnet, kernel or lwip%s\n",
						strcmp(argv[a], "lwip") ?
							"" :
							" (this bench was "
							"built without "
							"liblwip-dev)");
					return 2;
				}
				only_target = argv[a];
			} else if (set_sysctl(argv[a]) < 0) {
				return 2;
			}
		} else if (arg[0] == '-') {
			fprintf(stderr, "usnet-bench: unknown option '%s'\n",
				arg);
			usage(stderr);
			return 2;
		} else if ((row = find_row(arg))) {
			for (j = 0; j < nsel && sel[j] != row; j++)
				;
			if (j == nsel)
				sel[nsel++] = row;
		} else {
			fprintf(stderr,
				"usnet-bench: unknown row '%s'; "
				"the rows are:\n",
				arg);
			list_rows(stderr);
			return 2;
		}
	}
	if (!nsel)
		for (i = 0; i < NR_ROWS; i++)
			sel[nsel++] = &rows[i];

	/* Find out that the file cannot be written before, not after. */
	if (json) {
		json_f = fopen(json, "w");
		if (!json_f) {
			fprintf(stderr, "usnet-bench: %s: %s\n", json,
				strerror(errno));
			return 2;
		}
	}

	/* A dead peer must show as EPIPE, not kill the bench. */
	signal(SIGPIPE, SIG_IGN);
	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_alarm;
	sigaction(SIGALRM, &sa, NULL);
	if (usnet_sysctl_get(usnet_net_default(), "core.busy_wait_us",
			     &busy_wait_us) < 0)
		busy_wait_us = -1;

	for (i = 0; i < nsel; i++) {
		if (!quiet)
			fprintf(stderr, "%s: %s\n", sel[i]->name, sel[i]->what);
		run_row(sel[i], &p, nruns, quiet, &st[i]);
		for (j = 0; j < NR_TARGETS; j++)
			if (!st[i].t[j].ok && !st[i].t[j].skipped)
				status = 1;
	}
	print_table(st, nsel, nruns, busy_wait_us);

	/* Closed TCP connections in TIME_WAIT (orphans) are expected: they
	 * outlive their sockets for a minute, as in the kernel. */
	usnet_objects_live(&live);
	if (live.sockets || live.socks > live.orphans || live.skbs ||
	    live.files) {
		printf("\nwarning: usnet objects still alive after the runs: "
		       "%lu sockets, %lu socks (%lu of them closed connections "
		       "in TIME_WAIT), %lu skbs, %lu files\n",
		       live.sockets, live.socks, live.orphans, live.skbs,
		       live.files);
	}
	if (json_f && write_json(json_f, json, st, nsel, nruns, p.run_ns,
				 busy_wait_us) < 0)
		status = 1;
	return status;
}
