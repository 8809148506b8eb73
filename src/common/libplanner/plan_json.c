/*
 * plan_json: serialise a plan.  Doubles are written with "%.6g" through
 * json_object_new_double_s(), so the text (and its hash) does not depend
 * on how json-c would round a double.
 */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "plan_json.h"

static struct json_object *num(double x)
{
	char buf[40];

	if (!(x == x) || x > 1e300 || x < -1e300)
		x = 0;
	snprintf(buf, sizeof(buf), "%.6g", x);
	return json_object_new_double_s(x, buf);
}

static void add(struct json_object *o, const char *k, struct json_object *v)
{
	json_object_object_add(o, k, v);
}

static void add_int(struct json_object *o, const char *k, int64_t v)
{
	add(o, k, json_object_new_int64(v));
}

static void add_num(struct json_object *o, const char *k, double v)
{
	add(o, k, num(v));
}

static void add_str(struct json_object *o, const char *k, const char *v)
{
	add(o, k, json_object_new_string(v ? v : ""));
}

/* Memory in GB (1e9 bytes). */
static struct json_object *mem_obj(const struct plan_mem *m, int train)
{
	struct json_object *o = json_object_new_object();

	add_num(o, "weights_gb", m->weights / 1e9);
	if (train) {
		add_num(o, "grads_gb", m->grads / 1e9);
		add_num(o, "optimizer_gb", m->optimizer / 1e9);
		add_num(o, "activations_gb", m->activations / 1e9);
	} else {
		add_num(o, "kv_cache_gb", m->kv_cache / 1e9);
	}
	add_num(o, "total_gb", m->total / 1e9);
	add_num(o, "capacity_gb", m->capacity / 1e9);
	return o;
}

static struct json_object *group_obj(const struct plan *p,
				     const struct plan_group *g)
{
	struct json_object *o = json_object_new_object();
	int train = p->mode == PLAN_TRAIN;

	add_str(o, "chip", g->chip);
	add_int(o, "accelerators", g->accelerators);
	add_int(o, "nodes", g->nodes);
	add_int(o, "accel_per_node", g->accel_per_node);
	add_int(o, "domain", g->domain);
	add_int(o, "first_rank", g->first_rank);
	add_int(o, "first_node", g->first_node);
	add_num(o, "intra_node_gbps", g->intra_node_gbps);
	add_num(o, "inter_node_gbps", g->inter_node_gbps);
	add_int(o, "tp", g->tp);
	add_int(o, "pp", g->pp);
	add_int(o, "dp", g->dp);
	add_int(o, "ep", g->ep);
	if (train) {
		add_int(o, "first_stage", g->first_stage);
		add_int(o, "first_layer", g->first_layer);
		add_int(o, "last_layer", g->last_layer);
		add_num(o, "standalone_tokens_per_s",
			g->standalone_tokens_per_s);
		add(o, "standalone_memory_relaxed",
		    json_object_new_boolean(g->standalone_memory_relaxed));
	} else {
		add_int(o, "replicas", g->replicas);
		add_int(o, "batch_per_replica", g->batch_per_replica);
		add_num(o, "kv_tokens_per_replica", g->kv_tokens_per_replica);
		add_num(o, "tokens_per_s", g->tokens_per_s);
	}
	add(o, "mem", mem_obj(&g->mem, train));
	return o;
}

static struct json_object *stage_obj(const struct plan_stage *s)
{
	struct json_object *o = json_object_new_object();

	add_int(o, "stage", s->stage);
	add_int(o, "group", s->group);
	add_int(o, "tp", s->tp);
	add_int(o, "first_layer", s->first_layer);
	add_int(o, "last_layer", s->last_layer);
	add_num(o, "time_ms", s->time_s * 1e3);
	add(o, "mem", mem_obj(&s->mem, 1));
	return o;
}

