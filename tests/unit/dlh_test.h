/*
 * Small helpers shared by the unit tests: log sinks that silence or record
 * the core library's errors, and paths into the source tree.  Header-only: each test program gets its own
 * copy.
 */
#ifndef DLH_TEST_H
#define DLH_TEST_H

#include <stdio.h>
#include <stdlib.h>

#include "dlh_log.h"

/* What the library logged last, so tests can check an error names its
 * cause. */
static int n_errors;
static char last_error[1024];

static inline void quiet_sink(enum dlh_log_level level, const char *msg)
{
	(void) level;
	(void) msg;
}

static inline void capture_sink(enum dlh_log_level level, const char *msg)
{
	if (level != DLH_LOG_ERROR)
		return;
	n_errors++;
	snprintf(last_error, sizeof(last_error), "%s", msg);
}

/* $DLH_SRCDIR/rel ("./rel" when unset: make check sets it) into buf. */
static inline char *src_path(char *buf, size_t len, const char *rel)
{
	const char *dir = getenv("DLH_SRCDIR");

	snprintf(buf, len, "%s/%s", dir ? dir : ".", rel);
	return buf;
}

#endif
