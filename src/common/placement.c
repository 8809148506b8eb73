/*
 * placement: see placement.h for the objective and doc/placement.md for
 * the algorithm.  In short:
 *
 *   1. Domains: find the fewest domains whose free accelerators cover the
 *      request (all minimal sets are tried; a request usually fits one).
 *   2. Span: within a domain set, sort nodes by switch path and find the
 *      lowest level l at which some switch's subtree holds the request.
 *   3. Leaves: in each such subtree, the fewest leaf switches that cover
 *      the request.  Leaves holding one requested type ("pure") are taken
 *      largest first per type, which is optimal; leaves holding several
 *      ("mixed") are enumerated as small subsets.
 *   4. Nodes: every minimal leaf set is scored exactly for (4) and (5)
 *      with a small knapsack per type (which nodes, how many on each), and
 *      the best wins.
 *
 * Steps 1-3 only add capacities and are linear; step 4 is where work can
 * grow, so it runs under a work limit: past it the best placement found
 * so far is kept and the result is marked inexact.
 */
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "dlh_log.h"
#include "placement.h"

#define MAXT		PLACEMENT_MAX_TYPES
#define NLEV		PLACEMENT_LEVELS
#define DP_MAX_CELLS	100000		/* bigger knapsacks go greedy */
#define MAX_DOMAIN_SETS	64
#define MAX_ENUM_DOMAINS 16
#define AUTO_SUBSET_TYPES 4		/* auto tries all type subsets up to
					 * this many allowed types */
#define AUTO_MAX_TRIES	48		/* placements tried to raise a score */

/* A usable node, as the solver sees it. */
struct pnode {
	size_t src;		/* position in the caller's array */
	int index;
	int t;			/* type slot in the current solve */
	int rt;			/* type slot in the result */
	uint32_t use;		/* usable now */
	uint32_t free, total, weight;
	int dom;		/* dense domain rank */
	int path[NLEV];		/* [0] leaf; -1: none */
};

struct leaf {
	size_t start, end;	/* range in the solve pool */
	uint64_t cap[MAXT];
	uint32_t mask;		/* types with cap > 0 */
	int path[NLEV];
};

/* (4) and (5) of a partial selection. */
struct fw {
	int64_t frag;
	uint64_t weight;
};

#define FW_INF ((struct fw){ INT64_MAX, UINT64_MAX })

static int fw_cmp(struct fw a, struct fw b)
{
	if (a.frag != b.frag)
		return a.frag < b.frag ? -1 : 1;
	if (a.weight != b.weight)
		return a.weight < b.weight ? -1 : 1;
	return 0;
}

static struct fw fw_add(struct fw a, struct fw b)
{
	if (a.frag == INT64_MAX || b.frag == INT64_MAX)
		return FW_INF;
	return (struct fw){ a.frag + b.frag, a.weight + b.weight };
}

/* A placement: cost and picks (src, amount, result type). */
struct cand {
	bool valid;
	struct placement_cost cost;
	struct placement_pick *picks;
	size_t n_picks;
};

struct solver {
	/* the pool of this solve, in (switch path, index) order */
	const struct pnode *pool;
	size_t n;
	int T;
	uint32_t need[MAXT];
	unsigned domain_links;

	struct leaf *leaves;
	size_t n_leaves;

	/* shared over the whole placement_place() call */
	uint64_t *work, limit;
	bool *exact;

	/* scratch */
	size_t *pos;		/* node positions for one knapsack */
	uint64_t *dp, *dp2;	/* knapsack rows, dp_len each */
	uint32_t *dq;		/* sliding-window indexes, dp_len */
	uint32_t dp_len;
	bool oom;
	bool have_best;
	struct fw best_fw;
	unsigned best_level, best_leaves;
	size_t *best_set;	/* leaf ids of the best leaf set */
	size_t n_best_set;
};

/* ------------------------------------------------------------------ */
/* node facts shared with placement_evaluate()                         */
/* ------------------------------------------------------------------ */

static void node_path(const struct placement_node *nd, int path[NLEV])
{
	int nl = nd->n_levels < 0 ? 0 :
		 nd->n_levels > NLEV ? NLEV : nd->n_levels;
	int l;

	path[0] = (nl > 0 && nd->switch_path[0] >= 0) ? nd->switch_path[0] :
		  nd->leaf_switch;
	if (path[0] < 0)
		path[0] = -1;
	for (l = 1; l < NLEV; l++) {
		path[l] = (path[0] >= 0 && l < nl && nd->switch_path[l] >= 0) ?
			  nd->switch_path[l] : -1;
	}
}

static uint32_t node_total(const struct placement_node *nd)
{
	return nd->total_accel > PLACEMENT_MAX_ACCEL ? PLACEMENT_MAX_ACCEL :
	       nd->total_accel;
}

static uint32_t node_free(const struct placement_node *nd)
{
	uint32_t t = node_total(nd);

	return nd->free_accel > t ? t : nd->free_accel;
}

static uint32_t node_use(const struct placement_node *nd, uint32_t cpa)
{
	uint32_t f = node_free(nd);

	if (cpa && nd->free_cores / cpa < f)
		f = nd->free_cores / cpa;
	return f;
}

/* (4) for one node taking a >= 1 of its free f (of total). */
static int frag_of(uint32_t a, uint32_t f, uint32_t total)
{
	int before = f < total;		/* f > 0 as a >= 1 */
	int after = a < f;

	return after - before;
}

/* ------------------------------------------------------------------ */
/* knapsack: which nodes of one type, and how many on each              */
/* ------------------------------------------------------------------ */

static bool over_budget(const struct solver *sv)
{
	return *sv->work >= sv->limit;
}

static struct fw take_cost(const struct pnode *p, uint32_t a)
{
	if (!a)
		return (struct fw){ 0, 0 };
	return (struct fw){ frag_of(a, p->free, p->total), p->weight };
}

struct gnode {
	size_t pos;
	int cls;
	uint32_t weight;
};

static int cmp_gnode(const void *a, const void *b)
{
	const struct gnode *x = a, *y = b;

	if (x->cls != y->cls)
		return x->cls - y->cls;
	if (x->weight != y->weight)
		return x->weight < y->weight ? -1 : 1;
	return x->pos < y->pos ? -1 : x->pos > y->pos;
}

/*
 * Greedy for knapsacks too big to solve exactly: fill partly busy nodes,
 * then whole ones, lightest first; then one partial node for the rest.
 */
