/*
 * Unit tests of hetero_growth: the record of a grown job's parts in its
 * admin comment, written by slurmctld and read on every node of the job
 * and its parts, which must all derive the same nodes from it.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "hetero_growth.h"

static void round_trip(void **state)
{
	struct hetero_growth g = { 0 }, back;
	struct dlh_error err;
	char *text, *summary;

	(void) state;
	g.generation = 2;
	g.map = strdup("n[1-2]:a100:2");
	assert_int_equal(
		hetero_growth_add_part(&g, 13, "n3:ascend910b:2", &err), 0);
	assert_int_equal(
		hetero_growth_add_part(&g, 14, "n[5-6]:mlu590:4", &err), 0);
	text = hetero_growth_format("dlhetero a100:4(n[1-2])", &g);
	assert_string_equal(text,
			    "dlhetero a100:4(n[1-2]) | generation 2 | map "
			    "n[1-2]:a100:2 | part 13 n3:ascend910b:2 | part 14 "
			    "n[5-6]:mlu590:4");
	assert_int_equal(hetero_growth_parse(text, &back, &err), 0);
	assert_int_equal(back.generation, 2);
	assert_string_equal(back.map, "n[1-2]:a100:2");
	assert_int_equal(back.n_parts, 2);
	assert_int_equal(back.part[1].job_id, 14);
	assert_string_equal(back.part[1].map, "n[5-6]:mlu590:4");
	summary = hetero_growth_summary(text);
	assert_string_equal(summary, "dlhetero a100:4(n[1-2])");
	free(summary);
	free(text);

	/* a part names its main job only */
	hetero_growth_free(&back);
	back.part_of = 12;
	text = hetero_growth_format("dlhetero ascend910b:2(n3)", &back);
	assert_string_equal(text, "dlhetero ascend910b:2(n3) | part of 12");
	hetero_growth_free(&back);
	assert_int_equal(hetero_growth_parse(text, &back, &err), 0);
	assert_int_equal(back.part_of, 12);
	assert_false(back.map || back.n_parts || back.generation);
	free(text);
	hetero_growth_free(&back);
	hetero_growth_free(&g);
}

static void no_record(void **state)
{
	struct hetero_growth g;
	struct dlh_error err;

	(void) state;
	assert_int_equal(hetero_growth_parse(NULL, &g, &err), 0);
	assert_false(hetero_growth_any(&g));
	assert_int_equal(
		hetero_growth_parse("dlhetero a100:8(n[1-2])", &g, &err), 0);
	assert_false(hetero_growth_any(&g));
}

static void add_remove(void **state)
{
	struct hetero_growth g = { 0 };
	struct dlh_error err;
	char map[32];
	uint32_t i;

	(void) state;
	for (i = 0; i < HETERO_GROWTH_MAX_PARTS; i++) {
		snprintf(map, sizeof(map), "p%u:a100:1", i);
		assert_int_equal(hetero_growth_add_part(&g, 100 + i, map, &err),
				 0);
	}
	assert_int_equal(hetero_growth_add_part(&g, 999, "x:a100:1", &err), -1);
	assert_non_null(strstr(err.text, "parts already"));
	assert_int_equal(hetero_growth_add_part(&g, 100, "x:a100:1", &err), -1);
	assert_int_equal(hetero_growth_remove_part(&g, 105), 1);
	assert_int_equal(hetero_growth_remove_part(&g, 105), 0);
	assert_int_equal(g.n_parts, HETERO_GROWTH_MAX_PARTS - 1);
	assert_int_equal(g.part[5].job_id, 106); /* order kept */
	/* a bad map is never recorded */
	assert_int_equal(hetero_growth_add_part(&g, 999, "x:a100:0", &err), -1);
	hetero_growth_free(&g);
}

