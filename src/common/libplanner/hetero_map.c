#define _GNU_SOURCE
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <json-c/json.h>

#include "dlh_config.h"
#include "dlh_log.h"
#include "hetero_map.h"
#include "plan.h"
#include "plan_json.h"

static int set_err(struct dlh_error *err, const char *msg, size_t pos)
{
	return dlh_err(err, "DL_HETERO_MAP: %s at character %zu", msg, pos);
}

/* Copy a field of [A-Za-z0-9._-] up to stop into dst; NULL when bad. */
static const char *field(const char *p, char stop, char *dst, size_t len)
{
	size_t i = 0;

	while (*p && *p != stop) {
		if (!isalnum((unsigned char) *p) && !strchr("._-", *p))
			return NULL;
		if (i + 1 >= len)
			return NULL;
		dst[i++] = *p++;
	}
	if (!i || *p != stop)
		return NULL;
	dst[i] = '\0';
	return p + 1;
}

int hetero_map_parse(const char *s, struct hetero_node **nodes, size_t *n,
		     struct dlh_error *err)
{
	const char *p = s, *q;
	struct hetero_node *v = NULL, *nv;
	size_t cnt = 0, cap = 0;
	unsigned long c;
	char *end;

	*nodes = NULL;
	*n = 0;
	if (!s || !*s) {
		set_err(err, "empty", 0);
		return -1;
	}
	while (*p) {
		if (cnt == HETERO_MAP_MAX_NODES) {
			set_err(err, "too many nodes", p - s);
			goto fail;
		}
		if (cnt == cap) {
			cap = cap ? 2 * cap : 16;
			nv = realloc(v, cap * sizeof(*v));
			if (!nv) {
				dlh_err(err, "out of memory");
				goto fail;
			}
			v = nv;
		}
		if (!(q = field(p, ':', v[cnt].name, sizeof(v[cnt].name))) ||
		    !(q = field(q, ':', v[cnt].type, sizeof(v[cnt].type)))) {
			set_err(err, "want node:type:count", p - s);
			goto fail;
		}
		if (!isdigit((unsigned char) *q)) {
			set_err(err, "bad count", q - s);
			goto fail;
		}
		c = strtoul(q, &end, 10);
		if (c < 1 || c > 4096 || (*end && *end != ',')) {
			set_err(err, "bad count", q - s);
			goto fail;
		}
		v[cnt++].count = c;
		p = *end ? end + 1 : end;
		if (*end && !*p) {
			set_err(err, "trailing comma", p - s);
			goto fail;
		}
	}
	*nodes = v;
	*n = cnt;
	return 0;
fail:
	free(v);
	return -1;
}

char *hetero_map_format(const struct hetero_node *nodes, size_t n)
{
	size_t i, len = 1, used = 0;
	char *s;

	for (i = 0; i < n; i++)
		len += strlen(nodes[i].name) + strlen(nodes[i].type) + 14;
	if (!(s = malloc(len)))
		return NULL;
	s[0] = '\0';
	for (i = 0; i < n; i++)
		used += snprintf(s + used, len - used, "%s%s:%s:%u",
				 i ? "," : "", nodes[i].name, nodes[i].type,
				 nodes[i].count);
	return s;
}

/* "8(x2),4" -> counts[0..n); -1 when malformed or longer than max. */
static int parse_tasks_per_node(const char *s, unsigned *counts, size_t max,
				size_t *n)
{
	unsigned long c, rep;
	char *end;

	*n = 0;
	while (s && *s) {
		if (!isdigit((unsigned char) *s))
			return -1;
		c = strtoul(s, &end, 10);
		rep = 1;
		if (!strncmp(end, "(x", 2)) {
			if (!isdigit((unsigned char) end[2]))
				return -1;
			rep = strtoul(end + 2, &end, 10);
			if (*end++ != ')')
				return -1;
		}
		if (c > 65536 || rep > max - *n)
			return -1;
		while (rep--)
			counts[(*n)++] = c;
		if (*end == ',' && end[1])
			end++;
		else if (*end)
			return -1;
		s = end;
	}
	return *n ? 0 : -1;
}

int hetero_map_for_step(const struct hetero_node *nodes, size_t n,
			const char *step_nodes, const char *tasks_per_node,
			struct hetero_node **out, size_t *n_out,
			struct dlh_error *err)
{
	char **hosts = NULL;
	unsigned *tasks = NULL;
	size_t n_hosts = 0, n_tasks, i, j;
	int rc = -1;

