/*
 * placement-bench: decision time and quality of placement_place().
 *
 *   placement-bench [-r REQUESTS] [-q INSTANCES] [-s SEED] [-m MAXCOUNT]
 *                   [-w WORK]
 *   placement-bench -H [-R ROUNDS] [-c CALLS] [-U FACTOR] [-C CASE]
 *                   [-s SEED] [-w WORK]
 *
 * Time: synthetic clusters of 1,000 and 10,000 nodes (3-level fat tree:
 * 16 nodes per leaf, 8 leaves per mid switch, 4 mids per top switch; two
 * domains of whole top switches; 6 chip types, one per leaf except one
 * leaf in ten that mixes them; 8 accelerators per node; half the nodes
 * busy, half of those partly), random requests of 2-3 types of 1-64
 * (-m) accelerators each.  p50/p99/max over the requests.
 *
 * Quality: random small instances (<= 16 nodes, see placement_oracle.h)
 * against the exhaustive oracle: share of placements optimal for (1)-(4)
 * and for (1)-(5).
 *
 * -H: the hostile set instead (doc/placement.md, "Work budget"): requests
 * any user can submit that make the search large (auto:N with N in the
 * thousands, 16-type explicit requests) on 1,000-10,000 nodes of 6-16
 * types in 2-10,000 domains, free and busy.  Each case runs CALLS calls per
 * round for ROUNDS rounds (every round printed: p99 and max ms per call,
 * work, exact, budget hit), then once with FACTOR times the budget: if
 * that run does not hit its budget it is the unbounded optimum, and the
 * two placements' costs are compared.
 *
 * -C: only case CASE (1-based).  -w: the work limit of the timed calls
 * (0: the library default).
 *
 * Prints Markdown tables.  Exit status 1 if any placement is invalid or
 * does more work than placement_work_bound().
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "placement.h"
#include "placement_oracle.h"

#define NODES_PER_LEAF 16
#define LEAVES_PER_MID 8
#define MIDS_PER_TOP   4

static const char *types6[] = { "a100",	      "h100", "mlu590",
				"ascend910b", "k100", "mi300x" };

struct cluster {
	struct placement_node *nodes;
	char (*names)[16];
	size_t n;
};

static int rnd(uint64_t *s, int lo, int hi)
{
	return lo + (int) (oracle_rand(s) % (uint32_t) (hi - lo + 1));
}

/*
 * n nodes on a 3-level fat tree (flat: no switches), 16 to a leaf switch:
 * 8 accelerators each; chips of types[0 .. n_types-1], one type per leaf
 * except one leaf in ten that mixes them; busy: half the nodes busy, a
 * quarter full and a quarter partly.  Domains are the caller's (0 here).
 */
static void make_nodes(struct cluster *c, size_t n, const char *const *types,
		       int n_types, bool busy, bool flat, uint64_t *st)
{
	size_t i;
	int leaf_type = 0, l;
	bool mixed = false;

	c->n = n;
	c->nodes = calloc(n, sizeof(*c->nodes));
	c->names = calloc(n, sizeof(*c->names));
	if (!c->nodes || !c->names) {
		perror("calloc");
		exit(2);
	}
	for (i = 0; i < n; i++) {
		struct placement_node *p = &c->nodes[i];
		int leaf = (int) (i / NODES_PER_LEAF);
		int mid = leaf / LEAVES_PER_MID, top = mid / MIDS_PER_TOP;
		int r = rnd(st, 0, 3);

		if (i % NODES_PER_LEAF == 0) {
			leaf_type = rnd(st, 0, n_types - 1);
			mixed = rnd(st, 0, 9) == 0;
		}
		snprintf(c->names[i], sizeof(c->names[i]), "n%05u",
			 (unsigned) i);
		p->name = c->names[i];
		p->index = (int) i;
		p->chip_type =
			types[mixed ? rnd(st, 0, n_types - 1) : leaf_type];
		p->total_accel = 8;
		p->free_accel = !busy	 ? 8
				: r < 2	 ? 8
				: r == 2 ? 0
					 : (uint32_t) rnd(st, 1, 7);
		p->free_cores = 64;
		if (flat) {
			p->leaf_switch = -1;
			for (l = 0; l < PLACEMENT_LEVELS; l++)
				p->switch_path[l] = -1;
			p->n_levels = 0;
		} else {
			p->leaf_switch = leaf;
			p->switch_path[0] = leaf;
			p->switch_path[1] = 100000 + mid;
			p->switch_path[2] = 200000 + top;
			p->switch_path[3] = -1;
			p->n_levels = 3;
		}
		p->weight = rnd(st, 0, 9) ? 1 : 2;
	}
}

