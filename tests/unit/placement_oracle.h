/*
 * placement_oracle: exhaustive reference for placement_place() on small
 * instances, and a random instance generator.  Test and bench code only.
 *
 * The oracle computes the objective from its definition (placement.h),
 * independently of the library's code, over every subset of nodes.
 */
#ifndef DLH_PLACEMENT_ORACLE_H
#define DLH_PLACEMENT_ORACLE_H

#include "placement.h"

#define ORACLE_MAX_NODES 20

/* Best cost over all exact placements of an explicit request; -1 if none
 * (or too many relevant nodes). */
int oracle_best(const struct placement_node *nodes, size_t n,
		const struct placement_request *req,
		struct placement_cost *best);

/*
 * Checks a result against the request (counts per type exact, no node
 * twice, no node over its usable free accelerators, pick types match the
 * node's chip type) and computes its cost from the definitions.  Returns
 * 0, or -1 with a reason in err.
 */
int oracle_check(const struct placement_node *nodes, size_t n,
		 const struct placement_request *req,
		 const struct placement_result *res,
		 struct placement_cost *cost, struct dlh_error *err);

struct oracle_instance {
	struct placement_node nodes[ORACLE_MAX_NODES];
	char names[ORACLE_MAX_NODES][16];
	size_t n;
	struct placement_request req;
};

/* xorshift PRNG: deterministic across platforms. */
uint32_t oracle_rand(uint64_t *state);

/* A random small cluster (2..max_n nodes, 1-2 domains, 3 switch levels,
 * mixed and pure leaves, some nodes outside the topology, busy and partly
 * busy nodes) and a feasible explicit request of 1-3 types. */
void oracle_random_instance(uint64_t *state, size_t max_n,
			    struct oracle_instance *in);

#endif
