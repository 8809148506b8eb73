/*
 * Unit tests of hetero_map: the node -> chip map that travels from
 * slurmctld to every node through the user's environment, and the job's
 * plan built from it (ranks in job order, every rank named once).
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "dlh_test.h"
#include <json-c/json.h>

#include "chip_catalog.h"
#include "dlh_log.h"
#include "dlh_config.h"
#include "hetero_map.h"
#include "model_catalog.h"

static struct chip_catalog *chips;
static struct model_catalog *models;

static int setup(void **state)
{
	char path[4096];

	dlh_log_set_sink(quiet_sink);
	chips = chip_catalog_load(
		src_path(path, sizeof(path), "data/chips.json"), NULL);
	models = model_catalog_load(
		src_path(path, sizeof(path), "data/models.json"), NULL);
	return chips && models ? 0 : -1;
}

static int teardown(void **state)
{
	chip_catalog_free(chips);
	model_catalog_free(models);
	dlh_log_set_sink(NULL);
	return 0;
}

static void parse_good(void **state)
{
	struct hetero_node *v;
	size_t n;
	struct dlh_error err;
	char *s;

	assert_int_equal(
		hetero_map_parse("n1:a100:8;n5:ascend910b:4", &v, &n, &err), 0);
	assert_int_equal(n, 2);
	assert_string_equal(v[0].name, "n1");
	assert_string_equal(v[1].type, "ascend910b");
	assert_int_equal(v[1].count, 4);
	s = hetero_map_format(v, n);
	assert_string_equal(s, "n1:a100:8;n5:ascend910b:4");
	free(s);
	free(v);
	/* ranges, in the job's order, a count change splits a group */
	assert_int_equal(hetero_map_parse("n[1-2,4]:a100:8;n3:a100:4;"
					  "x,y[08-09]:mlu590:2",
					  &v, &n, &err),
			 0);
	assert_int_equal(n, 7);
	assert_string_equal(v[2].name, "n4");
	assert_string_equal(v[3].name, "n3");
	assert_int_equal(v[3].count, 4);
	assert_string_equal(v[4].name, "x");
	assert_string_equal(v[6].name, "y09");
	assert_string_equal(v[6].type, "mlu590");
	s = hetero_map_format(v, n);
	assert_string_equal(s, "n[1-2,4]:a100:8;n3:a100:4;x,y[08-09]:mlu590:2");
	free(s);
	free(v);
}

/*
 * 10,000 nodes of two types, as slurmctld would write them: a few KiB,
 * read back node for node, and planned (the plan names every rank).
 */
static void map_10000_nodes(void **state)
{
	struct hetero_plan_opts opts = { .model = "llama2-70b" };
	struct hetero_node *v, *back;
	size_t n = 10000, n_back, i;
	struct dlh_error err;
	json_object *o, *f;
	char *s, *json;

	v = calloc(n, sizeof(*v));
	for (i = 0; i < n; i++) {
		/* a few holes, so the ranges are not one per type */
		snprintf(v[i].name, sizeof(v[i].name), "%s%05zu",
			 i < n / 2 ? "gpu" : "npu", i + i / 997);
		strcpy(v[i].type, i < n / 2 ? "a100" : "ascend910b");
		v[i].count = 8;
	}
	s = hetero_map_format(v, n);
	assert_non_null(s);
	if (strlen(s) > 4096)
		fail_msg("map of %zu nodes takes %zu bytes", n, strlen(s));
	assert_int_equal(hetero_map_parse(s, &back, &n_back, &err), 0);
	assert_int_equal(n_back, n);
	for (i = 0; i < n; i++) {
		assert_string_equal(back[i].name, v[i].name);
		assert_string_equal(back[i].type, v[i].type);
		assert_int_equal(back[i].count, 8);
	}
	/* a step on every node: its node list as Slurm writes it, the
	 * lookups by name (no scan per node) */
	{
		char **names = calloc(n, sizeof(*names)), *hl;
		struct hetero_node *step;
		size_t n_step;

		for (i = 0; i < n; i++)
			names[i] = v[i].name;
		hl = dlh_hostlist_compress(names, n);
		assert_non_null(hl);
		assert_int_equal(hetero_map_for_step(back, n_back, hl,
						     "8(x10000)", &step,
						     &n_step, &err),
				 0);
		assert_int_equal(n_step, n);
		assert_string_equal(step[n - 1].name, v[n - 1].name);
		free(step);
		assert_int_equal(hetero_map_keep(back, n_back, hl, &step,
						 &n_step, &err),
				 0);
		assert_int_equal(n_step, n);
		free(step);
		free(hl);
		free(names);
	}
	json = hetero_plan_json(back, n_back, chips, models, &opts, &err);
	if (!json)
		fail_msg("no plan: %s", err.text);
	o = json_tokener_parse(json);
	assert_non_null(o);
	assert_true(json_object_object_get_ex(o, "world_size", &f));
	assert_int_equal(json_object_get_int(f), 80000);
	assert_true(json_object_object_get_ex(o, "ranks", &f));
	assert_int_equal(json_object_array_length(f), 80000);
	json_object_put(o);
	free(json);
	free(back);
	free(s);
	free(v);
}