static int greedy_select(struct solver *sv, const size_t *pos, size_t n,
			 uint32_t c, uint32_t *take, struct fw *out)
{
	struct gnode *g = malloc((n ? n : 1) * sizeof(*g));
	uint32_t *tk = take ? take : calloc(n ? n : 1, sizeof(*tk));
	uint32_t r = c;
	struct fw sum = { 0, 0 };
	size_t i, best;

	if (!g || !tk) {
		free(g);
		if (!take)
			free(tk);
		sv->oom = true;
		return -1;
	}
	*sv->exact = false;
	*sv->work += 8 * (uint64_t)n;	/* a sort of n */
	for (i = 0; i < n; i++) {
		const struct pnode *p = &sv->pool[pos[i]];

		tk[i] = 0;
		g[i].pos = i;
		g[i].weight = p->weight;
		g[i].cls = p->use < p->free ? 2 : p->free < p->total ? 0 : 1;
	}
	qsort(g, n, sizeof(*g), cmp_gnode);
	for (i = 0; i < n && r; i++) {
		const struct pnode *p = &sv->pool[pos[g[i].pos]];

		if (g[i].cls < 2 && p->free <= r) {
			tk[g[i].pos] = p->free;
			r -= p->free;
		}
	}
	while (r) {
		struct fw bc = FW_INF;

		best = n;
		for (i = 0; i < n; i++) {
			const struct pnode *p = &sv->pool[pos[g[i].pos]];
			struct fw fc;

			if (tk[g[i].pos] || p->use < r)
				continue;
			fc = take_cost(p, r);
			if (fw_cmp(fc, bc) < 0) {
				bc = fc;
				best = i;
			}
		}
		if (best < n) {
			tk[g[best].pos] = r;
			r = 0;
			break;
		}
		/* No single node holds the rest: spread it. */
		for (i = 0; i < n && r; i++) {
			const struct pnode *p = &sv->pool[pos[g[i].pos]];
			uint32_t a;

			if (tk[g[i].pos])
				continue;
			a = p->use < r ? p->use : r;
			tk[g[i].pos] = a;
			r -= a;
		}
		break;
	}
	for (i = 0; i < n; i++)
		sum = fw_add(sum, take_cost(&sv->pool[pos[i]], tk[i]));
	free(g);
	if (!take)
		free(tk);
	if (r)
		return -1;
	*out = sum;
	return 0;
}

/*
 * Best (4),(5) for taking exactly c accelerators from the nodes at pos[]
 * (all of one type): an exact knapsack over the amount taken on each node.
 *
 * (4),(5) of a partial selection are packed into one integer,
 * (frag + n) * wmul + weight with wmul above any weight sum, so the inner
 * loop compares and adds plain integers.  A node has only two costs, "all
 * its free accelerators" and "some of them", so each node is one pass over
 * the sums with a sliding-window minimum for the "some" amounts: O(c) per
 * node.  Nodes are added last to first and ties prefer taking more, so
 * earlier nodes (lower switch path and index) win ties.  take, when given,
 * receives the amount per node.  Returns 0, or -1 if infeasible.
 */
static int select_nodes(struct solver *sv, const size_t *pos, size_t n,
			uint32_t c, uint32_t *take, struct fw *out)
{
	uint64_t usum = 0, wsum = 0, cells, wmul, base;
	uint64_t *old = sv->dp, *cur = sv->dp2, *tmp;
	uint32_t *choice = NULL, *dq = sv->dq, s;
	const uint64_t INF = UINT64_MAX;
	size_t i;

	for (i = 0; i < n; i++) {
		usum += sv->pool[pos[i]].use;
		wsum += sv->pool[pos[i]].weight;
	}
	if (usum < c)
		return -1;
	wmul = wsum + 1;
	cells = (uint64_t)(c + 1) * (n + 1);
	if (cells > DP_MAX_CELLS || c >= sv->dp_len ||
	    wmul > (INF / 4) / (2 * (uint64_t)n + 1))
		return greedy_select(sv, pos, n, c, take, out);
	*sv->work += cells;
	if (take) {
		choice = malloc((n ? n : 1) * (size_t)(c + 1) *
				sizeof(*choice));
		if (!choice) {
			sv->oom = true;
			return -1;
		}
	}
	base = (uint64_t)n * wmul;	/* frag 0, weight 0 */
	old[0] = base;
	for (s = 1; s <= c; s++)
		old[s] = INF;
	for (i = n; i-- > 0;) {
		const struct pnode *p = &sv->pool[pos[i]];
		uint32_t u = p->use < c ? p->use : c;
		bool fullable = p->use == p->free && p->free <= c;
		/* largest amount that leaves some free accelerators */
		uint32_t pmax = p->use == p->free ?
				(u < p->free ? u : p->free - 1) : u;
		int fd = frag_of(p->free, p->free, p->total);
		int pd = p->use == p->free ? fd + 1 : frag_of(1, p->free,
							      p->total);
		/* signed step added modulo 2^64: the sum stays in range */
		uint64_t full = (uint64_t)(int64_t)fd * wmul + p->weight;
		uint64_t part = (uint64_t)(int64_t)pd * wmul + p->weight;
		size_t head = 0, tail = 0;

		for (s = 0; s <= c; s++) {
			uint64_t best = old[s], v;
			uint32_t best_a = 0;

			/* window of old sums s-pmax .. s-1, min at head */
			if (s >= 1 && old[s - 1] != INF) {
				while (tail > head &&
				       old[dq[tail - 1]] > old[s - 1])
					tail--;
				dq[tail++] = s - 1;
			}
			while (tail > head && dq[head] + pmax < s)
				head++;
			if (tail > head) {
				v = old[dq[head]] + part;
				if (v <= best) {
					best = v;
					best_a = s - dq[head];
				}
			}
			if (fullable && s >= p->free &&
			    old[s - p->free] != INF) {
				v = old[s - p->free] + full;
				if (v <= best) {
					best = v;
					best_a = p->free;
				}
			}
			cur[s] = best;
			if (choice)
				choice[i * (size_t)(c + 1) + s] = best_a;
		}
		tmp = old;
		old = cur;
		cur = tmp;
	}
	if (old[c] == INF) {
		free(choice);
		return -1;
	}
	out->frag = (int64_t)(old[c] / wmul) - (int64_t)n;
	out->weight = old[c] % wmul;
	if (take) {
		s = c;
		for (i = 0; i < n; i++) {
			take[i] = choice[i * (size_t)(c + 1) + s];
			s -= take[i];
		}
		free(choice);
	}
	return 0;
}

/* ------------------------------------------------------------------ */
/* leaves and leaf covers                                              */
/* ------------------------------------------------------------------ */

static int build_leaves(struct solver *sv)
{
	size_t i;
	size_t count = 0;

	/* Count first: a leaf is big (per-type capacities). */
	for (i = 0; i < sv->n; i++)
		if (!i || sv->pool[i].path[0] < 0 ||
		    sv->pool[i].path[0] != sv->pool[i - 1].path[0])
			count++;
	sv->leaves = calloc(count ? count : 1, sizeof(*sv->leaves));
	if (!sv->leaves)
		return -1;
	sv->n_leaves = 0;
	for (i = 0; i < sv->n; i++) {
		const struct pnode *p = &sv->pool[i];
		struct leaf *lf = sv->n_leaves ?
				  &sv->leaves[sv->n_leaves - 1] : NULL;

		/* A node without a leaf switch is a leaf of its own. */
		if (!lf || p->path[0] < 0 || lf->path[0] != p->path[0]) {
			lf = &sv->leaves[sv->n_leaves++];
			lf->start = i;
			memcpy(lf->path, p->path, sizeof(lf->path));
		}
		lf->end = i + 1;
		lf->cap[p->t] += p->use;
		lf->mask |= 1u << p->t;
	}
	return 0;
}

/* Leaves of one candidate subtree, split for the cover search. */
struct group {
	const size_t *gl;	/* leaf ids */
	size_t ng;
	size_t *pure[MAXT];	/* pure-t leaves, largest cap first */
	size_t n_pure[MAXT];
	uint64_t *prefix[MAXT];	/* prefix[t][k]: top k caps summed */
	size_t *mixed;
	size_t n_mixed;
	size_t *store;		/* backing memory */
	uint64_t *pstore;
};

struct cap_id {
	uint64_t cap;
	size_t id;
};

