/*
 * placement: choose the nodes and accelerators for a --dl-hetero request.
 *
 * Pure computation: the select plugin turns slurmctld's node records into
 * struct placement_node, calls placement_place(), and narrows cons_tres's
 * candidate node bitmap to the answer.  No Slurm dependency, no globals,
 * no I/O except dlh_debug().  Errors come back in a struct dlh_error
 * (dlh_log.h).
 *
 * Objective (see doc/placement.md for the algorithm).  Satisfy every
 * per-type count exactly (a node gives at most its usable free accelerators,
 * of its own chip type; a node may be taken partially), then minimise, in
 * this order:
 *   (1) domain_links: distinct domains used - 1;
 *   (2) span_level: the lowest switch level l (0 = leaf) at which all chosen
 *       nodes hang below one switch (switch_path[l] equal and >= 0); 0 for
 *       a single node; PLACEMENT_LEVELS (4) if there is no common switch;
 *   (3) leaves: distinct leaf switches used (a node without a leaf switch
 *       counts as a leaf of its own);
 *   (4) frag_delta: how much the placement changes the number of partly
 *       used nodes (0 < free < total).  Per chosen node: +1 if it was
 *       wholly free and is left partly used, -1 if it was partly used and
 *       all its free accelerators are taken, 0 otherwise.  So taking a
 *       node's whole free set beats splitting it, and filling an already
 *       partly busy node beats consuming a whole free one;
 *   (5) weight: sum of the Slurm weights of the chosen nodes;
 *   (6) ties: lower positions in (switch path, node index) order first,
 *       which also keeps each chip type on neighbouring nodes.
 * The search is exact for (1)-(5) unless its work budget runs out on very
 * large candidate sets; result->exact says which.
 *
 * Work budget.  placement_place() runs inside slurmctld under its locks, so
 * one call is bounded: every loop of the call (setup and sorting, domain
 * sets, subtrees, leaf sets, knapsacks, greedy fallbacks, auto type subsets
 * and the hill climb) adds to one work counter, and once it reaches
 * work_limit no new search starts: the call finishes the solve in progress
 * greedily and returns the best valid placement found (result->budget_hit,
 * result->exact false).  A request that fits always gets a valid
 * placement; the budget only costs optimality.  placement_work_bound()
 * gives the most work a call can do; doc/placement.md, "Limits", the time.
 */
#ifndef DLH_PLACEMENT_H
#define DLH_PLACEMENT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "dlh_log.h"
#include "hetero_spec.h"

#define PLACEMENT_MAX_TYPES    HETERO_SPEC_MAX_TYPES
#define PLACEMENT_TYPE_LEN     HETERO_SPEC_TYPE_LEN
#define PLACEMENT_LEVELS       4     /* switch levels from the leaf up */
#define PLACEMENT_MAX_ACCEL    65536 /* per node; more is clamped */
/*
 * Default work budget per call, in work units.  A unit is one knapsack cell,
 * one node or leaf visited by a linear pass, or half a comparison of a
 * sort: a few ns (2.5 ns measured on a 2.4 GHz EPYC at -O2).  With what
 * placement_work_bound() adds, a call at 10,000 nodes stays under 50 ms
 * (doc/placement.md, "Limits").
 */
#define PLACEMENT_DEFAULT_WORK 4000000

struct placement_node {
	const char *name;
	int index;	       /* caller's node index (node_record index) */
	const char *chip_type; /* gres Type; NULL: not an accelerator node */
	uint32_t free_accel;   /* idle accelerators now */
	uint32_t total_accel;  /* configured accelerators */
	uint32_t free_cores;   /* idle cores (see cores_per_accel) */
	int domain;	       /* dlh_config_domain_of() */
	int leaf_switch;       /* -1: not in the topology */
	int switch_path[PLACEMENT_LEVELS]; /* [0] = leaf, upward; -1 above
						 * the top */
	int n_levels;			   /* valid entries in switch_path */
	uint32_t weight; /* Slurm node weight, lower preferred */
};

/* What placement costs, in objective order. */
struct placement_cost {
	unsigned domain_links; /* (1) */
	unsigned span_level;   /* (2) 0..PLACEMENT_LEVELS */
	unsigned leaves;       /* (3) */
	int frag_delta;	       /* (4) */
	uint64_t weight;       /* (5) */
	unsigned n_nodes;      /* information only */
	unsigned n_types;      /* types with a count > 0 */
};

/* A mix of accelerators: what an auto request is resolved to. */
struct placement_mix {
	size_t n;
	const char *type[PLACEMENT_MAX_TYPES];
	uint32_t count[PLACEMENT_MAX_TYPES];
};

/*
 * Throughput of a candidate mix as placed with cost (higher is better), for
 * auto requests.  Must not keep the pointers.
 */
typedef double (*placement_score_fn)(void *arg, const struct placement_mix *mix,
				     const struct placement_cost *cost);

