/*
 * sched_budget: how much placement work slurmctld may spend on --dl-hetero
 * jobs in one second, over all of them.  Each placement call is bounded on
 * its own (placement.h); this bounds a scheduling pass full of them.  The
 * caller serialises calls (slurmctld's job and node write locks).  No
 * Slurm dependency.
 */
#ifndef DLH_SCHED_BUDGET_H
#define DLH_SCHED_BUDGET_H

#include <stdbool.h>
#include <stdint.h>

struct sched_budget {
	uint64_t per_second; /* work units allowed in one second */
	int64_t second;	     /* the second being counted */
	uint64_t spent;	     /* in it */
};

/* True if work may start at now_sec (a monotonic clock's seconds). */
bool sched_budget_left(struct sched_budget *b, int64_t now_sec);

/* Counts work done in the current second. */
void sched_budget_spend(struct sched_budget *b, uint64_t work);

#endif