	*out = NULL;
	*n_out = 0;
	/* a NULL list is refused there too, with a message */
	if (dlh_hostlist_expand(step_nodes, HETERO_MAP_MAX_NODES, &hosts,
				&n_hosts, err))
		return -1;
	tasks = calloc(n_hosts + 1, sizeof(*tasks));
	*out = calloc(n_hosts + 1, sizeof(**out));
	if (!tasks || !*out ||
	    parse_tasks_per_node(tasks_per_node, tasks, n_hosts, &n_tasks) ||
	    n_tasks != n_hosts) {
		set_err(err, "bad step tasks per node", 0);
		goto out;
	}
	for (i = 0; i < n_hosts; i++) {
		for (j = 0; j < n && strcmp(nodes[j].name, hosts[i]); j++)
			;
		if (j == n || !tasks[i])
			continue; /* a node without accelerators */
		(*out)[*n_out] = nodes[j];
		if (tasks[i] < nodes[j].count)
			(*out)[*n_out].count = tasks[i];
		(*n_out)++;
	}
	rc = 0;
out:
	if (rc) {
		free(*out);
		*out = NULL;
	}
	free(tasks);
	dlh_hostlist_free(hosts, n_hosts);
	return rc;
}

int hetero_map_keep(const struct hetero_node *nodes, size_t n,
		    const char *job_nodes, struct hetero_node **out,
		    size_t *n_out, struct dlh_error *err)
{
	char **hosts = NULL;
	size_t n_hosts = 0, i, j;

	*out = NULL;
	*n_out = 0;
	if (dlh_hostlist_expand(job_nodes, HETERO_MAP_MAX_NODES, &hosts,
				&n_hosts, err))
		return -1;
	if (!(*out = calloc(n + 1, sizeof(**out)))) {
		dlh_hostlist_free(hosts, n_hosts);
		dlh_err(err, "out of memory");
		return -1;
	}
	for (i = 0; i < n; i++) {
		for (j = 0; j < n_hosts && strcmp(nodes[i].name, hosts[j]); j++)
			;
		if (j < n_hosts)
			(*out)[(*n_out)++] = nodes[i];
	}
	dlh_hostlist_free(hosts, n_hosts);
	return 0;
}

/* The map's accelerators of one chip type, in job order: (node, device). */
struct slot {
	size_t node;	 /* into the map */
	unsigned device; /* local index among the job's devices there */
	int rank;	 /* Slurm/torchrun rank */
};

static struct slot *type_slots(const struct hetero_node *nodes, size_t n,
			       const int *first_rank, const char *type,
			       size_t *count)
{
	struct slot *s;
	size_t i, k = 0, total = 0;
	unsigned d;

	for (i = 0; i < n; i++)
		if (!strcmp(nodes[i].type, type))
			total += nodes[i].count;
	if (!(s = calloc(total + 1, sizeof(*s))))
		return NULL;
	for (i = 0; i < n; i++)
		for (d = 0; !strcmp(nodes[i].type, type) && d < nodes[i].count;
		     d++) {
			s[k].node = i;
			s[k].device = d;
			s[k++].rank = first_rank[i] + d;
		}
	*count = total;
	return s;
}

static int set_request(const struct hetero_node *nodes, size_t n,
		       const struct chip_catalog *chips,
		       struct plan_group_req *g, size_t *n_groups,
		       const char **types, struct dlh_error *err)
{
	size_t i, j, k;
	unsigned per_node;
	int uniform;

	*n_groups = 0;
	for (i = 0; i < n; i++) {
		for (k = 0; k < *n_groups; k++)
			if (!strcmp(types[k], nodes[i].type))
				break;
		if (k < *n_groups)
			continue;
		if (k == PLAN_MAX_GROUPS)
			return dlh_err(err,
				       "too many chip types for the planner");
		types[k] = nodes[i].type;
		memset(&g[k], 0, sizeof(g[k]));
		g[k].chip = chip_catalog_find(chips, nodes[i].type);
		if (!g[k].chip)
			return dlh_err(err,
				       "chip type %s is not in the catalog",
				       nodes[i].type);
		/* nodes with the same count form a regular group; a ragged
		 * one is planned as one accelerator per node, which only
		 * under-estimates its intra-node bandwidth */
		per_node = nodes[i].count;
		uniform = 1;
		for (j = i; j < n; j++) {
			if (strcmp(nodes[j].type, nodes[i].type))
				continue;
			g[k].nodes++;
			g[k].accel_per_node += nodes[j].count;
			if (nodes[j].count != per_node)
				uniform = 0;
		}
		if (uniform) {
			g[k].accel_per_node = per_node;
		} else {
			g[k].nodes = g[k].accel_per_node;
			g[k].accel_per_node = 1;
		}
		(*n_groups)++;
	}
	return 0;
}

