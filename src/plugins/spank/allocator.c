/*
 * Allocator and local contexts (sbatch, salloc, srun on the submit host):
 * refuse a bad request before anything is submitted, and put a good one in
 * the job's spank environment, where job_submit/dlhetero and the select
 * plugin find it in slurmctld.
 */
#include <stdio.h>
#include <stdlib.h>

#include "dlh_names.h"
#include "spank_dlhetero.h"

static int job_setenv(spank_t sp, const char *name, const char *val)
{
	if (!val)
		return 0;
	if (spank_job_control_setenv(sp, name, val, 1) != ESPANK_SUCCESS) {
		slurm_error("dlhetero: cannot pass %s to the job", name);
		return -1;
	}
	return 0;
}

int dlh_allocator_post_opt(spank_t sp)
{
	char *spec;
	int rc;

	if (dlh_opts_check(&dlh_opts, &spec))
		return -1;
	if (!spec)
		return 0; /* not a --dl-hetero job */
	rc = job_setenv(sp, DLH_VAR_HETERO, spec) ||
	     job_setenv(sp, DLH_VAR_MODEL, dlh_opts.model) ||
	     job_setenv(sp, DLH_VAR_MODE,
			dlh_opts.mode ? dlh_opts.mode : "train") ||
	     job_setenv(sp, DLH_VAR_GLOBAL_BATCH, dlh_opts.global_batch) ||
	     job_setenv(sp, DLH_VAR_SEQ_LEN, dlh_opts.seq_len) ||
	     job_setenv(sp, DLH_VAR_ON_FAILURE, dlh_opts.on_failure) ||
	     job_setenv(sp, DLH_VAR_CHECKPOINT_DIR, dlh_opts.ckpt_dir) ||
	     job_setenv(sp, DLH_VAR_PART_OF, dlh_opts.part_of);
	slurm_debug("dlhetero: request %s", spec);
	free(spec);
	return rc ? -1 : 0;
}
