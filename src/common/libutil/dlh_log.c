#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>

#include "dlh_log.h"

static void stderr_sink(enum dlh_log_level level, const char *msg)
{
	if (level == DLH_LOG_DEBUG && !getenv("DLH_DEBUG"))
		return;
	fprintf(stderr, "dlhetero: %s%s\n",
		level == DLH_LOG_ERROR ? "error: " : "", msg);
}

static dlh_log_sink_t sink = stderr_sink;

void dlh_log_set_sink(dlh_log_sink_t s)
{
	sink = s ? s : stderr_sink;
}

static void vlog(enum dlh_log_level level, const char *fmt, va_list ap)
{
	char buf[DLH_ERROR_TEXT_MAX];

	vsnprintf(buf, sizeof(buf), fmt, ap);
	sink(level, buf);
}

#define DLH_LOG_FN(name, level)                                                \
	void name(const char *fmt, ...)                                        \
	{                                                                      \
		va_list ap;                                                    \
		va_start(ap, fmt);                                             \
		vlog(level, fmt, ap);                                          \
		va_end(ap);                                                    \
	}

DLH_LOG_FN(dlh_error, DLH_LOG_ERROR)
DLH_LOG_FN(dlh_info, DLH_LOG_INFO)
DLH_LOG_FN(dlh_debug, DLH_LOG_DEBUG)

int dlh_err(struct dlh_error *err, const char *fmt, ...)
{
	int saved = errno;
	va_list ap;

	if (err) {
		va_start(ap, fmt);
		vsnprintf(err->text, sizeof(err->text), fmt, ap);
		va_end(ap);
	}
	errno = saved;
	return -1;
}
