/*
 * dlh_log: how the core library reports problems.
 *
 * Errors.  A core function that can fail takes a struct dlh_error *err as
 * its last argument (NULL when the caller does not want the text).  When
 * it fails it returns -1 (or NULL) and fills err->text with one line saying
 * what is wrong, formatted by dlh_err(): "bad count \"x\" for type a100
 * (want 1..65536)", "chips.json:3:14: bad JSON: ...".  The text is the
 * whole report: core functions never log an error they return, and never
 * allocate its text.  The caller decides what to do with it: log it
 * (dlh_error("%s", err.text) keeps the plugin's log prefix), print it,
 * hand it to the user (a job's reason, DL_PLAN_ERROR), or add its own
 * context and pass it up in its own err.  err->text means something only
 * after a failure, unless the function says otherwise (private_dir_make()
 * reports a fallback in it on success; accel_devices_env() empties it when
 * its NULL means "nothing to set").
 *
 * Functions whose only failure needs no words (out of memory, a buffer too
 * small, a lookup that finds nothing, a system call that sets errno) keep
 * to their return value and take no err.
 *
 * Logging.  Each plugin installs a sink that forwards to Slurm's log
 * (prefixed with the plugin name); the CLIs and unit tests use the default
 * sink, which writes to stderr.  Core functions log only what they do not
 * return: debug traces, and problems they work around and go on from (a
 * dlhetero.conf line they ignore, a device they skip, a gres.conf entry
 * that hwloc contradicts).
 *
 * The core library has no Slurm dependency, so it cannot call Slurm's
 * error()/debug() itself.
 */
#ifndef DLH_LOG_H
#define DLH_LOG_H

#include <stddef.h>

/*
 * Room for the longest message (a catalog or map path of up to 1023 bytes
 * with its explanation, the list of every chip type); longer ones are cut.
 */
#define DLH_ERROR_TEXT_MAX 2048

/* The one error carrier of the core library (see above). */
struct dlh_error {
	char text[DLH_ERROR_TEXT_MAX];
};

/*
 * Formats one line into err->text when err is not NULL (cut to fit, always
 * NUL-terminated) and returns -1, so that "return dlh_err(err, ...);" ends
 * a failing function.  errno is left as it was.
 */
int dlh_err(struct dlh_error *err, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

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

#endif
