/*
 * dlhetero SPANK plugin: --dl-hetero and friends for sbatch, salloc and srun.
 *
 * This file only registers the options and dispatches each SPANK callback
 * to the file of the context it runs in:
 *   allocator.c  sbatch/salloc/srun (allocator and local contexts): check
 *                the request and put it in the job's spank environment;
 *   remote.c     slurmstepd (remote context): give every task its rank,
 *                communication settings and plan;
 *   resize_watch.c  slurmstepd: a new plan and a signal when the job
 *                shrinks or grows; in the job's extern step, the watch
 *                of the next node (peer_watch.c).
 * No SPANK job prolog or epilog: once a plugin defines one, slurmd runs it
 * for every job on the cluster.  slurmctld's node -> chip map reaches the
 * steps signed, in the job's environment (job_plan.c, map_cred.h).
 */
#include <stddef.h>

#include <slurm/spank.h>

#include "spank_dlhetero.h"
#include "job_plan.h"
#include "plan.h"
#include "resize_watch.h"

SPANK_PLUGIN(dlhetero, 1);

static int opt_cb(int val, const char *optarg, int remote)
{
	return dlh_opts_set(&dlh_opts, val, optarg, remote);
}

/* clang-format off: one option per entry, its help text as written */
static struct spank_option options[] = {
	{ "dl-hetero", "[SPEC]",
	  "Run on several accelerator chip types as one job. SPEC is "
	  "TYPE:N[,TYPE:N...] (accelerators per chip type, e.g. "
	  "ascend910b:16,a100:16), auto:N (N accelerators of any types) or "
	  "auto:N:TYPE+TYPE (of these types). Types: dlhetero-plan "
	  "--list-chips.",
	  2, DLH_OPT_HETERO, opt_cb },
	{ "dl-model", "NAME",
	  "Model for the parallel plan (dlhetero-plan --list-models), "
	  "e.g. llama2-70b.",
	  1, DLH_OPT_MODEL, opt_cb },
	{ "dl-mode", "train|infer", "Plan for training (default) or inference.",
	  1, DLH_OPT_MODE, opt_cb },
	{ "dl-global-batch", "N",
	  "Global batch size in sequences for the plan (training: default " DLH_STR(
		  PLAN_DEFAULT_TRAIN_BATCH) "; inference: as many as the "
					    "memory holds).",
	  1, DLH_OPT_GLOBAL_BATCH, opt_cb },
	{ "dl-seq-len", "N",
	  "Sequence length for the plan (default " DLH_STR(
		  PLAN_DEFAULT_SEQ_LEN) ").",
	  1, DLH_OPT_SEQ_LEN, opt_cb },
	{ "dl-on-failure", "requeue|continue",
	  "When a node of the job fails: requeue the job, which is placed "
	  "again and restarts with a new plan (default), or continue on the "
	  "surviving nodes.",
	  1, DLH_OPT_ON_FAILURE, opt_cb },
	{ "dl-checkpoint-dir", "PATH",
	  "Checkpoint folder given to every task as DL_CHECKPOINT_DIR, the "
	  "same across restarts (default: "
	  "$SLURM_SUBMIT_DIR/dlhetero-ckpt/<jobid>).",
	  1, DLH_OPT_CKPT_DIR, opt_cb },
	{ "dl-part-of", "JOBID",
	  "Grow the running --dl-hetero job JOBID by this job's "
	  "accelerators (dlhetero-grow submits it): its tasks join the "
	  "job's training as the next plan generation.",
	  1, DLH_OPT_PART_OF, opt_cb },
	SPANK_OPTIONS_TABLE_END
};
/* clang-format on */

int slurm_spank_init(spank_t sp, int ac, char **av)
{
	int i;

	dlh_spank_log_init();
	/* loaded for another plugin's prolog or epilog: nothing to do */
	if (spank_context() == S_CTX_JOB_SCRIPT)
		return 0;
	for (i = 0; options[i].name; i++) {
		if (spank_option_register(sp, &options[i]) != ESPANK_SUCCESS) {
			slurm_error("dlhetero: cannot register --%s",
				    options[i].name);
			return -1;
		}
	}
	return dlh_plugin_args(ac, av);
}

int slurm_spank_init_post_opt(spank_t sp, int ac, char **av)
{
	switch (spank_context()) {
	case S_CTX_ALLOCATOR:
	case S_CTX_LOCAL:
		return dlh_allocator_post_opt(sp);
	case S_CTX_REMOTE:
		/* as root, before user_init drops privileges (job_plan.h) */
		job_plan_prefetch(sp);
		/* the job's extern step (PrologFlags=Contain): no user_init
		 * and no tasks of its own, alive as long as the job */
		resize_watch_start_extern(sp);
		return 0;
	default:
		return 0;
	}
}

int slurm_spank_user_init(spank_t sp, int ac, char **av)
{
	if (spank_remote(sp))
		return dlh_remote_user_init(sp);
	return 0;
}

int slurm_spank_task_init(spank_t sp, int ac, char **av)
{
	if (spank_remote(sp))
		return dlh_remote_task_init(sp);
	return 0;
}

int slurm_spank_task_post_fork(spank_t sp, int ac, char **av)
{
	if (spank_remote(sp))
		resize_watch_task_forked(sp);
	return 0;
}

int slurm_spank_task_exit(spank_t sp, int ac, char **av)
{
	if (spank_remote(sp))
		resize_watch_task_exited(sp);
	return 0;
}

int slurm_spank_exit(spank_t sp, int ac, char **av)
{
	dlh_opts_clear(&dlh_opts);
	if (spank_remote(sp))
		resize_watch_stop(); /* before the catalog it uses goes */
	dlh_remote_exit();
	return 0;
}