/* Largest capacity first, then leaf order. */
static int cmp_cap_id(const void *a, const void *b)
{
	const struct cap_id *x = a, *y = b;

	if (x->cap != y->cap)
		return x->cap > y->cap ? -1 : 1;
	return x->id < y->id ? -1 : x->id > y->id;
}

static void group_free(struct group *g)
{
	free(g->store);
	free(g->pstore);
	memset(g, 0, sizeof(*g));
}

static int group_init(struct solver *sv, struct group *g, const size_t *gl,
		      size_t ng)
{
	size_t i, o = 0, po = 0;
	int t;

	memset(g, 0, sizeof(*g));
	g->gl = gl;
	g->ng = ng;
	struct cap_id *ci = malloc((ng + 1) * sizeof(*ci));

	g->store = malloc((ng * 2 + 1) * sizeof(size_t));
	g->pstore = malloc((ng + (size_t)sv->T + 1) * sizeof(uint64_t));
	if (!g->store || !g->pstore || !ci) {
		free(ci);
		group_free(g);
		return -1;
	}
	for (t = 0; t < sv->T; t++) {
		size_t np = 0;

		for (i = 0; i < ng; i++)
			if (sv->leaves[gl[i]].mask == 1u << t)
				ci[np++] = (struct cap_id){
					sv->leaves[gl[i]].cap[t], gl[i] };
		qsort(ci, np, sizeof(*ci), cmp_cap_id);
		g->pure[t] = g->store + o;
		for (i = 0; i < np; i++)
			g->pure[t][i] = ci[i].id;
		g->n_pure[t] = np;
		o += np;
		g->prefix[t] = g->pstore + po;
		g->prefix[t][0] = 0;
		for (i = 0; i < g->n_pure[t]; i++)
			g->prefix[t][i + 1] = g->prefix[t][i] +
				sv->leaves[g->pure[t][i]].cap[t];
		po += g->n_pure[t] + 1;
	}
	g->mixed = g->store + o;
	for (i = 0; i < ng; i++)
		if (__builtin_popcount(sv->leaves[gl[i]].mask) > 1)
			g->mixed[g->n_mixed++] = gl[i];
	free(ci);
	*sv->work += ng;
	return 0;
}

#define K_INF ((size_t)-1)

/* Fewest pure-t leaves holding r (the largest first is optimal). */
static size_t kmin(const struct group *g, int t, uint64_t r)
{
	size_t lo = 0, hi = g->n_pure[t];

	if (g->prefix[t][hi] < r)
		return K_INF;
	while (lo < hi) {
		size_t mid = (lo + hi) / 2;

		if (g->prefix[t][mid] >= r)
			hi = mid;
		else
			lo = mid + 1;
	}
	return lo;
}

/* Next k-combination of 0..n-1 in lexicographic order; false at the end. */
static bool next_comb(size_t *idx, size_t k, size_t n)
{
	size_t i = k;

	while (i-- > 0) {
		if (idx[i] < n - k + i) {
			idx[i]++;
			for (i++; i < k; i++)
				idx[i] = idx[i - 1] + 1;
			return true;
		}
	}
	return false;
}

static void first_comb(size_t *idx, size_t k)
{
	size_t i;

	for (i = 0; i < k; i++)
		idx[i] = i;
}

/* Remaining need per type once the mixed leaves m[0..s) are taken, and
 * the pure leaves then needed in all; K_INF if none suffice. */
static size_t cover_with(const struct solver *sv, const struct group *g,
			 const size_t *m, size_t s, uint64_t r[MAXT],
			 size_t k[MAXT])
{
	size_t total = s, i;
	int t;

	for (t = 0; t < sv->T; t++) {
		uint64_t have = 0;

		for (i = 0; i < s; i++)
			have += sv->leaves[g->mixed[m[i]]].cap[t];
		r[t] = have >= sv->need[t] ? 0 : sv->need[t] - have;
		k[t] = kmin(g, t, r[t]);
		if (k[t] == K_INF)
			return K_INF;
		total += k[t];
	}
	return total;
}

/*
 * Fallback cover when the exact search runs out of work: repeatedly add
 * the leaf that covers most of what is still needed.  Leaf ids go to out
 * (room for g->ng); returns how many, or K_INF.
 */
static size_t greedy_cover(struct solver *sv, const struct group *g,
			   size_t *out)
{
	uint64_t r[MAXT];
	size_t n = 0, i, j;
	int t;

	for (t = 0; t < sv->T; t++)
		r[t] = sv->need[t];
	for (;;) {
		uint64_t left = 0, bv = 0;
		size_t bi = g->ng;

		for (t = 0; t < sv->T; t++)
			left += r[t];
		if (!left)
			return n;
		for (i = 0; i < g->ng; i++) {
			const struct leaf *lf = &sv->leaves[g->gl[i]];
			uint64_t v = 0;

			for (j = 0; j < n && out[j] != g->gl[i]; j++)
				;
			if (j < n)
				continue;
			for (t = 0; t < sv->T; t++)
				v += lf->cap[t] < r[t] ? lf->cap[t] : r[t];
			if (v > bv) {
				bv = v;
				bi = i;
			}
		}
		*sv->work += g->ng;
		if (bi == g->ng)
			return K_INF;
		out[n++] = g->gl[bi];
		for (t = 0; t < sv->T; t++)
			r[t] -= sv->leaves[g->gl[bi]].cap[t] < r[t] ?
				sv->leaves[g->gl[bi]].cap[t] : r[t];
	}
}

/* Fewest leaves of the group that hold the request; K_INF if it cannot. */
static size_t group_min_leaves(struct solver *sv, const struct group *g)
{
	size_t best = K_INF, s, m[64], k[MAXT];
	uint64_t r[MAXT];

	for (s = 0; s <= g->n_mixed && s < best && s < 64; s++) {
		first_comb(m, s);
		do {
			size_t c = cover_with(sv, g, m, s, r, k);

			*sv->work += 4 * (uint64_t)sv->T * (s + 1);
			if (c < best)
				best = c;
			if (over_budget(sv))
				goto out_of_work;
		} while (s && next_comb(m, s, g->n_mixed));
	}
	if (g->n_mixed >= 64 && best > 64)
		*sv->exact = false;
	return best;
out_of_work:
	*sv->exact = false;
	if (best == K_INF) {
		size_t *tmp = malloc((g->ng + 1) * sizeof(*tmp));

		if (!tmp) {
			sv->oom = true;
			return K_INF;
		}
		best = greedy_cover(sv, g, tmp);
		free(tmp);
	}
	return best;
}

/* Type-t nodes of the given leaves, into sv->pos; returns how many. */
static size_t gather(struct solver *sv, int t, const size_t *ls, size_t nl)
{
	size_t i, j, n = 0;

	for (i = 0; i < nl; i++) {
		const struct leaf *lf = &sv->leaves[ls[i]];

		if (!(lf->mask & (1u << t)))
			continue;
		for (j = lf->start; j < lf->end; j++)
			if (sv->pool[j].t == t)
				sv->pos[n++] = j;
	}
	return n;
}

/*
 * Best (4),(5) for type t over the k-subsets of the group's pure-t leaves
 * that, with the mixed leaves ls[0..s), hold r more; the chosen pure
 * leaves go to out.  FW_INF if none.
 */
