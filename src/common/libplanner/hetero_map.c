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
#include "plan_export.h"
#include "plan_json.h"

static int set_err(struct dlh_error *err, const char *msg, size_t pos)
{
	return dlh_err(err, "DL_HETERO_MAP: %s at character %zu", msg, pos);
}

/* [A-Za-z0-9._-]+ of s[0..len) into dst (of size dst_len); -1 when bad. */
static int field(const char *s, size_t len, char *dst, size_t dst_len)
{
	size_t i;

	if (!len || len >= dst_len)
		return -1;
	for (i = 0; i < len; i++)
		if (!isalnum((unsigned char) s[i]) && !strchr("._-", s[i]))
			return -1;
	memcpy(dst, s, len);
	dst[len] = '\0';
	return 0;
}

static int by_str(const void *a, const void *b)
{
	return strcmp(*(char *const *) a, *(char *const *) b);
}

static int by_name(const void *a, const void *b)
{
	return strcmp((*(const struct hetero_node *const *) a)->name,
		      (*(const struct hetero_node *const *) b)->name);
}

/* The map's nodes sorted by name (malloc'd), for lookups and duplicates. */
static const struct hetero_node **name_index(const struct hetero_node *nodes,
					     size_t n)
{
	const struct hetero_node **idx = malloc((n + 1) * sizeof(*idx));
	size_t i;

	for (i = 0; idx && i < n; i++)
		idx[i] = &nodes[i];
	if (idx)
		qsort(idx, n, sizeof(*idx), by_name);
	return idx;
}

static const struct hetero_node *find(const struct hetero_node **idx, size_t n,
				      const char *name)
{
	struct hetero_node key;
	const struct hetero_node *k = &key, **hit;

	if (snprintf(key.name, sizeof(key.name), "%s", name) >=
	    (int) sizeof(key.name))
		return NULL;
	hit = bsearch(&k, idx, n, sizeof(*idx), by_name);
	return hit ? *hit : NULL;
}

/* One "HOSTLIST:TYPE:COUNT" group, s[0..len), appended to v. */
static int parse_group(const char *s, size_t len, size_t at,
		       struct hetero_node **v, size_t *cnt, size_t *cap,
		       unsigned long *total, struct dlh_error *err)
{
	const char *c2 = NULL, *c1 = NULL, *p;
	char type[sizeof((*v)->type)], count[8], *end, *hl, **hosts = NULL;
	size_t n_hosts = 0, i;
	struct hetero_node *nv;
	struct dlh_error why;
	unsigned long c;

	for (p = s + len; p > s; p--) {
		if (p[-1] != ':')
			continue;
		if (!c2)
			c2 = p - 1;
		else if (!c1) {
			c1 = p - 1;
			break;
		}
	}
	if (!c1 || c1 == s)
		return set_err(err, "want HOSTS:TYPE:COUNT", at);
	if (field(c1 + 1, c2 - c1 - 1, type, sizeof(type)))
		return set_err(err, "bad chip type", at + (c1 + 1 - s));
	if (s + len - c2 - 1 < 1 || s + len - c2 - 1 >= (long) sizeof(count) ||
	    !isdigit((unsigned char) c2[1]))
		return set_err(err, "bad count", at + (c2 + 1 - s));
	memcpy(count, c2 + 1, s + len - c2 - 1);
	count[s + len - c2 - 1] = '\0';
	c = strtoul(count, &end, 10);
	if (*end || c < 1 || c > HETERO_MAP_MAX_COUNT)
		return set_err(err, "bad count", at + (c2 + 1 - s));
	if (!(hl = strndup(s, c1 - s)))
		return dlh_err(err, "out of memory");
	if (dlh_hostlist_expand(hl, HETERO_MAP_MAX_NODES - *cnt, &hosts,
				&n_hosts, &why)) {
		free(hl);
		return dlh_err(err, "DL_HETERO_MAP: hosts at character %zu: %s",
			       at, why.text);
	}
	free(hl);
	for (i = 0; i < n_hosts; i++) {
		if (*total + c > HETERO_MAP_MAX_ACCEL) {
			set_err(err, "too many accelerators", at);
			goto fail;
		}
		*total += c;
		if (*cnt == *cap) {
			*cap = *cap ? 2 * *cap : 16;
			if (!(nv = realloc(*v, *cap * sizeof(**v)))) {
				dlh_err(err, "out of memory");
				goto fail;
			}
			*v = nv;
		}
		if (field(hosts[i], strlen(hosts[i]), (*v)[*cnt].name,
			  sizeof((*v)[*cnt].name))) {
			set_err(err, "bad host name", at);
			goto fail;
		}
		strcpy((*v)[*cnt].type, type);
		(*v)[(*cnt)++].count = c;
	}
	dlh_hostlist_free(hosts, n_hosts);
	return 0;
fail:
	dlh_hostlist_free(hosts, n_hosts);
	return -1;
}

