/*
 * placement_oracle: see placement_oracle.h.  Deliberately simple: every
 * subset of the relevant nodes, then per type the best choice of which
 * nodes give all their free accelerators.
 */
#include <stdio.h>
#include <string.h>

#include "placement_oracle.h"

static const char *chip_names[] = { "a100", "mlu590", "ascend910b" };

uint32_t oracle_rand(uint64_t *s)
{
	uint64_t x = *s ? *s : 0x9e3779b97f4a7c15ull;

	x ^= x << 13;
	x ^= x >> 7;
	x ^= x << 17;
	*s = x;
	return (uint32_t) (x >> 32);
}

static int rnd(uint64_t *s, int lo, int hi)
{
	return lo + (int) (oracle_rand(s) % (uint32_t) (hi - lo + 1));
}

/* Switch id at level l per the definition in placement.h. */
static int sw_at(const struct placement_node *nd, int l)
{
	int leaf = (nd->n_levels > 0 && nd->switch_path[0] >= 0)
			   ? nd->switch_path[0]
			   : nd->leaf_switch;

	if (leaf < 0)
		return -1;
	if (l == 0)
		return leaf;
	if (l >= nd->n_levels || nd->switch_path[l] < 0)
		return -1;
	return nd->switch_path[l];
}

static uint32_t usable(const struct placement_node *nd, uint32_t cpa)
{
	uint32_t f = nd->free_accel < nd->total_accel ? nd->free_accel
						      : nd->total_accel;

	if (cpa && nd->free_cores / cpa < f)
		f = nd->free_cores / cpa;
	return f;
}

static uint32_t free_of(const struct placement_node *nd)
{
	return nd->free_accel < nd->total_accel ? nd->free_accel
						: nd->total_accel;
}

static int type_of(const struct placement_request *req, const char *ct)
{
	size_t t;

	for (t = 0; ct && t < req->n_types; t++)
		if (!strcmp(req->type[t], ct))
			return (int) t;
	return -1;
}

/* (1)-(3) and (5) of a node set given as positions. */
static void topo_cost(const struct placement_node *nodes, const size_t *set,
		      size_t k, struct placement_cost *c)
{
	int seen_dom[ORACLE_MAX_NODES], seen_leaf[ORACLE_MAX_NODES];
	size_t nd = 0, nl = 0, i, j;
	int l;

	memset(c, 0, sizeof(*c));
	for (i = 0; i < k; i++) {
		const struct placement_node *p = &nodes[set[i]];
		int leaf = sw_at(p, 0);

		for (j = 0; j < nd && seen_dom[j] != p->domain; j++)
			;
		if (j == nd)
			seen_dom[nd++] = p->domain;
		if (leaf < 0) {
			c->leaves++;
		} else {
			for (j = 0; j < nl && seen_leaf[j] != leaf; j++)
				;
			if (j == nl) {
				seen_leaf[nl++] = leaf;
				c->leaves++;
			}
		}
		c->weight += p->weight;
	}
	c->domain_links = nd ? (unsigned) nd - 1 : 0;
	c->span_level = 0;
	if (k > 1) {
		for (l = 0; l < PLACEMENT_LEVELS; l++) {
			int s0 = sw_at(&nodes[set[0]], l);
			bool same = s0 >= 0;

			for (i = 1; i < k && same; i++)
				same = sw_at(&nodes[set[i]], l) == s0;
			if (same)
				break;
		}
		c->span_level = (unsigned) l;
	}
	c->n_nodes = (unsigned) k;
}

static int cost_cmp5(const struct placement_cost *a,
		     const struct placement_cost *b, int upto)
{
	uint64_t ka[5] = { a->domain_links, a->span_level, a->leaves,
			   (uint64_t) ((int64_t) a->frag_delta + (1 << 20)),
			   a->weight };
	uint64_t kb[5] = { b->domain_links, b->span_level, b->leaves,
			   (uint64_t) ((int64_t) b->frag_delta + (1 << 20)),
			   b->weight };
	int i;

	for (i = 0; i < upto; i++)
		if (ka[i] != kb[i])
			return ka[i] < kb[i] ? -1 : 1;
	return 0;
}

/*
 * Least (4) for nodes set[] of one type giving exactly need, each >= 1:
 * try every choice F of nodes that give all their free accelerators; the
 * others give 1..(free-1) or 1..usable.  INT32_MAX if impossible.
 */
