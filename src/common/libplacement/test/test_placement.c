/*
 * placement: hand-made cases for each part of the objective, the
 * not-now/never explanations, hostile input, auto requests, and an
 * exhaustive comparison against the oracle on random small instances.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "placement.h"
#include "placement_oracle.h"

#define MAXN 64

static struct placement_node nodes[MAXN];
static char names[MAXN][16];
static size_t n_nodes;

static void reset(void)
{
	memset(nodes, 0, sizeof(nodes));
	n_nodes = 0;
}

/* A node under leaf -> mid -> top (ids < 0: no topology). */
static size_t add(const char *type, uint32_t free_accel, uint32_t total,
		  int domain, int leaf, int mid, int top)
{
	struct placement_node *p = &nodes[n_nodes];

	snprintf(names[n_nodes], sizeof(names[0]), "n%zu", n_nodes);
	p->name = names[n_nodes];
	p->index = (int) n_nodes;
	p->chip_type = type;
	p->free_accel = free_accel;
	p->total_accel = total;
	p->free_cores = 128;
	p->domain = domain;
	p->leaf_switch = leaf;
	p->switch_path[0] = leaf;
	p->switch_path[1] = mid;
	p->switch_path[2] = top;
	p->switch_path[3] = -1;
	p->n_levels = leaf < 0 ? 0 : 3;
	p->weight = 1;
	return n_nodes++;
}

static void req2(struct placement_request *req, const char *t1, uint32_t c1,
		 const char *t2, uint32_t c2)
{
	memset(req, 0, sizeof(*req));
	req->type[0] = t1;
	req->count[0] = c1;
	req->n_types = 1;
	if (t2) {
		req->type[1] = t2;
		req->count[1] = c2;
		req->n_types = 2;
	}
}

/* Places and checks validity with the oracle's independent checker. */
static void place_ok(const struct placement_request *req,
		     struct placement_result *res)
{
	struct placement_cost c, e;
	struct dlh_error why;

	assert_int_equal(placement_place(nodes, n_nodes, req, res, &why),
			 PLACEMENT_OK);
	if (oracle_check(nodes, n_nodes, req, res, &c, &why))
		fail_msg("invalid placement: %s", why.text);
	c.weight = res->cost.weight;
	assert_int_equal(c.domain_links, res->cost.domain_links);
	assert_int_equal(c.span_level, res->cost.span_level);
	assert_int_equal(c.leaves, res->cost.leaves);
	assert_int_equal(c.frag_delta, res->cost.frag_delta);
	assert_int_equal(placement_evaluate(nodes, n_nodes, res->picks,
					    res->n_picks, req->cores_per_accel,
					    &e),
			 0);
	assert_int_equal(placement_cost_cmp(&e, &res->cost), 0);
}

static bool picked(const struct placement_result *res, size_t node)
{
	size_t i;

	for (i = 0; i < res->n_picks; i++)
		if (res->picks[i].node == node)
			return true;
	return false;
}

static void test_two_types(void **state)
{
	struct placement_request req;
	struct placement_result res;
	size_t i;

	(void) state;
	reset();
	for (i = 0; i < 4; i++)
		add("a100", 8, 8, 0, 0, 10, 20);
	for (i = 0; i < 4; i++)
		add("mlu590", 4, 4, 0, 1, 10, 20);
	for (i = 0; i < 4; i++)
		add("a100", 8, 8, 0, 2, 11, 20);
	req2(&req, "a100", 16, "mlu590", 8);
	place_ok(&req, &res);
	assert_int_equal(res.n_types, 2);
	assert_string_equal(res.type[0], "a100");
	assert_string_equal(res.type[1], "mlu590");
	assert_int_equal(res.per_type[0], 16);
	assert_int_equal(res.per_type[1], 8);
	assert_int_equal(res.cost.domain_links, 0);
	assert_int_equal(res.cost.span_level, 1); /* mid switch 10 */
	assert_int_equal(res.cost.leaves, 2);
	assert_int_equal(res.cost.frag_delta, 0);
	assert_int_equal(res.n_picks, 4);
	assert_true(res.exact);
	/* types grouped in request order, each in node order */
	assert_int_equal(res.picks[0].type, 0);
	assert_int_equal(res.picks[1].type, 0);
	assert_int_equal(res.picks[2].type, 1);
	assert_true(res.picks[0].index < res.picks[1].index);
	assert_true(res.picks[2].index < res.picks[3].index);
	/* a100 from leaf 0 (under mid 10 with the mlu590), not leaf 2 */
	assert_true(picked(&res, 0) && picked(&res, 1));
	placement_result_free(&res);
}

static void test_three_types(void **state)
{
	struct placement_request req;
	struct placement_result res;
	size_t i;

	(void) state;
	reset();
	/* top 20: a100 + mlu590 only; top 21: all three types */
	for (i = 0; i < 2; i++)
		add("a100", 8, 8, 0, 0, 10, 20);
	for (i = 0; i < 2; i++)
		add("mlu590", 8, 8, 0, 1, 10, 20);
	for (i = 0; i < 2; i++)
		add("a100", 8, 8, 0, 2, 11, 21);
	for (i = 0; i < 2; i++)
		add("mlu590", 8, 8, 0, 3, 12, 21);
	for (i = 0; i < 3; i++)
		add("k100", 8, 8, 0, 4, 12, 21);
	memset(&req, 0, sizeof(req));
	req.type[0] = "k100";
	req.count[0] = 24;
	req.type[1] = "mlu590";
	req.count[1] = 12;
	req.type[2] = "a100";
	req.count[2] = 8;
	req.n_types = 3;
	place_ok(&req, &res);
	assert_int_equal(res.n_types, 3);
	assert_string_equal(res.type[0], "k100");
	assert_int_equal(res.per_type[0], 24);
	assert_int_equal(res.per_type[1], 12);
	assert_int_equal(res.per_type[2], 8);
	assert_int_equal(res.cost.span_level, 2); /* top 21 */
	assert_int_equal(res.cost.leaves, 3);
	for (i = 0; i < 4; i++)
		assert_false(picked(&res, i)); /* nothing in top 20 */
	/* 12 of 16 mlu590: one node split (+1) */
	assert_int_equal(res.cost.frag_delta, 1);
	placement_result_free(&res);
}

