/* sched_budget: see sched_budget.h. */
#include "sched_budget.h"

bool sched_budget_left(struct sched_budget *b, int64_t now_sec)
{
	if (now_sec != b->second) {
		b->second = now_sec;
		b->spent = 0;
	}
	return b->spent < b->per_second;
}

void sched_budget_spend(struct sched_budget *b, uint64_t work)
{
	b->spent = work > UINT64_MAX - b->spent ? UINT64_MAX : b->spent + work;
}
