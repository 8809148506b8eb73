/* The plan file of a --dl-hetero step (remote context). */
#ifndef DLH_JOB_PLAN_H
#define DLH_JOB_PLAN_H

#include <slurm/spank.h>

#include "chip_catalog.h"
#include "dlh_config.h"

/* In user_init, as the job's user: compute the plan and write it. */
int job_plan_write(spank_t sp, const struct chip_catalog *chips,
		   const struct dlh_config *cfg);

/* In task_init: DL_PLAN and DL_PLAN_HASH (or DL_PLAN_ERROR). */
int job_plan_setenv(spank_t sp);

#endif