/* First fit by node index would take two leaves; one leaf suffices. */
static void test_one_leaf_not_first_fit(void **state)
{
	struct placement_request req;
	struct placement_result res;
	uint32_t left = 16;
	int leaves_ff = 0, last_leaf = -1;
	size_t i;

	(void) state;
	reset();
	add("a100", 4, 8, 0, 0, 10, 20);
	add("a100", 4, 8, 0, 0, 10, 20);
	for (i = 0; i < 4; i++)
		add("a100", 4, 8, 0, 1, 10, 20);
	req2(&req, "a100", 16, NULL, 0);
	/* what first fit would do */
	for (i = 0; i < n_nodes && left; i++) {
		uint32_t a = nodes[i].free_accel < left ? nodes[i].free_accel
							: left;

		left -= a;
		if (nodes[i].leaf_switch != last_leaf) {
			leaves_ff++;
			last_leaf = nodes[i].leaf_switch;
		}
	}
	assert_int_equal(leaves_ff, 2);
	place_ok(&req, &res);
	assert_int_equal(res.cost.leaves, 1);
	assert_int_equal(res.cost.span_level, 0);
	assert_false(picked(&res, 0));
	assert_false(picked(&res, 1));
	for (i = 2; i < 6; i++)
		assert_true(picked(&res, i));
	placement_result_free(&res);
}

static void test_domains(void **state)
{
	struct placement_request req;
	struct placement_result res;

	(void) state;
	reset();
	add("a100", 8, 8, 0, 0, 10, 20); /* domain 0 */
	add("a100", 8, 8, 1, 1, 11, 21); /* domain 1 */
	add("a100", 8, 8, 1, 2, 11, 21);
	/* first fit: node 0 + node 1, two domains; one domain holds it */
	req2(&req, "a100", 12, NULL, 0);
	place_ok(&req, &res);
	assert_int_equal(res.cost.domain_links, 0);
	assert_false(picked(&res, 0));
	assert_int_equal(res.cost.span_level, 1);
	placement_result_free(&res);
	/* 20 needs both domains: one link, and no common switch */
	req2(&req, "a100", 20, NULL, 0);
	place_ok(&req, &res);
	assert_int_equal(res.cost.domain_links, 1);
	assert_int_equal(res.cost.span_level, PLACEMENT_LEVELS);
	placement_result_free(&res);
	/* the domain, not the switch, decides first: same switches, but
	 * domains differ per node */
	reset();
	add("a100", 8, 8, 0, 0, 10, 20);
	add("a100", 8, 8, 1, 0, 10, 20);
	add("a100", 4, 8, 1, 1, 10, 20);
	req2(&req, "a100", 12, NULL, 0);
	place_ok(&req, &res);
	assert_int_equal(res.cost.domain_links, 0);
	assert_false(picked(&res, 0));
	placement_result_free(&res);
}

static void test_fragments(void **state)
{
	struct placement_request req;
	struct placement_result res;

	(void) state;
	reset();
	add("a100", 8, 8, 0, 0, 10, 20); /* 0: whole free */
	add("a100", 4, 8, 0, 0, 10, 20); /* 1: partly busy */
	add("a100", 4, 8, 0, 0, 10, 20); /* 2: partly busy */
	/* 8: fill both partly busy nodes, keep the whole one whole */
	req2(&req, "a100", 8, NULL, 0);
	place_ok(&req, &res);
	assert_int_equal(res.cost.frag_delta, -2);
	assert_false(picked(&res, 0));
	placement_result_free(&res);
	/* 4: fill one partly busy node */
	req2(&req, "a100", 4, NULL, 0);
	place_ok(&req, &res);
	assert_int_equal(res.cost.frag_delta, -1);
	assert_int_equal(res.n_picks, 1);
	assert_int_equal(res.picks[0].node, 1); /* lower index wins tie */
	placement_result_free(&res);
	/* 2: splitting a partly busy node (0) beats splitting a whole one */
	req2(&req, "a100", 2, NULL, 0);
	place_ok(&req, &res);
	assert_int_equal(res.cost.frag_delta, 0);
	assert_false(picked(&res, 0));
	placement_result_free(&res);
	/* weight decides between equals */
	nodes[1].weight = 5;
	req2(&req, "a100", 4, NULL, 0);
	place_ok(&req, &res);
	assert_int_equal(res.picks[0].node, 2);
	assert_int_equal(res.cost.weight, 1);
	placement_result_free(&res);
}