static void make_cluster(struct cluster *c, size_t n, uint64_t *st)
{
	size_t i, per_top = NODES_PER_LEAF * LEAVES_PER_MID * MIDS_PER_TOP;
	size_t n_tops = (n + per_top - 1) / per_top;

	make_nodes(c, n, types6, 6, true, false, st);
	/* two domains of whole top switches */
	for (i = 0; i < n; i++)
		c->nodes[i].domain = i / per_top < (n_tops + 1) / 2 ? 0 : 1;
}

static int max_count = 64;
static uint64_t work_limit;

static void random_request(uint64_t *st, struct placement_request *req)
{
	int k = rnd(st, 2, 3), i, j;

	memset(req, 0, sizeof(*req));
	while ((int) req->n_types < k) {
		const char *t = types6[rnd(st, 0, 5)];

		for (j = 0; j < (int) req->n_types; j++)
			if (!strcmp(req->type[j], t))
				break;
		if (j < (int) req->n_types)
			continue;
		i = (int) req->n_types++;
		req->type[i] = t;
		req->count[i] = (uint32_t) rnd(st, 1, max_count);
		req->total += req->count[i];
	}
}

static double now_us(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1e6 + ts.tv_nsec / 1e3;
}

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *) a, y = *(const double *) b;

	return x < y ? -1 : x > y;
}

static int time_cluster(size_t n, int requests, uint64_t seed)
{
	struct cluster c;
	double *us = calloc(requests, sizeof(*us));
	uint64_t st = seed;
	int i, exact = 0, bad = 0;
	double sum_leaves = 0, sum_work = 0;

	make_cluster(&c, n, &st);
	for (i = 0; i < requests; i++) {
		struct placement_request req;
		struct placement_result res;
		struct dlh_error err;
		double t0;
		int rc;

		random_request(&st, &req);
		req.work_limit = work_limit;
		t0 = now_us();
		rc = placement_place(c.nodes, c.n, &req, &res, &err);
		us[i] = now_us() - t0;
		if (rc == PLACEMENT_OK) {
			uint64_t got[PLACEMENT_MAX_TYPES] = { 0 };
			size_t k;

			/* valid: exact counts, within each node's free */
			for (k = 0; k < res.n_picks; k++) {
				const struct placement_pick *pk = &res.picks[k];

				if (pk->count > c.nodes[pk->node].free_accel ||
				    strcmp(res.type[pk->type],
					   c.nodes[pk->node].chip_type))
					bad++;
				got[pk->type] += pk->count;
			}
			for (k = 0; k < req.n_types; k++)
				if (got[k] != req.count[k])
					bad++;
			exact += res.exact;
			sum_leaves += res.cost.leaves;
			sum_work += res.work;
		} else if (rc == PLACEMENT_INVALID) {
			dlh_error("%s", err.text);
			bad++;
		}
		placement_result_free(&res);
	}
	qsort(us, requests, sizeof(*us), cmp_double);
	printf("| %6zu nodes | %5d | %8.3f | %8.3f | %8.3f | %5.1f%% | %5.2f | %7.0f |\n",
	       n, requests, us[requests / 2] / 1000.0,
	       us[(int) (requests * 0.99)] / 1000.0, us[requests - 1] / 1000.0,
	       100.0 * exact / requests, sum_leaves / requests,
	       sum_work / requests);
	free(us);
	free(c.nodes);
	free(c.names);
	return bad;
}

