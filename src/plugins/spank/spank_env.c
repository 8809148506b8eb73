/*
 * What the remote side reads from a step's environment, for the context
 * files (remote.c, job_plan.c) without either calling into the other.
 */
#define _GNU_SOURCE /* RTLD_DEFAULT */
#include <ctype.h>
#include <dlfcn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "spank_dlhetero.h"
#include "dlh_config.h"
#include "hetero_map.h"

int dlh_job_var(spank_t sp, const char *name, char *buf, size_t len)
{
	char full[128];

	snprintf(full, sizeof(full), "SLURM_SPANK_%s", name);
	if (spank_getenv(sp, full, buf, len) == ESPANK_SUCCESS ||
	    spank_getenv(sp, name, buf, len) == ESPANK_SUCCESS)
		return 0;
	return -1;
}

int dlh_step_host(spank_t sp, uint32_t k, char *buf, size_t len)
{
	char *list = malloc(DLH_ENV_MAX), **hosts = NULL;
	size_t n = 0;
	int rc = -1;

	if (list &&
	    (!spank_getenv(sp, "SLURM_STEP_NODELIST", list, DLH_ENV_MAX) ||
	     !spank_getenv(sp, "SLURM_JOB_NODELIST", list, DLH_ENV_MAX)) &&
	    !dlh_hostlist_expand(list, HETERO_MAP_MAX_NODES, &hosts, &n,
				 NULL) &&
	    k < n && strlen(hosts[k]) < len) {
		strcpy(buf, hosts[k]);
		rc = 0;
	}
	dlh_hostlist_free(hosts, n);
	free(list);
	return rc;
}

/*
 * slurmstepd has read slurm.conf into libslurmfull's global slurm_conf;
 * the SPANK API has no call for it, and asking slurmctld would be an RPC
 * per step.  Looked up by name at run time, so that the plugin still loads
 * in sbatch, salloc and srun (public libslurm), which never call this.
 */
const slurm_conf_t *dlh_stepd_conf(void)
{
	return dlsym(RTLD_DEFAULT, "slurm_conf");
}

bool dlh_plain_name(const char *s)
{
	const char *p;

	if (!s || !*s || *s == '.')
		return false;
	for (p = s; *p; p++)
		if (!isalnum((unsigned char) *p) && !strchr("._-", *p))
			return false;
	return true;
}

int dlh_cluster_name(char *buf, size_t len)
{
	const slurm_conf_t *conf = dlh_stepd_conf();
	const char *name = conf ? conf->cluster_name : NULL;

	if (!dlh_plain_name(name) || strlen(name) >= len)
		return -1;
	strcpy(buf, name);
	return 0;
}

int dlh_job_record(uint32_t job_id, char **nodes, char **comment)
{
	job_info_msg_t *resp = NULL;
	slurm_job_info_t *job;
	int rc = -1;

	*nodes = *comment = NULL;
#if SLURM_VERSION_NUMBER >= SLURM_VERSION_NUM(26, 5, 0)
	/* 26.05 names a job by step id */
	slurm_step_id_t id = SLURM_STEP_ID_INITIALIZER;

	id.job_id = job_id;
	if (!slurm_load_job(&resp, id, SHOW_ALL) && resp &&
#else
	if (!slurm_load_job(&resp, job_id, SHOW_ALL) && resp &&
#endif
	    resp->record_count >= 1) {
		job = &resp->job_array[0];
		*nodes = strdup(job->nodes ? job->nodes : "");
		*comment = strdup(job->admin_comment ? job->admin_comment : "");
		if (*nodes && *comment) {
			rc = 0;
		} else {
			free(*nodes);
			free(*comment);
			*nodes = *comment = NULL;
		}
	}
	slurm_free_job_info_msg(resp);
	return rc;
}