int hetero_map_parse(const char *s, struct hetero_node **nodes, size_t *n,
		     struct dlh_error *err)
{
	const struct hetero_node **idx = NULL;
	struct hetero_node *v = NULL;
	size_t cnt = 0, cap = 0, len, i;
	unsigned long total = 0;
	const char *p, *semi;

	*nodes = NULL;
	*n = 0;
	if (!s || !*s)
		return set_err(err, "empty", 0);
	if ((len = strnlen(s, HETERO_MAP_MAX_LEN + 1)) > HETERO_MAP_MAX_LEN)
		return set_err(err, "too long", HETERO_MAP_MAX_LEN);
	for (p = s; p < s + len; p = semi + 1) {
		if (!(semi = memchr(p, ';', s + len - p)))
			semi = s + len;
		if (semi == p) {
			set_err(err, "empty group", p - s);
			goto fail;
		}
		if (parse_group(p, semi - p, p - s, &v, &cnt, &cap, &total,
				err))
			goto fail;
		if (semi + 1 == s + len) {
			set_err(err, "trailing ';'", len);
			goto fail;
		}
	}
	if (!(idx = name_index(v, cnt))) {
		dlh_err(err, "out of memory");
		goto fail;
	}
	for (i = 1; i < cnt; i++) {
		if (!strcmp(idx[i - 1]->name, idx[i]->name)) {
			dlh_err(err, "DL_HETERO_MAP: node %s twice",
				idx[i]->name);
			goto fail;
		}
	}
	free(idx);
	*nodes = v;
	*n = cnt;
	return 0;
fail:
	free(idx);
	free(v);
	return -1;
}

