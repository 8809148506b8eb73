/*
 * Names the plugins, the CLIs and the node side share, spelled once: the
 * gres, the job variables the SPANK plugin sets at submission (slurmctld
 * reads them in the job's spank environment; on the nodes they are
 * SLURM_SPANK_<name>), and the variables every task of a --dl-hetero job
 * gets (doc/dlhetero.8).
 */
#ifndef DLH_NAMES_H
#define DLH_NAMES_H

#define DLH_GRES_NAME "accel"

/* job variables */
#define DLH_VAR_HETERO	       "DL_HETERO"
#define DLH_VAR_HETERO_MAP     "DL_HETERO_MAP"
#define DLH_VAR_MODEL	       "DL_MODEL"
#define DLH_VAR_MODE	       "DL_MODE"
#define DLH_VAR_GLOBAL_BATCH   "DL_GLOBAL_BATCH"
#define DLH_VAR_SEQ_LEN	       "DL_SEQ_LEN"
#define DLH_VAR_ON_FAILURE     "DL_ON_FAILURE"
#define DLH_VAR_CHECKPOINT_DIR "DL_CHECKPOINT_DIR"
#define DLH_VAR_PART_OF	       "DL_PART_OF" /* a grown job's part: main id */

/*
 * Set by slurmctld only (the select plugin, at allocation), in the job's
 * supplemental environment: the batch script and every allocation answer
 * (salloc, srun) carry them, so every step inherits them (SLURM_ names
 * survive srun --export=NONE).  The map and its munge credential
 * (map_cred.h).  job_submit/dlhetero strips them from what users send.
 */
#define DLH_ENV_MAP	 "SLURM_SPANK_" DLH_VAR_HETERO_MAP
#define DLH_ENV_MAP_CRED "SLURM_SPANK_" DLH_VAR_HETERO_MAP "_CRED"

/*
 * How the admin comment of every --dl-hetero job that slurmctld placed
 * begins (its placement summary, "dlhetero a100:16(n[1-2]) ...", or why
 * there is none, "dlhetero: ..."); only SlurmUser and admins set it.
 */
#define DLH_COMMENT_PREFIX "dlhetero"

/* task variables */
#define DLH_VAR_CHIP_TYPE      "DL_CHIP_TYPE"
#define DLH_VAR_DEVICE	       "DL_DEVICE"
#define DLH_VAR_CCL	       "DL_CCL"
#define DLH_VAR_TRANSPORT      "DL_TRANSPORT"
#define DLH_VAR_PLAN	       "DL_PLAN"
#define DLH_VAR_PLAN_HASH      "DL_PLAN_HASH"
#define DLH_VAR_PLAN_ERROR     "DL_PLAN_ERROR"
#define DLH_VAR_PLAN_FLAGSCALE "DL_PLAN_FLAGSCALE"
#define DLH_VAR_RESIZE_SIGNAL  "DL_RESIZE_SIGNAL"
#define DLH_VAR_RESTART_COUNT  "DL_RESTART_COUNT"

#endif