static void test_explain(void **state)
{
	struct placement_request req;
	struct placement_result res;
	char buf[256];

	(void) state;
	reset();
	add("a100", 4, 8, 0, 0, 10, 20);
	add("a100", 4, 8, 0, 0, 10, 20);
	add("mlu590", 0, 8, 0, 1, 10, 20);

	req2(&req, "a100", 12, NULL, 0);
	assert_int_equal(placement_explain(nodes, n_nodes, &req, buf,
					   sizeof(buf)),
			 PLACEMENT_NOT_NOW);
	assert_string_equal(buf, "needs a100:12, only 8 free in partition");
	assert_int_equal(placement_place(nodes, n_nodes, &req, &res, NULL),
			 PLACEMENT_NOT_NOW);
	assert_null(res.picks);
	assert_int_equal(res.n_picks, 0);

	req2(&req, "a100", 17, NULL, 0);
	assert_int_equal(placement_explain(nodes, n_nodes, &req, buf,
					   sizeof(buf)),
			 PLACEMENT_NEVER);
	assert_string_equal(buf, "never: cluster has only 16 a100 in total");
	assert_int_equal(placement_place(nodes, n_nodes, &req, &res, NULL),
			 PLACEMENT_NEVER);

	/* never wins over not now, whatever the order */
	req2(&req, "mlu590", 1, "k100", 1);
	assert_int_equal(placement_explain(nodes, n_nodes, &req, buf,
					   sizeof(buf)),
			 PLACEMENT_NEVER);
	assert_string_equal(buf, "never: cluster has only 0 k100 in total");

	req2(&req, "a100", 8, NULL, 0);
	assert_int_equal(placement_explain(nodes, n_nodes, &req, buf,
					   sizeof(buf)),
			 PLACEMENT_OK);

	memset(&req, 0, sizeof(req));
	req.is_auto = true;
	req.total = 9;
	assert_int_equal(placement_explain(nodes, n_nodes, &req, buf,
					   sizeof(buf)),
			 PLACEMENT_NOT_NOW);
	assert_string_equal(
		buf, "needs 9 accelerators (auto), only 8 free in partition");
	req.total = 25;
	assert_int_equal(placement_explain(nodes, n_nodes, &req, buf,
					   sizeof(buf)),
			 PLACEMENT_NEVER);
	assert_string_equal(buf,
			    "never: cluster has only 24 accelerators in total");
	req.type[0] = "mlu590";
	req.n_types = 1;
	req.total = 4;
	assert_int_equal(placement_explain(nodes, n_nodes, &req, buf,
					   sizeof(buf)),
			 PLACEMENT_NOT_NOW);
	assert_string_equal(
		buf,
		"needs 4 accelerators (auto: mlu590), only 0 free in partition");
	/* tiny or no buffer */
	assert_int_equal(placement_explain(nodes, n_nodes, &req, buf, 4),
			 PLACEMENT_NOT_NOW);
	assert_int_equal(strlen(buf), 3);
	assert_int_equal(placement_explain(nodes, n_nodes, &req, NULL, 0),
			 PLACEMENT_NOT_NOW);
}

static void test_invalid(void **state)
{
	struct placement_request req;
	struct placement_result res;
	struct dlh_error err;
	char longtype[64];

	(void) state;
	reset();
	add("a100", 8, 8, 0, 0, 10, 20);
	req2(&req, "a100", 1, NULL, 0);
	assert_int_equal(placement_place(nodes, n_nodes, NULL, &res, NULL),
			 PLACEMENT_INVALID);
	assert_int_equal(placement_place(nodes, n_nodes, &req, NULL, NULL),
			 PLACEMENT_INVALID);
	assert_int_equal(placement_place(NULL, 3, &req, &res, &err),
			 PLACEMENT_INVALID);
	assert_string_equal(err.text, "placement: invalid request");
	/* no nodes at all: never */
	assert_int_equal(placement_place(NULL, 0, &req, &res, NULL),
			 PLACEMENT_NEVER);
	req2(&req, "a100", 0, NULL, 0);
	assert_int_equal(placement_place(nodes, n_nodes, &req, &res, NULL),
			 PLACEMENT_INVALID);
	req2(&req, "a100", 65537, NULL, 0);
	assert_int_equal(placement_place(nodes, n_nodes, &req, &res, NULL),
			 PLACEMENT_INVALID);
	req2(&req, "a100", 1, "a100", 1);
	assert_int_equal(placement_place(nodes, n_nodes, &req, &res, NULL),
			 PLACEMENT_INVALID);
	req2(&req, NULL, 1, NULL, 0);
	assert_int_equal(placement_place(nodes, n_nodes, &req, &res, NULL),
			 PLACEMENT_INVALID);
	memset(longtype, 'a', sizeof(longtype) - 1);
	longtype[sizeof(longtype) - 1] = '\0';
	req2(&req, longtype, 1, NULL, 0);
	assert_int_equal(placement_place(nodes, n_nodes, &req, &res, NULL),
			 PLACEMENT_INVALID);
	req2(&req, "a100", 1, NULL, 0);
	req.n_types = 17;
	assert_int_equal(placement_place(nodes, n_nodes, &req, &res, NULL),
			 PLACEMENT_INVALID);
	memset(&req, 0, sizeof(req));
	req.is_auto = true; /* total 0 */
	assert_int_equal(placement_place(nodes, n_nodes, &req, &res, NULL),
			 PLACEMENT_INVALID);
	memset(&req, 0, sizeof(req)); /* explicit without types */
	assert_int_equal(placement_place(nodes, n_nodes, &req, &res, NULL),
			 PLACEMENT_INVALID);
}