static void parse_hostile(void **state)
{
	static const char *bad[] = {
		"",
		":",
		"n1",
		"n1:a100",
		"n1:a100:",
		"n1:a100:0",
		"n1:a100:-1",
		"n1:a100:8,",
		",n1:a100:8",
		"n1:a100:8x",
		"n1:a100:99999999999999999999",
		"n1:a100:4097",
		"n/1:a100:8",
		"n1:a1 00:8",
		"n1:a100:8,,n2:a100:8",
		"../../etc:a100:8",
		"n1:$(id):8",
		"n1::8",
		"n1:aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa:8",
		"n1:a100:8,n2:a100:8", /* the old form */
		"n1:a100:\n8",
		"n1:a100:1025",
		";",
		"n1:a100:8;",
		";n1:a100:8",
		"n1:a100:8;;n2:a100:8",
		"n[1-3:a100:8",
		"n[3-1]:a100:8",
		"n1:a100:8;n1:a100:8",
		"n[1-2]:a100:8;n2:mlu590:4",
		"n[1-70000]:a100:1",
		"n[1-300]:a100:1024",
		"n1,:a100:8",
		"n1 n2:a100:8",
		"n1:a100:8:8",
		":a100:8",
	};
	struct hetero_node *v;
	size_t n, i;
	struct dlh_error err;

	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		err.text[0] = '\0';
		if (hetero_map_parse(bad[i], &v, &n, &err) != -1)
			fail_msg("accepted \"%s\"", bad[i]);
		assert_null(v);
		assert_true(strlen(err.text) > 0);
	}
	assert_int_equal(hetero_map_parse(NULL, &v, &n, &err), -1);
}

/* A long name fills the field exactly; one more character is refused. */
/* Node names as long as a DNS name (253) fit; longer ones are refused. */
static void parse_name_bound(void **state)
{
	char s[HETERO_MAP_NAME_LEN + 32], name[HETERO_MAP_NAME_LEN + 1];
	struct hetero_node *v;
	size_t n;

	memset(name, 'x', sizeof(name));
	name[HETERO_MAP_NAME_LEN - 1] = '\0';
	snprintf(s, sizeof(s), "%s:a100:1", name);
	assert_int_equal(hetero_map_parse(s, &v, &n, NULL), 0);
	assert_int_equal(strlen(v[0].name), HETERO_MAP_NAME_LEN - 1);
	free(v);
	assert_true(HETERO_MAP_NAME_LEN > 253);
	name[HETERO_MAP_NAME_LEN - 1] = 'x';
	name[HETERO_MAP_NAME_LEN] = '\0';
	snprintf(s, sizeof(s), "%s:a100:1", name);
	assert_int_equal(hetero_map_parse(s, &v, &n, NULL), -1);
}

/*
 * Types interleaved in job order (n1 a100, n5 ascend, n9 a100): rank r of
 * the plan must sit on the node that Slurm's block distribution gives rank
 * r, with the chip of that node.
 */
