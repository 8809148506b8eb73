/*
 * dlh_log: how the core library reports problems.
 *
 * The core library has no Slurm dependency, so it cannot call Slurm's
 * error()/debug().  Each plugin installs a sink that forwards to Slurm's log
 * (prefixed with the plugin name); the CLIs and unit tests use the default
 * sink, which writes to stderr.
 */
#ifndef DLH_LOG_H
#define DLH_LOG_H

#include <stddef.h>

enum dlh_log_level {
	DLH_LOG_ERROR,
	DLH_LOG_INFO,
	DLH_LOG_DEBUG,
};

typedef void (*dlh_log_sink_t)(enum dlh_log_level level, const char *msg);

/* Install a sink; NULL restores the stderr default. */
void dlh_log_set_sink(dlh_log_sink_t sink);

/* Default sink prints DEBUG lines only when DLH_DEBUG is set. */
void dlh_error(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void dlh_info(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void dlh_debug(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/*
 * Format a one-line error into err (errlen bytes, may be 0 with err NULL):
 * the parsers' way of telling their caller what is wrong.
 */
void dlh_set_err(char *err, size_t errlen, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

#endif