char *hetero_map_format(const struct hetero_node *nodes, size_t n)
{
	char **names = malloc((n + 1) * sizeof(*names)), *s = NULL, *hl, *ns;
	size_t i = 0, j, k, len = 0;
	int w;

	if (!names || !(s = strdup("")))
		goto fail;
	/* one group per run of nodes with the same type and count */
	while (i < n) {
		for (j = i + 1; j < n && nodes[j].count == nodes[i].count &&
				!strcmp(nodes[j].type, nodes[i].type);
		     j++)
			;
		for (k = i; k < j; k++)
			names[k - i] = (char *) nodes[k].name;
		if (!(hl = dlh_hostlist_compress(names, j - i)))
			goto fail;
		w = snprintf(NULL, 0, "%s%s:%s:%u", i ? ";" : "", hl,
			     nodes[i].type, nodes[i].count);
		if (w < 0 || !(ns = realloc(s, len + w + 1))) {
			free(hl);
			goto fail;
		}
		s = ns;
		len += snprintf(s + len, w + 1, "%s%s:%s:%u", i ? ";" : "", hl,
				nodes[i].type, nodes[i].count);
		free(hl);
		i = j;
	}
	free(names);
	return s;
fail:
	free(names);
	free(s);
	return NULL;
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
	const struct hetero_node **idx = NULL, *hit;
	char **hosts = NULL;
	unsigned *tasks = NULL;
	size_t n_hosts = 0, n_tasks, i;
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
	if (!(idx = name_index(nodes, n))) {
		dlh_err(err, "out of memory");
		goto out;
	}
	for (i = 0; i < n_hosts; i++) {
		if (!(hit = find(idx, n, hosts[i])) || !tasks[i])
			continue; /* a node without accelerators */
		(*out)[*n_out] = *hit;
		if (tasks[i] < hit->count)
			(*out)[*n_out].count = tasks[i];
		(*n_out)++;
	}
	rc = 0;
out:
	free(idx);
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
	size_t n_hosts = 0, i;

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
	qsort(hosts, n_hosts, sizeof(*hosts), by_str);
	for (i = 0; i < n; i++) {
		const char *name = nodes[i].name;

		if (bsearch(&name, hosts, n_hosts, sizeof(*hosts), by_str))
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

/*
 * The "ranks" array as text, one object per line in job rank order: the
 * planner's ranks renumbered into job order, each naming its node.  Built
 * as text, not as JSON objects: a job of 10,000 nodes has 80,000 ranks of
 * 18 fields each, and a tree of 1.4 million objects would cost seconds
 * and hundreds of MB on every node.  Returns a malloc'd string, or NULL.
 */
static char *job_ranks(const struct plan *p, const struct hetero_node *nodes,
		       size_t n, const char **types)
{
	struct slot *slots[PLAN_MAX_GROUPS] = { 0 }, **by_rank = NULL;
	const struct plan_rank **who = NULL;
	size_t count[PLAN_MAX_GROUPS] = { 0 }, i, total = 0, len = 0, cap;
	int *first_rank, w;
	char *out = NULL, *grown;

	first_rank = calloc(n + 1, sizeof(int));
	for (i = 0; first_rank && i < n; i++) {
		first_rank[i] = total;
		total += nodes[i].count;
	}
	by_rank = calloc(total + 1, sizeof(*by_rank));
	who = calloc(total + 1, sizeof(*who));
	for (i = 0; first_rank && by_rank && who && i < p->n_groups; i++)
		if (!(slots[i] = type_slots(nodes, n, first_rank, types[i],
					    &count[i])))
			goto out;
	for (i = 0; by_rank && who && i < p->n_ranks; i++) {
		const struct plan_rank *r = &p->ranks[i];
		const struct plan_group *g;
		size_t j;

		if (r->group < 0 || (size_t) r->group >= p->n_groups)
			goto out;
		g = &p->groups[r->group];
		j = (size_t) (r->node - g->first_node) * g->accel_per_node +
		    r->local_device;
		if (j >= count[r->group] ||
		    (size_t) slots[r->group][j].rank >= total ||
		    who[slots[r->group][j].rank])
			goto out;
		who[slots[r->group][j].rank] = r;
		by_rank[slots[r->group][j].rank] = &slots[r->group][j];
	}
	cap = total * 320 + 16;
	if (!by_rank || !who || p->n_ranks != total || !(out = malloc(cap)))
		goto out;
	len = snprintf(out, cap, "[");
	for (i = 0; i < total; i++) {
		const struct plan_rank *r = who[i];

		for (;;) {
			w = snprintf(out + len, cap - len,
				     "%s\n    {\"rank\": %zu, \"node\": %d, "
				     "\"chip\": \"%s\", \"group\": %d, "
				     "\"local_device\": %d, \"stage\": %d, "
				     "\"first_layer\": %d, \"last_layer\": %d, "
				     "\"replica\": %d, \"batch\": %d, "
				     "\"micro_batches\": %d, \"tp_rank\": %d, "
				     "\"tp_group\": %d, \"pp_group\": %d, "
				     "\"dp_group\": %d, \"ep_group\": %d, "
				     "\"node_name\": \"%s\", "
				     "\"local_rank\": %u}",
				     i ? "," : "", i, r->node,
				     p->groups[r->group].chip, r->group,
				     r->local_device, r->stage, r->first_layer,
				     r->last_layer, r->replica, r->batch,
				     r->micro_batches, r->tp_rank, r->tp_group,
				     r->pp_group, r->dp_group, r->ep_group,
				     nodes[by_rank[i]->node].name,
				     by_rank[i]->device);
			if (w < 0)
				goto fail;
			/* room for this rank and the closing "\n  ]" */
			if ((size_t) w + 8 < cap - len)
				break;
			cap *= 2;
			if (!(grown = realloc(out, cap)))
				goto fail;
			out = grown;
		}
		len += w;
	}
	snprintf(out + len, cap - len, "\n  ]");
	goto out;
fail:
	free(out);
	out = NULL;
out:
	for (i = 0; i < PLAN_MAX_GROUPS; i++)
		free(slots[i]);
	free(by_rank);
	free(who);
	free(first_rank);
	return out;
}

char *hetero_plan_json(const struct hetero_node *nodes, size_t n,
		       const struct chip_catalog *chips,
		       const struct model_catalog *models,
		       const struct hetero_plan_opts *opts,
		       struct dlh_error *err)
{
	return hetero_plan_json_ex(nodes, n, chips, models, opts, NULL, NULL,
				   err);
}

char *hetero_plan_json_ex(const struct hetero_node *nodes, size_t n,
			  const struct chip_catalog *chips,
			  const struct model_catalog *models,
			  const struct hetero_plan_opts *opts,
			  const char *device, char **flagscale,
			  struct dlh_error *err)
{
	struct dlh_error no_export;
	char *megatron;
	struct plan_group_req groups[PLAN_MAX_GROUPS];
	const char *types[PLAN_MAX_GROUPS];
	struct plan_request req = { 0 };
	struct plan *p = NULL;
	json_object *o = NULL, *list, *nd;
	char *json = NULL, *ranks = NULL;
	const char *head;
	size_t hlen;
	const char *model = opts->model ? opts->model
					: HETERO_PLAN_DEFAULT_MODEL;
	size_t i;

	if (flagscale)
		*flagscale = NULL;
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
	if (flagscale)
		*flagscale = plan_flagscale_yaml(p, device, &no_export);
	o = plan_to_json_object_ex(p, false);
	if (!o || !(ranks = job_ranks(p, nodes, n, types))) {
		dlh_err(err, "cannot map the plan's ranks onto the job");
		goto out;
	}
	json_object_object_add(o, "generation",
			       json_object_new_int(opts->generation));
	/* a grown job's parts are other Slurm jobs: no MASTER_PORT of theirs
	 * is the main job's, so the plan names the generation's port */
	if (opts->master_port)
		json_object_object_add(o, "master_port",
				       json_object_new_int(opts->master_port));
	json_object_object_add(o, "model_defaulted",
			       json_object_new_boolean(!opts->model));
	/* a mixed or inference plan has none (plan_export.h says why) */
	if ((megatron = plan_megatron_args(p, &no_export))) {
		json_object_object_add(o, "megatron_args",
				       json_object_new_string(megatron));
		free(megatron);
	}
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
	/* the object's text ends in "\n}": the ranks go in before it */
	head = json_object_to_json_string_ext(
		o, JSON_C_TO_STRING_PRETTY | JSON_C_TO_STRING_NOSLASHESCAPE);
	hlen = head ? strlen(head) : 0;
	if (hlen && head[hlen - 1] == '}')
		hlen--;
	while (hlen && (head[hlen - 1] == '\n' || head[hlen - 1] == ' '))
		hlen--;
	if (hlen < 2 || asprintf(&json, "%.*s,\n  \"ranks\": %s\n}", (int) hlen,
				 head, ranks) < 0) {
		json = NULL;
		dlh_err(err, "out of memory");
	}
out:
	free(ranks);
	json_object_put(o);
	plan_free(p);
	if (!json && flagscale) {
		free(*flagscale);
		*flagscale = NULL;
	}
	return json;
}
