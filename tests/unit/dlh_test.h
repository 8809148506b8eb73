/*
 * Small helpers shared by the unit tests: log sinks that silence or record
 * the core library's errors.  Header-only: each test program gets its own
 * copy.
 */
#ifndef DLH_TEST_H
#define DLH_TEST_H

#include <stdio.h>

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

#endif