static void plan_ranks_follow_job_order(void **state)
{
	struct hetero_node *v;
	size_t n, i;
	struct hetero_plan_opts opts = { .model = "llama2-7b" };
	struct dlh_error err;
	char *json;
	json_object *o, *ranks, *r, *f;
	static const char *want_node[] = { "n1", "n5", "n9" };
	static const char *want_chip[] = { "a100", "ascend910b", "a100" };

	assert_int_equal(hetero_map_parse("n1:a100:8;n5:ascend910b:8;"
					  "n9:a100:8",
					  &v, &n, NULL),
			 0);
	json = hetero_plan_json(v, n, chips, models, &opts, &err);
	if (!json)
		fail_msg("no plan: %s", err.text);
	o = json_tokener_parse(json);
	assert_non_null(o);
	assert_true(json_object_object_get_ex(o, "ranks", &ranks));
	assert_int_equal(json_object_array_length(ranks), 24);
	for (i = 0; i < 24; i++) {
		r = json_object_array_get_idx(ranks, i);
		assert_true(json_object_object_get_ex(r, "rank", &f));
		assert_int_equal(json_object_get_int(f), i);
		assert_true(json_object_object_get_ex(r, "node_name", &f));
		assert_string_equal(json_object_get_string(f),
				    want_node[i / 8]);
		assert_true(json_object_object_get_ex(r, "chip", &f));
		assert_string_equal(json_object_get_string(f),
				    want_chip[i / 8]);
		assert_true(json_object_object_get_ex(r, "local_rank", &f));
		assert_int_equal(json_object_get_int(f), i % 8);
	}
	json_object_put(o);
	free(json);
	free(v);
}

static void plan_same_inputs_same_text(void **state)
{
	struct hetero_node *v;
	size_t n;
	struct hetero_plan_opts opts = { .model = "llama2-70b" };
	struct dlh_error err;
	char *a, *b;

	assert_int_equal(hetero_map_parse("n[1-2]:a100:8;"
					  "n[5-6]:ascend910b:8",
					  &v, &n, NULL),
			 0);
	a = hetero_plan_json(v, n, chips, models, &opts, &err);
	b = hetero_plan_json(v, n, chips, models, &opts, &err);
	assert_non_null(a);
	assert_non_null(b);
	assert_string_equal(a, b);
	free(a);
	free(b);
	free(v);
}

/* layers of each group of the plan's JSON, in pipeline order, as FlagScale's
 * hetero_pipeline_layer_split writes them: "[a, b]" */
static void json_layer_split(json_object *o, char *buf, size_t len)
{
	json_object *stages, *st, *f;
	size_t i, off = 0;
	int first, last;

	assert_true(json_object_object_get_ex(o, "stages", &stages));
	off += snprintf(buf + off, len - off, "[");
	for (i = 0; i < json_object_array_length(stages); i++) {
		st = json_object_array_get_idx(stages, i);
		assert_true(json_object_object_get_ex(st, "first_layer", &f));
		first = json_object_get_int(f);
		assert_true(json_object_object_get_ex(st, "last_layer", &f));
		last = json_object_get_int(f);
		off += snprintf(buf + off, len - off, "%s%d", i ? ", " : "",
				last - first);
	}
	snprintf(buf + off, len - off, "]");
}

/*
 * The job's plan for the frameworks: FlagScale's YAML names the node's chip
 * and the plan's own layer split; Megatron's arguments only for a plan of
 * one chip type.
 */
