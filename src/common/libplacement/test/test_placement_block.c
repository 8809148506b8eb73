/*
 * placement_place_blocks: Slurm topology/block's rule (a job of N nodes in
 * one block of the smallest size >= N) on small hand-made clusters.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <cmocka.h>

#include "placement.h"

#define MAXN 16

static struct placement_node nodes[MAXN];
static char names[MAXN][8];
static size_t n_nodes;

/* base blocks of 2 nodes; level 1 = aligned pairs of them (4 nodes) */
static const uint32_t sizes[] = { 2, 4 };

static void add(const char *type, uint32_t free_accel, int domain, int block)
{
	struct placement_node *p = &nodes[n_nodes];

	memset(p, 0, sizeof(*p));
	snprintf(names[n_nodes], sizeof(names[0]), "n%zu", n_nodes);
	p->name = names[n_nodes];
	p->index = (int) n_nodes;
	p->chip_type = type;
	p->free_accel = free_accel;
	p->total_accel = 8;
	p->domain = domain;
	p->leaf_switch = block;
	p->switch_path[0] = block;
	p->switch_path[1] = 100 + block / 2;
	p->switch_path[2] = p->switch_path[3] = -1;
	p->n_levels = 2;
	p->weight = 1;
	n_nodes++;
}

static void mix(struct placement_request *req, uint32_t a100, uint32_t asc)
{
	memset(req, 0, sizeof(*req));
	req->type[0] = "a100";
	req->count[0] = a100;
	req->type[1] = "ascend910b";
	req->count[1] = asc;
	req->n_types = 2;
}

static void picked(const struct placement_result *res, const char *want)
{
	char got[64] = "";
	size_t k;

	for (k = 0; k < res->n_picks; k++)
		snprintf(got + strlen(got), sizeof(got) - strlen(got), "%s%s",
			 k ? "," : "", nodes[res->picks[k].node].name);
	assert_string_equal(got, want);
}

/* Block and domain agree: the first placement already fits. */
static void fits_first(void **state)
{
	struct placement_request req;
	struct placement_result res;
	struct dlh_error err;

	n_nodes = 0;
	add("a100", 8, 0, 0);
	add("ascend910b", 8, 0, 0);
	add("a100", 8, 0, 1);
	add("ascend910b", 8, 0, 1);
	mix(&req, 8, 8);
	assert_int_equal(placement_place_blocks(nodes, n_nodes, &req, sizes, 2,
						&res, &err),
			 PLACEMENT_OK);
	picked(&res, "n0,n1");
	placement_result_free(&res);
}

/*
 * Domains pull the job across blocks (n0 and n3 share domain 0): the
 * block rule wins, and the job gets one base block.
 */
static void rule_beats_domains(void **state)
{
	struct placement_request req;
	struct placement_result res, plain;
	struct dlh_error err;

	n_nodes = 0;
	add("a100", 8, 0, 0);
	add("ascend910b", 8, 1, 0);
	add("a100", 8, 1, 1);
	add("ascend910b", 8, 0, 1);
	mix(&req, 8, 8);
	assert_int_equal(placement_place(nodes, n_nodes, &req, &plain, &err),
			 PLACEMENT_OK);
	picked(&plain, "n0,n3"); /* what the rule must undo */
	placement_result_free(&plain);
	assert_int_equal(placement_place_blocks(nodes, n_nodes, &req, sizes, 2,
						&res, &err),
			 PLACEMENT_OK);
	assert_int_equal(res.n_picks, 2);
	assert_int_equal(nodes[res.picks[0].node].switch_path[0],
			 nodes[res.picks[1].node].switch_path[0]);
	assert_true(res.work > 0);
	placement_result_free(&res);
}

/* 3 nodes need a level-1 block (4 nodes): one aligned pair of blocks. */
static void aggregated_block(void **state)
{
	struct placement_request req;
	struct placement_result res;
	struct dlh_error err;
	size_t k;

	n_nodes = 0;
	add("a100", 8, 0, 0);
	add("ascend910b", 0, 0, 0);
	add("a100", 8, 1, 1); /* pair 0: a100 x2 + asc x1 */
	add("ascend910b", 8, 1, 1);
	add("a100", 8, 0, 2);
	add("ascend910b", 8, 0, 2);
	add("a100", 0, 0, 3);
	add("ascend910b", 0, 0, 3);
	mix(&req, 16, 8);
	assert_int_equal(placement_place_blocks(nodes, n_nodes, &req, sizes, 2,
						&res, &err),
			 PLACEMENT_OK);
	assert_int_equal(res.n_picks, 3);
	for (k = 0; k < res.n_picks; k++)
		assert_int_equal(nodes[res.picks[k].node].switch_path[1], 100);
	placement_result_free(&res);
}

/* No base block holds one of each type: refused, with the reason. */
static void no_block(void **state)
{
	struct placement_request req;
	struct placement_result res;
	struct dlh_error err;

	n_nodes = 0;
	add("a100", 8, 0, 0);
	add("a100", 8, 0, 0);
	add("ascend910b", 8, 0, 1);
	add("ascend910b", 8, 0, 1);
	mix(&req, 8, 8);
	assert_int_equal(placement_place_blocks(nodes, n_nodes, &req, sizes, 2,
						&res, &err),
			 PLACEMENT_NEVER);
	assert_non_null(strstr(err.text, "no block"));
	assert_int_equal(res.n_picks, 0);
	/* bigger than every block: may span the system */
	mix(&req, 16, 16);
	assert_int_equal(placement_place_blocks(nodes, n_nodes, &req, sizes, 1,
						&res, &err),
			 PLACEMENT_OK);
	assert_int_equal(res.n_picks, 4);
	placement_result_free(&res);
}

/* No levels: exactly placement_place(). */
static void no_levels(void **state)
{
	struct placement_request req;
	struct placement_result res;
	struct dlh_error err;

	n_nodes = 0;
	add("a100", 8, 0, 0);
	add("ascend910b", 8, 0, 1);
	mix(&req, 8, 8);
	assert_int_equal(placement_place_blocks(nodes, n_nodes, &req, NULL, 0,
						&res, &err),
			 PLACEMENT_OK);
	picked(&res, "n0,n1");
	placement_result_free(&res);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(fits_first),
		cmocka_unit_test(rule_beats_domains),
		cmocka_unit_test(aggregated_block),
		cmocka_unit_test(no_block),
		cmocka_unit_test(no_levels),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