struct placement_request {
	bool is_auto;
	/* Explicit: the types and counts (count >= 1, each type once).
	 * Auto: the allowed types (n_types == 0: any), counts unused. */
	size_t n_types;
	const char *type[PLACEMENT_MAX_TYPES];
	uint32_t count[PLACEMENT_MAX_TYPES];
	uint32_t total; /* auto: accelerators in all */
	/* Cores needed per accelerator taken; 0: do not look at free_cores.
	 * A node then gives min(free_accel, free_cores / cores_per_accel). */
	uint32_t cores_per_accel;
	/* Auto only: candidate mixes are scored with this and the highest
	 * wins (ties: objective).  NULL: the best placement by the objective,
	 * then fewer types. */
	placement_score_fn score;
	void *score_arg;
	/* Work budget of the call in work units (see PLACEMENT_DEFAULT_WORK);
	 * 0: PLACEMENT_DEFAULT_WORK. */
	uint64_t work_limit;
};

struct placement_pick {
	size_t node;	/* position in the nodes[] given */
	int index;	/* nodes[node].index */
	size_t type;	/* into placement_result.type[] */
	uint32_t count; /* accelerators taken there, >= 1 */
};

struct placement_result {
	size_t n_types;
	char type[PLACEMENT_MAX_TYPES][PLACEMENT_TYPE_LEN];
	uint32_t per_type[PLACEMENT_MAX_TYPES];
	/* Grouped by type (request order), each type's nodes in (switch
	 * path, node index) order: neighbouring pipeline stages. */
	struct placement_pick *picks;
	size_t n_picks;
	struct placement_cost cost;
	bool exact;	  /* proven optimal for (1)-(5) */
	bool shape_exact; /* proven optimal for (1)-(3), only (4)-(5)
				 * may be off (auto with a score: = exact) */
	bool budget_hit;  /* the work budget cut the search short (the
				 * placement is valid, maybe not optimal) */
	double score;	  /* auto with a score callback: its value */
	uint64_t work;	  /* work units spent, at most
				 * placement_work_bound() */
};

enum placement_status {
	PLACEMENT_INVALID = -1, /* bad request or arguments */
	PLACEMENT_OK = 0,
	PLACEMENT_NOT_NOW = 1, /* enough accelerators exist, not free now */
	PLACEMENT_NEVER = 2,   /* not enough even when all are free */
};

/* Fills req from a parsed SPEC; req points into spec. Returns 0 or -1. */
int placement_request_from_spec(const struct hetero_spec *spec,
				struct placement_request *req);

/*
 * Places req on nodes[0..n_nodes).  Returns PLACEMENT_OK with *res filled
 * (free with placement_result_free()), or another status with *res empty:
 * PLACEMENT_NOT_NOW or PLACEMENT_NEVER (placement_explain() then says why),
 * or PLACEMENT_INVALID with why in err (a bad request, out of memory, an
 * internal error).
 */
int placement_place(const struct placement_node *nodes, size_t n_nodes,
		    const struct placement_request *req,
		    struct placement_result *res, struct dlh_error *err);

void placement_result_free(struct placement_result *res);

/*
 * Slurm's topology/block (23.11+): a job of N nodes must lie in one block,
 * of the smallest configured size >= N; larger than every block, it may
 * span the system.  Each node's switch_path[l] names its block at level
 * l, of block_size[l] nodes (increasing).  Places like placement_place();
 * when that placement crosses the block its size needs, places again
 * inside each block of that level (and above, if a placement inside needs
 * more nodes), in node order, and keeps the first that fits: at most
 * PLACEMENT_BLOCK_TRIES more placements, res->work counts them all.  With
 * no block there it fails with PLACEMENT_NOT_NOW or _NEVER and says why
 * in err.  n_levels == 0: placement_place() alone.
 */
#define PLACEMENT_BLOCK_TRIES 64

int placement_place_blocks(const struct placement_node *nodes, size_t n,
			   const struct placement_request *req,
			   const uint32_t *block_size, size_t n_levels,
			   struct placement_result *res, struct dlh_error *err);

/*
 * The most work units placement_place() spends on n_nodes nodes with the
 * given work_limit (0: the default): the budget, plus what finishing
 * greedily may add once it is spent (the node setup, one solve in
 * progress and its readback, all O(n_nodes log n_nodes)).  result->work
 * never exceeds it.
 */
uint64_t placement_work_bound(size_t n_nodes, uint64_t work_limit);

/*
 * One line on whether req can be placed: PLACEMENT_OK ("fits"),
 * PLACEMENT_NOT_NOW ("needs a100:16, only 8 free in partition"),
 * PLACEMENT_NEVER ("never: cluster has only 8 a100 in total") or
 * PLACEMENT_INVALID.  NEVER wins over NOT_NOW.
 */
int placement_explain(const struct placement_node *nodes, size_t n_nodes,
		      const struct placement_request *req, char *buf,
		      size_t len);

/*
 * The objective's value for any selection: picks[i].node indexes nodes[]
 * (type is ignored).  Returns 0, or -1 if a pick is out of range, repeats a
 * node, or takes more than the node's usable free accelerators (with
 * cores_per_accel as in a request; 0: ignore cores).
 */
int placement_evaluate(const struct placement_node *nodes, size_t n_nodes,
		       const struct placement_pick *picks, size_t n_picks,
		       uint32_t cores_per_accel, struct placement_cost *cost);

/* <0, 0, >0 as a is better than, as good as, worse than b for (1)-(5). */
int placement_cost_cmp(const struct placement_cost *a,
		       const struct placement_cost *b);

#endif
