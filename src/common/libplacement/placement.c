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
 * Steps 1-3 only add capacities; step 4 is where work can grow.  The whole
 * call runs under one work budget (struct budget): every loop charges its
 * work units, and once the budget is spent no new search starts.  The
 * solve in progress is finished greedily (always a valid placement) and
 * the best placement found so far wins, marked inexact.  Within the
 * budget, each candidate (domain set, auto type subset, climb step) gets
 * a share of what is left for its step 4, so the first one cannot starve
 * the others, and a candidate whose steps 1-3 already lose is not searched
 * further.
 */
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "dlh_log.h"
#include "placement.h"

#define MAXT		 PLACEMENT_MAX_TYPES
#define NLEV		 PLACEMENT_LEVELS
#define DP_MAX_CELLS	 100000 /* bigger knapsacks go greedy */
#define MAX_DOMAIN_SETS	 64
#define MAX_ENUM_DOMAINS 16
#define AUTO_SUBSET_TYPES                                                      \
	4		  /* auto tries all type subsets up to
					 * this many allowed types */
#define AUTO_MAX_TRIES 48 /* placements tried to raise a score */
#define MAX_MIXED      63 /* mixed leaves enumerated per set */
#define SCORE_UNITS    64 /* charged per score callback */
/* Exact readback (3 units a cell) allowed past a spent budget. */
#define READBACK_SLACK (3 * DP_MAX_CELLS)

/*
 * The work budget of one placement_place() call, shared by everything it
 * runs.  A unit is one knapsack cell, one node or leaf visited by a linear
 * pass, or half a sort comparison (see PLACEMENT_DEFAULT_WORK).
 */
struct budget {
	uint64_t work;	/* units spent */
	uint64_t limit; /* no new search once work reaches it */
	bool hit;	/* the limit or a share cut a search short */
	bool exact;	/* nothing cut: the result is optimal */
	bool shape_cut; /* a search for (1)-(3) was cut */
};

static void charge(struct budget *b, uint64_t units)
{
	b->work += units;
}

/*
 * True once the budget is spent.  Only asked where more search would
 * follow, so a true answer means the result is no longer proven optimal.
 */
static bool spent(struct budget *b)
{
	if (b->work < b->limit)
		return false;
	b->hit = true;
	b->exact = false;
	return true;
}

/* Units of sorting n items: two per comparison, n log2 n comparisons. */
static uint64_t sort_units(size_t n)
{
	uint64_t lg = 1;

	while (lg < 63 && ((uint64_t) 1 << lg) < n)
		lg++;
	return 2 * (uint64_t) n * lg;
}

/* Soft limit for one of parts candidates left: an even share of what is
 * left before stop (nothing if stop is passed). */
static uint64_t share_of(const struct budget *b, uint64_t stop, size_t parts)
{
	if (b->work >= stop || !parts)
		return b->work;
	return b->work + (stop - b->work) / parts;
}

/* A usable node, as the solver sees it. */
struct pnode {
	size_t src; /* position in the caller's array */
	int index;
	int t;	      /* type slot in the current solve */
	int rt;	      /* type slot in the result */
	uint32_t use; /* usable now */
	uint32_t free, total, weight;
	int dom;	/* dense domain rank */
	int path[NLEV]; /* [0] leaf; -1: none */
};

struct leaf {
	size_t start, end; /* range in the solve pool */
	uint64_t cap[MAXT];
	uint32_t mask; /* types with cap > 0 */
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
	struct budget *bud;
	uint64_t stop; /* soft limit of this solve's step 4 */

	/* scratch */
	size_t *pos;	     /* node positions for one knapsack */
	uint64_t *dp, *dp2;  /* knapsack rows, dp_len each */
	uint64_t *pre, *suf; /* window minima, dp_len each */
	uint32_t *dq;	     /* sliding-window indexes, dp_len */
	uint32_t dp_len;
	bool oom;
	bool have_best;
	struct fw best_fw;
	unsigned best_level, best_leaves;
	size_t *best_set; /* leaf ids of the best leaf set */
	size_t n_best_set;
	bool best_dp[MAXT]; /* type t of the best set: knapsack, not
				 * greedy (the readback does the same) */
	size_t *cover;	    /* a cover of K leaves (step 3), the
				 * fallback when step 4 is cut at once */
	size_t n_cover;
};

/* ------------------------------------------------------------------ */
/* node facts shared with placement_evaluate()                         */
/* ------------------------------------------------------------------ */

static void node_path(const struct placement_node *nd, int path[NLEV])
{
	int nl = nd->n_levels < 0      ? 0
		 : nd->n_levels > NLEV ? NLEV
				       : nd->n_levels;
	int l;

	path[0] = (nl > 0 && nd->switch_path[0] >= 0) ? nd->switch_path[0]
						      : nd->leaf_switch;
	if (path[0] < 0)
		path[0] = -1;
	for (l = 1; l < NLEV; l++) {
		path[l] = (path[0] >= 0 && l < nl && nd->switch_path[l] >= 0)
				  ? nd->switch_path[l]
				  : -1;
	}
}

static uint32_t node_total(const struct placement_node *nd)
{
	return nd->total_accel > PLACEMENT_MAX_ACCEL ? PLACEMENT_MAX_ACCEL
						     : nd->total_accel;
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
	int before = f < total; /* f > 0 as a >= 1 */
	int after = a < f;

	return after - before;
}

/* ------------------------------------------------------------------ */
/* knapsack: which nodes of one type, and how many on each              */
/* ------------------------------------------------------------------ */