static void plan_framework_exports(void **state)
{
	struct hetero_node *v;
	size_t n;
	struct hetero_plan_opts opts = { .model = "llama2-7b" };
	struct dlh_error err;
	char *json, *yaml, want[256], split[128];
	json_object *o, *f;

	assert_int_equal(
		hetero_map_parse("n1:a100:4;n5:ascend910b:2", &v, &n, NULL), 0);
	json = hetero_plan_json_ex(v, n, chips, models, &opts, "ascend910b",
				   &yaml, &err);
	assert_non_null(json);
	assert_non_null(yaml);
	o = json_tokener_parse(json);
	assert_non_null(o);
	assert_false(json_object_object_get_ex(o, "megatron_args", &f));
	assert_non_null(strstr(yaml, "hetero_current_device_type: "
				     "\"ascend910b\""));
	json_layer_split(o, split, sizeof(split));
	snprintf(want, sizeof(want), "hetero_pipeline_layer_split: %s\n",
		 split);
	assert_non_null(strstr(yaml, want));
	json_object_put(o);
	free(json);
	free(yaml);
	free(v);

	/* one type: Megatron's arguments in the plan; an unknown device: no
	 * YAML, and still a plan */
	assert_int_equal(hetero_map_parse("n[1-2]:a100:8", &v, &n, NULL), 0);
	json = hetero_plan_json_ex(v, n, chips, models, &opts, "mlu590", &yaml,
				   &err);
	assert_non_null(json);
	assert_null(yaml);
	o = json_tokener_parse(json);
	assert_true(json_object_object_get_ex(o, "megatron_args", &f));
	assert_non_null(strstr(json_object_get_string(f),
			       "--tensor-model-parallel-size "));
	json_object_put(o);
	free(json);
	free(v);

	/* an inference plan: neither */
	opts.mode = "infer";
	assert_int_equal(hetero_map_parse("n1:a100:8", &v, &n, NULL), 0);
	json = hetero_plan_json_ex(v, n, chips, models, &opts, "a100", &yaml,
				   &err);
	assert_non_null(json);
	assert_null(yaml);
	assert_null(strstr(json, "megatron_args"));
	free(json);
	free(v);
}

static void plan_errors(void **state)
{
	struct hetero_node *v;
	size_t n;
	struct hetero_plan_opts opts = { .model = "no-such-model" };
	struct dlh_error err;

	assert_int_equal(hetero_map_parse("n1:a100:8", &v, &n, NULL), 0);
	assert_null(hetero_plan_json(v, n, chips, models, &opts, &err));
	assert_non_null(strstr(err.text, "no-such-model"));
	strcpy(v[0].type, "nochip");
	opts.model = NULL;
	assert_null(hetero_plan_json(v, n, chips, models, &opts, &err));
	assert_non_null(strstr(err.text, "nochip"));
	free(v);
}

/* After a shrink: the map keeps the nodes still in the job, in map order. */
static void keep_job_nodes(void **state)
{
	struct hetero_node *v, *k;
	size_t n, n_k;
	struct dlh_error err;
	struct hetero_plan_opts opts = { .model = "llama2-7b",
					 .generation = 3 };
	char *json;
	json_object *o, *f;

	assert_int_equal(hetero_map_parse("n[1-2]:a100:8;"
					  "n[5-6]:ascend910b:8",
					  &v, &n, NULL),
			 0);
	assert_int_equal(hetero_map_keep(v, n, "n[1,5-6]", &k, &n_k, &err), 0);
	assert_int_equal(n_k, 3);
	assert_string_equal(k[0].name, "n1");
	assert_string_equal(k[1].name, "n5");
	assert_string_equal(k[2].name, "n6");
	assert_int_equal(k[2].count, 8);
	json = hetero_plan_json(k, n_k, chips, models, &opts, &err);
	assert_non_null(json);
	o = json_tokener_parse(json);
	assert_true(json_object_object_get_ex(o, "world_size", &f));
	assert_int_equal(json_object_get_int(f), 24);
	assert_true(json_object_object_get_ex(o, "generation", &f));
	assert_int_equal(json_object_get_int(f), 3);
	json_object_put(o);
	free(json);
	free(k);
	/* nodes the map never had are ignored; none left is no error */
	assert_int_equal(hetero_map_keep(v, n, "x[1-3]", &k, &n_k, &err), 0);
	assert_int_equal(n_k, 0);
	free(k);
	/* a broken list from slurmctld is refused, with a message */
	assert_int_equal(hetero_map_keep(v, n, "n[1-", &k, &n_k, &err), -1);
	assert_null(k);
	assert_true(err.text[0] != '\0');
	assert_int_equal(hetero_map_keep(v, n, NULL, &k, &n_k, &err), -1);
	assert_non_null(strstr(err.text, "no hostlist"));
	free(v);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(parse_good),
		cmocka_unit_test(parse_hostile),
		cmocka_unit_test(parse_name_bound),
		cmocka_unit_test(plan_ranks_follow_job_order),
		cmocka_unit_test(plan_same_inputs_same_text),
		cmocka_unit_test(plan_framework_exports),
		cmocka_unit_test(plan_errors),
		cmocka_unit_test(keep_job_nodes),
		cmocka_unit_test(map_10000_nodes),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