/* Renumber the planner's ranks into job order and name their nodes. */
static json_object *job_ranks(const struct plan *p, json_object *ranks,
			      const struct hetero_node *nodes, size_t n,
			      const char **types)
{
	json_object *out = NULL, **by_rank;
	struct slot *slots[PLAN_MAX_GROUPS] = { 0 };
	size_t count[PLAN_MAX_GROUPS] = { 0 }, i, total = 0;
	int *first_rank;

	first_rank = calloc(n + 1, sizeof(int));
	for (i = 0; i < n; i++) {
		first_rank[i] = total;
		total += nodes[i].count;
	}
	by_rank = calloc(total + 1, sizeof(*by_rank));
	for (i = 0; first_rank && by_rank && i < p->n_groups; i++)
		slots[i] =
			type_slots(nodes, n, first_rank, types[i], &count[i]);
	for (i = 0; by_rank && i < p->n_ranks; i++) {
		const struct plan_rank *r = &p->ranks[i];
		const struct plan_group *g;
		json_object *o = json_object_array_get_idx(ranks, i);
		size_t j;

		if (r->group < 0 || (size_t) r->group >= p->n_groups ||
		    !slots[r->group] || !o)
			goto out;
		g = &p->groups[r->group];
		j = (size_t) (r->node - g->first_node) * g->accel_per_node +
		    r->local_device;
		if (j >= count[r->group])
			goto out;
		json_object_object_add(
			o, "rank",
			json_object_new_int(slots[r->group][j].rank));
		json_object_object_add(
			o, "node_name",
			json_object_new_string(
				nodes[slots[r->group][j].node].name));
		json_object_object_add(
			o, "local_rank",
			json_object_new_int(slots[r->group][j].device));
		by_rank[slots[r->group][j].rank] = json_object_get(o);
	}
	out = json_object_new_array();
	for (i = 0; i < total; i++) {
		if (!by_rank[i]) {
			json_object_put(out);
			out = NULL;
			goto out;
		}
		json_object_array_add(out, by_rank[i]);
		by_rank[i] = NULL;
	}
out:
	for (i = 0; by_rank && i < total; i++)
		json_object_put(by_rank[i]);
	for (i = 0; i < PLAN_MAX_GROUPS; i++)
		free(slots[i]);
	free(by_rank);
	free(first_rank);
	return out;
}

char *hetero_plan_json(const struct hetero_node *nodes, size_t n,
		       const struct chip_catalog *chips,
		       const struct model_catalog *models,
		       const struct hetero_plan_opts *opts,
		       struct dlh_error *err)
{
	struct plan_group_req groups[PLAN_MAX_GROUPS];
	const char *types[PLAN_MAX_GROUPS];
	struct plan_request req = { 0 };
	struct plan *p = NULL;
	json_object *o = NULL, *ranks, *list, *nd;
	char *json = NULL;
	const char *model = opts->model ? opts->model
					: HETERO_PLAN_DEFAULT_MODEL;
	size_t i;

	if (!n) {
		dlh_err(err, "the job has no accelerators");
		return NULL;
	}
	if (!(req.model = model_catalog_find(models, model))) {
		dlh_err(err, "unknown model %s", model);
		return NULL;
	}
	if (plan_mode_parse(opts->mode ? opts->mode : "train", &req.mode)) {
		dlh_err(err, "mode must be train or infer");
		return NULL;
	}
	if (set_request(nodes, n, chips, groups, &req.n_groups, types, err))
		return NULL;
	for (i = 0; i < req.n_groups; i++)
		groups[i].inter_node_gbps = opts->inter_node_gbps;
	req.groups = groups;
	req.global_batch = opts->global_batch;
	req.seq_len = opts->seq_len;
	req.strategy = PLAN_BALANCED;
	if (!(p = plan_compute(&req, err)))
		return NULL;
	o = plan_to_json_object(p);
	if (!o || !json_object_object_get_ex(o, "ranks", &ranks) ||
	    !(ranks = job_ranks(p, ranks, nodes, n, types))) {
		dlh_err(err, "cannot map the plan's ranks onto the job");
		goto out;
	}
	json_object_object_add(o, "ranks", ranks);
	json_object_object_add(o, "generation",
			       json_object_new_int(opts->generation));
	json_object_object_add(o, "model_defaulted",
			       json_object_new_boolean(!opts->model));
	list = json_object_new_array();
	for (i = 0; i < n; i++) {
		nd = json_object_new_object();
		json_object_object_add(nd, "name",
				       json_object_new_string(nodes[i].name));
		json_object_object_add(nd, "chip",
				       json_object_new_string(nodes[i].type));
		json_object_object_add(nd, "accelerators",
				       json_object_new_int(nodes[i].count));
		json_object_array_add(list, nd);
	}
	json_object_object_add(o, "nodes", list);
	json = strdup(json_object_to_json_string_ext(
		o, JSON_C_TO_STRING_PRETTY | JSON_C_TO_STRING_NOSLASHESCAPE));
	if (!json)
		dlh_err(err, "out of memory");
out:
	json_object_put(o);
	plan_free(p);
	return json;
}
