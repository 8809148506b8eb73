/*
 * Route the core library's messages (dlh_error/dlh_info/dlh_debug) to
 * Slurm's log, prefixed with the plugin's name.  For the plugins built
 * against Slurm's internal headers (gres, select, job_submit).
 */
#ifndef DLH_SLURM_LOG_SINK_H
#define DLH_SLURM_LOG_SINK_H

void dlh_slurm_log_init(const char *plugin_type);

#endif
