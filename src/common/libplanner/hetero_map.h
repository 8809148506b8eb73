/*
 * hetero_map: where a --dl-hetero job's accelerators are, node by node.
 *
 * The select plugin writes it at allocation, compact, in the job's node
 * order: one group per run of nodes with the same chip type and count,
 * HOSTLIST:TYPE:COUNT, groups separated by ';', e.g.
 *   n[1-2]:a100:8;n[5-6]:ascend910b:8
 * so a job of 10,000 nodes takes a few KiB.  slurmctld signs it
 * (map_cred.h); the SPANK plugin reads it back on every node to build the
 * plan.  Parsing is strict and bounded all the same.  No Slurm dependency.
 */
#ifndef DLH_HETERO_MAP_H
#define DLH_HETERO_MAP_H

#include <stddef.h>

#include "chip_catalog.h"
#include "dlh_log.h"
#include "model_catalog.h"

#define HETERO_MAP_MAX_NODES 65536
#define HETERO_MAP_MAX_COUNT 1024      /* accelerators on one node */
#define HETERO_MAP_MAX_ACCEL 262144    /* in one map */
#define HETERO_MAP_MAX_LEN   (1 << 20) /* bytes of the map's text */
#define HETERO_MAP_NAME_LEN  256       /* a DNS name (253) and its NUL */

struct hetero_node {
	char name[HETERO_MAP_NAME_LEN];
	char type[32];
	unsigned count; /* accelerators of the job on the node */
};

/* Returns 0 with a malloc'd array, or -1 with a message in err. */
int hetero_map_parse(const char *s, struct hetero_node **nodes, size_t *n,
		     struct dlh_error *err);

/* malloc'd compact form (above), NULL when out of memory */
char *hetero_map_format(const struct hetero_node *nodes, size_t n);

/*
 * The part of a job's map a step uses: the step's nodes (a Slurm hostlist
 * expression) with min(tasks there, accelerators there) accelerators each,
 * one rank per accelerator; tasks_per_node is Slurm's "8(x2),4" form.
 * Returns 0 with a malloc'd array, or -1 with a message in err.
 */
int hetero_map_for_step(const struct hetero_node *nodes, size_t n,
			const char *step_nodes, const char *tasks_per_node,
			struct hetero_node **out, size_t *n_out,
			struct dlh_error *err);

/*
 * The map cut down to the nodes still in the job (a Slurm hostlist
 * expression, e.g. after the job shrank), in the map's order.
 * Returns 0 with a malloc'd array, or -1 with a message in err.
 */
int hetero_map_keep(const struct hetero_node *nodes, size_t n,
		    const char *job_nodes, struct hetero_node **out,
		    size_t *n_out, struct dlh_error *err);

struct hetero_plan_opts {
	const char *model;	   /* NULL: HETERO_PLAN_DEFAULT_MODEL */
	const char *mode;	   /* NULL: "train" */
	int global_batch, seq_len; /* 0: the planner's defaults */
	double inter_node_gbps;	   /* 0: the planner's default */
	unsigned generation;	   /* 0 at the start, +1 at each resize */
	unsigned master_port;	   /* a grown job's rendezvous port, or 0 */
};

#define HETERO_PLAN_DEFAULT_MODEL "llama2-7b"

/*
 * The plan of a job as the JSON written to DL_PLAN: the planner's plan,
 * with ranks numbered in the job's node order and local device order
 * (what Slurm's block distribution and torchrun give), each rank naming
 * its node.  Returns a malloc'd string, or NULL with why in err.
 */
char *hetero_plan_json(const struct hetero_node *nodes, size_t n,
		       const struct chip_catalog *chips,
		       const struct model_catalog *models,
		       const struct hetero_plan_opts *opts,
		       struct dlh_error *err);

/*
 * The same, and the same plan for the frameworks (plan_export.h): the
 * JSON carries "megatron_args" when all its groups are of one chip type,
 * and *flagscale (when not NULL) is set to FlagScale's heterogeneous YAML
 * for a node with chips of type device (malloc'd; NULL for a plan
 * FlagScale cannot run, such as an inference plan: not an error).
 */
char *hetero_plan_json_ex(const struct hetero_node *nodes, size_t n,
			  const struct chip_catalog *chips,
			  const struct model_catalog *models,
			  const struct hetero_plan_opts *opts,
			  const char *device, char **flagscale,
			  struct dlh_error *err);

#endif
