/*
 * Plans for FlagScale and Megatron-LM: see plan_export.h.
 */
#define _GNU_SOURCE
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "plan_export.h"

/* The groups in pipeline order (by their first stage). */
static void pipeline_order(const struct plan *p, size_t *order)
{
	size_t i, j, t;

	for (i = 0; i < p->n_groups; i++)
		order[i] = i;
	for (i = 1; i < p->n_groups; i++)
		for (j = i; j > 0 && p->groups[order[j - 1]].first_stage >
					     p->groups[order[j]].first_stage;
		     j--) {
			t = order[j];
			order[j] = order[j - 1];
			order[j - 1] = t;
		}
}

static int cat(char **s, const char *fmt, ...)
{
	char *add, *grown;
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vasprintf(&add, fmt, ap);
	va_end(ap);
	if (n < 0)
		return -1;
	if (!(grown = realloc(*s, (*s ? strlen(*s) : 0) + n + 1))) {
		free(add);
		return -1;
	}
	if (!*s)
		grown[0] = '\0';
	strcat(grown, add);
	*s = grown;
	free(add);
	return 0;
}

char *plan_flagscale_yaml(const struct plan *p, const char *current_type,
			  struct dlh_error *err)
{
	size_t order[PLAN_MAX_GROUPS], i, k;
	const struct plan_group *g;
	char *s = NULL;
	int rc = 0;

	if (!p || p->mode != PLAN_TRAIN || !p->n_groups) {
		dlh_err(err, "FlagScale: only training plans");
		return NULL;
	}
	pipeline_order(p, order);
	if (!current_type)
		current_type = p->groups[order[0]].chip;
	for (i = 0; i < p->n_groups && strcmp(p->groups[i].chip, current_type);
	     i++)
		;
	if (i == p->n_groups) {
		dlh_err(err, "FlagScale: the plan has no %s group",
			current_type);
		return NULL;
	}
	g = &p->groups[order[0]];
	rc |= cat(&s,
		  "# dlhetero plan for FlagScale (train YAML): %s, %d ranks\n"
		  "system:\n"
		  "  tensor_model_parallel_size: %d\n"
		  "  pipeline_model_parallel_size: %zu\n"
		  "  hetero:\n"
		  "    enable_hetero: True\n"
		  "    hetero_current_device_type: \"%s\"\n"
		  "    hetero_device_types: [",
		  p->model, p->world_size, g->tp, p->n_stages, current_type);
	for (k = 0; k < p->n_groups; k++)
		rc |= cat(&s, "%s\"%s\"", k ? ", " : "",
			  p->groups[order[k]].chip);
	rc |= cat(&s,
		  "]\n    # [tp, cp, ep, dp, pp] per group, pipeline order\n"
		  "    hetero_process_meshes: [");
	for (k = 0; k < p->n_groups; k++) {
		g = &p->groups[order[k]];
		rc |= cat(&s, "%s%d, 1, %d, %d, %d", k ? ", " : "", g->tp,
			  g->ep, g->dp, g->pp);
	}
	rc |= cat(&s, "]\n    hetero_pipeline_layer_split: [");
	for (k = 0; k < p->n_stages; k++)
		rc |= cat(&s, "%s%d", k ? ", " : "",
			  p->stages[k].last_layer - p->stages[k].first_layer);
	rc |= cat(&s,
		  "]\nmodel:\n"
		  "  num_layers: %d\n"
		  "  seq_length: %d\n"
		  "  micro_batch_size: %d\n"
		  "  global_batch_size: %d\n",
		  p->stages[p->n_stages - 1].last_layer, p->seq_len,
		  p->micro_batch_size, p->global_batch);
	if (p->recompute != RECOMPUTE_NONE)
		rc |= cat(&s, "  recompute_granularity: %s\n",
			  p->recompute == RECOMPUTE_FULL ? "full"
							 : "selective");
	if (rc) {
		free(s);
		dlh_err(err, "out of memory");
		return NULL;
	}
	return s;
}

char *plan_megatron_args(const struct plan *p, struct dlh_error *err)
{
	const struct plan_group *g;
	char *s = NULL;
	size_t i;
	int rc = 0, first, last, mid;

	if (!p || p->mode != PLAN_TRAIN || !p->n_groups) {
		dlh_err(err, "Megatron: only training plans");
		return NULL;
	}
	for (i = 1; i < p->n_groups; i++)
		if (strcmp(p->groups[i].chip, p->groups[0].chip)) {
			dlh_err(err,
				"Megatron runs one chip type; this plan mixes "
				"%s and %s (use --flagscale)",
				p->groups[0].chip, p->groups[i].chip);
			return NULL;
		}
	g = &p->groups[0];
	rc |= cat(&s,
		  "--tensor-model-parallel-size %d "
		  "--pipeline-model-parallel-size %zu "
		  "--micro-batch-size %d --global-batch-size %d "
		  "--seq-length %d --num-layers %d",
		  g->tp, p->n_stages, p->micro_batch_size, p->global_batch,
		  p->seq_len, p->stages[p->n_stages - 1].last_layer);
	if (p->recompute != RECOMPUTE_NONE)
		rc |= cat(&s, " --recompute-granularity %s",
			  p->recompute == RECOMPUTE_FULL ? "full"
							 : "selective");
	if (g->ep > 1)
		rc |= cat(&s, " --expert-model-parallel-size %d", g->ep);
	if (p->n_stages > 2) {
		/* uneven ends: Megatron splits the middle evenly */
		first = p->stages[0].last_layer - p->stages[0].first_layer;
		last = p->stages[p->n_stages - 1].last_layer -
		       p->stages[p->n_stages - 1].first_layer;
		mid = p->stages[1].last_layer - p->stages[1].first_layer;
		for (i = 2; i + 1 < p->n_stages; i++)
			if (p->stages[i].last_layer -
				    p->stages[i].first_layer !=
			    mid) {
				free(s);
				dlh_err(err,
					"Megatron: middle stages of unequal "
					"layers");
				return NULL;
			}
		if (first != mid)
			rc |= cat(&s, " --decoder-first-pipeline-num-layers %d",
				  first);
		if (last != mid)
			rc |= cat(&s, " --decoder-last-pipeline-num-layers %d",
				  last);
	} else if (p->n_stages == 2 &&
		   p->stages[0].last_layer - p->stages[0].first_layer !=
			   p->stages[1].last_layer - p->stages[1].first_layer) {
		rc |= cat(&s, " --decoder-first-pipeline-num-layers %d",
			  p->stages[0].last_layer - p->stages[0].first_layer);
	}
	if (rc) {
		free(s);
		dlh_err(err, "out of memory");
		return NULL;
	}
	return s;
}