static struct fw best_for_type(struct solver *sv, const struct group *g,
			       int t, size_t *ls, size_t s, size_t k,
			       uint64_t r, size_t *comb, size_t *out)
{
	struct fw bt = FW_INF;
	size_t i;

	first_comb(comb, k);
	do {
		uint64_t have = 0;
		struct fw f;
		size_t n;

		for (i = 0; i < k; i++) {
			ls[s + i] = g->pure[t][comb[i]];
			have += sv->leaves[ls[s + i]].cap[t];
		}
		if (have < r)
			continue;
		n = gather(sv, t, ls, s + k);
		if (select_nodes(sv, sv->pos, n, sv->need[t], NULL, &f))
			continue;
		if (fw_cmp(f, bt) < 0) {
			bt = f;
			memcpy(out, ls + s, k * sizeof(size_t));
		}
		/* Out of work: keep what we have (the caller falls back to a
		 * greedy leaf set if that is nothing). */
		if (over_budget(sv)) {
			if (k)
				*sv->exact = false;
			break;
		}
	} while (k && next_comb(comb, k, g->n_pure[t]));
	return bt;
}

/* Out of work with nothing found: score the greedy leaf cover. */
static void eval_greedy_set(struct solver *sv, const struct group *g,
			    unsigned level)
{
	size_t *set = malloc((g->ng + 1) * sizeof(*set)), n;
	struct fw total = { 0, 0 }, f;
	int t;

	if (!set) {
		sv->oom = true;
		return;
	}
	n = greedy_cover(sv, g, set);
	for (t = 0; t < sv->T && n != K_INF; t++) {
		size_t m = gather(sv, t, set, n);

		if (select_nodes(sv, sv->pos, m, sv->need[t], NULL, &f)) {
			n = K_INF;
			break;
		}
		total = fw_add(total, f);
	}
	if (n != K_INF) {
		sv->have_best = true;
		sv->best_fw = total;
		sv->best_level = level;
		sv->best_leaves = (unsigned)n;
		memcpy(sv->best_set, set, n * sizeof(*set));
		sv->n_best_set = n;
	}
	free(set);
}

/*
 * Scores every leaf set of exactly K leaves in the group (mixed leaves
 * enumerated, pure leaves per type, as the types are independent once the
 * mixed leaves are fixed) and keeps the best (4),(5) in sv->best_*.
 * Returns false when the work limit stopped it.
 */
static bool group_enumerate(struct solver *sv, const struct group *g,
			    size_t K, unsigned level)
{
	size_t m[64], k[MAXT], s, i, o;
	uint64_t r[MAXT];
	size_t *ls = malloc((K + 1) * sizeof(*ls));
	size_t *comb = malloc((K + 1) * sizeof(*comb));
	size_t *bestc = malloc((K + 1) * (size_t)sv->T * sizeof(*bestc));
	bool go_on = true;
	int t;

	if (!ls || !comb || !bestc) {
		sv->oom = true;
		go_on = false;
		goto out;
	}
	for (s = 0; s <= g->n_mixed && s <= K && s < 64 && go_on; s++) {
		first_comb(m, s);
		do {
			struct fw total = { 0, 0 };

			*sv->work += 4 * (uint64_t)sv->T * (s + 1);
			if (over_budget(sv)) {
				*sv->exact = false;
				go_on = false;
				break;
			}
			if (cover_with(sv, g, m, s, r, k) != K)
				continue;
			for (i = 0; i < s; i++)
				ls[i] = g->mixed[m[i]];
			for (t = 0; t < sv->T && total.frag != INT64_MAX;
			     t++) {
				size_t *keep = bestc + t * (K + 1);

				total = fw_add(total,
					       best_for_type(sv, g, t, ls, s,
							     k[t], r[t], comb,
							     keep));
			}
			if (total.frag != INT64_MAX &&
			    (!sv->have_best ||
			     fw_cmp(total, sv->best_fw) < 0)) {
				sv->have_best = true;
				sv->best_fw = total;
				sv->best_level = level;
				sv->best_leaves = K;
				for (o = 0; o < s; o++)
					sv->best_set[o] = g->mixed[m[o]];
				for (t = 0; t < sv->T; t++) {
					memcpy(sv->best_set + o,
					       bestc + t * (K + 1),
					       k[t] * sizeof(size_t));
					o += k[t];
				}
				sv->n_best_set = o;
			}
			if (over_budget(sv)) {
				*sv->exact = false;
				go_on = false;
				break;
			}
		} while (s && next_comb(m, s, g->n_mixed));
	}
	if (g->n_mixed >= 64)
		*sv->exact = false;
	if (!sv->have_best)
		eval_greedy_set(sv, g, level);
out:
	free(bestc);
	free(comb);
	free(ls);
	return go_on;
}

/* ------------------------------------------------------------------ */
/* one solve: a pool of nodes (one domain set, one type labelling)     */
/* ------------------------------------------------------------------ */

static void cand_free(struct cand *c)
{
	free(c->picks);
	memset(c, 0, sizeof(*c));
}

static bool group_fits(const struct solver *sv, size_t a, size_t b)
{
	uint64_t cap[MAXT] = { 0 };
	size_t i;
	int t;

	for (i = a; i < b; i++)
		for (t = 0; t < sv->T; t++)
			cap[t] += sv->leaves[i].cap[t];
	for (t = 0; t < sv->T; t++)
		if (cap[t] < sv->need[t])
			return false;
	return true;
}

struct span { size_t a, b, k; };

/*
 * Finds the best placement of the pool into *out (picks only; the caller
 * scores it).  Returns 0, or -1 when out of memory or nothing fits.
 */
static int solve(struct solver *sv, struct cand *out)
{
	struct span *gs = NULL;
	size_t *ids = NULL, ng = 0, i, K = K_INF;
	unsigned level;
	uint32_t *take = NULL;
	struct group g;
	int t, rc = -1;

	memset(out, 0, sizeof(*out));
	if (build_leaves(sv))
		goto out;
	gs = malloc((sv->n_leaves + 1) * sizeof(*gs));
	ids = malloc((sv->n_leaves + 1) * sizeof(*ids));
	sv->best_set = malloc((sv->n_leaves + 1) * sizeof(*sv->best_set));
	if (!gs || !ids || !sv->best_set)
		goto out;
	for (i = 0; i < sv->n_leaves; i++)
		ids[i] = i;

	/* (2): the lowest level with a subtree that holds the request. */
	for (level = 0; level < NLEV && !ng; level++) {
		size_t a = 0, b;

		while (a < sv->n_leaves) {
			int sw = sv->leaves[a].path[level];

			b = a + 1;
			if (level > 0 && sw < 0) {
				a = b;
				continue;
			}
			while (level > 0 && b < sv->n_leaves &&
			       sv->leaves[b].path[level] == sw)
				b++;
			if (group_fits(sv, a, b))
				gs[ng++] = (struct span){ a, b, K_INF };
			a = b;
		}
		*sv->work += sv->n_leaves;
	}
	if (ng)
		level--;
	else
		gs[ng++] = (struct span){ 0, sv->n_leaves, K_INF };

	/* (3): fewest leaves, over all the subtrees at that level. */
	for (i = 0; i < ng; i++) {
		if (group_init(sv, &g, ids + gs[i].a, gs[i].b - gs[i].a))
			goto out;
		gs[i].k = group_min_leaves(sv, &g);
		group_free(&g);
		if (gs[i].k < K)
			K = gs[i].k;
	}
	if (K == K_INF)
		goto out;

	/* (4), (5): every leaf set of K leaves in those subtrees. */
	for (i = 0; i < ng; i++) {
		bool go_on;

		if (gs[i].k != K)
			continue;
		if (group_init(sv, &g, ids + gs[i].a, gs[i].b - gs[i].a))
			goto out;
		go_on = group_enumerate(sv, &g, K, level);
		group_free(&g);
		if (sv->oom)
			goto out;
		if (!go_on)
			break;
	}
	if (!sv->have_best)
		goto out;

	/* Rebuild the winner's node choice. */
	out->picks = malloc((sv->n + 1) * sizeof(*out->picks));
	take = malloc((sv->n + 1) * sizeof(*take));
	if (!out->picks || !take)
		goto out;
	for (t = 0; t < sv->T; t++) {
		size_t n = gather(sv, t, sv->best_set, sv->n_best_set);
		struct fw f;

		if (select_nodes(sv, sv->pos, n, sv->need[t], take, &f))
			goto out;
		for (i = 0; i < n; i++) {
			const struct pnode *p = &sv->pool[sv->pos[i]];

			if (!take[i])
				continue;
			out->picks[out->n_picks++] = (struct placement_pick){
				.node = p->src, .index = p->index,
				.type = (size_t)p->rt, .count = take[i],
			};
		}
	}
	out->valid = true;
	rc = 0;
out:
	if (rc) {
		cand_free(out);
		if (!sv->have_best && K != K_INF)
			sv->oom = true;
	}
	free(take);
	free(ids);
	free(gs);
	free(sv->best_set);
	sv->best_set = NULL;
	free(sv->leaves);
	sv->leaves = NULL;
	return rc;
}