static int quality(int instances, uint64_t seed)
{
	uint64_t st = seed;
	int i, opt4 = 0, opt5 = 0, exact = 0, bad = 0;
	double t_lib = 0;

	for (i = 0; i < instances; i++) {
		struct oracle_instance in;
		struct placement_cost best, got;
		struct placement_result res;
		struct dlh_error why = { "" };
		double t0;
		int rc;

		oracle_random_instance(&st, 16, &in);
		t0 = now_us();
		rc = placement_place(in.nodes, in.n, &in.req, &res, &why);
		t_lib += now_us() - t0;
		if (rc != PLACEMENT_OK ||
		    oracle_check(in.nodes, in.n, &in.req, &res, &got, &why) ||
		    oracle_best(in.nodes, in.n, &in.req, &best)) {
			fprintf(stderr, "instance %d: invalid (rc %d)%s%s\n", i,
				rc, why.text[0] ? ": " : "", why.text);
			bad++;
			placement_result_free(&res);
			continue;
		}
		got.weight = res.cost.weight;
		exact += res.exact;
		if (got.domain_links == best.domain_links &&
		    got.span_level == best.span_level &&
		    got.leaves == best.leaves &&
		    got.frag_delta == best.frag_delta) {
			opt4++;
			opt5 += got.weight == best.weight;
		}
		placement_result_free(&res);
	}
	printf("\n| quality (%d instances, <= 16 nodes) | optimal (1)-(4) | optimal (1)-(5) | marked exact | mean time |\n",
	       instances);
	printf("|---|---|---|---|---|\n");
	printf("| vs exhaustive search | %.1f%% | %.1f%% | %.1f%% | %.1f us |\n",
	       100.0 * opt4 / instances, 100.0 * opt5 / instances,
	       100.0 * exact / instances, t_lib / instances);
	return bad;
}

/* ------------------------------------------------------------------ */
/* hostile requests (-H)                                              */
/* ------------------------------------------------------------------ */

static const char *types16[] = {
	"a100", "h100",	  "mlu590",	"ascend910b", "k100", "mi300x",
	"l40s", "h20",	  "mi250x",	"gaudi2",     "v100", "a800",
	"h800", "mlu370", "ascend310p", "bi150",
};

enum topo { FAT_TREE, FLAT };

struct hcase {
	const char *name;
	size_t nodes;
	int types; /* chip types in the cluster */
	int doms;  /* domains (leaf-aligned blocks) */
	bool busy; /* else every accelerator free */
	enum topo topo;
	/* request: auto:total over auto_types types (0: any), or explicit
	 * per_type on each of n_explicit types */
	bool is_auto;
	uint32_t total;
	int auto_types;
	bool scored;
	int n_explicit;
	uint32_t per_type;
	const uint32_t *counts; /* explicit counts, else per_type each */
};

static const uint32_t mixed2048[] = { 1024, 512, 512 };

#define AUTO(n, ty, d, b, N)                                                   \
	.nodes = (n), .types = (ty), .doms = (d), .busy = (b),                 \
	.is_auto = true, .total = (N)
#define EXPL(n, ty, d, b, k, c)                                                \
	.nodes = (n), .types = (ty), .doms = (d), .busy = (b),                 \
	.n_explicit = (k), .per_type = (c)

static const struct hcase hcases[] = {
	{ "auto:2048", AUTO(1000, 8, 8, false, 2048) },
	{ "auto:2048", AUTO(1000, 8, 8, true, 2048) },
	{ "auto:6000", AUTO(4000, 16, 16, false, 6000) },
	{ "auto:6000", AUTO(4000, 16, 16, true, 6000) },
	{ "auto:4096", AUTO(10000, 8, 8, false, 4096) },
	{ "auto:4096", AUTO(10000, 16, 16, false, 4096) },
	{ "auto:4096", AUTO(10000, 16, 16, true, 4096) },
	{ "auto:60000", AUTO(10000, 16, 16, false, 60000) },
	{ "auto:4096:4 types, score", AUTO(10000, 8, 8, false, 4096),
	  .auto_types = 4, .scored = true },
	{ "auto:2048, score", AUTO(10000, 16, 16, false, 2048),
	  .scored = true },
	{ "auto:4096, no switches", AUTO(10000, 16, 16, false, 4096),
	  .topo = FLAT },
	{ "auto:4096", AUTO(10000, 16, 64, false, 4096) },
	{ "auto:4096", AUTO(10000, 16, 10000, false, 4096) },
	{ "16 types x 64", EXPL(1000, 16, 8, false, 16, 64) },
	{ "16 types x 128", EXPL(4000, 16, 16, false, 16, 128) },
	{ "16 types x 256", EXPL(10000, 16, 16, false, 16, 256) },
	{ "16 types x 64", EXPL(10000, 16, 16, true, 16, 64) },
	{ "16 types x 2000", EXPL(10000, 16, 16, false, 16, 2000) },
	{ "3 types 1024+512+512", EXPL(10000, 6, 2, true, 3, 0),
	  .counts = mixed2048 },
	{ "3 types 1024+512+512", EXPL(10000, 8, 8, true, 3, 0),
	  .counts = mixed2048 },
	{ "3 types 1024+512+512", EXPL(10000, 6, 2, false, 3, 0),
	  .counts = mixed2048 },
};