/* Hostile node records: the library clamps and never crashes. */
static void test_hostile_nodes(void **state)
{
	struct placement_request req;
	struct placement_result res;
	uint32_t sum = 0;
	size_t i;

	(void) state;
	reset();
	add(NULL, 8, 8, 0, 0, 10, 20);			    /* no type */
	add("a100", 100, 8, 0, 0, 10, 20);		    /* free > total */
	add("a100", UINT32_MAX, UINT32_MAX, -7, 1, 11, 20); /* huge */
	i = add("a100", 8, 8, 0, 2, 12, 20);
	nodes[i].n_levels = 99; /* bad depth */
	nodes[i].switch_path[3] = 55;
	i = add("a100", 8, 8, 0, 3, 13, 20);
	nodes[i].n_levels = -3;
	i = add("a100", 8, 8, INT32_MIN, -1, -1, -1); /* no topology */
	nodes[i].switch_path[1] = 77;		      /* stray path */
	add("", 8, 8, 0, 0, 10, 20);		      /* empty type */
	i = add("a100", 8, 8, 0, 4, 14, 20);
	nodes[i].weight = UINT32_MAX;
	req2(&req, "a100", 200, NULL, 0);
	assert_int_equal(placement_place(nodes, n_nodes, &req, &res, NULL),
			 PLACEMENT_OK);
	for (i = 0; i < res.n_picks; i++) {
		const struct placement_node *p = &nodes[res.picks[i].node];

		assert_non_null(p->chip_type);
		assert_string_equal(p->chip_type, "a100");
		assert_true(res.picks[i].count <= PLACEMENT_MAX_ACCEL);
		assert_true(res.picks[i].count <=
			    (p->free_accel < p->total_accel ? p->free_accel
							    : p->total_accel));
		sum += res.picks[i].count;
	}
	assert_int_equal(sum, 200);
	placement_result_free(&res);
	/* free > total counts as total (8), not 100 */
	reset();
	add("a100", 100, 8, 0, 0, 10, 20);
	req2(&req, "a100", 9, NULL, 0);
	assert_int_equal(placement_place(nodes, n_nodes, &req, &res, NULL),
			 PLACEMENT_NEVER);
	placement_result_free(&res); /* harmless on an empty result */
	placement_result_free(NULL);
}

static void test_cores(void **state)
{
	struct placement_request req;
	struct placement_result res;

	(void) state;
	reset();
	add("a100", 8, 8, 0, 0, 10, 20);
	add("a100", 8, 8, 0, 0, 10, 20);
	nodes[0].free_cores = 8;
	req2(&req, "a100", 10, NULL, 0);
	req.cores_per_accel = 4; /* node 0 can take only 2 */
	place_ok(&req, &res);
	assert_true(picked(&res, 0) && picked(&res, 1));
	assert_int_equal(res.picks[0].count, 2);
	placement_result_free(&res);
	req.count[0] = 11;
	assert_int_equal(placement_place(nodes, n_nodes, &req, &res, NULL),
			 PLACEMENT_NOT_NOW);
}

static int score_calls;

/* Prefers mixes with more types: throughput of a pipeline that wants
 * both chips. */
static double score_types(void *arg, const struct placement_mix *mix,
			  const struct placement_cost *cost)
{
	(void) arg;
	score_calls++;
	assert_non_null(cost);
	return (double) mix->n;
}

static void test_auto(void **state)
{
	struct placement_request req;
	struct placement_result res;
	uint32_t sum = 0;
	size_t i;

	(void) state;
	reset();
	add("mlu590", 4, 4, 0, 0, 10, 20);
	add("mlu590", 4, 4, 0, 0, 10, 20);
	add("a100", 8, 8, 0, 1, 10, 20);
	add("a100", 4, 8, 0, 1, 10, 20);

	memset(&req, 0, sizeof(req));
	req.is_auto = true;
	req.total = 8;
	assert_int_equal(placement_place(nodes, n_nodes, &req, &res, NULL),
			 PLACEMENT_OK);
	/* one leaf either way; mlu590 x2 and a100 x1 both frag 0; a100's
	 * partly busy node (4) + half the whole one is worse; fewer types
	 * tie, so weight: a100 node 2 alone (weight 1) wins */
	assert_int_equal(res.n_types, 1);
	assert_int_equal(res.cost.leaves, 1);
	assert_int_equal(res.per_type[0], 8);
	assert_string_equal(res.type[0], "a100");
	assert_int_equal(res.n_picks, 1);
	assert_int_equal(res.picks[0].node, 2);
	placement_result_free(&res);

	req.type[0] = "mlu590";
	req.n_types = 1;
	assert_int_equal(placement_place(nodes, n_nodes, &req, &res, NULL),
			 PLACEMENT_OK);
	assert_int_equal(res.n_types, 1);
	assert_string_equal(res.type[0], "mlu590");
	assert_true(picked(&res, 0) && picked(&res, 1));
	placement_result_free(&res);

	/* with a score that likes mixes, it takes both types */
	req.n_types = 0;
	req.total = 12;
	req.score = score_types;
	score_calls = 0;
	assert_int_equal(placement_place(nodes, n_nodes, &req, &res, NULL),
			 PLACEMENT_OK);
	assert_true(score_calls >= 2);
	assert_int_equal(res.n_types, 2);
	assert_true(res.score == 2.0);
	for (i = 0; i < res.n_types; i++)
		sum += res.per_type[i];
	assert_int_equal(sum, 12);
	for (i = 1; i < res.n_picks; i++)
		assert_true(res.picks[i - 1].type <= res.picks[i].type);
	placement_result_free(&res);
}

