/*
 * log.c - diagnostics on stderr.
 */
#include "lib/log.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int log_threshold = -1;

static int log_level_from_env(void)
{
	const char *v = getenv("USNET_LOG");

	if (!v)
		return LOG_OFF;
	if (strcmp(v, "debug") == 0)
		return LOG_DEBUG;
	return LOG_WARN;
}

void log_printf(int level, const char *fmt, ...)
{
	va_list ap;

	if (log_threshold < 0)
		log_threshold = log_level_from_env();
	if (level < log_threshold)
		return;
	va_start(ap, fmt);
	fputs("usnet: ", stderr);
	vfprintf(stderr, fmt, ap);
	fputc('\n', stderr);
	va_end(ap);
}