/* ------------------------------------------------------------------ */
/* domains                                                             */
/* ------------------------------------------------------------------ */

struct place_ctx {
	const struct placement_node *nodes;
	size_t n_nodes;
	uint32_t cpa;
	int n_dom;		/* dense domain ranks 0..n_dom-1 */
	uint64_t work, limit;
	bool exact;
	bool oom;
};

/* Stable grouping of picks by result type (they arrive in pool order). */
static int group_picks(struct placement_pick *picks, size_t n)
{
	struct placement_pick *tmp = malloc((n + 1) * sizeof(*tmp));
	size_t i, o = 0, t;

	if (!tmp)
		return -1;
	for (t = 0; t < MAXT; t++)
		for (i = 0; i < n; i++)
			if (picks[i].type == t)
				tmp[o++] = picks[i];
	memcpy(picks, tmp, o * sizeof(*tmp));
	free(tmp);
	return o == n ? 0 : -1;
}

/* Runs one solve on pool restricted to the domains in dsel. */
static void solve_domains(struct place_ctx *pc, const struct pnode *pool,
			  size_t n, int T, const uint32_t *need,
			  const bool *dsel, unsigned links, struct cand *best)
{
	struct solver sv = { 0 };
	struct pnode *sub = malloc((n + 1) * sizeof(*sub));
	struct cand c = { 0 };
	uint32_t maxneed = 0;
	size_t i, m = 0;
	int t;

	for (t = 0; t < T; t++)
		if (need[t] > maxneed)
			maxneed = need[t];
	sv.dp_len = maxneed + 1;
	sv.dp = malloc(sv.dp_len * sizeof(*sv.dp));
	sv.dp2 = malloc(sv.dp_len * sizeof(*sv.dp2));
	sv.dq = malloc(sv.dp_len * sizeof(*sv.dq));
	sv.pos = malloc((n + 1) * sizeof(*sv.pos));
	if (!sub || !sv.dp || !sv.dp2 || !sv.dq || !sv.pos) {
		pc->oom = true;
		goto out;
	}
	for (i = 0; i < n; i++)
		if (dsel[pool[i].dom])
			sub[m++] = pool[i];
	sv.pool = sub;
	sv.n = m;
	sv.T = T;
	memcpy(sv.need, need, (size_t)T * sizeof(*need));
	sv.domain_links = links;
	sv.work = &pc->work;
	sv.limit = pc->limit;
	sv.exact = &pc->exact;
	if (solve(&sv, &c)) {
		if (sv.oom)
			pc->oom = true;
		goto out;
	}
	/* Picks are in pool order; group them by type, keeping that. */
	if (group_picks(c.picks, c.n_picks)) {
		pc->oom = true;
		goto out;
	}
	if (placement_evaluate(pc->nodes, pc->n_nodes, c.picks, c.n_picks,
			       pc->cpa, &c.cost)) {
		dlh_error("placement: internal error: invalid selection");
		pc->oom = true;
		goto out;
	}
	if (!best->valid || placement_cost_cmp(&c.cost, &best->cost) < 0) {
		cand_free(best);
		*best = c;
		memset(&c, 0, sizeof(c));
	}
out:
	cand_free(&c);
	free(sv.pos);
	free(sv.dq);
	free(sv.dp2);
	free(sv.dp);
	free(sub);
}

/*
 * (1): tries every smallest set of domains that holds the request (all
 * sets for up to MAX_ENUM_DOMAINS domains, else a greedy one).
 */
static void place_pool(struct place_ctx *pc, const struct pnode *pool,
		       size_t n, int T, const uint32_t *need,
		       struct cand *best)
{
	int D = pc->n_dom, d, k, t, sets = 0;
	uint64_t (*cap)[MAXT] = calloc(D ? D : 1, sizeof(*cap));
	bool *dsel = calloc(D ? D : 1, sizeof(*dsel));
	size_t i, idx[MAX_ENUM_DOMAINS];

	if (!cap || !dsel) {
		pc->oom = true;
		goto out;
	}
	for (i = 0; i < n; i++)
		cap[pool[i].dom][pool[i].t] += pool[i].use;
	if (D <= MAX_ENUM_DOMAINS) {
		for (k = 1; k <= D && !sets; k++) {
			first_comb(idx, k);
			do {
				uint64_t sum[MAXT] = { 0 };
				bool ok = true;

				for (d = 0; d < k; d++)
					for (t = 0; t < T; t++)
						sum[t] += cap[idx[d]][t];
				for (t = 0; t < T; t++)
					ok = ok && sum[t] >= need[t];
				if (!ok)
					continue;
				if (++sets > MAX_DOMAIN_SETS) {
					pc->exact = false;
					break;
				}
				memset(dsel, 0, D * sizeof(*dsel));
				for (d = 0; d < k; d++)
					dsel[idx[d]] = true;
				solve_domains(pc, pool, n, T, need, dsel,
					      (unsigned)k - 1, best);
			} while (next_comb(idx, k, D));
		}
	} else {
		/* Many domains: add the one covering most of what is left. */
		uint64_t left[MAXT];

		for (t = 0; t < T; t++)
			left[t] = need[t];
		for (k = 0; k < D; k++) {
			uint64_t bv = 0, rem = 0;
			int bd = -1;

			for (d = 0; d < D; d++) {
				uint64_t v = 0;

				if (dsel[d])
					continue;
				for (t = 0; t < T; t++)
					v += cap[d][t] < left[t] ? cap[d][t] :
					     left[t];
				if (v > bv) {
					bv = v;
					bd = d;
				}
			}
			if (bd < 0)
				break;
			dsel[bd] = true;
			for (t = 0; t < T; t++) {
				left[t] -= cap[bd][t] < left[t] ? cap[bd][t] :
					   left[t];
				rem += left[t];
			}
			if (!rem)
				break;
		}
		if (k > 0)
			pc->exact = false;
		solve_domains(pc, pool, n, T, need, dsel, (unsigned)k, best);
	}
out:
	free(dsel);
	free(cap);
}

