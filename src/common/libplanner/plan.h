/*
 * plan: choose how to train or serve one model on a mix of chip types.
 *
 * Training: every data-parallel replica is one pipeline whose stages run
 * on the chip groups in turn (group A's stages, then group B's, ...).  Each
 * group picks its own tensor-parallel width and stage count; all groups
 * share the data-parallel degree (and, for MoE, the expert-parallel
 * degree, carved out of it).  Layers are split unevenly so that the
 * slowest stage is as fast as possible while each stage fits its chips'
 * memory; see doc/planner.md for the cost model.
 *
 * Inference: each group serves independent replicas (its own TP x PP);
 * throughput adds up across groups.
 *
 * Pure library: no Slurm, no I/O, no exit().  Errors come back in a
 * struct dlh_error (dlh_log.h).
 */
#ifndef DLH_PLAN_H
#define DLH_PLAN_H

#include <stddef.h>

#include "chip_catalog.h"
#include "cost_model.h"
#include "dlh_log.h"
#include "model_catalog.h"

#define PLAN_MAX_GROUPS		       8
#define PLAN_DEFAULT_ACCEL_PER_NODE    8
#define PLAN_DEFAULT_INTER_NODE_GBPS   25.0 /* 200 Gb/s per accelerator */
#define PLAN_DEFAULT_INTER_DOMAIN_GBPS 12.5 /* 100 Gb/s per accelerator */
#define PLAN_DEFAULT_SEQ_LEN	       4096
#define PLAN_DEFAULT_TRAIN_BATCH       1024 /* sequences per step */
#define PLAN_MAX_INFER_BATCH	       256  /* sequences per replica */
/* Largest --dl-global-batch / --dl-seq-len (and the CLI's) accepted */
#define PLAN_MAX_GLOBAL_BATCH	       (1 << 24)
#define PLAN_MAX_SEQ_LEN	       (1 << 22)
/* A number in a help text: DLH_STR(PLAN_DEFAULT_SEQ_LEN) is "4096" */
#define DLH_STR_(x)		       #x
#define DLH_STR(x)		       DLH_STR_(x)

enum plan_mode { PLAN_TRAIN, PLAN_INFER };

enum plan_strategy {
	PLAN_BALANCED, /* ours: min-max stage time under memory limits */
	PLAN_EVEN,     /* layers split evenly over the stages */
	PLAN_METIS,    /* layers in proportion to stage compute (Metis) */
};

/* One group of identical chips.  Zero fields take the defaults. */
struct plan_group_req {
	const struct chip_type *chip; /* name and numeric fields used */
	int accel_per_node;	      /* 0: PLAN_DEFAULT_ACCEL_PER_NODE */
	int nodes;
	double intra_node_gbps; /* 0: chip->link_gbps */
	double inter_node_gbps; /* per accelerator; 0: default */
	int domain;		/* groups in other domains talk over
					 * the inter-domain link */
};

struct plan_request {
	const struct model_spec *model;
	enum plan_mode mode;
	/* Train: sequences per optimizer step (0: 1024).  Infer: concurrent
	 * sequences over all replicas (0: as many as the KV cache holds, at
	 * most PLAN_MAX_INFER_BATCH per replica). */
	int global_batch;
	int seq_len; /* 0: PLAN_DEFAULT_SEQ_LEN */
	const struct plan_group_req *groups;
	size_t n_groups;	  /* 1..PLAN_MAX_GROUPS */
	double inter_domain_gbps; /* 0: default */
	enum plan_strategy strategy;
};

/* Per-chip memory, bytes. */
struct plan_mem {
	double weights, grads, optimizer, activations, kv_cache;
	double total, capacity;
};

struct plan_group {
	char *chip; /* type name */
	const struct chip_type *chip_type;
	int accelerators, nodes, accel_per_node, domain;
	int first_rank, first_node;
	double intra_node_gbps, inter_node_gbps;
	int tp, pp, dp, ep;		/* ep 1 for dense models */
	int first_stage;		/* train: stages [first_stage, +pp) */
	int first_layer, last_layer;	/* train: layers [first, last) */
	struct plan_mem mem;		/* the group's fullest chip */
	double standalone_tokens_per_s; /* this group planned alone */
	int standalone_memory_relaxed;	/* alone it cannot hold the model;
					 * the figure ignores memory */
	/* infer */
	int replicas, batch_per_replica;
	double kv_tokens_per_replica;
	double tokens_per_s;
};

struct plan_stage {
	int stage, group, tp;
	int first_layer, last_layer; /* [first, last) */
	double time_s;		     /* train: fwd+bwd of one micro-batch */
	struct plan_mem mem;
};

struct plan_rank {
	int rank, node, group, local_device;
	int stage, first_layer, last_layer;
	int replica; /* data-parallel index / replica */
	int batch;   /* sequences of the replica per step */
	int micro_batches;
	int tp_rank;
	int tp_group, pp_group, dp_group, ep_group; /* -1: none */
};

struct plan {
	char *model;
	enum plan_mode mode;
	enum plan_strategy strategy;
	int global_batch, seq_len;
	int micro_batch_size, micro_batches; /* per replica, largest */
	enum recompute recompute;
	int world_size, n_nodes;
	double step_time_s;	      /* train */
	double pipeline_s, dp_comm_s; /* parts of step_time_s */
	double tokens_per_s;
	double flops_per_step, mfu;	/* train: model FLOPs / peak */
	double standalone_tokens_per_s; /* sum over groups */
	double efficiency;		/* tokens_per_s / standalone sum */
	double even_split_efficiency;	/* same mix, layers split evenly */
	double metis_efficiency;	/* same mix, Metis-style split */
	struct plan_group *groups;
	size_t n_groups;
	struct plan_stage *stages; /* train: pipeline order */
	size_t n_stages;
	int *replica_batch; /* sequences per replica per step */
	size_t n_replicas;
	struct plan_rank *ranks; /* by rank */
	size_t n_ranks;
};

/*
 * The layer splitter, exposed for tests and other planners.  A stage's
 * time and memory grow linearly with the layers it holds; layers
 * [0, dense_end) are dense ([0] figures), the rest MoE ([1] figures).
 */
struct plan_stage_cost {
	double t_layer[2], t_fixed; /* seconds per micro-batch */
	double m_layer[2], m_fixed; /* bytes per chip */
	double cap;		    /* usable bytes per chip */
	double compute;		    /* FLOP/s of the stage (Metis rule) */
};

/*
 * Split L layers over P ordered stages, each at least one: PLAN_BALANCED
 * minimises the slowest stage's time within memory, PLAN_EVEN splits
 * evenly, PLAN_METIS in proportion to compute.  Fills cnt[0..P) and
 * returns 1, or 0 when the split does not fit memory.
 */
int plan_split_layers(enum plan_strategy st, const struct plan_stage_cost *c,
		      int P, int L, int dense_end, int *cnt);
/* Time of the slowest stage of a split. */
double plan_split_max_time(const struct plan_stage_cost *c, int P,
			   int dense_end, const int *cnt);

/*
 * Plan.  Returns NULL with why in err when the request is invalid or the
 * chips cannot hold the model; the message says how much memory is needed
 * against how much there is.
 */
struct plan *plan_compute(const struct plan_request *req,
			  struct dlh_error *err);
void plan_free(struct plan *p);

const char *plan_mode_name(enum plan_mode m);
const char *plan_strategy_name(enum plan_strategy s);
/* 0 and *out set, or -1 for an unknown name. */
int plan_mode_parse(const char *s, enum plan_mode *out);

#endif
