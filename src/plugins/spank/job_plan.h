/* The plan file of a --dl-hetero step (remote context). */
#ifndef DLH_JOB_PLAN_H
#define DLH_JOB_PLAN_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <slurm/spank.h>

#include "chip_catalog.h"
#include "dlh_config.h"
#include "dlh_log.h"

/*
 * In init_post_opt, as root: a part of a grown job reads its own and its
 * main job's records from slurmctld for job_plan_write().  Not later:
 * slurmstepd (24.11 and later) holds its auth lock while user_init runs
 * as the user, and an RPC from there aborts it.
 */
void job_plan_prefetch(spank_t sp);

/* In user_init, as the job's user: compute the plan and write it. */
int job_plan_write(spank_t sp, const struct chip_catalog *chips,
		   const struct dlh_config *cfg);

/* In task_init: DL_PLAN and DL_PLAN_HASH (or DL_PLAN_ERROR). */
int job_plan_setenv(spank_t sp);

/*
 * In slurmstepd, as root, when the job's node list (job_nodes, a Slurm
 * hostlist) or its growth record (record: the admin comment,
 * hetero_growth.h) changed: plan again for the step's nodes still in the
 * job, or for the grown job's parts, and rewrite the plan file in place,
 * as the user.  Returns 1 (rewritten;
 * *n_ranks ranks, the file's path in job_plan_path()), 0 (nothing to do:
 * same nodes, or this node left the job) or -1 (why in err).
 */
int job_plan_replan(const char *job_nodes, const char *record,
		    const struct chip_catalog *chips, size_t *n_ranks,
		    struct dlh_error *err);

/* A plan was written and its inputs kept; its path ("" if none). */
bool job_plan_can_replan(void);
/* This node's name, once a plan was written ("" before) */
const char *job_plan_node(void);
const char *job_plan_path(void);

/* The plan file's generation: 0, then +1 at each replan. */
unsigned job_plan_generation(void);

/* The job the resize watch reads: the step's, or a part's main job. */
uint32_t job_plan_watch_job(void);

/*
 * A plan over a grown job's parts (another Slurm job's tasks come first):
 * the task's rank and world from the plan, by this node and local rank,
 * the generation's rendezvous port and the node of rank 0.  -1 when the
 * plan is not a grown job's: Slurm's numbering holds.
 */
int job_plan_rank(int local_rank, uint32_t *rank, uint32_t *world,
		  unsigned *port, const char **first_node);

void job_plan_clear(void);

#endif