/* ------------------------------------------------------------------ */
/* requests, results, explanations                                     */
/* ------------------------------------------------------------------ */

int placement_request_from_spec(const struct hetero_spec *spec,
				struct placement_request *req)
{
	size_t i;

	if (!spec || !req || spec->n > MAXT)
		return -1;
	memset(req, 0, sizeof(*req));
	req->is_auto = spec->is_auto;
	req->n_types = spec->n;
	for (i = 0; i < spec->n; i++) {
		req->type[i] = spec->item[i].type;
		req->count[i] = spec->item[i].count;
	}
	req->total = spec->total;
	return 0;
}

void placement_result_free(struct placement_result *res)
{
	if (!res)
		return;
	free(res->picks);
	memset(res, 0, sizeof(*res));
}

static bool type_name_ok(const char *s)
{
	size_t len;

	if (!s)
		return false;
	len = strnlen(s, PLACEMENT_TYPE_LEN);
	return len > 0 && len < PLACEMENT_TYPE_LEN;
}

static bool request_ok(const struct placement_request *req)
{
	uint64_t total = 0;
	size_t i, j;

	if (!req || req->n_types > MAXT)
		return false;
	if (!req->is_auto && req->n_types == 0)
		return false;
	for (i = 0; i < req->n_types; i++) {
		if (!type_name_ok(req->type[i]))
			return false;
		for (j = 0; j < i; j++)
			if (!strcmp(req->type[i], req->type[j]))
				return false;
		if (!req->is_auto) {
			if (req->count[i] < 1 ||
			    req->count[i] > HETERO_SPEC_MAX_COUNT)
				return false;
			total += req->count[i];
		}
	}
	if (req->is_auto)
		total = req->total;
	return total >= 1 && total <= HETERO_SPEC_MAX_TOTAL;
}

/* Type table of the result: request types, or (auto, any) the types the
 * nodes have, sorted by name, at most MAXT. */
static size_t result_types(const struct placement_node *nodes, size_t n,
			   const struct placement_request *req,
			   const char *types[MAXT])
{
	size_t nt = 0, i, j;

	if (!req->is_auto || req->n_types) {
		for (i = 0; i < req->n_types; i++)
			types[i] = req->type[i];
		return req->n_types;
	}
	for (i = 0; i < n; i++) {
		const char *ct = nodes[i].chip_type;
		size_t at;

		if (!type_name_ok(ct))
			continue;
		for (at = 0; at < nt && strcmp(types[at], ct) < 0; at++)
			;
		if (at < nt && !strcmp(types[at], ct))
			continue;
		if (nt == MAXT) {
			/* Keep the MAXT smallest names: deterministic. */
			if (at == MAXT)
				continue;
			nt--;
		}
		for (j = nt; j > at; j--)
			types[j] = types[j - 1];
		types[at] = ct;
		nt++;
	}
	return nt;
}

static int type_slot(const char *const types[MAXT], size_t nt,
		     const char *ct)
{
	size_t i;

	if (!type_name_ok(ct))
		return -1;
	for (i = 0; i < nt; i++)
		if (!strcmp(types[i], ct))
			return (int)i;
	return -1;
}

static void join_types(const char *const types[MAXT], size_t nt, char *buf,
		       size_t len)
{
	size_t i, o = 0;

	buf[0] = '\0';
	for (i = 0; i < nt && o < len; i++)
		o += snprintf(buf + o, len - o, "%s%s", i ? "+" : "",
			      types[i]);
}

int placement_explain(const struct placement_node *nodes, size_t n_nodes,
		      const struct placement_request *req,
		      char *buf, size_t len)
{
	const char *types[MAXT];
	uint64_t fr[MAXT] = { 0 }, tot[MAXT] = { 0 }, afr = 0, atot = 0;
	char tl[MAXT * PLACEMENT_TYPE_LEN + 16];
	size_t nt, i;
	char dummy[1];

	if (!buf || !len) {
		buf = dummy;
		len = sizeof(dummy);
	}
	if (!request_ok(req) || (!nodes && n_nodes)) {
		snprintf(buf, len, "invalid request");
		return PLACEMENT_INVALID;
	}
	nt = result_types(nodes, n_nodes, req, types);
	for (i = 0; i < n_nodes; i++) {
		int t = type_slot(types, nt, nodes[i].chip_type);

		if (t < 0)
			continue;
		fr[t] += node_use(&nodes[i], req->cores_per_accel);
		tot[t] += node_total(&nodes[i]);
	}
	if (req->is_auto) {
		for (i = 0; i < nt; i++) {
			afr += fr[i];
			atot += tot[i];
		}
		join_types(types, nt, tl, sizeof(tl));
		if (atot < req->total) {
			if (req->n_types)
				snprintf(buf, len,
					 "never: cluster has only %llu accelerators of types %s in total",
					 (unsigned long long)atot, tl);
			else
				snprintf(buf, len,
					 "never: cluster has only %llu accelerators in total",
					 (unsigned long long)atot);
			return PLACEMENT_NEVER;
		}
		if (afr < req->total) {
			snprintf(buf, len,
				 "needs %u accelerators (auto%s%s), only %llu free in partition",
				 req->total, req->n_types ? ": " : "",
				 req->n_types ? tl : "",
				 (unsigned long long)afr);
			return PLACEMENT_NOT_NOW;
		}
		snprintf(buf, len, "fits: %llu of %u accelerators free",
			 (unsigned long long)afr, req->total);
		return PLACEMENT_OK;
	}
	for (i = 0; i < nt; i++) {
		if (tot[i] < req->count[i]) {
			snprintf(buf, len,
				 "never: cluster has only %llu %s in total",
				 (unsigned long long)tot[i], types[i]);
			return PLACEMENT_NEVER;
		}
	}
	for (i = 0; i < nt; i++) {
		if (fr[i] < req->count[i]) {
			snprintf(buf, len,
				 "needs %s:%u, only %llu free in partition",
				 types[i], req->count[i],
				 (unsigned long long)fr[i]);
			return PLACEMENT_NOT_NOW;
		}
	}
	snprintf(buf, len, "fits");
	return PLACEMENT_OK;
}

int placement_cost_cmp(const struct placement_cost *a,
		       const struct placement_cost *b)
{
	if (a->domain_links != b->domain_links)
		return a->domain_links < b->domain_links ? -1 : 1;
	if (a->span_level != b->span_level)
		return a->span_level < b->span_level ? -1 : 1;
	if (a->leaves != b->leaves)
		return a->leaves < b->leaves ? -1 : 1;
	if (a->frag_delta != b->frag_delta)
		return a->frag_delta < b->frag_delta ? -1 : 1;
	if (a->weight != b->weight)
		return a->weight < b->weight ? -1 : 1;
	return 0;
}

static int cmp_int(const void *a, const void *b)
{
	int x = *(const int *)a, y = *(const int *)b;

	return x < y ? -1 : x > y;
}

static int cmp_size(const void *a, const void *b)
{
	size_t x = *(const size_t *)a, y = *(const size_t *)b;

	return x < y ? -1 : x > y;
}

static size_t count_distinct(int *v, size_t n)
{
	size_t i, d = 0;

	qsort(v, n, sizeof(*v), cmp_int);
	for (i = 0; i < n; i++)
		if (!i || v[i] != v[i - 1])
			d++;
	return d;
}