static void make_hostile(struct cluster *c, const struct hcase *hc,
			 uint64_t *st)
{
	size_t i, n = hc->nodes, n_leaves;

	n_leaves = (n + NODES_PER_LEAF - 1) / NODES_PER_LEAF;
	make_nodes(c, n, types16, hc->types, hc->busy, hc->topo == FLAT, st);
	for (i = 0; i < n; i++) {
		size_t leaf = i / NODES_PER_LEAF;

		if (hc->doms >= (int) n)
			c->nodes[i].domain = (int) i;
		else
			c->nodes[i].domain = (int) (leaf * hc->doms / n_leaves);
	}
}

/* Like the select plugin's score: compute, discounted by the links. */
static double bench_score(void *arg, const struct placement_mix *mix,
			  const struct placement_cost *cost)
{
	double compute = 0.0;
	size_t i, t;

	(void) arg;
	for (i = 0; i < mix->n; i++) {
		for (t = 0; t < 16 && strcmp(types16[t], mix->type[i]); t++)
			;
		compute += mix->count[i] * (1.0 + 0.25 * (double) (t % 5));
	}
	return compute /
	       (1.0 + 0.5 * cost->domain_links + 0.05 * cost->span_level +
		0.02 * (cost->leaves ? cost->leaves - 1 : 0));
}

static void hostile_request(const struct hcase *hc,
			    struct placement_request *req)
{
	int i;

	memset(req, 0, sizeof(*req));
	req->is_auto = hc->is_auto;
	if (hc->is_auto) {
		req->total = hc->total;
		for (i = 0; i < hc->auto_types; i++)
			req->type[i] = types16[i];
		req->n_types = (size_t) hc->auto_types;
		if (hc->scored)
			req->score = bench_score;
		return;
	}
	for (i = 0; i < hc->n_explicit; i++) {
		req->type[i] = types16[i];
		req->count[i] = hc->counts ? hc->counts[i] : hc->per_type;
		req->total += req->count[i];
	}
	req->n_types = (size_t) hc->n_explicit;
}

/* Valid: per-type counts (auto: the total) exact, no node twice, no node
 * over its free accelerators, types match.  Returns the problems. */
static int check_result(const struct cluster *c,
			const struct placement_request *req,
			const struct placement_result *res)
{
	uint64_t got[PLACEMENT_MAX_TYPES] = { 0 }, sum = 0;
	unsigned char *seen = calloc(c->n, 1);
	int bad = 0;
	size_t k;

	for (k = 0; seen && k < res->n_picks; k++) {
		const struct placement_pick *pk = &res->picks[k];
		const struct placement_node *p;

		if (pk->node >= c->n || pk->type >= res->n_types ||
		    seen[pk->node]++) {
			bad++;
			continue;
		}
		p = &c->nodes[pk->node];
		if (!pk->count || pk->count > p->free_accel ||
		    strcmp(res->type[pk->type], p->chip_type))
			bad++;
		got[pk->type] += pk->count;
		sum += pk->count;
	}
	free(seen);
	if (req->is_auto)
		return bad + (sum != req->total);
	for (k = 0; k < req->n_types; k++)
		if (k >= res->n_types || strcmp(res->type[k], req->type[k]) ||
		    got[k] != req->count[k])
			bad++;
	return bad;
}

static void cost_str(const struct placement_cost *c, char *buf, size_t len)
{
	snprintf(buf, len, "%u/%u/%u/%d", c->domain_links, c->span_level,
		 c->leaves, c->frag_delta);
}