/* A big cluster and a tiny work limit: still a valid placement. */
static void test_work_limit(void **state)
{
	static struct placement_node big[4096];
	static char bnames[4096][16];
	static const char *tn[] = { "a100", "mlu590", "k100" };
	struct placement_request req;
	struct placement_result res;
	uint32_t got[3] = { 0 };
	uint64_t st = 42;
	size_t i;

	(void) state;
	for (i = 0; i < 4096; i++) {
		struct placement_node *p = &big[i];

		snprintf(bnames[i], sizeof(bnames[i]), "b%zu", i);
		p->name = bnames[i];
		p->index = (int) i;
		p->chip_type = tn[(i / 16 + i / 7) % 3]; /* mixed leaves */
		p->total_accel = 8;
		p->free_accel = oracle_rand(&st) % 9;
		p->leaf_switch = p->switch_path[0] = (int) (i / 16);
		p->switch_path[1] = 1000 + (int) (i / 128);
		p->switch_path[2] = 2000 + (int) (i / 1024);
		p->switch_path[3] = -1;
		p->n_levels = 3;
		p->domain = (int) (i / 2048);
		p->weight = 1;
	}
	memset(&req, 0, sizeof(req));
	req.type[0] = "a100";
	req.count[0] = 900;
	req.type[1] = "mlu590";
	req.count[1] = 333;
	req.type[2] = "k100";
	req.count[2] = 1;
	req.n_types = 3;
	req.work_limit = 1000;
	assert_int_equal(placement_place(big, 4096, &req, &res, NULL),
			 PLACEMENT_OK);
	for (i = 0; i < res.n_picks; i++) {
		const struct placement_node *p = &big[res.picks[i].node];

		assert_true(res.picks[i].count <= p->free_accel);
		assert_string_equal(res.type[res.picks[i].type], p->chip_type);
		got[res.picks[i].type] += res.picks[i].count;
	}
	assert_int_equal(got[0], 900);
	assert_int_equal(got[1], 333);
	assert_int_equal(got[2], 1);
	assert_false(res.exact);
	placement_result_free(&res);
}

/* ------------------------------------------------------------------ */
/* the work budget                                                    */
/* ------------------------------------------------------------------ */

#define BIG_N 10000

static struct placement_node big[BIG_N];
static char big_names[BIG_N][16];

static const char *types16[] = {
	"a100", "h100",	  "mlu590",	"ascend910b", "k100", "mi300x",
	"l40s", "h20",	  "mi250x",	"gaudi2",     "v100", "a800",
	"h800", "mlu370", "ascend310p", "bi150",
};

enum big_layout {
	/* types round robin per node, domains interleaved per node: every
	 * leaf mixes all types and all domains */
	BIG_INTERLEAVED,
	/* one random type per leaf of 16 (one leaf in ten mixed), domains
	 * in blocks of leaves */
	BIG_LEAF_TYPES,
	/* BIG_LEAF_TYPES without any switch */
	BIG_FLAT,
};

/* n nodes of 8 accelerators in a 16/8/4 fat tree; busy: a random share of
 * each node's accelerators is in use. */
static void make_big(size_t n, int n_types, int n_doms, enum big_layout lay,
		     bool busy)
{
	size_t i, n_leaves = (n + 15) / 16;
	uint64_t st = 7;
	int leaf_type = 0;
	bool mixed = false;

	memset(big, 0, n * sizeof(big[0]));
	for (i = 0; i < n; i++) {
		struct placement_node *p = &big[i];
		int leaf = (int) (i / 16), l;

		if (i % 16 == 0) {
			leaf_type = (int) (oracle_rand(&st) % n_types);
			mixed = oracle_rand(&st) % 10 == 0;
		}
		snprintf(big_names[i], sizeof(big_names[i]), "b%u",
			 (unsigned) i);
		p->name = big_names[i];
		p->index = (int) i;
		p->total_accel = 8;
		p->free_accel = busy ? oracle_rand(&st) % 9 : 8;
		p->free_cores = 64;
		p->weight = 1;
		if (lay == BIG_INTERLEAVED) {
			p->chip_type = types16[i % n_types];
			p->domain = (int) (i % n_doms);
		} else {
			p->chip_type =
				types16[mixed ? oracle_rand(&st) % n_types
					      : (unsigned) leaf_type];
			p->domain = (int) ((size_t) leaf * n_doms / n_leaves);
		}
		if (lay == BIG_FLAT) {
			p->leaf_switch = -1;
			for (l = 0; l < PLACEMENT_LEVELS; l++)
				p->switch_path[l] = -1;
			continue;
		}
		p->leaf_switch = p->switch_path[0] = leaf;
		p->switch_path[1] = 100000 + leaf / 8;
		p->switch_path[2] = 200000 + leaf / 32;
		p->switch_path[3] = -1;
		p->n_levels = 3;
	}
}

/*
 * Valid (every per-type count met exactly, auto: the total; no node twice;
 * never more than a node's usable free accelerators; types match) and
 * within the work bound of the request's budget.
 */
