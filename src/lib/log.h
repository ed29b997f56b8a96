/*
 * log.h - diagnostics on stderr, off unless USNET_LOG is set in the
 * environment (USNET_LOG=debug for everything, =warn for warnings).
 */
#ifndef USNET_LIB_LOG_H
#define USNET_LIB_LOG_H

enum log_level {
	LOG_DEBUG,
	LOG_WARN,
	LOG_OFF
};

extern int log_threshold;

void log_printf(int level, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

#define pr_debug(...) log_printf(LOG_DEBUG, __VA_ARGS__)
#define pr_warn(...)  log_printf(LOG_WARN, __VA_ARGS__)

#endif