int placement_evaluate(const struct placement_node *nodes, size_t n_nodes,
		       const struct placement_pick *picks, size_t n_picks,
		       uint32_t cores_per_accel,
		       struct placement_cost *cost)
{
	int *v = malloc((n_picks + 1) * sizeof(*v));
	size_t *seen = malloc((n_picks + 1) * sizeof(*seen));
	int path0[NLEV], path[NLEV];
	const char *types[MAXT];
	size_t i, nt = 0, pseudo = 0, nv = 0;
	unsigned span = 0;
	int rc = -1;

	if (!cost || !v || !seen || (n_picks && (!nodes || !picks)))
		goto out;
	memset(cost, 0, sizeof(*cost));
	for (i = 0; i < n_picks; i++) {
		const struct placement_node *nd;
		size_t t;

		if (picks[i].node >= n_nodes)
			goto out;
		nd = &nodes[picks[i].node];
		if (!picks[i].count ||
		    picks[i].count > node_use(nd, cores_per_accel))
			goto out;
		seen[i] = picks[i].node;
		cost->frag_delta += frag_of(picks[i].count, node_free(nd),
					    node_total(nd));
		cost->weight += nd->weight;
		for (t = 0; t < nt; t++)
			if (nd->chip_type && !strcmp(types[t], nd->chip_type))
				break;
		if (t == nt && nt < MAXT && nd->chip_type)
			types[nt++] = nd->chip_type;
	}
	qsort(seen, n_picks, sizeof(*seen), cmp_size);
	for (i = 1; i < n_picks; i++)
		if (seen[i] == seen[i - 1])
			goto out;
	cost->n_nodes = (unsigned)n_picks;
	cost->n_types = (unsigned)nt;
	if (!n_picks) {
		rc = 0;
		goto out;
	}

	for (i = 0; i < n_picks; i++)
		v[i] = nodes[picks[i].node].domain;
	cost->domain_links = (unsigned)count_distinct(v, n_picks) - 1;

	for (i = 0; i < n_picks; i++) {
		node_path(&nodes[picks[i].node], path);
		if (path[0] < 0)
			pseudo++;
		else
			v[nv++] = path[0];
	}
	cost->leaves = (unsigned)(pseudo + (nv ? count_distinct(v, nv) : 0));

	/* (2): lowest level where every pick shares one switch. */
	node_path(&nodes[picks[0].node], path0);
	if (n_picks > 1) {
		for (span = 0; span < NLEV; span++) {
			bool same = path0[span] >= 0;

			for (i = 1; i < n_picks && same; i++) {
				node_path(&nodes[picks[i].node], path);
				same = path[span] == path0[span];
			}
			if (same)
				break;
		}
	}
	cost->span_level = span;
	rc = 0;
out:
	free(seen);
	free(v);
	return rc;
}

/* ------------------------------------------------------------------ */
/* placement_place                                                     */
/* ------------------------------------------------------------------ */

static int cmp_pnode(const void *a, const void *b)
{
	const struct pnode *x = a, *y = b;
	int l;

	for (l = NLEV; l-- > 0;)
		if (x->path[l] != y->path[l])
			return x->path[l] < y->path[l] ? -1 : 1;
	if (x->index != y->index)
		return x->index < y->index ? -1 : 1;
	return x->src < y->src ? -1 : x->src > y->src;
}

static void fill_result(struct placement_result *res, struct cand *c,
			const char *const types[MAXT], size_t nt,
			bool drop_unused)
{
	size_t map[MAXT], i, o = 0;

	memset(res, 0, sizeof(*res));
	for (i = 0; i < nt; i++) {
		uint32_t sum = 0;
		size_t j;

		for (j = 0; j < c->n_picks; j++)
			if (c->picks[j].type == i)
				sum += c->picks[j].count;
		map[i] = o;
		if (drop_unused && !sum)
			continue;
		snprintf(res->type[o], PLACEMENT_TYPE_LEN, "%s", types[i]);
		res->per_type[o] = sum;
		o++;
	}
	res->n_types = o;
	for (i = 0; i < c->n_picks; i++)
		c->picks[i].type = map[c->picks[i].type];
	res->picks = c->picks;
	res->n_picks = c->n_picks;
	res->cost = c->cost;
	c->picks = NULL;
	c->n_picks = 0;
}

static void mix_of(const struct cand *c, const char *const types[MAXT],
		   size_t nt, struct placement_mix *mix)
{
	size_t i, j;

	memset(mix, 0, sizeof(*mix));
	for (i = 0; i < nt; i++) {
		uint32_t sum = 0;

		for (j = 0; j < c->n_picks; j++)
			if (c->picks[j].type == i)
				sum += c->picks[j].count;
		if (!sum)
			continue;
		mix->type[mix->n] = types[i];
		mix->count[mix->n++] = sum;
	}
}

/* Auto without a score: (1)-(4), then fewer types, then (5). */
static int auto_cmp(const struct placement_cost *a,
		    const struct placement_cost *b)
{
	struct placement_cost x = *a, y = *b;

	x.weight = y.weight = 0;
	if (placement_cost_cmp(&x, &y))
		return placement_cost_cmp(&x, &y);
	if (a->n_types != b->n_types)
		return a->n_types < b->n_types ? -1 : 1;
	return placement_cost_cmp(a, b);
}

/* Places an explicit mix (count per result type) from the auto pool. */
static void place_mix(struct place_ctx *pc, const struct pnode *pool,
		      size_t n, const uint32_t *count, size_t nt,
		      struct pnode *sub, struct cand *c)
{
	uint32_t need[MAXT];
	int slot[MAXT], T = 0;
	size_t i, m = 0;

	for (i = 0; i < nt; i++) {
		slot[i] = count[i] ? T : -1;
		if (count[i])
			need[T++] = count[i];
	}
	for (i = 0; i < n; i++) {
		if (slot[pool[i].rt] < 0)
			continue;
		sub[m] = pool[i];
		sub[m].t = slot[pool[i].rt];
		m++;
	}
	place_pool(pc, sub, m, T, need, c);
}

/*
 * Auto with a score: starting from the best of the per-subset placements,
 * move accelerators between types (a quarter, a sixteenth, then one of
 * the total at a time) while the score improves.  Bounded by
 * AUTO_MAX_TRIES placements.
 */
static void auto_climb(struct place_ctx *pc, const struct pnode *pool,
		       size_t n, const struct placement_request *req,
		       const char *const types[MAXT], size_t nt,
		       struct pnode *sub, struct cand *best,
		       double *best_score)
{
	uint32_t cur[MAXT] = { 0 }, cap[MAXT] = { 0 }, steps[3];
	uint32_t N = req->total;
	size_t i, a, b, k;
	int tries = 0;
	bool improved = true;

	for (i = 0; i < n; i++)
		cap[pool[i].rt] += pool[i].use;
	for (i = 0; i < best->n_picks; i++)
		cur[best->picks[i].type] += best->picks[i].count;
	steps[0] = N / 4 ? N / 4 : 1;
	steps[1] = N / 16 ? N / 16 : 1;
	steps[2] = 1;
	while (improved && !pc->oom) {
		improved = false;
		for (k = 0; k < 3 && !improved; k++) {
			if (k && steps[k] == steps[k - 1])
				continue;
			for (a = 0; a < nt && !improved; a++) {
				for (b = 0; b < nt && !improved; b++) {
					uint32_t d = steps[k], next[MAXT];
					struct placement_mix mix;
					struct cand c = { 0 };
					double score;

					if (a == b || cur[a] < d ||
					    cap[b] < cur[b] + d)
						continue;
					if (++tries > AUTO_MAX_TRIES)
						return;
					memcpy(next, cur, sizeof(next));
					next[a] -= d;
					next[b] += d;
					place_mix(pc, pool, n, next, nt, sub,
						  &c);
					if (!c.valid)
						continue;
					mix_of(&c, types, nt, &mix);
					score = req->score(req->score_arg,
							   &mix, &c.cost);
					if (score > *best_score) {
						cand_free(best);
						*best = c;
						*best_score = score;
						memcpy(cur, next, sizeof(cur));
						improved = true;
					} else {
						cand_free(&c);
					}
				}
			}
		}
	}
}