static void check_big(size_t n, const struct placement_request *req,
		      const struct placement_result *res)
{
	static unsigned char seen[BIG_N];
	uint64_t got[PLACEMENT_MAX_TYPES] = { 0 }, sum = 0;
	size_t i;

	assert_true(res->n_picks > 0);
	memset(seen, 0, sizeof(seen));
	for (i = 0; i < res->n_picks; i++) {
		const struct placement_pick *pk = &res->picks[i];
		const struct placement_node *p;
		uint32_t use;

		assert_true(pk->node < n);
		assert_true(pk->type < res->n_types);
		assert_int_equal(seen[pk->node]++, 0);
		p = &big[pk->node];
		use = p->free_accel < p->total_accel ? p->free_accel
						     : p->total_accel;
		if (req->cores_per_accel &&
		    p->free_cores / req->cores_per_accel < use)
			use = p->free_cores / req->cores_per_accel;
		assert_int_equal(pk->index, p->index);
		assert_true(pk->count >= 1 && pk->count <= use);
		assert_string_equal(res->type[pk->type], p->chip_type);
		got[pk->type] += pk->count;
		sum += pk->count;
	}
	if (req->is_auto) {
		assert_int_equal(sum, req->total);
	} else {
		assert_int_equal(res->n_types, req->n_types);
		for (i = 0; i < req->n_types; i++) {
			assert_string_equal(res->type[i], req->type[i]);
			assert_int_equal(got[i], req->count[i]);
		}
	}
	assert_true(res->work <= placement_work_bound(n, req->work_limit));
}

static void req_explicit(struct placement_request *req, int n_types,
			 uint32_t per_type)
{
	int i;

	memset(req, 0, sizeof(*req));
	for (i = 0; i < n_types; i++) {
		req->type[i] = types16[i];
		req->count[i] = per_type;
	}
	req->n_types = (size_t) n_types;
}

static void req_auto(struct placement_request *req, uint32_t total)
{
	memset(req, 0, sizeof(*req));
	req->is_auto = true;
	req->total = total;
}

/*
 * auto:4096 on 10,000 free nodes of 16 types in 16 domains, every leaf
 * mixing types and domains: dozens of type subsets and domain sets, each a
 * large solve.  Without a budget for the whole call this ran for seconds.
 */
static void test_budget_auto_hostile(void **state)
{
	struct placement_request req;
	struct placement_result res;

	(void) state;
	make_big(BIG_N, 16, 16, BIG_INTERLEAVED, false);
	req_auto(&req, 4096);
	assert_int_equal(placement_place(big, BIG_N, &req, &res, NULL),
			 PLACEMENT_OK);
	check_big(BIG_N, &req, &res);
	assert_true(res.work <= placement_work_bound(BIG_N, 0));
	/* one domain holds 5,000: the budget must not cost a link */
	assert_int_equal(res.cost.domain_links, 0);
	assert_true(res.budget_hit);
	assert_false(res.exact);
	placement_result_free(&res);
}

/* Explicit requests of all 16 types (PLACEMENT_MAX_TYPES). */
static void test_budget_explicit_hostile(void **state)
{
	struct placement_request req;
	struct placement_result res;

	(void) state;
	make_big(BIG_N, 16, 16, BIG_LEAF_TYPES, false);
	req_explicit(&req, PLACEMENT_MAX_TYPES, 256);
	assert_int_equal(placement_place(big, BIG_N, &req, &res, NULL),
			 PLACEMENT_OK);
	check_big(BIG_N, &req, &res);
	assert_true(res.budget_hit);
	placement_result_free(&res);

	make_big(2000, 16, 16, BIG_INTERLEAVED, false);
	req_explicit(&req, PLACEMENT_MAX_TYPES, 100);
	assert_int_equal(placement_place(big, 2000, &req, &res, NULL),
			 PLACEMENT_OK);
	check_big(2000, &req, &res);
	placement_result_free(&res);
}

/* With a score: type subsets and the hill climb share the budget too. */
static int budget_score_calls;

static double budget_score(void *arg, const struct placement_mix *mix,
			   const struct placement_cost *cost)
{
	double v = 0.0;
	size_t i;

	(void) arg;
	budget_score_calls++;
	for (i = 0; i < mix->n; i++)
		v += mix->count[i] * (1.0 + (double) (mix->type[i][0] % 5));
	return v / (1.0 + cost->domain_links + 0.1 * cost->span_level);
}

static void test_budget_auto_score(void **state)
{
	struct placement_request req;
	struct placement_result res;

	(void) state;
	make_big(BIG_N, 8, 8, BIG_INTERLEAVED, false);
	req_auto(&req, 2048);
	req.score = budget_score;
	budget_score_calls = 0;
	assert_int_equal(placement_place(big, BIG_N, &req, &res, NULL),
			 PLACEMENT_OK);
	check_big(BIG_N, &req, &res);
	assert_true(budget_score_calls >= 1);
	/* each type alone, all together, at most 48 climb steps */
	assert_true(budget_score_calls <= 8 + 1 + 48);
	placement_result_free(&res);
}

/*
 * A budget spent before anything is found (even by the setup): still a
 * valid placement, from the greedy finish, for every kind of request and
 * layout; marked inexact and budget-hit; work within the bound.
 */