static struct json_object *rank_obj(const struct plan *p,
				    const struct plan_rank *r)
{
	struct json_object *o = json_object_new_object();
	const char *chip = r->group >= 0 && (size_t) r->group < p->n_groups
				   ? p->groups[r->group].chip
				   : "";

	add_int(o, "rank", r->rank);
	add_int(o, "node", r->node);
	add_str(o, "chip", chip);
	add_int(o, "group", r->group);
	add_int(o, "local_device", r->local_device);
	add_int(o, "stage", r->stage);
	add_int(o, "first_layer", r->first_layer);
	add_int(o, "last_layer", r->last_layer);
	add_int(o, "replica", r->replica);
	add_int(o, "batch", r->batch);
	add_int(o, "micro_batches", r->micro_batches);
	add_int(o, "tp_rank", r->tp_rank);
	add_int(o, "tp_group", r->tp_group);
	add_int(o, "pp_group", r->pp_group);
	add_int(o, "dp_group", r->dp_group);
	add_int(o, "ep_group", r->ep_group);
	return o;
}

struct json_object *plan_to_json_object(const struct plan *p)
{
	return plan_to_json_object_ex(p, true);
}

struct json_object *plan_to_json_object_ex(const struct plan *p,
					   bool with_ranks)
{
	struct json_object *o, *a;
	int train;
	size_t i;

	if (!p)
		return NULL;
	train = p->mode == PLAN_TRAIN;
	o = json_object_new_object();
	if (!o)
		return NULL;
	add_str(o, "schema", PLAN_JSON_SCHEMA);
	add_str(o, "model", p->model);
	add_str(o, "mode", plan_mode_name(p->mode));
	add_str(o, "strategy", plan_strategy_name(p->strategy));
	add_int(o, "world_size", p->world_size);
	add_int(o, "nodes", p->n_nodes);
	add_int(o, "global_batch", p->global_batch);
	add_int(o, "seq_len", p->seq_len);
	if (train) {
		add_int(o, "micro_batch_size", p->micro_batch_size);
		add_int(o, "micro_batches", p->micro_batches);
		add_str(o, "recompute", recompute_name(p->recompute));
		add_num(o, "step_time_s", p->step_time_s);
		add_num(o, "pipeline_s", p->pipeline_s);
		add_num(o, "dp_comm_s", p->dp_comm_s);
		add_num(o, "flops_per_step", p->flops_per_step);
		add_num(o, "mfu", p->mfu);
	}
	add_num(o, "tokens_per_s", p->tokens_per_s);
	add_num(o, "standalone_tokens_per_s", p->standalone_tokens_per_s);
	add_num(o, "efficiency", p->efficiency);
	add_num(o, "even_split_efficiency", p->even_split_efficiency);
	add_num(o, "metis_efficiency", p->metis_efficiency);

	a = json_object_new_array();
	for (i = 0; i < p->n_groups; i++)
		json_object_array_add(a, group_obj(p, &p->groups[i]));
	add(o, "groups", a);
	a = json_object_new_array();
	for (i = 0; i < p->n_stages; i++)
		json_object_array_add(a, stage_obj(&p->stages[i]));
	add(o, "stages", a);
	a = json_object_new_array();
	for (i = 0; i < p->n_replicas; i++)
		json_object_array_add(a,
				      json_object_new_int(p->replica_batch[i]));
	add(o, "replica_batch", a);
	if (!with_ranks)
		return o;
	a = json_object_new_array();
	for (i = 0; i < p->n_ranks; i++)
		json_object_array_add(a, rank_obj(p, &p->ranks[i]));
	add(o, "ranks", a);
	return o;
}

char *plan_to_json(const struct plan *p)
{
	struct json_object *o = plan_to_json_object(p);
	char *s;

	if (!o)
		return NULL;
	s = strdup(json_object_to_json_string_ext(
		o, JSON_C_TO_STRING_PLAIN | JSON_C_TO_STRING_NOSLASHESCAPE));
	json_object_put(o);
	return s;
}

uint64_t plan_json_hash(const char *json)
{
	uint64_t h = 0xcbf29ce484222325ULL; /* FNV-1a 64 offset basis */

	for (; json && *json; json++) {
		h ^= (unsigned char) *json;
		h *= 0x100000001b3ULL; /* FNV 64 prime */
	}
	return h;
}

void plan_json_hash_hex(const char *json, char out[17])
{
	snprintf(out, 17, "%016" PRIx64, plan_json_hash(json));
}