/* Step 4 stops here: the budget or this solve's share is spent. */
static bool cut(struct solver *sv)
{
	if (spent(sv->bud))
		return true;
	if (sv->bud->work < sv->stop)
		return false;
	sv->bud->hit = true;
	sv->bud->exact = false;
	return true;
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
	sv->bud->exact = false;
	charge(sv->bud, sort_units(n) + 5 * (uint64_t) n);
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

#define KNAP_INF UINT64_MAX

static uint64_t min_u64(uint64_t a, uint64_t b)
{
	return a < b ? a : b;
}

/* m + step, staying infinite */
static uint64_t add_inf(uint64_t m, uint64_t step)
{
	return m == KNAP_INF ? KNAP_INF : m + step;
}

/*
 * cur[s] = min(old[s], min(old[s-w .. s-1]) + part) for s in 0..c (the
 * window cut at 0; 1 <= w <= c).  Short windows (w <= 16): pre[] holds the
 * minima of old over runs of 2^k <= w (doubling passes without a carried
 * dependency), two of which cover each window.  Long ones: prefix and
 * suffix minima over blocks of w (van Herk/Gil-Werman).  Branch-free
 * passes either way, where a sliding-window deque mispredicts.
 */
static void knap_window(const uint64_t *old, uint64_t *cur, uint64_t *pre,
			uint64_t *suf, uint32_t c, uint32_t w, uint64_t part)
{
	uint32_t len, j, s, e, pk = 1;
	uint64_t run = KNAP_INF;

	cur[0] = old[0];
	for (s = 1; s <= c && s < w; s++) {
		run = min_u64(run, old[s - 1]);
		cur[s] = min_u64(old[s], add_inf(run, part));
	}
	if (w <= 16) {
		memcpy(pre, old, (size_t) c * sizeof(*pre));
		for (len = 1; 2 * len <= w; len *= 2) {
			for (j = 0; j + len < c; j++)
				pre[j] = min_u64(pre[j], pre[j + len]);
			pk = 2 * len;
		}
		for (; s <= c; s++)
			cur[s] = min_u64(old[s], add_inf(min_u64(pre[s - w],
								 pre[s - pk]),
							 part));
		return;
	}
	/* pre[j]: min of old from j's block start to j; suf[j]: from j to
	 * its block end (blocks of w over 0..c-1) */
	for (j = 0; j < c; j = e) {
		e = c - j > w ? j + w : c;
		pre[j] = old[j];
		for (s = j + 1; s < e; s++)
			pre[s] = min_u64(pre[s - 1], old[s]);
		suf[e - 1] = old[e - 1];
		for (s = e - 1; s-- > j;)
			suf[s] = min_u64(suf[s + 1], old[s]);
	}
	for (s = w; s <= c; s++)
		cur[s] = min_u64(
			old[s], add_inf(min_u64(suf[s - w], pre[s - 1]), part));
}

/*
 * One node's two costs in the knapsack of select_nodes(), as packed
 * (4),(5) steps: "all" its free accelerators (fullable: all are usable and
 * at most c), and "some", 1 .. pmax of them (pmax: the largest amount that
 * leaves some free; 0: none).
 */
struct node_take {
	uint32_t pmax;
	bool fullable;
	uint64_t full, part;
};

static struct node_take node_take_of(const struct pnode *p, uint32_t c,
				     uint64_t wmul)
{
	uint32_t u = p->use < c ? p->use : c;
	int fd = frag_of(p->free, p->free, p->total);
	int pd = p->use == p->free ? fd + 1 : frag_of(1, p->free, p->total);
	struct node_take t;

	t.fullable = p->use == p->free && p->free <= c;
	t.pmax = p->use == p->free ? (u < p->free ? u : p->free - 1) : u;
	/* signed step added modulo 2^64: the sum stays in range */
	t.full = (uint64_t) (int64_t) fd * wmul + p->weight;
	t.part = (uint64_t) (int64_t) pd * wmul + p->weight;
	return t;
}

/* Row 0 of both knapsacks: only the empty sum, frag 0 and weight 0. */
static void knap_first_row(uint64_t *row, uint32_t c, size_t n, uint64_t wmul)
{
	uint32_t s;

	row[0] = (uint64_t) n * wmul;
	for (s = 1; s <= c; s++)
		row[s] = KNAP_INF;
}

/*
 * The knapsack of select_nodes() below, values only (no readback): per
 * node, the "some" amounts by knap_window(), then the "all" amount.  Same
 * values as the deque there, so the same leaf set wins; the readback uses
 * the deque for the amounts.
 */
static int knap_values(struct solver *sv, const size_t *pos, size_t n,
		       uint32_t c, uint64_t wmul, struct fw *out)
{
	uint64_t *old = sv->dp, *cur = sv->dp2, *tmp;
	uint32_t s;
	size_t i;

	knap_first_row(old, c, n, wmul);
	for (i = n; i-- > 0;) {
		const struct pnode *p = &sv->pool[pos[i]];
		struct node_take t = node_take_of(p, c, wmul);

		if (t.pmax)
			knap_window(old, cur, sv->pre, sv->suf, c, t.pmax,
				    t.part);
		else
			memcpy(cur, old, ((size_t) c + 1) * sizeof(*cur));
		for (s = t.fullable ? p->free : c + 1; s <= c; s++)
			cur[s] = min_u64(cur[s],
					 add_inf(old[s - p->free], t.full));
		tmp = old;
		old = cur;
		cur = tmp;
	}
	if (old[c] == KNAP_INF)
		return -1;
	out->frag = (int64_t) (old[c] / wmul) - (int64_t) n;
	out->weight = old[c] % wmul;
	return 0;
}

/*
 * The knapsack of select_nodes() with the readback: per node, the best
 * amount for every sum s (a sliding-window minimum over the "some"
 * amounts, kept in a deque, then the "all" amount), remembered in a
 * choice table that gives the amount per node at the end.  The window
 * pass is the hot loop of the placement: one function keeps it whole.
 */
static int knap_readback(struct solver *sv, const size_t *pos, size_t n,
			 uint32_t c, uint64_t wmul, uint32_t *take,
			 struct fw *out)
{
	uint64_t *old = sv->dp, *cur = sv->dp2, *tmp;
	uint32_t *choice, *dq = sv->dq, s;
	size_t i;

	choice = malloc((n ? n : 1) * (size_t) (c + 1) * sizeof(*choice));
	if (!choice) {
		sv->oom = true;
		return -1;
	}
	knap_first_row(old, c, n, wmul);
	for (i = n; i-- > 0;) {
		const struct pnode *p = &sv->pool[pos[i]];
		struct node_take t = node_take_of(p, c, wmul);
		size_t head = 0, tail = 0;

		for (s = 0; s <= c; s++) {
			uint64_t best = old[s], v;
			uint32_t best_a = 0;

			/* window of old sums s-pmax .. s-1, min at head */
			if (s >= 1 && old[s - 1] != KNAP_INF) {
				while (tail > head &&
				       old[dq[tail - 1]] > old[s - 1])
					tail--;
				dq[tail++] = s - 1;
			}
			while (tail > head && dq[head] + t.pmax < s)
				head++;
			if (tail > head) {
				v = old[dq[head]] + t.part;
				if (v <= best) {
					best = v;
					best_a = s - dq[head];
				}
			}
			if (t.fullable && s >= p->free &&
			    old[s - p->free] != KNAP_INF) {
				v = old[s - p->free] + t.full;
				if (v <= best) {
					best = v;
					best_a = p->free;
				}
			}
			cur[s] = best;
			choice[i * (size_t) (c + 1) + s] = best_a;
		}
		tmp = old;
		old = cur;
		cur = tmp;
	}
	if (old[c] == KNAP_INF) {
		free(choice);
		return -1;
	}
	out->frag = (int64_t) (old[c] / wmul) - (int64_t) n;
	out->weight = old[c] % wmul;
	s = c;
	for (i = 0; i < n; i++) {
		take[i] = choice[i * (size_t) (c + 1) + s];
		s -= take[i];
	}
	free(choice);
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
 * receives the amount per node (knap_readback()); without it only the
 * values are needed (knap_values()).  greedy (or a knapsack over
 * DP_MAX_CELLS) takes greedy_select() instead; *dp, when given, says which
 * ran.  Returns 0, or -1 if infeasible.
 */
static int select_nodes(struct solver *sv, const size_t *pos, size_t n,
			uint32_t c, bool greedy, uint32_t *take, struct fw *out,
			bool *dp)
{
	uint64_t usum = 0, wsum = 0, cells, wmul;
	size_t i;

	if (dp)
		*dp = false;
	charge(sv->bud, n + 1);
	for (i = 0; i < n; i++) {
		usum += sv->pool[pos[i]].use;
		wsum += sv->pool[pos[i]].weight;
	}
	if (usum < c)
		return -1;
	wmul = wsum + 1;
	cells = (uint64_t) (c + 1) * (n + 1);
	if (greedy || cells > DP_MAX_CELLS || c >= sv->dp_len ||
	    wmul > (KNAP_INF / 4) / (2 * (uint64_t) n + 1))
		return greedy_select(sv, pos, n, c, take, out);
	if (dp)
		*dp = true;
	if (!take) {
		charge(sv->bud, cells);
		return knap_values(sv, pos, n, c, wmul, out);
	}
	/* The readback: about three times the work of a values-only cell. */
	charge(sv->bud, 3 * cells);
	return knap_readback(sv, pos, n, c, wmul, take, out);
}

/* ------------------------------------------------------------------ */
/* leaves and leaf covers                                              */
/* ------------------------------------------------------------------ */

static int build_leaves(struct solver *sv)
{
	size_t i;
	size_t count = 0;

	charge(sv->bud, 2 * (uint64_t) sv->n + 1);
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
		struct leaf *lf = sv->n_leaves ? &sv->leaves[sv->n_leaves - 1]
					       : NULL;

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
	const size_t *gl; /* leaf ids */
	size_t ng;
	size_t *pure[MAXT]; /* pure-t leaves, largest cap first */
	size_t n_pure[MAXT];
	uint64_t *prefix[MAXT]; /* prefix[t][k]: top k caps summed */
	size_t *mixed;
	size_t n_mixed;
	/* mtop[t][q]: the q largest type-t caps of mixed leaves, summed
	 * (q <= MAX_MIXED): what q more mixed leaves can add at most */
	uint64_t *mtop[MAXT];
	size_t *store; /* backing memory */
	uint64_t *pstore, *mstore;
};

struct cap_id {
	uint64_t cap;
	size_t id;
};

/* Largest capacity (or value) first, then id (leaf, domain) order. */
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
	free(g->mstore);
	memset(g, 0, sizeof(*g));
}

static int group_init(struct solver *sv, struct group *g, const size_t *gl,
		      size_t ng)
{
	struct cap_id *ci = malloc((ng + 1) * sizeof(*ci));
	size_t i, o = 0, po = 0;
	int t;

	memset(g, 0, sizeof(*g));
	g->gl = gl;
	g->ng = ng;
	g->store = malloc((ng * 2 + 1) * sizeof(size_t));
	g->pstore = malloc((ng + (size_t) sv->T + 1) * sizeof(uint64_t));
	if (!g->store || !g->pstore || !ci) {
		free(ci);
		group_free(g);
		return -1;
	}
	charge(sv->bud, ((uint64_t) sv->T + 2) * ng + sv->T);
	for (t = 0; t < sv->T; t++) {
		size_t np = 0;

		for (i = 0; i < ng; i++)
			if (sv->leaves[gl[i]].mask == 1u << t)
				ci[np++] = (struct cap_id){
					sv->leaves[gl[i]].cap[t], gl[i]
				};
		charge(sv->bud, sort_units(np));
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
	return 0;
}

/*
 * g->mtop[], once, when the mixed leaves are searched: a sort per type,
 * each charged and stopped when the budget is spent (returns false then,
 * or when out of memory: the caller does not search).
 */
static bool group_tops(struct solver *sv, struct group *g)
{
	size_t nq = g->n_mixed < MAX_MIXED ? g->n_mixed : MAX_MIXED, i;
	struct cap_id *ci;
	int t;

	if (g->mstore)
		return true;
	if (spent(sv->bud))
		return false;
	g->mstore = malloc((size_t) sv->T * (nq + 1) * sizeof(uint64_t));
	ci = malloc((g->n_mixed + 1) * sizeof(*ci));
	if (!g->mstore || !ci) {
		free(ci);
		free(g->mstore);
		g->mstore = NULL;
		sv->oom = true;
		return false;
	}
	for (t = 0; t < sv->T; t++) {
		if (t && spent(sv->bud)) {
			free(ci);
			free(g->mstore);
			g->mstore = NULL;
			return false;
		}
		charge(sv->bud,
		       2 * (uint64_t) g->n_mixed + nq + sort_units(g->n_mixed));
		for (i = 0; i < g->n_mixed; i++)
			ci[i] = (struct cap_id){ sv->leaves[g->mixed[i]].cap[t],
						 i };
		qsort(ci, g->n_mixed, sizeof(*ci), cmp_cap_id);
		g->mtop[t] = g->mstore + (size_t) t * (nq + 1);
		g->mtop[t][0] = 0;
		for (i = 0; i < nq; i++)
			g->mtop[t][i + 1] = g->mtop[t][i] + ci[i].cap;
	}
	free(ci);
	return true;
}

#define K_INF ((size_t) -1)

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

/*
 * The size-s subsets m[0..s) of a group's mixed leaves, in lexicographic
 * order (as next_comb()), skipping every branch that cannot lead to a cover
 * of at most it->bound leaves: a partial subset with q leaves still to add
 * needs at least (its size) + q + (pure leaves for what is left once the
 * q largest mixed caps of each type are added), a lower bound for all its
 * completions.  Order and results are those of plain enumeration, minus
 * subsets that cannot qualify.
 */
struct mixed_iter {
	struct solver *sv;
	const struct group *g;
	size_t s, bound;
	bool share; /* stop at the solve's share, not only at the
				 * whole budget */
	bool started, cut;
	size_t m[MAX_MIXED + 1];
	uint64_t have[MAX_MIXED + 2][MAXT]; /* caps of m[0..d) */
};

static void mixed_first(struct mixed_iter *it, struct solver *sv,
			const struct group *g, size_t s, size_t bound,
			bool share)
{
	it->sv = sv;
	it->g = g;
	it->s = s;
	it->bound = bound;
	it->share = share;
	it->started = false;
	it->cut = false;
	memset(it->have[0], 0, sizeof(it->have[0]));
}

/* Can m[0..d) with its caps have[] still lead to a cover <= bound? */
static bool mixed_may(const struct mixed_iter *it, size_t d,
		      const uint64_t *have)
{
	const struct solver *sv = it->sv;
	size_t q = it->s - d, lb = it->s, k;
	int t;

	for (t = 0; t < sv->T && lb <= it->bound; t++) {
		uint64_t got = have[t] + (q ? it->g->mtop[t][q] : 0);

		k = kmin(it->g, t, got >= sv->need[t] ? 0 : sv->need[t] - got);
		lb = k == K_INF ? K_INF : lb + k;
	}
	return lb <= it->bound;
}

/* Next qualifying subset into it->m; false at the end, or when the work
 * ran out first (it->cut). */
static bool mixed_next(struct mixed_iter *it)
{
	struct solver *sv = it->sv;
	const struct group *g = it->g;
	size_t n = g->n_mixed, s = it->s, d, c;
	int t;

	if (it->cut)
		return false;
	if (!s) {
		if (it->started)
			return false;
		it->started = true;
		charge(sv->bud, (uint64_t) sv->T * 16);
		if (it->share ? cut(sv) : spent(sv->bud)) {
			it->cut = true;
			return false;
		}
		return mixed_may(it, 0, it->have[0]);
	}
	if (!it->started) {
		it->started = true;
		d = 0;
		c = 0;
	} else {
		d = s - 1;
		c = it->m[d] + 1;
	}
	for (;;) {
		const struct leaf *lf;

		if (c + (s - d) > n) {
			if (!d)
				return false;
			d--;
			c = it->m[d] + 1;
			continue;
		}
		charge(sv->bud, (uint64_t) sv->T * 17);
		if (it->share ? cut(sv) : spent(sv->bud)) {
			it->cut = true;
			return false;
		}
		it->m[d] = c;
		lf = &sv->leaves[g->mixed[c]];
		for (t = 0; t < sv->T; t++)
			it->have[d + 1][t] = it->have[d][t] + lf->cap[t];
		if (!mixed_may(it, d + 1, it->have[d + 1])) {
			c++;
			continue;
		}
		if (d + 1 == s)
			return true;
		d++;
		c = it->m[d - 1] + 1;
	}
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
 * Fallback cover when the exact search runs out of work, O(ng log ng):
 * leaves by how much of the request they could hold, largest first, each
 * taken if it still adds something.  Leaf ids go to out (room for g->ng);
 * returns how many, or K_INF.
 */
static size_t greedy_cover(struct solver *sv, const struct group *g,
			   size_t *out)
{
	struct cap_id *ci = malloc((g->ng + 1) * sizeof(*ci));
	uint64_t r[MAXT], left = 0;
	size_t n = 0, i;
	int t;

	if (!ci) {
		sv->oom = true;
		return K_INF;
	}
	charge(sv->bud, sort_units(g->ng) + 2 * ((uint64_t) sv->T + 1) * g->ng);
	for (t = 0; t < sv->T; t++) {
		r[t] = sv->need[t];
		left += r[t];
	}
	for (i = 0; i < g->ng; i++) {
		const struct leaf *lf = &sv->leaves[g->gl[i]];
		uint64_t v = 0;

		for (t = 0; t < sv->T; t++)
			v += lf->cap[t] < r[t] ? lf->cap[t] : r[t];
		ci[i] = (struct cap_id){ v, g->gl[i] };
	}
	qsort(ci, g->ng, sizeof(*ci), cmp_cap_id);
	for (i = 0; i < g->ng && left; i++) {
		const struct leaf *lf = &sv->leaves[ci[i].id];
		uint64_t v = 0;

		for (t = 0; t < sv->T; t++) {
			uint64_t a = lf->cap[t] < r[t] ? lf->cap[t] : r[t];

			r[t] -= a;
			v += a;
		}
		if (!v)
			continue;
		left -= v;
		out[n++] = ci[i].id;
	}
	free(ci);
	return left ? K_INF : n;
}

/* The leaf set of mixed leaves m[0..s) and the k[t] largest pure leaves
 * of each type, into out; returns its size. */
static size_t write_cover(struct solver *sv, const struct group *g,
			  const size_t *m, size_t s, const size_t k[MAXT],
			  size_t *out)
{
	size_t o = 0, i;
	int t;

	for (i = 0; i < s; i++)
		out[o++] = g->mixed[m[i]];
	for (t = 0; t < sv->T; t++)
		for (i = 0; i < k[t]; i++)
			out[o++] = g->pure[t][i];
	charge(sv->bud, o + 1);
	return o;
}

/*
 * Fewest leaves of the group that hold the request; K_INF if it cannot.
 * One such leaf set goes to cover (room for g->ng).  Runs to the end
 * unless the whole budget is spent (not only a share): (1)-(3) come from
 * here, so it is worth more than step 4.
 */
static size_t group_min_leaves(struct solver *sv, struct group *g,
			       size_t *cover)
{
	size_t best, s, k[MAXT];
	uint64_t r[MAXT];
	struct mixed_iter *it = NULL;

	/* No mixed leaves: the largest pure ones, always done. */
	best = cover_with(sv, g, NULL, 0, r, k);
	charge(sv->bud, (uint64_t) sv->T * 16);
	if (best != K_INF)
		best = write_cover(sv, g, NULL, 0, k, cover);
	if (g->n_mixed && best > 1) {
		if (!group_tops(sv, g)) {
			if (sv->oom)
				return K_INF;
			goto out_of_work;
		}
		it = malloc(sizeof(*it));
		if (!it) {
			sv->oom = true;
			return K_INF;
		}
	}
	for (s = 1; s <= g->n_mixed && s < best && s <= MAX_MIXED; s++) {
		mixed_first(it, sv, g, s, best - 1, false);
		while (mixed_next(it)) {
			size_t c = cover_with(sv, g, it->m, s, r, k);

			charge(sv->bud, (uint64_t) sv->T * (s + 16));
			if (c < best) {
				best = write_cover(sv, g, it->m, s, k, cover);
				it->bound = best - 1;
			}
		}
		if (it->cut)
			goto out_of_work;
	}
	free(it);
	if (g->n_mixed > MAX_MIXED && best > MAX_MIXED + 1) {
		sv->bud->exact = false;
		sv->bud->shape_cut = true;
	}
	return best;
out_of_work:
	free(it);
	sv->bud->shape_cut = true;
	if (best == K_INF)
		best = greedy_cover(sv, g, cover);
	return best;
}

/* Type-t nodes of the given leaves, into sv->pos; returns how many. */
static size_t gather(struct solver *sv, int t, const size_t *ls, size_t nl)
{
	size_t i, j, n = 0;
	uint64_t units = nl + 1;

	for (i = 0; i < nl; i++) {
		const struct leaf *lf = &sv->leaves[ls[i]];

		if (!(lf->mask & (1u << t)))
			continue;
		units += lf->end - lf->start;
		for (j = lf->start; j < lf->end; j++)
			if (sv->pool[j].t == t)
				sv->pos[n++] = j;
	}
	charge(sv->bud, units);
	return n;
}

/*
 * Best (4),(5) for type t over the k-subsets of the group's pure-t leaves
 * that, with the mixed leaves ls[0..s), hold r more; the chosen pure
 * leaves go to out, and *out_dp says whether their knapsack was exact.
 * The first subset (the k largest) always holds r and is always scored;
 * the others only while the search is not cut.  FW_INF if none.
 */
static struct fw best_for_type(struct solver *sv, const struct group *g, int t,
			       size_t *ls, size_t s, size_t k, uint64_t r,
			       size_t *comb, size_t *out, bool *out_dp)
{
	struct fw bt = FW_INF;
	bool first = true;
	size_t i;

	first_comb(comb, k);
	do {
		uint64_t have = 0;
		struct fw f;
		size_t n;
		bool dp;

		if (!first && cut(sv))
			break;
		first = false;
		charge(sv->bud, k + 1);
		for (i = 0; i < k; i++) {
			ls[s + i] = g->pure[t][comb[i]];
			have += sv->leaves[ls[s + i]].cap[t];
		}
		if (have < r)
			continue;
		n = gather(sv, t, ls, s + k);
		if (select_nodes(sv, sv->pos, n, sv->need[t], spent(sv->bud),
				 NULL, &f, &dp))
			continue;
		if (fw_cmp(f, bt) < 0) {
			bt = f;
			*out_dp = dp;
			memcpy(out, ls + s, k * sizeof(size_t));
		}
	} while (k && next_comb(comb, k, g->n_pure[t]));
	return bt;
}

/* Scores the leaf set ls[0..n) (step 4 cut before any set was scored)
 * and keeps it as the best. */
static void eval_set(struct solver *sv, const size_t *ls, size_t n,
		     unsigned level)
{
	struct fw total = { 0, 0 }, f;
	bool dp[MAXT];
	int t;

	for (t = 0; t < sv->T; t++) {
		size_t m = gather(sv, t, ls, n);

		if (select_nodes(sv, sv->pos, m, sv->need[t], spent(sv->bud),
				 NULL, &f, &dp[t]))
			return;
		total = fw_add(total, f);
	}
	sv->have_best = true;
	sv->best_fw = total;
	sv->best_level = level;
	sv->best_leaves = (unsigned) n;
	memcpy(sv->best_set, ls, n * sizeof(*ls));
	sv->n_best_set = n;
	memcpy(sv->best_dp, dp, sizeof(dp));
}

/*
 * Scores every leaf set of exactly K leaves in the group (mixed leaves
 * enumerated, pure leaves per type, as the types are independent once the
 * mixed leaves are fixed) and keeps the best (4),(5) in sv->best_*.
 * Returns false when the budget or this solve's share stopped it.
 */
static bool group_enumerate(struct solver *sv, struct group *g, size_t K,
			    unsigned level)
{
	size_t k[MAXT], s, i, o;
	uint64_t r[MAXT];
	size_t *ls = malloc((K + 1) * sizeof(*ls));
	size_t *comb = malloc((K + 1) * sizeof(*comb));
	size_t *bestc = malloc((K + 1) * (size_t) sv->T * sizeof(*bestc));
	struct mixed_iter *it = malloc(sizeof(*it));
	bool go_on = true, dp[MAXT];
	int t;

	if (!ls || !comb || !bestc || !it) {
		sv->oom = true;
		go_on = false;
		goto out;
	}
	for (s = 0; s <= g->n_mixed && s <= K && s <= MAX_MIXED && go_on; s++) {
		if (s == 1 && (cut(sv) || !group_tops(sv, g))) {
			go_on = false;
			break;
		}
		mixed_first(it, sv, g, s, K, true);
		while (mixed_next(it)) {
			const size_t *m = it->m;
			struct fw total = { 0, 0 };

			charge(sv->bud, (uint64_t) sv->T * (s + 16));
			if (cover_with(sv, g, m, s, r, k) != K)
				continue;
			for (i = 0; i < s; i++)
				ls[i] = g->mixed[m[i]];
			for (t = 0; t < sv->T && total.frag != INT64_MAX; t++) {
				size_t *keep = bestc + t * (K + 1);

				total = fw_add(total,
					       best_for_type(sv, g, t, ls, s,
							     k[t], r[t], comb,
							     keep, &dp[t]));
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
				memcpy(sv->best_dp, dp, sv->T * sizeof(*dp));
				charge(sv->bud, o);
			}
		}
		if (it->cut)
			go_on = false;
	}
	if (g->n_mixed > MAX_MIXED)
		sv->bud->exact = false;
out:
	free(it);
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

struct span {
	size_t a, b, k;
};

/* <0, 0, >0 as (links, level, leaves) is better than, as good as, worse
 * than bar on (1)-(3); <0 if there is no bar. */
static int shape_cmp(unsigned links, unsigned level, size_t leaves,
		     const struct placement_cost *bar)
{
	if (!bar)
		return -1;
	if (links != bar->domain_links)
		return links < bar->domain_links ? -1 : 1;
	if (level != bar->span_level)
		return level < bar->span_level ? -1 : 1;
	if (leaves != bar->leaves)
		return leaves < bar->leaves ? -1 : 1;
	return 0;
}

/* Scratch of solve(), one entry per leaf each: gs, ids (0, 1, ...), tmp,
 * sv->best_set and sv->cover.  Returns -1 when out of memory. */
static int solve_scratch(struct solver *sv, struct span **gs, size_t **ids,
			 size_t **tmp)
{
	size_t i;

	*gs = malloc((sv->n_leaves + 1) * sizeof(**gs));
	*ids = malloc((sv->n_leaves + 1) * sizeof(**ids));
	*tmp = malloc((sv->n_leaves + 1) * sizeof(**tmp));
	sv->best_set = malloc((sv->n_leaves + 1) * sizeof(*sv->best_set));
	sv->cover = malloc((sv->n_leaves + 1) * sizeof(*sv->cover));
	if (!*gs || !*ids || !*tmp || !sv->best_set || !sv->cover)
		return -1;
	for (i = 0; i < sv->n_leaves; i++)
		(*ids)[i] = i;
	return 0;
}

/*
 * (2): the subtrees at the lowest level that hold the request, as leaf
 * ranges into gs (room for a range per leaf), and that level in *level.
 * If no subtree does, the whole pool at level NLEV.  Returns how many.
 */
static size_t find_spans(struct solver *sv, struct span *gs, unsigned *level)
{
	size_t ng = 0;
	unsigned l;

	for (l = 0; l < NLEV && !ng; l++) {
		size_t a = 0, b;

		charge(sv->bud, sv->n_leaves + 1);
		while (a < sv->n_leaves) {
			int sw = sv->leaves[a].path[l];

			b = a + 1;
			if (l > 0 && sw < 0) {
				a = b;
				continue;
			}
			while (l > 0 && b < sv->n_leaves &&
			       sv->leaves[b].path[l] == sw)
				b++;
			charge(sv->bud, (uint64_t) (b - a) * sv->T + 1);
			if (group_fits(sv, a, b))
				gs[ng++] = (struct span){ a, b, K_INF };
			a = b;
		}
	}
	if (ng)
		l--;
	else
		gs[ng++] = (struct span){ 0, sv->n_leaves, K_INF };
	*level = l;
	return ng;
}

/*
 * (3): the fewest leaves K that hold the request, over the subtrees
 * gs[0..ng) (each gs[i].k set on the way), and a cover of K leaves in
 * sv->cover.  Out of work, the first subtree with a cover is enough.
 * Returns K, or K_INF (also when out of memory: sv->oom).
 */
static size_t fewest_leaves(struct solver *sv, struct span *gs, size_t ng,
			    const size_t *ids, size_t *tmp)
{
	size_t i, K = K_INF;
	struct group g;

	for (i = 0; i < ng; i++) {
		if (group_init(sv, &g, ids + gs[i].a, gs[i].b - gs[i].a)) {
			sv->oom = true;
			return K_INF;
		}
		gs[i].k = group_min_leaves(sv, &g, tmp);
		group_free(&g);
		if (sv->oom)
			return K_INF;
		if (gs[i].k < K) {
			K = gs[i].k;
			memcpy(sv->cover, tmp, K * sizeof(*tmp));
			sv->n_cover = K;
		}
		/* Out of work: one cover is enough to finish greedily. */
		if (K != K_INF && i + 1 < ng && spent(sv->bud)) {
			sv->bud->shape_cut = true;
			break;
		}
	}
	return K;
}

/*
 * (4), (5): every leaf set of K leaves in those subtrees of gs[0..ng) that
 * need K, the best kept in sv->best_*, until the budget or this solve's
 * share stops it.  Returns -1 when out of memory.
 */
static int score_leaf_sets(struct solver *sv, const struct span *gs, size_t ng,
			   const size_t *ids, size_t K, unsigned level)
{
	struct group g;
	size_t i;

	for (i = 0; i < ng; i++) {
		bool go_on;

		if (gs[i].k != K)
			continue;
		if (group_init(sv, &g, ids + gs[i].a, gs[i].b - gs[i].a)) {
			sv->oom = true;
			return -1;
		}
		go_on = group_enumerate(sv, &g, K, level);
		group_free(&g);
		if (sv->oom)
			return -1;
		if (!go_on)
			break;
	}
	return 0;
}

/*
 * The winner's node choice into out->picks, rebuilt as it was scored
 * (past a spent budget, exactly only within READBACK_SLACK).  Returns -1
 * when out of memory or the choice cannot be rebuilt.
 */
static int read_back(struct solver *sv, struct cand *out)
{
	uint32_t *take = malloc((sv->n + 1) * sizeof(*take));
	size_t i;
	int t;

	out->picks = malloc((sv->n + 1) * sizeof(*out->picks));
	if (!out->picks || !take) {
		sv->oom = true;
		free(take);
		return -1;
	}
	for (t = 0; t < sv->T; t++) {
		size_t n = gather(sv, t, sv->best_set, sv->n_best_set);
		uint64_t cells = 3 * (uint64_t) (sv->need[t] + 1) * (n + 1);
		bool dp = sv->best_dp[t];
		struct fw f;

		if (dp && sv->bud->work >= sv->bud->limit &&
		    sv->bud->work + cells > sv->bud->limit + READBACK_SLACK)
			dp = false;
		if (select_nodes(sv, sv->pos, n, sv->need[t], !dp, take, &f,
				 NULL)) {
			free(take);
			return -1;
		}
		charge(sv->bud, n);
		for (i = 0; i < n; i++) {
			const struct pnode *p = &sv->pool[sv->pos[i]];

			if (!take[i])
				continue;
			out->picks[out->n_picks++] = (struct placement_pick){
				.node = p->src,
				.index = p->index,
				.type = (size_t) p->rt,
				.count = take[i],
			};
		}
	}
	free(take);
	out->valid = true;
	return 0;
}

/*
 * Finds the best placement of the pool into *out (picks only; the caller
 * scores it).  Steps 2 and 3 run under the whole budget; step 4 stops at
 * sv->stop, and if it is stopped before any leaf set is scored, the leaf
 * set of step 3 is scored greedily.  If the pool's (1)-(3) lose to bar1
 * or bar2 (either may be NULL), step 4 is skipped and 1 returned.
 * Returns 0, 1, or -1 when out of memory or nothing fits.
 */
static int solve(struct solver *sv, const struct placement_cost *bar1,
		 const struct placement_cost *bar2, struct cand *out)
{
	struct span *gs = NULL;
	size_t *ids = NULL, *tmp = NULL, ng, K = K_INF;
	unsigned level;
	int c1, c2, rc = -1;

	memset(out, 0, sizeof(*out));
	if (build_leaves(sv) || solve_scratch(sv, &gs, &ids, &tmp)) {
		sv->oom = true;
		goto out;
	}
	/* (2) the span, (3) the fewest leaves within it */
	ng = find_spans(sv, gs, &level);
	K = fewest_leaves(sv, gs, ng, ids, tmp);
	if (K == K_INF)
		goto out;
	c1 = shape_cmp(sv->domain_links, level, K, bar1);
	c2 = shape_cmp(sv->domain_links, level, K, bar2);
	if (c1 > 0 || c2 > 0) {
		rc = 1;
		goto out;
	}
	/* Only as good on (1)-(3) as a placement we have, and no share left
	 * for (4)-(5): keep that one. */
	if ((!c1 || !c2) && cut(sv)) {
		rc = 1;
		goto out;
	}
	/* (4), (5); step 4 cut before any leaf set was scored: the cover */
	if (score_leaf_sets(sv, gs, ng, ids, K, level))
		goto out;
	if (!sv->have_best)
		eval_set(sv, sv->cover, sv->n_cover, level);
	if (!sv->have_best)
		goto out;
	rc = read_back(sv, out);
out:
	if (rc) {
		cand_free(out);
		if (rc < 0 && K != K_INF)
			sv->oom = true; /* nothing else fails past (3) */
	}
	free(tmp);
	free(ids);
	free(gs);
	free(sv->cover);
	sv->cover = NULL;
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
	int n_dom; /* dense domain ranks 0..n_dom-1 */
	struct budget bud;
	bool oom;
	bool bug; /* with oom: not memory, an internal error */
};

/* Stable grouping of picks by result type (they arrive in pool order). */
static int group_picks(struct placement_pick *picks, size_t n)
{
	struct placement_pick *tmp = malloc((n + 1) * sizeof(*tmp));
	size_t at[MAXT + 1] = { 0 }, i;

	if (!tmp)
		return -1;
	for (i = 0; i < n; i++) {
		if (picks[i].type >= MAXT) {
			free(tmp);
			return -1;
		}
		at[picks[i].type + 1]++;
	}
	for (i = 1; i <= MAXT; i++)
		at[i] += at[i - 1];
	for (i = 0; i < n; i++)
		tmp[at[picks[i].type]++] = picks[i];
	memcpy(picks, tmp, n * sizeof(*tmp));
	free(tmp);
	return 0;
}

/*
 * Runs one solve on pool restricted to the domains in dsel, its step 4
 * stopping at stop; keeps the result in *best if it is better.  bar: a
 * cost from outside to beat on (1)-(3), or NULL.
 */
static void solve_domains(struct place_ctx *pc, const struct pnode *pool,
			  size_t n, int T, const uint32_t *need,
			  const bool *dsel, unsigned links, uint64_t stop,
			  const struct placement_cost *bar, struct cand *best)
{
	struct solver sv = { 0 };
	struct pnode *sub = malloc((n + 1) * sizeof(*sub));
	struct cand c = { 0 };
	uint32_t maxneed = 0;
	size_t i, m = 0;
	int t, rc;

	for (t = 0; t < T; t++)
		if (need[t] > maxneed)
			maxneed = need[t];
	sv.dp_len = maxneed + 1;
	sv.dp = malloc(sv.dp_len * sizeof(*sv.dp));
	sv.dp2 = malloc(sv.dp_len * sizeof(*sv.dp2));
	sv.dq = malloc(sv.dp_len * sizeof(*sv.dq));
	sv.pre = malloc(sv.dp_len * sizeof(*sv.pre));
	sv.suf = malloc(sv.dp_len * sizeof(*sv.suf));
	sv.pos = malloc((n + 1) * sizeof(*sv.pos));
	if (!sub || !sv.dp || !sv.dp2 || !sv.dq || !sv.pre || !sv.suf ||
	    !sv.pos) {
		pc->oom = true;
		goto out;
	}
	charge(&pc->bud, 2 * (uint64_t) n + 1);
	for (i = 0; i < n; i++)
		if (dsel[pool[i].dom])
			sub[m++] = pool[i];
	sv.pool = sub;
	sv.n = m;
	sv.T = T;
	memcpy(sv.need, need, (size_t) T * sizeof(*need));
	sv.domain_links = links;
	sv.bud = &pc->bud;
	sv.stop = stop;
	rc = solve(&sv, bar, best->valid ? &best->cost : NULL, &c);
	if (rc) {
		if (sv.oom)
			pc->oom = true;
		goto out;
	}
	/* Picks are in pool order; group them by type, keeping that. */
	charge(&pc->bud,
	       3 * sort_units(c.n_picks) + (MAXT + 48) * (uint64_t) c.n_picks);
	if (group_picks(c.picks, c.n_picks)) {
		pc->oom = true;
		goto out;
	}
	if (placement_evaluate(pc->nodes, pc->n_nodes, c.picks, c.n_picks,
			       pc->cpa, &c.cost)) {
		pc->bug = true;
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
	free(sv.suf);
	free(sv.pre);
	free(sv.dq);
	free(sv.dp2);
	free(sv.dp);
	free(sub);
}

/*
 * The smallest domain sets that hold the request, at most
 * MAX_DOMAIN_SETS, as D flags each into sets (room for MAX_DOMAIN_SETS);
 * returns how many, 0 if the budget ran out before one was found.
 */
static size_t domain_sets(struct place_ctx *pc, uint64_t (*cap)[MAXT], int T,
			  const uint32_t *need, bool *sets, unsigned *links)
{
	int D = pc->n_dom, d, k, t;
	size_t idx[MAX_ENUM_DOMAINS], m = 0;
	uint64_t top[MAXT][MAX_ENUM_DOMAINS];

	/* Per type, domain capacities largest first: the k largest bound
	 * what any k domains hold, which skips hopeless sizes at once. */
	charge(&pc->bud, (uint64_t) T * D * D + 1);
	for (t = 0; t < T; t++) {
		for (d = 0; d < D; d++) {
			int j = d;

			while (j > 0 && top[t][j - 1] < cap[d][t]) {
				top[t][j] = top[t][j - 1];
				j--;
			}
			top[t][j] = cap[d][t];
		}
	}
	for (k = 1; k <= D && !m; k++) {
		bool ok = true;

		for (t = 0; t < T && ok; t++) {
			uint64_t sum = 0;

			for (d = 0; d < k; d++)
				sum += top[t][d];
			ok = sum >= need[t];
		}
		charge(&pc->bud, (uint64_t) T * k);
		if (!ok)
			continue;
		first_comb(idx, (size_t) k);
		do {
			bool fits = true;

			charge(&pc->bud, (uint64_t) T * k + k);
			for (t = 0; t < T && fits; t++) {
				uint64_t sum = 0;

				for (d = 0; d < k; d++)
					sum += cap[idx[d]][t];
				fits = sum >= need[t];
			}
			if (fits) {
				if (m == MAX_DOMAIN_SETS) {
					pc->bud.exact = false;
					pc->bud.shape_cut = true;
					break;
				}
				memset(sets + m * D, 0, D * sizeof(*sets));
				for (d = 0; d < k; d++)
					sets[m * D + idx[d]] = true;
				m++;
			}
			if (spent(&pc->bud)) {
				pc->bud.shape_cut = true;
				break;
			}
		} while (next_comb(idx, (size_t) k, (size_t) D));
		*links = (unsigned) k - 1;
		/* Out of work before a set of this size: the greedy set. */
		if (!m && pc->bud.work >= pc->bud.limit)
			break;
	}
	return m;
}

/* How much of left[0 .. T-1] a domain of capacities cap[] covers. */
static uint64_t dom_covers(const uint64_t *cap, const uint64_t *left, int T)
{
	uint64_t v = 0;
	int t;

	for (t = 0; t < T; t++)
		v += cap[t] < left[t] ? cap[t] : left[t];
	return v;
}

/* Takes what a domain of capacities cap[] covers off left[]; returns it. */
static uint64_t dom_take(const uint64_t *cap, uint64_t *left, int T)
{
	uint64_t v = 0, a;
	int t;

	for (t = 0; t < T; t++) {
		a = cap[t] < left[t] ? cap[t] : left[t];
		left[t] -= a;
		v += a;
	}
	return v;
}

/*
 * Many domains, or out of work: a greedy domain set into dsel.  Adds the
 * domain covering most of what is left while the budget lasts, then the
 * rest by what they cover of the request, largest first: O(D log D) once
 * the budget is spent.  Returns the links.
 */
static unsigned greedy_domains(struct place_ctx *pc, uint64_t (*cap)[MAXT],
			       int T, const uint32_t *need, bool *dsel)
{
	int D = pc->n_dom, d, t, n_sel = 0;
	uint64_t left[MAXT], rem = 0;
	struct cap_id *dv; /* what a domain covers, the domain */

	memset(dsel, 0, D * sizeof(*dsel));
	for (t = 0; t < T; t++) {
		left[t] = need[t];
		rem += left[t];
	}
	while (rem && !spent(&pc->bud)) {
		uint64_t bv = 0;
		int bd = -1;

		charge(&pc->bud, ((uint64_t) T + 1) * D);
		for (d = 0; d < D; d++) {
			uint64_t v;

			if (dsel[d])
				continue;
			v = dom_covers(cap[d], left, T);
			if (v > bv) {
				bv = v;
				bd = d;
			}
		}
		if (bd < 0)
			break;
		dsel[bd] = true;
		n_sel++;
		rem -= dom_take(cap[bd], left, T);
	}
	dv = rem ? malloc(D * sizeof(*dv)) : NULL;
	if (rem && !dv) {
		pc->oom = true;
		return 0;
	}
	if (rem) {
		int n = 0, i;

		charge(&pc->bud, sort_units(D) + 2 * ((uint64_t) T + 1) * D);
		for (d = 0; d < D; d++) {
			if (dsel[d])
				continue;
			dv[n++] = (struct cap_id){ dom_covers(cap[d], left, T),
						   (size_t) d };
		}
		qsort(dv, n, sizeof(*dv), cmp_cap_id);
		for (i = 0; i < n && rem; i++) {
			uint64_t v = dom_take(cap[dv[i].id], left, T);

			if (!v)
				continue;
			rem -= v;
			dsel[dv[i].id] = true;
			n_sel++;
		}
		free(dv);
	}
	return n_sel ? (unsigned) n_sel - 1 : 0;
}

/*
 * (1): tries every smallest set of domains that holds the request (all
 * sets for up to MAX_ENUM_DOMAINS domains, else a greedy one).  Each set's
 * step 4 gets an even share of the work left before stop; no set starts
 * once the work reaches hard (or the budget is spent), except the first (a
 * valid placement).  bar: a cost from outside to beat on (1)-(3), or NULL.
 */
static void place_pool(struct place_ctx *pc, const struct pnode *pool, size_t n,
		       int T, const uint32_t *need, uint64_t stop,
		       uint64_t hard, const struct placement_cost *bar,
		       struct cand *best)
{
	int D = pc->n_dom;
	uint64_t(*cap)[MAXT] = calloc(D ? D : 1, sizeof(*cap));
	bool *sets = NULL;
	size_t i, m = 0;
	unsigned links = 0;

	if (!cap) {
		pc->oom = true;
		return;
	}
	charge(&pc->bud, n + (uint64_t) D * MAXT / 8 + 1);
	for (i = 0; i < n; i++)
		cap[pool[i].dom][pool[i].t] += pool[i].use;
	sets = calloc((D <= MAX_ENUM_DOMAINS ? MAX_DOMAIN_SETS : 1) *
			      (size_t) (D ? D : 1),
		      sizeof(*sets));
	if (!sets) {
		pc->oom = true;
		goto out;
	}
	if (D <= MAX_ENUM_DOMAINS)
		m = domain_sets(pc, cap, T, need, sets, &links);
	if (!m) {
		/* Other sets of as few domains may hold it with a lower span
		 * or fewer leaves: not proven. */
		links = greedy_domains(pc, cap, T, need, sets);
		if (D > 1) {
			pc->bud.exact = false;
			pc->bud.shape_cut = true;
		}
		m = 1;
	}
	for (i = 0; i < m && !pc->oom; i++) {
		if (best->valid && (spent(&pc->bud) || pc->bud.work >= hard)) {
			pc->bud.hit = true;
			pc->bud.exact = false;
			pc->bud.shape_cut = true;
			break;
		}
		solve_domains(pc, pool, n, T, need, sets + i * D, links,
			      share_of(&pc->bud, stop, m - i), bar, best);
	}
out:
	free(sets);
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

/*
 * From the charges (per node, lg = log2 n, T <= 16 types):
 *  - the node setup: types 37, domains 3 + 4 lg, sort 2 + 6 lg;
 *  - the one charge that crosses the limit: a readback knapsack (3 cells
 *    each), or scoring a placement's picks, 64 + 6 lg;
 *  - what follows a spent budget, at most one solve finished greedily:
 *    domains 52 + 2 lg, pool copies 6, spans 4 levels of T + 2, one
 *    subtree's two group passes and greedy cover 71 + 6 lg, a greedy node
 *    choice per type and its readback 95 + 4 lg, scoring and the result
 *    97 + 6 lg; plus exact readbacks within READBACK_SLACK and constants
 *    (domain sets of up to 16 domains).
 */
uint64_t placement_work_bound(size_t n_nodes, uint64_t work_limit)
{
	uint64_t n = (uint64_t) n_nodes + 1, lg = sort_units(n) / (2 * n);
	uint64_t setup = n * (42 + 10 * lg);
	uint64_t cross = 3 * (uint64_t) DP_MAX_CELLS + n * (64 + 6 * lg);
	uint64_t finish = n * (377 + 18 * lg) + READBACK_SLACK + 9216;

	if (!work_limit)
		work_limit = PLACEMENT_DEFAULT_WORK;
	if (work_limit > UINT64_MAX / 2)
		return UINT64_MAX;
	return (work_limit + cross > setup ? work_limit + cross : setup) +
	       finish;
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

static int type_slot(const char *const types[MAXT], size_t nt, const char *ct)
{
	size_t i;

	if (!type_name_ok(ct))
		return -1;
	for (i = 0; i < nt; i++)
		if (!strcmp(types[i], ct))
			return (int) i;
	return -1;
}

static void join_types(const char *const types[MAXT], size_t nt, char *buf,
		       size_t len)
{
	size_t i, o = 0;

	buf[0] = '\0';
	for (i = 0; i < nt && o < len; i++)
		o += snprintf(buf + o, len - o, "%s%s", i ? "+" : "", types[i]);
}

int placement_explain(const struct placement_node *nodes, size_t n_nodes,
		      const struct placement_request *req, char *buf,
		      size_t len)
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
				snprintf(
					buf, len,
					"never: cluster has only %llu accelerators of types %s in total",
					(unsigned long long) atot, tl);
			else
				snprintf(
					buf, len,
					"never: cluster has only %llu accelerators in total",
					(unsigned long long) atot);
			return PLACEMENT_NEVER;
		}
		if (afr < req->total) {
			snprintf(
				buf, len,
				"needs %u accelerators (auto%s%s), only %llu free in partition",
				req->total, req->n_types ? ": " : "",
				req->n_types ? tl : "",
				(unsigned long long) afr);
			return PLACEMENT_NOT_NOW;
		}
		snprintf(buf, len, "fits: %llu of %u accelerators free",
			 (unsigned long long) afr, req->total);
		return PLACEMENT_OK;
	}
	for (i = 0; i < nt; i++) {
		if (tot[i] < req->count[i]) {
			snprintf(buf, len,
				 "never: cluster has only %llu %s in total",
				 (unsigned long long) tot[i], types[i]);
			return PLACEMENT_NEVER;
		}
	}
	for (i = 0; i < nt; i++) {
		if (fr[i] < req->count[i]) {
			snprintf(buf, len,
				 "needs %s:%u, only %llu free in partition",
				 types[i], req->count[i],
				 (unsigned long long) fr[i]);
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
	int x = *(const int *) a, y = *(const int *) b;

	return x < y ? -1 : x > y;
}

static int cmp_size(const void *a, const void *b)
{
	size_t x = *(const size_t *) a, y = *(const size_t *) b;

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
		       uint32_t cores_per_accel, struct placement_cost *cost)
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
		cost->frag_delta +=
			frag_of(picks[i].count, node_free(nd), node_total(nd));
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
	cost->n_nodes = (unsigned) n_picks;
	cost->n_types = (unsigned) nt;
	if (!n_picks) {
		rc = 0;
		goto out;
	}

	for (i = 0; i < n_picks; i++)
		v[i] = nodes[picks[i].node].domain;
	cost->domain_links = (unsigned) count_distinct(v, n_picks) - 1;

	for (i = 0; i < n_picks; i++) {
		node_path(&nodes[picks[i].node], path);
		if (path[0] < 0)
			pseudo++;
		else
			v[nv++] = path[0];
	}
	cost->leaves = (unsigned) (pseudo + (nv ? count_distinct(v, nv) : 0));

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
static void place_mix(struct place_ctx *pc, const struct pnode *pool, size_t n,
		      const uint32_t *count, size_t nt, struct pnode *sub,
		      uint64_t stop, struct cand *c)
{
	uint32_t need[MAXT];
	int slot[MAXT], T = 0;
	size_t i, m = 0;

	for (i = 0; i < nt; i++) {
		slot[i] = count[i] ? T : -1;
		if (count[i])
			need[T++] = count[i];
	}
	charge(&pc->bud, 2 * (uint64_t) n + 1);
	for (i = 0; i < n; i++) {
		if (slot[pool[i].rt] < 0)
			continue;
		sub[m] = pool[i];
		sub[m].t = slot[pool[i].rt];
		m++;
	}
	place_pool(pc, sub, m, T, need, stop, stop, NULL, c);
}

/* The score of a candidate, charged to the budget. */
static double score_of(struct place_ctx *pc,
		       const struct placement_request *req,
		       const struct cand *c, const char *const types[MAXT],
		       size_t nt)
{
	struct placement_mix mix;

	charge(&pc->bud, SCORE_UNITS + (uint64_t) nt * (c->n_picks + 1));
	mix_of(c, types, nt, &mix);
	return req->score(req->score_arg, &mix, &c->cost);
}

/*
 * Auto with a score: starting from the best of the per-subset placements,
 * move accelerators between types (a quarter, a sixteenth, then one of
 * the total at a time) while the score improves.  Bounded by
 * AUTO_MAX_TRIES placements and by the budget: no try starts once it is
 * spent, and each try's step 4 gets a share of what is left.
 */
static void auto_climb(struct place_ctx *pc, const struct pnode *pool, size_t n,
		       const struct placement_request *req,
		       const char *const types[MAXT], size_t nt,
		       struct pnode *sub, struct cand *best, double *best_score)
{
	uint32_t cur[MAXT] = { 0 }, cap[MAXT] = { 0 }, steps[3];
	uint32_t N = req->total;
	size_t i, a, b, k;
	int tries = 0;
	bool improved = true;

	charge(&pc->bud, n + best->n_picks + 1);
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
					struct cand c = { 0 };
					double score;

					charge(&pc->bud, 1);
					if (a == b || cur[a] < d ||
					    cap[b] < cur[b] + d)
						continue;
					if (++tries > AUTO_MAX_TRIES ||
					    spent(&pc->bud))
						return;
					memcpy(next, cur, sizeof(next));
					next[a] -= d;
					next[b] += d;
					place_mix(pc, pool, n, next, nt, sub,
						  share_of(&pc->bud,
							   pc->bud.limit,
							   AUTO_MAX_TRIES -
								   tries + 1),
						  &c);
					if (!c.valid)
						continue;
					score = score_of(pc, req, &c, types,
							 nt);
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

/*
 * The type subsets auto tries, as masks of result types, into masks: all
 * types together first (always enough, and the best (1)-(4) of all,
 * which then prunes the others), then all subsets of a few types, else
 * each type alone; only those with accelerators enough for need.
 * Returns how many.
 */
static size_t auto_masks(struct place_ctx *pc, const struct pnode *pool,
			 size_t n, size_t nt, uint32_t need, unsigned *masks)
{
	unsigned full = (1u << nt) - 1;
	uint64_t cap[MAXT] = { 0 };
	size_t i, j, nm = 0;

	charge(&pc->bud, n + 1);
	for (i = 0; i < n; i++)
		cap[pool[i].rt] += pool[i].use;
	masks[nm++] = full;
	for (j = 1; j < full; j++) {
		unsigned mask = (unsigned) j;
		uint64_t sum = 0;

		if (nt > AUTO_SUBSET_TYPES) {
			if (j > nt)
				break;
			mask = 1u << (j - 1);
		}
		for (i = 0; i < nt; i++)
			if (mask & (1u << i))
				sum += cap[i];
		if (sum >= need)
			masks[nm++] = mask;
	}
	charge(&pc->bud, (uint64_t) (nm + 1) * (nt + 1));
	return nm;
}

/* The pool's nodes of the result types in mask into sub, as one type (the
 * auto pool of that subset); returns how many. */
static size_t subset_pool(struct place_ctx *pc, const struct pnode *pool,
			  size_t n, unsigned mask, struct pnode *sub)
{
	size_t i, m = 0;

	charge(&pc->bud, 2 * (uint64_t) n + 1);
	for (i = 0; i < n; i++) {
		if (!(mask & (1u << pool[i].rt)))
			continue;
		sub[m] = pool[i];
		sub[m].t = 0;
		m++;
	}
	return m;
}

/*
 * Keeps the valid candidate c as *best if it beats it: with a score, the
 * higher score (ties: auto_cmp()), else auto_cmp(); frees it otherwise.
 */
static void auto_keep(struct place_ctx *pc, const struct placement_request *req,
		      const char *const types[MAXT], size_t nt, struct cand *c,
		      struct cand *best, double *best_score)
{
	double score = 0.0;
	bool better;

	if (req->score) {
		score = score_of(pc, req, c, types, nt);
		better = !best->valid || score > *best_score ||
			 (score == *best_score &&
			  auto_cmp(&c->cost, &best->cost) < 0);
	} else {
		better = !best->valid || auto_cmp(&c->cost, &best->cost) < 0;
	}
	if (better) {
		cand_free(best);
		*best = *c;
		*best_score = score;
		memset(c, 0, sizeof(*c));
	} else {
		cand_free(c);
	}
}

/*
 * Auto: places each candidate type subset as one pool (all subsets of a
 * few types, else each type alone and all together) and keeps the best;
 * with a score, the hill climb then gets the second half of the budget.
 * No subset starts once the budget is spent, unless nothing valid was
 * found yet: then the set of all allowed types (always enough) runs.
 */
static void place_auto(struct place_ctx *pc, struct pnode *pool, size_t n,
		       const struct placement_request *req,
		       const char *const types[MAXT], size_t nt,
		       struct cand *best, double *best_score)
{
	struct pnode *sub = malloc((n + 1) * sizeof(*sub));
	uint32_t need = req->total;
	unsigned masks[(1u << AUTO_SUBSET_TYPES) + MAXT + 1];
	uint64_t stop = pc->bud.limit, st;
	size_t j, m, nm;
	bool shape_cut = false;

	if (!sub) {
		pc->oom = true;
		return;
	}
	nm = auto_masks(pc, pool, n, nt, need, masks);
	/* With a score, the hill climb gets half the budget. */
	if (req->score && nt > 1)
		stop = share_of(&pc->bud, stop, 2);
	for (j = 0; j < nm && !pc->oom; j++) {
		struct cand c = { 0 };
		const struct placement_cost *bar = NULL;

		/* Only the first (the full set) runs however little is
		 * left: it is the valid placement. */
		if (j && spent(&pc->bud))
			break;
		m = subset_pool(pc, pool, n, masks[j], sub);
		/* Without a score, (1)-(3) that lose cannot win. */
		if (!req->score && best->valid)
			bar = &best->cost;
		/* The full set gets half for step 4 (and tries all its
		 * domain sets while the phase lasts), the others even
		 * shares. */
		st = share_of(&pc->bud, stop, j ? nm - j : 2);
		place_pool(pc, sub, m, 1, &need, st, j ? st : stop, bar, &c);
		/* Without a score, the full set's (1)-(3) are the least of
		 * all subsets: cuts in the others do not make them worse. */
		if (!j)
			shape_cut = pc->bud.shape_cut;
		if (c.valid)
			auto_keep(pc, req, types, nt, &c, best, best_score);
	}
	if (!req->score)
		pc->bud.shape_cut = shape_cut;
	if (req->score && best->valid && nt > 1 && !pc->oom)
		auto_climb(pc, pool, n, req, types, nt, sub, best, best_score);
	free(sub);
}

/*
 * The usable nodes of the result types as solver nodes, into pool in the
 * caller's order; their domains into doms (a repeat of the one before
 * skipped), *nd of them; the usable accelerators of each type into have.
 * Returns how many nodes.
 */
static size_t build_pool(struct place_ctx *pc, const char *const types[MAXT],
			 size_t nt, struct pnode *pool, int *doms, size_t *nd,
			 uint64_t *have)
{
	const char *last_type = NULL;
	int last_slot = -1;
	size_t i, n = 0;

	charge(&pc->bud, 4 * (uint64_t) pc->n_nodes + 1);
	for (i = 0; i < pc->n_nodes; i++) {
		const struct placement_node *p = &pc->nodes[i];
		uint32_t use;
		int t;

		/* Callers often share one string per type. */
		if (p->chip_type && p->chip_type == last_type) {
			t = last_slot;
		} else {
			charge(&pc->bud, nt);
			t = type_slot(types, nt, p->chip_type);
			last_type = p->chip_type;
			last_slot = t;
		}

		if (t < 0)
			continue;
		use = node_use(p, pc->cpa);
		if (!use)
			continue;
		pool[n] = (struct pnode){
			.src = i,
			.index = p->index,
			.t = t,
			.rt = t,
			.use = use,
			.free = node_free(p),
			.total = node_total(p),
			.weight = p->weight,
			.dom = p->domain,
		};
		node_path(p, pool[n].path);
		if (!*nd || doms[*nd - 1] != p->domain)
			doms[(*nd)++] = p->domain;
		have[t] += use;
		n++;
	}
	return n;
}

/* Whether the usable accelerators per type (have) can hold the request
 * (need: the explicit counts). */
static bool pool_holds(const struct placement_request *req, size_t nt,
		       const uint64_t *have, const uint32_t *need)
{
	uint64_t all = 0;
	size_t i;

	for (i = 0; i < nt; i++)
		all += have[i];
	for (i = 0; i < nt && !req->is_auto; i++)
		if (have[i] < need[i])
			all = 0;
	return all >= (req->is_auto ? req->total : 1);
}

/*
 * Dense domain ranks in pool[].dom, for per-domain arrays: the domains
 * doms[0..nd) sorted (lower domain numbers are tried first), repeats
 * dropped, pc->n_dom of them.
 */
static void rank_domains(struct place_ctx *pc, struct pnode *pool, size_t n,
			 int *doms, size_t nd)
{
	size_t i;

	charge(&pc->bud, sort_units(nd) + nd + 2 * (uint64_t) n);
	qsort(doms, nd, sizeof(*doms), cmp_int);
	for (i = 0; i < nd; i++)
		if (!i || doms[i] != doms[pc->n_dom - 1])
			doms[pc->n_dom++] = doms[i];
	for (i = 0; i < n; i++) {
		int *d;

		if (i && pool[i].dom == pc->nodes[pool[i - 1].src].domain) {
			pool[i].dom = pool[i - 1].dom;
			continue;
		}
		charge(&pc->bud, sort_units(pc->n_dom) / (pc->n_dom + 1));
		d = bsearch(&pool[i].dom, doms, pc->n_dom, sizeof(*doms),
			    cmp_int);
		pool[i].dom = (int) (d - doms);
	}
}

/* The pool in (switch path, index) order.  Node order often follows the
 * switches already: then the sort is skipped. */
static void sort_pool(struct place_ctx *pc, struct pnode *pool, size_t n)
{
	size_t i;

	for (i = 1; i < n && cmp_pnode(&pool[i - 1], &pool[i]) <= 0; i++)
		;
	charge(&pc->bud, 2 * (uint64_t) i);
	if (i < n) {
		charge(&pc->bud, 3 * sort_units(n));
		qsort(pool, n, sizeof(*pool), cmp_pnode);
	}
}

/* The winner into *res (it takes over best's picks), with how the search
 * went. */
static void set_result(struct place_ctx *pc,
		       const struct placement_request *req, struct cand *best,
		       const char *const types[MAXT], size_t nt, double score,
		       struct placement_result *res)
{
	charge(&pc->bud, (uint64_t) (nt + 1) * (best->n_picks + 1));
	fill_result(res, best, types, nt, req->is_auto);
	res->exact = pc->bud.exact;
	res->budget_hit = pc->bud.hit;
	/* With a score the objective is the score, not (1)-(3). */
	res->shape_exact = !pc->bud.shape_cut && (!req->score || pc->bud.exact);
	res->score = score;
	res->work = pc->bud.work;
	dlh_debug(
		"placement: %zu nodes, links %u span %u leaves %u frag %d weight %llu%s (work %llu%s)",
		res->n_picks, res->cost.domain_links, res->cost.span_level,
		res->cost.leaves, res->cost.frag_delta,
		(unsigned long long) res->cost.weight,
		res->exact ? "" : " (inexact)",
		(unsigned long long) pc->bud.work,
		pc->bud.hit ? ", budget spent" : "");
}

int placement_place(const struct placement_node *nodes, size_t n_nodes,
		    const struct placement_request *req,
		    struct placement_result *res, struct dlh_error *err)
{
	struct place_ctx pc = { .nodes = nodes,
				.n_nodes = n_nodes,
				.bud.exact = true };
	const char *types[MAXT];
	uint32_t need[MAXT] = { 0 };
	uint64_t have[MAXT] = { 0 };
	struct cand best = { 0 };
	struct pnode *pool = NULL;
	int *doms = NULL;
	double score = 0.0;
	size_t nt, n, nd = 0, i;
	int rc;

	if (res)
		memset(res, 0, sizeof(*res));
	if (!res || !request_ok(req) || (!nodes && n_nodes)) {
		dlh_err(err, "placement: invalid request");
		return PLACEMENT_INVALID;
	}
	pc.cpa = req->cores_per_accel;
	pc.bud.limit = req->work_limit ? req->work_limit
				       : PLACEMENT_DEFAULT_WORK;
	nt = result_types(nodes, n_nodes, req, types);
	if (req->is_auto && !req->n_types)
		charge(&pc.bud, (uint64_t) n_nodes * (nt + 1));
	for (i = 0; i < nt && !req->is_auto; i++)
		need[i] = req->count[i];

	pool = malloc((n_nodes + 1) * sizeof(*pool));
	doms = malloc((n_nodes + 1) * sizeof(*doms));
	if (!pool || !doms)
		goto oom;
	n = build_pool(&pc, types, nt, pool, doms, &nd, have);
	/* Short of accelerators: say why (not now or never). */
	if (!pool_holds(req, nt, have, need)) {
		rc = placement_explain(nodes, n_nodes, req, NULL, 0);
		goto out;
	}
	rank_domains(&pc, pool, n, doms, nd);
	sort_pool(&pc, pool, n);

	if (req->is_auto)
		place_auto(&pc, pool, n, req, types, nt, &best, &score);
	else
		place_pool(&pc, pool, n, (int) nt, need, pc.bud.limit,
			   pc.bud.limit, NULL, &best);
	if (pc.oom)
		goto oom;
	if (!best.valid) {
		/* Capacity was checked: only a bug gets here. */
		dlh_err(err, "placement: internal error: no placement found");
		rc = PLACEMENT_INVALID;
		goto out;
	}
	set_result(&pc, req, &best, types, nt, score, res);
	rc = PLACEMENT_OK;
	goto out;
oom:
	dlh_err(err, pc.bug ? "placement: internal error: invalid selection"
			    : "placement: out of memory");
	rc = PLACEMENT_INVALID;
out:
	cand_free(&best);
	free(doms);
	free(pool);
	return rc;
}