static void test_budget_spent_at_once(void **state)
{
	static const uint64_t limits[] = { 1, 1000, 20000 };
	struct placement_request req;
	struct placement_result res;
	size_t l, k;

	(void) state;
	for (l = 0; l < sizeof(limits) / sizeof(limits[0]); l++) {
		for (k = 0; k < 6; k++) {
			size_t n = 3000;

			switch (k) {
			case 0:
				make_big(n, 16, 16, BIG_INTERLEAVED, true);
				req_auto(&req, 4096);
				break;
			case 1:
				make_big(n, 16, 16, BIG_LEAF_TYPES, true);
				req_explicit(&req, 16, 40);
				break;
			case 2:
				make_big(n, 8, 64, BIG_FLAT, false);
				req_auto(&req, 6000);
				req.score = budget_score;
				break;
			case 3:
				make_big(n, 4, 3000, BIG_LEAF_TYPES, false);
				req_explicit(&req, 4, 1000);
				break;
			case 4:
				make_big(n, 6, 2, BIG_LEAF_TYPES, true);
				req_explicit(&req, 3, 700);
				req.cores_per_accel = 16;
				break;
			default:
				/* nearly all of three types */
				make_big(n, 16, 8, BIG_INTERLEAVED, false);
				req_auto(&req, 4500);
				req.type[0] = types16[0];
				req.type[1] = types16[1];
				req.type[2] = types16[2];
				req.n_types = 3;
				break;
			}
			req.work_limit = limits[l];
			assert_int_equal(placement_place(big, n, &req, &res,
							 NULL),
					 PLACEMENT_OK);
			check_big(n, &req, &res);
			assert_true(res.budget_hit);
			assert_false(res.exact);
			placement_result_free(&res);
		}
	}
}

/*
 * Every free accelerator is needed, across domains and partly busy nodes,
 * and the budget is gone at once: the greedy finish must still find the
 * one valid placement (never more than a node's free accelerators).
 */
static void test_budget_exact_fit(void **state)
{
	struct placement_request req;
	struct placement_result res;
	uint64_t cap[3] = { 0 };
	size_t i, n = 2000;
	int t;

	(void) state;
	make_big(n, 3, 5, BIG_LEAF_TYPES, true);
	for (i = 0; i < n; i++)
		for (t = 0; t < 3; t++)
			if (!strcmp(big[i].chip_type, types16[t]))
				cap[t] += big[i].free_accel;
	req_explicit(&req, 3, 1);
	for (t = 0; t < 3; t++)
		req.count[t] = (uint32_t) cap[t];
	req.work_limit = 1;
	assert_int_equal(placement_place(big, n, &req, &res, NULL),
			 PLACEMENT_OK);
	check_big(n, &req, &res);
	placement_result_free(&res);
	/* the same with the default budget */
	req.work_limit = 0;
	assert_int_equal(placement_place(big, n, &req, &res, NULL),
			 PLACEMENT_OK);
	check_big(n, &req, &res);
	placement_result_free(&res);
	/* and as auto over the three types */
	req_auto(&req, (uint32_t) (cap[0] + cap[1] + cap[2]));
	req.work_limit = 1;
	assert_int_equal(placement_place(big, n, &req, &res, NULL),
			 PLACEMENT_OK);
	check_big(n, &req, &res);
	placement_result_free(&res);
}

/*
 * The budget running out at many points of the search (limits in steps of
 * a half): always a valid placement within the bound.  Also many domains:
 * more than 16 (a greedy domain set) and more than 64 smallest sets.
 */
static void test_budget_any_limit(void **state)
{
	struct placement_request req;
	struct placement_result res;
	uint64_t lim;
	int k;

	(void) state;
	for (k = 0; k < 5; k++) {
		size_t n = k < 2 ? 3000 : 2000;

		if (k == 4) {
			/* big knapsacks: exact readback past the budget
			 * only within its slack */
			make_big(n, 2, 1, BIG_LEAF_TYPES, true);
			req_explicit(&req, 2, 500);
		} else if (k == 0) {
			make_big(n, 16, 4, BIG_LEAF_TYPES, false);
			req_explicit(&req, 16, 96);
		} else if (k == 1) {
			make_big(n, 8, 8, BIG_INTERLEAVED, true);
			req_auto(&req, 5000);
		} else if (k == 2) {
			/* 40 domains of 50 nodes, 1,800 accelerators of a
			 * type: several domains, chosen greedily */
			make_big(n, 4, 40, BIG_LEAF_TYPES, false);
			req_explicit(&req, 2, 1800);
		} else {
			/* half of 16 domains: C(16, 8) sets hold it */
			make_big(n, 4, 16, BIG_LEAF_TYPES, false);
			req_auto(&req, 8000);
		}
		for (lim = 1000; lim < 1000000; lim += lim / 2) {
			req.work_limit = lim;
			assert_int_equal(placement_place(big, n, &req, &res,
							 NULL),
					 PLACEMENT_OK);
			check_big(n, &req, &res);
			placement_result_free(&res);
		}
		if (k == 2 || k == 3) {
			req.work_limit = 0;
			assert_int_equal(placement_place(big, n, &req, &res,
							 NULL),
					 PLACEMENT_OK);
			check_big(n, &req, &res);
			assert_true(res.cost.domain_links > 0);
			assert_false(res.shape_exact);
			placement_result_free(&res);
		}
	}
}

/* Typical requests stay exact under the default budget. */
static void test_budget_typical_exact(void **state)
{
	struct placement_request req;
	struct placement_result res;
	uint64_t st = 99;
	int i, j;

	(void) state;
	make_big(4096, 6, 2, BIG_LEAF_TYPES, true);
	for (i = 0; i < 40; i++) {
		memset(&req, 0, sizeof(req));
		req.n_types = 2 + oracle_rand(&st) % 2;
		for (j = 0; j < (int) req.n_types; j++) {
			req.type[j] = types16[(i + 2 * j) % 6];
			req.count[j] = 1 + oracle_rand(&st) % 64;
		}
		assert_int_equal(placement_place(big, 4096, &req, &res, NULL),
				 PLACEMENT_OK);
		check_big(4096, &req, &res);
		assert_true(res.exact);
		assert_true(res.shape_exact);
		assert_false(res.budget_hit);
		assert_true(res.work < PLACEMENT_DEFAULT_WORK);
		placement_result_free(&res);
	}
}

