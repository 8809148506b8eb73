/* The plan file of a --dl-hetero step (remote context). */
#ifndef DLH_JOB_PLAN_H
#define DLH_JOB_PLAN_H

#include <stdbool.h>
#include <stddef.h>
#include <slurm/spank.h>

#include "chip_catalog.h"
#include "dlh_config.h"
#include "dlh_log.h"

/* In user_init, as the job's user: compute the plan and write it. */
int job_plan_write(spank_t sp, const struct chip_catalog *chips,
		   const struct dlh_config *cfg);

/* In task_init: DL_PLAN and DL_PLAN_HASH (or DL_PLAN_ERROR). */
int job_plan_setenv(spank_t sp);

/*
 * In slurmstepd, as root, when the job's node list changed (job_nodes, a
 * Slurm hostlist): plan again for the step's nodes still in the job and
 * rewrite the plan file in place, as the user.  Returns 1 (rewritten;
 * *n_ranks ranks, the file's path in job_plan_path()), 0 (nothing to do:
 * same nodes, or this node left the job) or -1 (why in err).
 */
int job_plan_replan(const char *job_nodes, const struct chip_catalog *chips,
		    size_t *n_ranks, struct dlh_error *err);

/* A plan was written and its inputs kept; its path ("" if none). */
bool job_plan_can_replan(void);
/* This node's name, once a plan was written ("" before) */
const char *job_plan_node(void);
const char *job_plan_path(void);

/* The plan file's generation: 0, then +1 at each replan. */
unsigned job_plan_generation(void);

void job_plan_clear(void);

#endif
