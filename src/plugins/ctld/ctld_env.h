/*
 * A job's environment arrays as slurmctld keeps them (spank_job_env, and
 * the batch script's environment): an xmalloc'd array of "NAME=VALUE"
 * strings with its length beside it.  slurmctld also walks the
 * array up to a NULL entry (job_common_env_vars() -> env_array_merge() for
 * MailProg, PrologSlurmctld and EpilogSlurmctld), so it must always end
 * with one NULL slot past its length.
 */
#ifndef DLH_CTLD_ENV_H
#define DLH_CTLD_ENV_H

#include <stdint.h>

/* Value of NAME in the array, or NULL. */
const char *ctld_env_get(char **env, uint32_t size, const char *name);

/*
 * Set NAME=VALUE in the array, replacing any old value; the array stays
 * NULL-terminated.
 */
void ctld_env_set(char ***env, uint32_t *size, const char *name,
		  const char *value);

/* NAME's value as a job id (1..4294967295), or 0: absent or not one. */
uint32_t ctld_env_job_id(char **env, uint32_t size, const char *name);

/* Remove every NAME=... entry; the array stays NULL-terminated. */
void ctld_env_unset(char **env, uint32_t *size, const char *name);

#endif