static void nodes_in_rank_order(void **state)
{
	struct hetero_growth g;
	struct hetero_node *nodes;
	struct dlh_error err;
	char *text;
	size_t n;

	(void) state;
	assert_int_equal(
		hetero_growth_parse("dlhetero x | generation 3 | map "
				    "n[1-3]:a100:2 | part 20 n7:ascend910b:4 | "
				    "part 21 n[8-9]:mlu590:1",
				    &g, &err),
		0);
	/* n2 left the main job (a shrink): kept out */
	assert_int_equal(hetero_growth_nodes(&g, "n[1,3]", &nodes, &n, &err),
			 0);
	assert_int_equal(n, 5);
	assert_string_equal(nodes[0].name, "n1");
	assert_string_equal(nodes[1].name, "n3");
	assert_string_equal(nodes[2].name, "n7");
	assert_int_equal(nodes[2].count, 4);
	assert_string_equal(nodes[4].name, "n9");
	assert_string_equal(nodes[4].type, "mlu590");
	free(nodes);
	assert_int_equal(hetero_growth_nodes(&g, NULL, &nodes, &n, &err), 0);
	assert_int_equal(n, 6);
	free(nodes);
	/* a part asked to leave is planned without, and says so */
	assert_int_equal(hetero_growth_leave(&g, 20), 1);
	assert_int_equal(hetero_growth_leave(&g, 20), 0);
	assert_int_equal(hetero_growth_leave(&g, 99), 0);
	assert_int_equal(hetero_growth_nodes(&g, NULL, &nodes, &n, &err), 0);
	assert_int_equal(n, 5);
	assert_string_equal(nodes[3].name, "n8");
	free(nodes);
	text = hetero_growth_format("s", &g);
	assert_string_equal(text,
			    "s | generation 3 | map n[1-3]:a100:2 | part 20 "
			    "n7:ascend910b:4 leaving | part 21 "
			    "n[8-9]:mlu590:1");
	hetero_growth_free(&g);
	assert_int_equal(hetero_growth_parse(text, &g, &err), 0);
	assert_true(g.part[0].leaving && !g.part[1].leaving);
	free(text);
	hetero_growth_free(&g);

	/* one node in two parts: ranks by node and local rank would clash */
	assert_int_equal(hetero_growth_parse("d | map n1:a100:2 | part 5 "
					     "n1:a100:2",
					     &g, &err),
			 0);
	assert_int_equal(hetero_growth_nodes(&g, NULL, &nodes, &n, &err), -1);
	assert_non_null(strstr(err.text, "n1 is in two parts"));
	assert_null(nodes);
	hetero_growth_free(&g);

	/* no map of the main job */
	assert_int_equal(hetero_growth_parse("d | part 5 n1:a100:2", &g, &err),
			 0);
	assert_int_equal(hetero_growth_nodes(&g, NULL, &nodes, &n, &err), -1);
	hetero_growth_free(&g);
}

/* Admin comments are data: whatever is there must not crash the reader. */
static void hostile_records(void **state)
{
	static const char *bad[] = {
		"x | ",
		"x | generation",
		"x | generation -1",
		"x | generation 01",
		"x | generation 99999999999",
		"x | generation 1000001",
		"x | generation 1x",
		"x | map ",
		"x | map n1:a100",
		"x | map n1:a100:1 | map n2:a100:1",
		"x | part",
		"x | part 5",
		"x | part 5 ",
		"x | part 0 n1:a100:1",
		"x | part 4294967296 n1:a100:1",
		"x | part x n1:a100:1",
		"x | part 5 n1:a100:1 | part 5 n2:a100:1",
		"x | part 5 leaving",
		"x | part 5  leaving",
		"x | part 5 n1:a100:1 leaving leaving",
		"x | part of",
		"x | part of 0",
		"x | part of 12 | map n1:a100:1",
		"x | something else",
		"x |  | generation 1",
		"x | generation 1 | ",
	};
	struct hetero_growth g;
	struct dlh_error err;
	char *huge, *p;
	size_t i;

	(void) state;
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		err.text[0] = '\0';
		if (hetero_growth_parse(bad[i], &g, &err) != -1)
			fail_msg("accepted \"%s\"", bad[i]);
		assert_true(strlen(err.text) > 0);
		assert_false(hetero_growth_any(&g));
	}
	/* seventeen parts */
	huge = malloc(4096);
	p = huge + sprintf(huge, "x | map n0:a100:1");
	for (i = 1; i <= HETERO_GROWTH_MAX_PARTS + 1; i++)
		p += sprintf(p, " | part %zu n%zu:a100:1", i, i);
	assert_int_equal(hetero_growth_parse(huge, &g, &err), -1);
	assert_non_null(strstr(err.text, "more than"));
	free(huge);
	/* random bytes after the separator */
	srand(7);
	huge = malloc(256);
	for (i = 0; i < 20000; i++) {
		size_t k, len = 4 + (size_t) rand() % 200;

		memcpy(huge, "x | ", 4);
		for (k = 4; k < len; k++)
			huge[k] = "part of generation map 0123456789|:[]-,;n "
				  "a100\x01\xff"[rand() % 48];
		huge[len] = '\0';
		if (!hetero_growth_parse(huge, &g, &err))
			hetero_growth_free(&g);
	}
	free(huge);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(round_trip),
		cmocka_unit_test(no_record),
		cmocka_unit_test(add_remove),
		cmocka_unit_test(nodes_in_rank_order),
		cmocka_unit_test(hostile_records),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