static void place_auto(struct place_ctx *pc, struct pnode *pool, size_t n,
		       const struct placement_request *req,
		       const char *const types[MAXT], size_t nt,
		       struct cand *best, double *best_score)
{
	struct pnode *sub = malloc((n + 1) * sizeof(*sub));
	uint32_t need = req->total;
	unsigned mask, full = nt >= 32 ? ~0u : (1u << nt) - 1;

	if (!sub) {
		pc->oom = true;
		return;
	}
	/* All subsets of a few types, else each type alone and all. */
	for (mask = 1; mask <= full && !pc->oom; mask++) {
		struct cand c = { 0 };
		uint64_t cap = 0;
		size_t i, m = 0;
		double score = 0.0;
		bool better;

		if (nt > AUTO_SUBSET_TYPES && mask != full &&
		    __builtin_popcount(mask) != 1)
			continue;
		for (i = 0; i < n; i++) {
			if (!(mask & (1u << pool[i].rt)))
				continue;
			sub[m] = pool[i];
			sub[m].t = 0;
			cap += sub[m].use;
			m++;
		}
		if (cap < need)
			continue;
		place_pool(pc, sub, m, 1, &need, &c);
		if (!c.valid)
			continue;
		if (req->score) {
			struct placement_mix mix;

			mix_of(&c, types, nt, &mix);
			score = req->score(req->score_arg, &mix, &c.cost);
			better = !best->valid || score > *best_score ||
				 (score == *best_score &&
				  auto_cmp(&c.cost, &best->cost) < 0);
		} else {
			better = !best->valid ||
				 auto_cmp(&c.cost, &best->cost) < 0;
		}
		if (better) {
			cand_free(best);
			*best = c;
			*best_score = score;
		} else {
			cand_free(&c);
		}
		if (mask == full)
			break;
	}
	if (req->score && best->valid && nt > 1)
		auto_climb(pc, pool, n, req, types, nt, sub, best, best_score);
	free(sub);
}

int placement_place(const struct placement_node *nodes, size_t n_nodes,
		    const struct placement_request *req,
		    struct placement_result *res)
{
	struct place_ctx pc = { .nodes = nodes, .n_nodes = n_nodes,
				.exact = true };
	const char *types[MAXT];
	uint32_t need[MAXT] = { 0 };
	struct cand best = { 0 };
	struct pnode *pool = NULL;
	uint64_t have[MAXT] = { 0 }, all = 0;
	const char *last_type = NULL;
	int last_slot = -1;
	int *doms = NULL;
	double score = 0.0;
	size_t nt, n = 0, nd = 0, i;
	int rc;

	if (res)
		memset(res, 0, sizeof(*res));
	if (!res || !request_ok(req) || (!nodes && n_nodes))
		return PLACEMENT_INVALID;
	pc.cpa = req->cores_per_accel;
	pc.limit = req->work_limit ? req->work_limit : PLACEMENT_DEFAULT_WORK;
	nt = result_types(nodes, n_nodes, req, types);
	for (i = 0; i < nt && !req->is_auto; i++)
		need[i] = req->count[i];

	pool = malloc((n_nodes + 1) * sizeof(*pool));
	doms = malloc((n_nodes + 1) * sizeof(*doms));
	if (!pool || !doms)
		goto oom;
	for (i = 0; i < n_nodes; i++) {
		const struct placement_node *p = &nodes[i];
		uint32_t use;
		int t;

		/* Callers often share one string per type. */
		if (p->chip_type && p->chip_type == last_type) {
			t = last_slot;
		} else {
			t = type_slot(types, nt, p->chip_type);
			last_type = p->chip_type;
			last_slot = t;
		}

		if (t < 0)
			continue;
		use = node_use(p, pc.cpa);
		if (!use)
			continue;
		pool[n] = (struct pnode){
			.src = i, .index = p->index, .t = t, .rt = t,
			.use = use, .free = node_free(p),
			.total = node_total(p), .weight = p->weight,
			.dom = p->domain,
		};
		node_path(p, pool[n].path);
		if (!nd || doms[nd - 1] != p->domain)
			doms[nd++] = p->domain;
		have[t] += use;
		n++;
	}
	/* Short of accelerators: say why (not now or never). */
	for (i = 0; i < nt; i++)
		all += have[i];
	for (i = 0; i < nt && !req->is_auto; i++)
		if (have[i] < need[i])
			all = 0;
	if (all < (req->is_auto ? req->total : 1)) {
		rc = placement_explain(nodes, n_nodes, req, NULL, 0);
		goto out;
	}
	/* Dense domain ranks, for per-domain arrays (sorted: lower domain
	 * numbers are tried first). */
	qsort(doms, nd, sizeof(*doms), cmp_int);
	for (i = 0; i < nd; i++)
		if (!i || doms[i] != doms[pc.n_dom - 1])
			doms[pc.n_dom++] = doms[i];
	for (i = 0; i < n; i++) {
		int *d;

		if (i && pool[i].dom == nodes[pool[i - 1].src].domain) {
			pool[i].dom = pool[i - 1].dom;
			continue;
		}
		d = bsearch(&pool[i].dom, doms, pc.n_dom, sizeof(*doms),
			    cmp_int);
		pool[i].dom = (int)(d - doms);
	}
	/* Node order often follows the switches already: skip the sort. */
	for (i = 1; i < n && cmp_pnode(&pool[i - 1], &pool[i]) <= 0; i++)
		;
	if (i < n)
		qsort(pool, n, sizeof(*pool), cmp_pnode);

	if (req->is_auto)
		place_auto(&pc, pool, n, req, types, nt, &best, &score);
	else
		place_pool(&pc, pool, n, (int)nt, need, &best);
	if (pc.oom)
		goto oom;
	if (!best.valid) {
		/* Capacity was checked: only a bug gets here. */
		dlh_error("placement: internal error: no placement found");
		rc = PLACEMENT_INVALID;
		goto out;
	}
	fill_result(res, &best, types, nt, req->is_auto);
	res->exact = pc.exact;
	res->score = score;
	res->work = pc.work;
	dlh_debug("placement: %zu nodes, links %u span %u leaves %u frag %d weight %llu%s (work %llu)",
		  res->n_picks, res->cost.domain_links, res->cost.span_level,
		  res->cost.leaves, res->cost.frag_delta,
		  (unsigned long long)res->cost.weight,
		  res->exact ? "" : " (inexact)",
		  (unsigned long long)pc.work);
	rc = PLACEMENT_OK;
	goto out;
oom:
	dlh_error("placement: out of memory");
	rc = PLACEMENT_INVALID;
out:
	cand_free(&best);
	free(doms);
	free(pool);
	return rc;
}