static int hostile(int rounds, int calls, uint64_t factor, uint64_t seed,
		   size_t only)
{
	size_t nc = sizeof(hcases) / sizeof(hcases[0]), i;
	double *ms = calloc(calls, sizeof(*ms)), worst = 0, worst_ns = 0;
	struct placement_result *keep = calloc(nc, sizeof(*keep));
	uint64_t limit = work_limit ? work_limit : PLACEMENT_DEFAULT_WORK;
	uint64_t worst_work = 0, over = 0, bound10k;
	size_t worst_case = 0, ns_case = 0;
	int bad = 0, r, k;

	if (!ms || !keep)
		return 1;
	printf("Hostile requests, work limit %llu units, %d rounds of %d calls per case.\n",
	       (unsigned long long) limit, rounds, calls);
	printf("Cost: domain links/span level/leaves/fragments.\n\n");
	printf("| # | request | nodes | types | domains | state | round | p99 ms | max ms | work | exact | (1)-(3) proven | budget hit | cost |\n");
	printf("|---|---|---|---|---|---|---|---|---|---|---|---|---|---|\n");
	for (i = 0; i < nc; i++) {
		const struct hcase *hc = &hcases[i];
		struct placement_request req;
		struct cluster c;
		uint64_t st = seed + i;

		if (only && i + 1 != only)
			continue;
		make_hostile(&c, hc, &st);
		hostile_request(hc, &req);
		req.work_limit = work_limit;
		for (r = 0; r < rounds; r++) {
			struct placement_result res;
			struct dlh_error err;
			char cs[64];
			int rc = PLACEMENT_INVALID;

			memset(&res, 0, sizeof(res));
			for (k = 0; k < calls; k++) {
				double t0 = now_us();

				placement_result_free(&res);
				rc = placement_place(c.nodes, c.n, &req, &res,
						     &err);
				ms[k] = (now_us() - t0) / 1000.0;
				if (rc != PLACEMENT_OK)
					break;
			}
			if (rc == PLACEMENT_INVALID)
				dlh_error("%s", err.text);
			if (rc != PLACEMENT_OK) {
				printf("| %zu | %s | %zu | ... | rc %d |\n",
				       i + 1, hc->name, hc->nodes, rc);
				bad++;
				break;
			}
			if (check_result(&c, &req, &res)) {
				fprintf(stderr, "case %zu: invalid placement\n",
					i + 1);
				bad++;
			}
			if (res.work > placement_work_bound(c.n, work_limit)) {
				fprintf(stderr,
					"case %zu: work %llu over the bound %llu\n",
					i + 1, (unsigned long long) res.work,
					(unsigned long long)
						placement_work_bound(
							c.n, work_limit));
				bad++;
			}
			qsort(ms, calls, sizeof(*ms), cmp_double);
			cost_str(&res.cost, cs, sizeof(cs));
			printf("| %zu | %s | %zu | %d | %d | %s | %d | %.2f | %.2f | %llu | %s | %s | %s | %s |\n",
			       i + 1, hc->name, hc->nodes, hc->types, hc->doms,
			       hc->busy ? "busy" : "free", r + 1,
			       ms[(calls * 99 + 99) / 100 - 1], ms[calls - 1],
			       (unsigned long long) res.work,
			       res.exact ? "yes" : "no",
			       res.shape_exact ? "yes" : "no",
			       res.budget_hit ? "yes" : "no", cs);
			fflush(stdout);
			if (ms[calls - 1] > worst) {
				worst = ms[calls - 1];
				worst_case = i + 1;
			}
			if (res.work > worst_work)
				worst_work = res.work;
			if (res.work > limit && res.work - limit > over)
				over = res.work - limit;
			/* time per unit: the median call, of big calls */
			if (res.work >= 1000000 &&
			    ms[calls / 2] * 1e6 / (double) res.work >
				    worst_ns) {
				worst_ns =
					ms[calls / 2] * 1e6 / (double) res.work;
				ns_case = i + 1;
			}
			placement_result_free(&keep[i]);
			keep[i] = res;
		}
		free(c.nodes);
		free(c.names);
	}
	bound10k = placement_work_bound(10000, work_limit);
	printf("\nWorst call: %.2f ms (case %zu).  Most work: %llu units, at most %llu past the limit; placement_work_bound() at 10,000 nodes: %llu.\n",
	       worst, worst_case, (unsigned long long) worst_work,
	       (unsigned long long) over, (unsigned long long) bound10k);
	if (worst_ns > 0)
		printf("Slowest unit (median call / work, calls of 1,000,000 units or more): %.2f ns (case %zu); times the bound: %.1f ms.\n",
		       worst_ns, ns_case, worst_ns * (double) bound10k / 1e6);
	if (!factor)
		goto out;

	printf("\nAgainst a run with %llu x the budget (unbounded where that run did not hit its budget).\n\n",
	       (unsigned long long) factor);
	printf("| # | request | nodes | budgeted cost | (1)-(3) proven | larger budget: cost | work | ms | budget hit | same (1)-(3) |\n");
	printf("|---|---|---|---|---|---|---|---|---|---|\n");
	for (i = 0; i < nc; i++) {
		const struct hcase *hc = &hcases[i];
		struct placement_request req;
		struct placement_result res;
		struct cluster c;
		uint64_t st = seed + i;
		char a[64], b[64];
		struct dlh_error err;
		double t0, t;
		bool same;
		int rc;

		if (!keep[i].picks)
			continue;
		make_hostile(&c, hc, &st);
		hostile_request(hc, &req);
		req.work_limit = limit * factor;
		t0 = now_us();
		rc = placement_place(c.nodes, c.n, &req, &res, &err);
		if (rc != PLACEMENT_OK) {
			if (rc == PLACEMENT_INVALID)
				dlh_error("%s", err.text);
			bad++;
			continue;
		}
		t = (now_us() - t0) / 1000.0;
		if (check_result(&c, &req, &res))
			bad++;
		cost_str(&keep[i].cost, a, sizeof(a));
		cost_str(&res.cost, b, sizeof(b));
		same = keep[i].cost.domain_links == res.cost.domain_links &&
		       keep[i].cost.span_level == res.cost.span_level &&
		       keep[i].cost.leaves == res.cost.leaves;
		printf("| %zu | %s | %zu | %s | %s | %s | %llu | %.1f | %s | %s |\n",
		       i + 1, hc->name, hc->nodes, a,
		       keep[i].shape_exact ? "yes" : "no", b,
		       (unsigned long long) res.work, t,
		       res.budget_hit ? "yes" : "no (unbounded)",
		       same ? "yes" : "no");
		fflush(stdout);
		placement_result_free(&res);
		free(c.nodes);
		free(c.names);
	}
out:
	for (i = 0; i < nc; i++)
		placement_result_free(&keep[i]);
	free(keep);
	free(ms);
	return bad;
}

