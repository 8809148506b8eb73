/*
 * model_catalog: transformer shapes the planner can place.
 *
 * The catalog is a JSON file (data/models.json, installed in
 * $(pkgdatadir)) that admins may extend without a rebuild.  Only the shape
 * matters to the planner: it derives parameter counts, FLOPs and memory
 * from it (see cost_model.h).  No Slurm dependency.
 */
#ifndef DLH_MODEL_CATALOG_H
#define DLH_MODEL_CATALOG_H

#include <stddef.h>

#include "dlh_log.h"

struct model_spec {
	char *name;   /* lowercase: "llama2-70b" */
	char *source; /* where the shape comes from */
	int layers;   /* decoder layers, L */
	int hidden;   /* h */
	int ffn;      /* SwiGLU width of dense layers */
	int heads;    /* query heads */
	int kv_heads; /* key/value heads (GQA groups) */
	int head_dim; /* per-head width; hidden/heads unless given */
	int vocab;    /* V */
	/* Mixture of experts; experts == 0 means a dense model. */
	int experts;	    /* routed experts per MoE layer */
	int top_k;	    /* routed experts active per token */
	int expert_ffn;	    /* SwiGLU width of one expert */
	int shared_experts; /* always-active experts of width expert_ffn */
	int dense_layers;   /* the first dense_layers layers are dense */
	/* Multi-head latent attention; kv_lora_rank == 0 means none. */
	int q_lora_rank; /* 0: queries projected directly */
	int kv_lora_rank;
	int qk_nope_head_dim;
	int qk_rope_head_dim;
	int v_head_dim;
};

struct model_catalog {
	struct model_spec *models;
	size_t n_models;
	char *path; /* file it was read from */
};

/* Default location: $DLH_MODEL_CATALOG if set, else DLH_DATADIR/models.json */
const char *model_catalog_default_path(void);

/*
 * Load a catalog.  On any error (unreadable or oversized file, bad JSON,
 * missing, unknown or ill-typed field, inconsistent shape, duplicate name)
 * returns NULL with the file and the line, or the entry and field at
 * fault, in err.  Never aborts, never logs.
 */
struct model_catalog *model_catalog_load(const char *path,
					 struct dlh_error *err);
void model_catalog_free(struct model_catalog *cat);

/* NULL when nothing matches.  Names compare case-insensitively. */
const struct model_spec *model_catalog_find(const struct model_catalog *cat,
					    const char *name);

/* Comma-separated list of all model names, for messages; caller frees. */
char *model_catalog_names(const struct model_catalog *cat);

/* True when layer i (0-based) has routed experts. */
static inline int model_layer_is_moe(const struct model_spec *m, int i)
{
	return m->experts > 0 && i >= m->dense_layers;
}

#endif