/* The bound: the budget plus an O(n log n) finish. */
static void test_work_bound(void **state)
{
	uint64_t b0 = placement_work_bound(0, 1);

	(void) state;
	assert_true(placement_work_bound(10000, 0) ==
		    placement_work_bound(10000, PLACEMENT_DEFAULT_WORK));
	assert_true(placement_work_bound(10000, 0) > PLACEMENT_DEFAULT_WORK);
	assert_true(placement_work_bound(10000, 5) <
		    placement_work_bound(10000, 0));
	assert_true(placement_work_bound(100000, 0) >
		    placement_work_bound(10000, 0));
	assert_true(b0 < placement_work_bound(1, 1));
	/* doc/placement.md, "Limits": 12.4 million at 10,000 nodes */
	assert_true(placement_work_bound(10000, 0) <= 12400000);
	assert_true(placement_work_bound(10, UINT64_MAX) == UINT64_MAX);
}

/*
 * Places instance i and compares with the exhaustive oracle: a valid
 * placement (its cost in *got) of the optimal (1)-(5) (*best).  The caller
 * frees *res.
 */
static void place_vs_oracle(const struct oracle_instance *in, int i,
			    struct placement_result *res,
			    struct placement_cost *got,
			    struct placement_cost *best)
{
	struct dlh_error why;

	assert_int_equal(placement_place(in->nodes, in->n, &in->req, res, &why),
			 PLACEMENT_OK);
	if (oracle_check(in->nodes, in->n, &in->req, res, got, &why))
		fail_msg("instance %d: %s", i, why.text);
	assert_int_equal(oracle_best(in->nodes, in->n, &in->req, best), 0);
	if (got->domain_links != best->domain_links ||
	    got->span_level != best->span_level ||
	    got->leaves != best->leaves ||
	    got->frag_delta != best->frag_delta ||
	    res->cost.weight != best->weight)
		fail_msg(
			"instance %d: got %u/%u/%u/%d/%llu, best %u/%u/%u/%d/%llu",
			i, got->domain_links, got->span_level, got->leaves,
			got->frag_delta, (unsigned long long) res->cost.weight,
			best->domain_links, best->span_level, best->leaves,
			best->frag_delta, (unsigned long long) best->weight);
}

/* The heart: optimal for (1)-(5) on random small instances. */
static void test_exhaustive(void **state)
{
	uint64_t st = 0xfeedbeefull;
	int i, multi_leaf = 0, multi_dom = 0, neg_frag = 0;

	(void) state;
	for (i = 0; i < 200; i++) {
		struct oracle_instance in;
		struct placement_cost best, got;
		struct placement_result res;

		oracle_random_instance(&st, 12, &in);
		place_vs_oracle(&in, i, &res, &got, &best);
		assert_int_equal(got.domain_links, res.cost.domain_links);
		assert_int_equal(got.leaves, res.cost.leaves);
		assert_true(res.exact);
		multi_leaf += best.leaves > 1;
		multi_dom += best.domain_links > 0;
		neg_frag += best.frag_delta < 0;
		placement_result_free(&res);
	}
	/* the instances must exercise the objective, not only trivia */
	assert_true(multi_leaf > 20);
	assert_true(multi_dom > 2);
	assert_true(neg_frag > 20);
}

/*
 * The same comparison with nodes of 6 to 72 accelerators (the random
 * instances scaled): long windows in the knapsack, partial amounts up to
 * 71 on one node.
 */
static void test_exhaustive_big_nodes(void **state)
{
	uint64_t st = 0xabad1deaull;
	int i;

	(void) state;
	for (i = 0; i < 150; i++) {
		struct oracle_instance in;
		struct placement_cost best, got;
		struct placement_result res;
		uint32_t mul = i % 2 ? 9 : 3;
		size_t j;

		oracle_random_instance(&st, 12, &in);
		for (j = 0; j < in.n; j++) {
			in.nodes[j].total_accel *= mul;
			in.nodes[j].free_accel *= mul;
			in.nodes[j].free_cores = 1024;
		}
		for (j = 0; j < in.req.n_types; j++)
			in.req.count[j] =
				in.req.count[j] * mul - oracle_rand(&st) % mul;
		place_vs_oracle(&in, i, &res, &got, &best);
		assert_true(res.exact);
		placement_result_free(&res);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_two_types),
		cmocka_unit_test(test_three_types),
		cmocka_unit_test(test_one_leaf_not_first_fit),
		cmocka_unit_test(test_domains),
		cmocka_unit_test(test_fragments),
		cmocka_unit_test(test_explain),
		cmocka_unit_test(test_invalid),
		cmocka_unit_test(test_hostile_nodes),
		cmocka_unit_test(test_cores),
		cmocka_unit_test(test_auto),
		cmocka_unit_test(test_work_limit),
		cmocka_unit_test(test_budget_auto_hostile),
		cmocka_unit_test(test_budget_explicit_hostile),
		cmocka_unit_test(test_budget_auto_score),
		cmocka_unit_test(test_budget_spent_at_once),
		cmocka_unit_test(test_budget_exact_fit),
		cmocka_unit_test(test_budget_any_limit),
		cmocka_unit_test(test_budget_typical_exact),
		cmocka_unit_test(test_work_bound),
		cmocka_unit_test(test_exhaustive),
		cmocka_unit_test(test_exhaustive_big_nodes),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