static int min_frag(const struct placement_node *nodes, const size_t *set,
		    size_t k, uint32_t need, uint32_t cpa)
{
	int best = INT32_MAX;
	unsigned f;

	for (f = 0; f < (1u << k); f++) {
		uint64_t lo = 0, hi = 0;
		int frag = 0;
		bool ok = true;
		size_t i;

		for (i = 0; i < k && ok; i++) {
			const struct placement_node *p = &nodes[set[i]];
			uint32_t fr = free_of(p), u = usable(p, cpa);
			int before = fr < p->total_accel;

			if (f & (1u << i)) {
				if (u != fr)
					ok = false;
				lo += fr;
				hi += fr;
				frag += 0 - before;
			} else {
				uint32_t top = u == fr ? fr - 1 : u;

				if (top < 1)
					ok = false;
				lo += 1;
				hi += top;
				frag += 1 - before;
			}
		}
		if (ok && lo <= need && need <= hi && frag < best)
			best = frag;
	}
	return best;
}

int oracle_best(const struct placement_node *nodes, size_t n,
		const struct placement_request *req,
		struct placement_cost *best)
{
	size_t rel[ORACLE_MAX_NODES], nr = 0, i, set[ORACLE_MAX_NODES];
	size_t tset[ORACLE_MAX_NODES];
	uint32_t cpa = req->cores_per_accel;
	bool found = false;
	unsigned mask;

	for (i = 0; i < n; i++) {
		if (type_of(req, nodes[i].chip_type) < 0 ||
		    !usable(&nodes[i], cpa))
			continue;
		if (nr == ORACLE_MAX_NODES)
			return -1;
		rel[nr++] = i;
	}
	for (mask = 1; mask < (1u << nr); mask++) {
		uint64_t cap[PLACEMENT_MAX_TYPES] = { 0 };
		uint32_t cnt[PLACEMENT_MAX_TYPES] = { 0 };
		struct placement_cost c;
		size_t k = 0, t;
		bool ok = true;

		for (i = 0; i < nr; i++) {
			if (!(mask & (1u << i)))
				continue;
			t = (size_t) type_of(req, nodes[rel[i]].chip_type);
			cap[t] += usable(&nodes[rel[i]], cpa);
			cnt[t]++;
			set[k++] = rel[i];
		}
		for (t = 0; t < req->n_types && ok; t++)
			ok = cap[t] >= req->count[t] && cnt[t] <= req->count[t];
		if (!ok)
			continue;
		topo_cost(nodes, set, k, &c);
		if (found && cost_cmp5(&c, best, 3) > 0)
			continue;
		for (t = 0; t < req->n_types && ok; t++) {
			size_t kt = 0;
			int f;

			for (i = 0; i < k; i++)
				if ((size_t) type_of(
					    req, nodes[set[i]].chip_type) == t)
					tset[kt++] = set[i];
			f = min_frag(nodes, tset, kt, req->count[t], cpa);
			if (f == INT32_MAX)
				ok = false;
			else
				c.frag_delta += f;
		}
		if (!ok)
			continue;
		if (!found || cost_cmp5(&c, best, 5) < 0) {
			*best = c;
			found = true;
		}
	}
	return found ? 0 : -1;
}

int oracle_check(const struct placement_node *nodes, size_t n,
		 const struct placement_request *req,
		 const struct placement_result *res,
		 struct placement_cost *cost, struct dlh_error *err)
{
	size_t set[ORACLE_MAX_NODES], i, j, t;
	uint64_t got[PLACEMENT_MAX_TYPES] = { 0 };
	uint32_t cpa = req->cores_per_accel;

	if (res->n_picks > ORACLE_MAX_NODES || res->n_picks == 0)
		return dlh_err(err, "%zu picks", res->n_picks);
	for (i = 0; i < res->n_picks; i++) {
		const struct placement_pick *pk = &res->picks[i];
		const struct placement_node *p;
		int rt;

		if (pk->node >= n || pk->type >= res->n_types)
			return dlh_err(err, "pick %zu out of range", i);
		p = &nodes[pk->node];
		if (pk->index != p->index)
			return dlh_err(err, "pick %zu: index %d, node has %d",
				       i, pk->index, p->index);
		if (!pk->count || pk->count > usable(p, cpa))
			return dlh_err(err, "pick %zu: takes %u of %u", i,
				       pk->count, usable(p, cpa));
		if (strcmp(res->type[pk->type], p->chip_type))
			return dlh_err(err, "pick %zu: type %s on a %s node", i,
				       res->type[pk->type], p->chip_type);
		rt = type_of(req, p->chip_type);
		if (rt < 0)
			return dlh_err(err, "pick %zu: type not requested", i);
		got[rt] += pk->count;
		for (j = 0; j < i; j++) {
			if (set[j] == pk->node)
				return dlh_err(err, "node %zu picked twice",
					       pk->node);
		}
		set[i] = pk->node;
	}
	for (t = 0; t < req->n_types; t++) {
		if (got[t] != req->count[t])
			return dlh_err(err, "type %s: got %llu, want %u",
				       req->type[t],
				       (unsigned long long) got[t],
				       req->count[t]);
	}
	topo_cost(nodes, set, res->n_picks, cost);
	for (i = 0; i < res->n_picks; i++) {
		const struct placement_node *p = &nodes[res->picks[i].node];
		uint32_t fr = free_of(p);

		cost->frag_delta +=
			(res->picks[i].count < fr) - (fr < p->total_accel);
	}
	return 0;
}

