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
	p->index = (int)n_nodes;
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
	char why[128];

	assert_int_equal(placement_place(nodes, n_nodes, req, res),
			 PLACEMENT_OK);
	if (oracle_check(nodes, n_nodes, req, res, &c, why, sizeof(why)))
		fail_msg("invalid placement: %s", why);
	c.weight = res->cost.weight;
	assert_int_equal(c.domain_links, res->cost.domain_links);
	assert_int_equal(c.span_level, res->cost.span_level);
	assert_int_equal(c.leaves, res->cost.leaves);
	assert_int_equal(c.frag_delta, res->cost.frag_delta);
	assert_int_equal(placement_evaluate(nodes, n_nodes, res->picks,
					    res->n_picks, req->cores_per_accel,
					    &e), 0);
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

	(void)state;
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
	assert_int_equal(res.cost.span_level, 1);	/* mid switch 10 */
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

	(void)state;
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
	assert_int_equal(res.cost.span_level, 2);	/* top 21 */
	assert_int_equal(res.cost.leaves, 3);
	for (i = 0; i < 4; i++)
		assert_false(picked(&res, i));		/* nothing in top 20 */
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

	(void)state;
	reset();
	add("a100", 4, 8, 0, 0, 10, 20);
	add("a100", 4, 8, 0, 0, 10, 20);
	for (i = 0; i < 4; i++)
		add("a100", 4, 8, 0, 1, 10, 20);
	req2(&req, "a100", 16, NULL, 0);
	/* what first fit would do */
	for (i = 0; i < n_nodes && left; i++) {
		uint32_t a = nodes[i].free_accel < left ?
			     nodes[i].free_accel : left;

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

	(void)state;
	reset();
	add("a100", 8, 8, 0, 0, 10, 20);	/* domain 0 */
	add("a100", 8, 8, 1, 1, 11, 21);	/* domain 1 */
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

	(void)state;
	reset();
	add("a100", 8, 8, 0, 0, 10, 20);	/* 0: whole free */
	add("a100", 4, 8, 0, 0, 10, 20);	/* 1: partly busy */
	add("a100", 4, 8, 0, 0, 10, 20);	/* 2: partly busy */
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
	assert_int_equal(res.picks[0].node, 1);	/* lower index wins tie */
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

	(void)state;
	reset();
	add("a100", 4, 8, 0, 0, 10, 20);
	add("a100", 4, 8, 0, 0, 10, 20);
	add("mlu590", 0, 8, 0, 1, 10, 20);

	req2(&req, "a100", 12, NULL, 0);
	assert_int_equal(placement_explain(nodes, n_nodes, &req, buf,
					   sizeof(buf)), PLACEMENT_NOT_NOW);
	assert_string_equal(buf, "needs a100:12, only 8 free in partition");
	assert_int_equal(placement_place(nodes, n_nodes, &req, &res),
			 PLACEMENT_NOT_NOW);
	assert_null(res.picks);
	assert_int_equal(res.n_picks, 0);

	req2(&req, "a100", 17, NULL, 0);
	assert_int_equal(placement_explain(nodes, n_nodes, &req, buf,
					   sizeof(buf)), PLACEMENT_NEVER);
	assert_string_equal(buf, "never: cluster has only 16 a100 in total");
	assert_int_equal(placement_place(nodes, n_nodes, &req, &res),
			 PLACEMENT_NEVER);

	/* never wins over not now, whatever the order */
	req2(&req, "mlu590", 1, "k100", 1);
	assert_int_equal(placement_explain(nodes, n_nodes, &req, buf,
					   sizeof(buf)), PLACEMENT_NEVER);
	assert_string_equal(buf, "never: cluster has only 0 k100 in total");

	req2(&req, "a100", 8, NULL, 0);
	assert_int_equal(placement_explain(nodes, n_nodes, &req, buf,
					   sizeof(buf)), PLACEMENT_OK);

	memset(&req, 0, sizeof(req));
	req.is_auto = true;
	req.total = 9;
	assert_int_equal(placement_explain(nodes, n_nodes, &req, buf,
					   sizeof(buf)), PLACEMENT_NOT_NOW);
	assert_string_equal(buf,
		"needs 9 accelerators (auto), only 8 free in partition");
	req.total = 25;
	assert_int_equal(placement_explain(nodes, n_nodes, &req, buf,
					   sizeof(buf)), PLACEMENT_NEVER);
	assert_string_equal(buf,
		"never: cluster has only 24 accelerators in total");
	req.type[0] = "mlu590";
	req.n_types = 1;
	req.total = 4;
	assert_int_equal(placement_explain(nodes, n_nodes, &req, buf,
					   sizeof(buf)), PLACEMENT_NOT_NOW);
	assert_string_equal(buf,
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
	char longtype[64];

	(void)state;
	reset();
	add("a100", 8, 8, 0, 0, 10, 20);
	req2(&req, "a100", 1, NULL, 0);
	assert_int_equal(placement_place(nodes, n_nodes, NULL, &res),
			 PLACEMENT_INVALID);
	assert_int_equal(placement_place(nodes, n_nodes, &req, NULL),
			 PLACEMENT_INVALID);
	assert_int_equal(placement_place(NULL, 3, &req, &res),
			 PLACEMENT_INVALID);
	/* no nodes at all: never */
	assert_int_equal(placement_place(NULL, 0, &req, &res),
			 PLACEMENT_NEVER);
	req2(&req, "a100", 0, NULL, 0);
	assert_int_equal(placement_place(nodes, n_nodes, &req, &res),
			 PLACEMENT_INVALID);
	req2(&req, "a100", 65537, NULL, 0);
	assert_int_equal(placement_place(nodes, n_nodes, &req, &res),
			 PLACEMENT_INVALID);
	req2(&req, "a100", 1, "a100", 1);
	assert_int_equal(placement_place(nodes, n_nodes, &req, &res),
			 PLACEMENT_INVALID);
	req2(&req, NULL, 1, NULL, 0);
	assert_int_equal(placement_place(nodes, n_nodes, &req, &res),
			 PLACEMENT_INVALID);
	memset(longtype, 'a', sizeof(longtype) - 1);
	longtype[sizeof(longtype) - 1] = '\0';
	req2(&req, longtype, 1, NULL, 0);
	assert_int_equal(placement_place(nodes, n_nodes, &req, &res),
			 PLACEMENT_INVALID);
	req2(&req, "a100", 1, NULL, 0);
	req.n_types = 17;
	assert_int_equal(placement_place(nodes, n_nodes, &req, &res),
			 PLACEMENT_INVALID);
	memset(&req, 0, sizeof(req));
	req.is_auto = true;		/* total 0 */
	assert_int_equal(placement_place(nodes, n_nodes, &req, &res),
			 PLACEMENT_INVALID);
	memset(&req, 0, sizeof(req));	/* explicit without types */
	assert_int_equal(placement_place(nodes, n_nodes, &req, &res),
			 PLACEMENT_INVALID);
}

/* Hostile node records: the library clamps and never crashes. */
static void test_hostile_nodes(void **state)
{
	struct placement_request req;
	struct placement_result res;
	uint32_t sum = 0;
	size_t i;

	(void)state;
	reset();
	add(NULL, 8, 8, 0, 0, 10, 20);			/* no type */
	add("a100", 100, 8, 0, 0, 10, 20);		/* free > total */
	add("a100", UINT32_MAX, UINT32_MAX, -7, 1, 11, 20); /* huge */
	i = add("a100", 8, 8, 0, 2, 12, 20);
	nodes[i].n_levels = 99;				/* bad depth */
	nodes[i].switch_path[3] = 55;
	i = add("a100", 8, 8, 0, 3, 13, 20);
	nodes[i].n_levels = -3;
	i = add("a100", 8, 8, INT32_MIN, -1, -1, -1);	/* no topology */
	nodes[i].switch_path[1] = 77;			/* stray path */
	add("", 8, 8, 0, 0, 10, 20);			/* empty type */
	i = add("a100", 8, 8, 0, 4, 14, 20);
	nodes[i].weight = UINT32_MAX;
	req2(&req, "a100", 200, NULL, 0);
	assert_int_equal(placement_place(nodes, n_nodes, &req, &res),
			 PLACEMENT_OK);
	for (i = 0; i < res.n_picks; i++) {
		const struct placement_node *p = &nodes[res.picks[i].node];

		assert_non_null(p->chip_type);
		assert_string_equal(p->chip_type, "a100");
		assert_true(res.picks[i].count <= PLACEMENT_MAX_ACCEL);
		assert_true(res.picks[i].count <=
			    (p->free_accel < p->total_accel ?
			     p->free_accel : p->total_accel));
		sum += res.picks[i].count;
	}
	assert_int_equal(sum, 200);
	placement_result_free(&res);
	/* free > total counts as total (8), not 100 */
	reset();
	add("a100", 100, 8, 0, 0, 10, 20);
	req2(&req, "a100", 9, NULL, 0);
	assert_int_equal(placement_place(nodes, n_nodes, &req, &res),
			 PLACEMENT_NEVER);
	placement_result_free(&res);	/* harmless on an empty result */
	placement_result_free(NULL);
}

static void test_cores(void **state)
{
	struct placement_request req;
	struct placement_result res;

	(void)state;
	reset();
	add("a100", 8, 8, 0, 0, 10, 20);
	add("a100", 8, 8, 0, 0, 10, 20);
	nodes[0].free_cores = 8;
	req2(&req, "a100", 10, NULL, 0);
	req.cores_per_accel = 4;	/* node 0 can take only 2 */
	place_ok(&req, &res);
	assert_true(picked(&res, 0) && picked(&res, 1));
	assert_int_equal(res.picks[0].count, 2);
	placement_result_free(&res);
	req.count[0] = 11;
	assert_int_equal(placement_place(nodes, n_nodes, &req, &res),
			 PLACEMENT_NOT_NOW);
}

static int score_calls;

/* Prefers mixes with more types: throughput of a pipeline that wants
 * both chips. */
static double score_types(void *arg, const struct placement_mix *mix,
			  const struct placement_cost *cost)
{
	(void)arg;
	score_calls++;
	assert_non_null(cost);
	return (double)mix->n;
}

static void test_auto(void **state)
{
	struct placement_request req;
	struct placement_result res;
	uint32_t sum = 0;
	size_t i;

	(void)state;
	reset();
	add("mlu590", 4, 4, 0, 0, 10, 20);
	add("mlu590", 4, 4, 0, 0, 10, 20);
	add("a100", 8, 8, 0, 1, 10, 20);
	add("a100", 4, 8, 0, 1, 10, 20);

	memset(&req, 0, sizeof(req));
	req.is_auto = true;
	req.total = 8;
	assert_int_equal(placement_place(nodes, n_nodes, &req, &res),
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
	assert_int_equal(placement_place(nodes, n_nodes, &req, &res),
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
	assert_int_equal(placement_place(nodes, n_nodes, &req, &res),
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

	(void)state;
	for (i = 0; i < 4096; i++) {
		struct placement_node *p = &big[i];

		snprintf(bnames[i], sizeof(bnames[i]), "b%zu", i);
		p->name = bnames[i];
		p->index = (int)i;
		p->chip_type = tn[(i / 16 + i / 7) % 3];	/* mixed leaves */
		p->total_accel = 8;
		p->free_accel = oracle_rand(&st) % 9;
		p->leaf_switch = p->switch_path[0] = (int)(i / 16);
		p->switch_path[1] = 1000 + (int)(i / 128);
		p->switch_path[2] = 2000 + (int)(i / 1024);
		p->switch_path[3] = -1;
		p->n_levels = 3;
		p->domain = (int)(i / 2048);
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
	assert_int_equal(placement_place(big, 4096, &req, &res), PLACEMENT_OK);
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

/* The heart: optimal for (1)-(5) on random small instances. */
static void test_exhaustive(void **state)
{
	uint64_t st = 0xfeedbeefull;
	int i, multi_leaf = 0, multi_dom = 0, neg_frag = 0;

	(void)state;
	for (i = 0; i < 200; i++) {
		struct oracle_instance in;
		struct placement_cost best, got;
		struct placement_result res;
		char why[128];

		oracle_random_instance(&st, 12, &in);
		assert_int_equal(placement_place(in.nodes, in.n, &in.req, &res),
				 PLACEMENT_OK);
		if (oracle_check(in.nodes, in.n, &in.req, &res, &got, why,
				 sizeof(why)))
			fail_msg("instance %d: %s", i, why);
		assert_int_equal(oracle_best(in.nodes, in.n, &in.req, &best),
				 0);
		if (got.domain_links != best.domain_links ||
		    got.span_level != best.span_level ||
		    got.leaves != best.leaves ||
		    got.frag_delta != best.frag_delta ||
		    res.cost.weight != best.weight)
			fail_msg("instance %d: got %u/%u/%u/%d/%llu, best %u/%u/%u/%d/%llu",
				 i, got.domain_links, got.span_level,
				 got.leaves, got.frag_delta,
				 (unsigned long long)res.cost.weight,
				 best.domain_links, best.span_level,
				 best.leaves, best.frag_delta,
				 (unsigned long long)best.weight);
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
		cmocka_unit_test(test_exhaustive),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