int main(int argc, char **argv)
{
	int requests = 1000, instances = 1000, rounds = 3, calls = 120;
	int opt, bad = 0;
	uint64_t seed = 20240601, factor = 100;
	size_t only = 0;
	bool hostile_set = false;

	while ((opt = getopt(argc, argv, "r:q:s:m:w:HR:c:U:C:")) != -1) {
		switch (opt) {
		case 'r':
			requests = atoi(optarg);
			break;
		case 'q':
			instances = atoi(optarg);
			break;
		case 's':
			seed = strtoull(optarg, NULL, 0);
			break;
		case 'm':
			max_count = atoi(optarg);
			break;
		case 'w':
			work_limit = strtoull(optarg, NULL, 0);
			break;
		case 'H':
			hostile_set = true;
			break;
		case 'R':
			rounds = atoi(optarg);
			break;
		case 'c':
			calls = atoi(optarg);
			break;
		case 'U':
			factor = strtoull(optarg, NULL, 0);
			break;
		case 'C':
			only = strtoul(optarg, NULL, 0);
			break;
		default:
			fprintf(stderr,
				"usage: %s [-r REQUESTS] [-q INSTANCES] [-s SEED] [-m MAXCOUNT] [-w WORK]\n"
				"       %s -H [-R ROUNDS] [-c CALLS] [-U FACTOR] [-C CASE] [-s SEED] [-w WORK]\n",
				argv[0], argv[0]);
			return 2;
		}
	}
	if (hostile_set) {
		if (rounds < 1 || calls < 1)
			return 2;
		return hostile(rounds, calls, factor, seed, only) ? 1 : 0;
	}
	if (requests < 1 || instances < 1 || max_count < 1 || max_count > 65536)
		return 2;
	printf("Requests: 2-3 types, 1-%d accelerators each.\n\n", max_count);
	printf("| cluster | requests | p50 ms | p99 ms | max ms | exact | mean leaves | mean work |\n");
	printf("|---|---|---|---|---|---|---|---|\n");
	bad += time_cluster(1000, requests, seed);
	bad += time_cluster(10000, requests, seed + 1);
	bad += quality(instances, seed + 2);
	return bad ? 1 : 0;
}