void oracle_random_instance(uint64_t *st, size_t max_n,
			    struct oracle_instance *in)
{
	uint64_t cap[3] = { 0 };
	int leaf_type[16], n_tops = rnd(st, 1, 2), order[3] = { 0, 1, 2 };
	size_t i;
	int t, k, two_dom = rnd(st, 0, 2) == 0,
		  per_node_dom = rnd(st, 0, 3) == 0;

	if (max_n > ORACLE_MAX_NODES)
		max_n = ORACLE_MAX_NODES;
	memset(in, 0, sizeof(*in));
	in->n = (size_t) rnd(st, 2, (int) max_n);
	for (i = 0; i < 16; i++)
		leaf_type[i] = rnd(st, 0, 2);
	for (i = 0; i < in->n; i++) {
		struct placement_node *p = &in->nodes[i];
		int leaf = rnd(st, 0, 7), mid, top;
		int totals[] = { 2, 4, 4, 8 };
		int state = rnd(st, 0, 9);

		snprintf(in->names[i], sizeof(in->names[i]), "n%zu", i);
		p->name = in->names[i];
		p->index = (int) i;
		/* leaves 0-7; mids: two leaves each; tops: two mids each
		 * (one top when n_tops == 1) */
		mid = 100 + leaf / 2;
		top = n_tops == 1 ? 200 : 200 + leaf / 4;
		t = rnd(st, 0, 9) < 7 ? leaf_type[leaf] : rnd(st, 0, 2);
		p->chip_type = chip_names[t];
		p->total_accel = (uint32_t) totals[rnd(st, 0, 3)];
		if (state < 4)
			p->free_accel = p->total_accel;
		else if (state < 7)
			p->free_accel =
				(uint32_t) rnd(st, 1, (int) p->total_accel);
		else
			p->free_accel = 0;
		p->free_cores = 64;
		p->weight = (uint32_t) rnd(st, 1, 3);
		if (rnd(st, 0, 9) == 0) {
			p->leaf_switch = -1;
			p->n_levels = 0;
			for (k = 0; k < PLACEMENT_LEVELS; k++)
				p->switch_path[k] = -1;
		} else {
			p->leaf_switch = leaf;
			p->switch_path[0] = leaf;
			p->switch_path[1] = mid;
			p->switch_path[2] = top;
			p->switch_path[3] = -1;
			p->n_levels = 3;
		}
		p->domain = !two_dom	   ? 0
			    : per_node_dom ? rnd(st, 0, 1)
					   : (top & 1);
		cap[t] += p->free_accel;
	}
	/* 1-3 types that have free accelerators, random order. */
	for (i = 0; i < 3; i++) {
		int j = rnd(st, 0, 2), tmp = order[i];

		order[i] = order[j];
		order[j] = tmp;
	}
	k = rnd(st, 1, 3);
	for (i = 0; i < 3 && (int) in->req.n_types < k; i++) {
		t = order[i];
		if (!cap[t])
			continue;
		in->req.type[in->req.n_types] = chip_names[t];
		in->req.count[in->req.n_types] = (uint32_t) rnd(
			st, 1, (int) (cap[t] < 12 ? cap[t] : 12));
		in->req.total += in->req.count[in->req.n_types];
		in->req.n_types++;
	}
	if (!in->req.n_types) {
		/* nothing free anywhere: make node 0 free */
		in->nodes[0].free_accel = in->nodes[0].total_accel;
		in->req.type[0] = in->nodes[0].chip_type;
		in->req.count[0] = 1;
		in->req.total = 1;
		in->req.n_types = 1;
	}
}
