/*
 * Unit tests of accel_env: the variables each vendor's task gets, the
 * foreign variables to unset, and how tasks of a node share devices.
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

#include "accel_env.h"
#include "chip_catalog.h"
#include "dlh_log.h"

static struct chip_catalog *catalog;

static int group_setup(void **state)
{
	char path[4096];

	catalog = chip_catalog_load(
		src_path(path, sizeof(path), "data/chips.json"), NULL);
	dlh_log_set_sink(quiet_sink);
	return catalog ? 0 : -1;
}

static int group_teardown(void **state)
{
	dlh_log_set_sink(NULL);
	chip_catalog_free(catalog);
	return 0;
}

static const struct chip_type *type(const char *name)
{
	const struct chip_type *t = chip_catalog_find(catalog, name);

	assert_non_null(t);
	return t;
}

/* @env must hold exactly the NULL-terminated @want, in order. */
static void assert_env(char **env, const char *const *want)
{
	size_t i;

	assert_non_null(env);
	for (i = 0; want[i]; i++) {
		assert_non_null(env[i]);
		assert_string_equal(env[i], want[i]);
	}
	assert_null(env[i]);
}

static void test_env_nvidia(void **state)
{
	static const int idx[] = { 0, 1 };
	static const char *const want[] = {
		"CUDA_VISIBLE_DEVICES=0,1",
		"NVIDIA_VISIBLE_DEVICES=0,1",
		"DL_CHIP_TYPE=h200",
		"DL_DEVICE=cuda",
		"DL_CCL=nccl",
		NULL,
	};
	char **env = accel_env_build(type("h200"), idx, 2, NULL);

	assert_env(env, want);
	accel_env_free(env);
}

static void test_env_ascend(void **state)
{
	static const int idx[] = { 3 };
	static const char *const want[] = {
		"ASCEND_RT_VISIBLE_DEVICES=3",
		"ASCEND_VISIBLE_DEVICES=3",
		"DL_CHIP_TYPE=ascend910b",
		"DL_DEVICE=ascend",
		"DL_CCL=hccl",
		NULL,
	};
	char **env = accel_env_build(type("ascend910b"), idx, 1, NULL);

	assert_env(env, want);
	accel_env_free(env);
}

static void test_env_cambricon(void **state)
{
	static const int idx[] = { 4, 5, 6, 7 };
	static const char *const want[] = {
		"MLU_VISIBLE_DEVICES=4,5,6,7",
		"CAMBRICON_VISIBLE_DEVICES=4,5,6,7",
		"DL_CHIP_TYPE=mlu590",
		"DL_DEVICE=camb",
		"DL_CCL=cncl",
		NULL,
	};
	char **env = accel_env_build(type("mlu590"), idx, 4, NULL);

	assert_env(env, want);
	accel_env_free(env);
}

/* No DIPU build for AMD: DL_DEVICE falls back to the vendor. */
static void test_env_amd_without_dipu(void **state)
{
	static const int idx[] = { 0, 2 };
	static const char *const want[] = {
		"ROCR_VISIBLE_DEVICES=0,2",
		"DL_CHIP_TYPE=mi300x",
		"DL_DEVICE=amd",
		"DL_CCL=rccl",
		NULL,
	};
	char **env = accel_env_build(type("mi300x"), idx, 2, NULL);

	assert_env(env, want);
	accel_env_free(env);
}

static void test_env_kunlunxin(void **state)
{
	static const int idx[] = { 10 };
	static const char *const want[] = {
		"XPU_VISIBLE_DEVICES=10",
		"DL_CHIP_TYPE=p800",
		"DL_DEVICE=kunlunxin",
		"DL_CCL=bkcl",
		NULL,
	};
	char **env = accel_env_build(type("p800"), idx, 1, NULL);

	assert_env(env, want);
	accel_env_free(env);
}

static void test_env_edge_cases(void **state)
{
	static const int negative[] = { 0, -1 };
	static const char *const none[] = {
		"XPU_VISIBLE_DEVICES=",
		"DL_CHIP_TYPE=p800",
		"DL_DEVICE=kunlunxin",
		"DL_CCL=bkcl",
		NULL,
	};
	struct dlh_error err;
	char **env;

	/* No device: an empty list hides all of them. */
	env = accel_env_build(type("p800"), NULL, 0, NULL);
	assert_env(env, none);
	accel_env_free(env);

	assert_null(accel_env_build(type("p800"), negative, 2, &err));
	assert_non_null(strstr(err.text, "negative device index"));
	assert_null(accel_env_build(NULL, negative, 1, &err));
	assert_non_null(strstr(err.text, "missing argument"));
	assert_null(accel_env_build(type("p800"), NULL, 1, NULL));
	accel_env_free(NULL);
}

static int list_has(const char **list, const char *name)
{
	size_t i;

	for (i = 0; list[i]; i++)
		if (!strcmp(list[i], name))
			return 1;
	return 0;
}

static void assert_no_duplicates(const char **list)
{
	size_t i, j;

	for (i = 0; list[i]; i++)
		for (j = 0; j < i; j++)
			assert_string_not_equal(list[i], list[j]);
}

static void test_foreign_vars(void **state)
{
	const char **vars;

	vars = accel_env_foreign_vars(catalog, type("ascend910b"));
	assert_non_null(vars);
	assert_true(list_has(vars, "CUDA_VISIBLE_DEVICES"));
	assert_true(list_has(vars, "NVIDIA_VISIBLE_DEVICES"));
	assert_true(list_has(vars, "ROCR_VISIBLE_DEVICES"));
	assert_true(list_has(vars, "HIP_VISIBLE_DEVICES"));
	assert_true(list_has(vars, "MLU_VISIBLE_DEVICES"));
	assert_true(list_has(vars, "XPU_VISIBLE_DEVICES"));
	assert_true(list_has(vars, "SUPA_VISIBLE_DEVICES"));
	assert_false(list_has(vars, "ASCEND_RT_VISIBLE_DEVICES"));
	assert_false(list_has(vars, "ASCEND_VISIBLE_DEVICES"));
	assert_no_duplicates(vars);
	free(vars);

	/* MetaX reads CUDA_VISIBLE_DEVICES itself: it must not be unset,
	 * though NVIDIA's container variable must. */
	vars = accel_env_foreign_vars(catalog, type("c500"));
	assert_false(list_has(vars, "CUDA_VISIBLE_DEVICES"));
	assert_true(list_has(vars, "NVIDIA_VISIBLE_DEVICES"));
	assert_true(list_has(vars, "ASCEND_RT_VISIBLE_DEVICES"));
	assert_no_duplicates(vars);
	free(vars);

	vars = accel_env_foreign_vars(catalog, type("h200"));
	assert_false(list_has(vars, "CUDA_VISIBLE_DEVICES"));
	assert_false(list_has(vars, "NVIDIA_VISIBLE_DEVICES"));
	assert_true(list_has(vars, "IX_VISIBLE_DEVICES"));
	assert_no_duplicates(vars);
	free(vars);

	/* No type: every variable of the catalog. */
	vars = accel_env_foreign_vars(catalog, NULL);
	assert_true(list_has(vars, "CUDA_VISIBLE_DEVICES"));
	assert_true(list_has(vars, "ASCEND_RT_VISIBLE_DEVICES"));
	assert_no_duplicates(vars);
	free(vars);
}

static void share(const int *alloc, size_t n_alloc, size_t task, size_t n_tasks,
		  int *out, size_t *n_out)
{
	assert_int_equal(accel_env_task_share(alloc, n_alloc, task, n_tasks,
					      out, n_out),
			 0);
}

/* Two tasks on one node get disjoint halves. */
static void test_two_tasks_disjoint(void **state)
{
	static const int alloc[] = { 0, 1, 2, 3, 4, 5, 6, 7 };
	int a[8], b[8];
	size_t na, nb, i, j;

	share(alloc, 8, 0, 2, a, &na);
	share(alloc, 8, 1, 2, b, &nb);
	assert_int_equal(na, 4);
	assert_int_equal(nb, 4);
	for (i = 0; i < na; i++)
		for (j = 0; j < nb; j++)
			assert_int_not_equal(a[i], b[j]);
	assert_int_equal(a[0], 0);
	assert_int_equal(a[3], 3);
	assert_int_equal(b[0], 4);
	assert_int_equal(b[3], 7);
}

static void test_uneven_and_shared(void **state)
{
	static const int alloc[] = { 2, 5, 6, 9, 11 };
	int out[5];
	size_t n;

	/* 5 devices, 2 tasks: 3 then 2, contiguous in allocation order. */
	share(alloc, 5, 0, 2, out, &n);
	assert_int_equal(n, 3);
	assert_int_equal(out[0], 2);
	assert_int_equal(out[2], 6);
	share(alloc, 5, 1, 2, out, &n);
	assert_int_equal(n, 2);
	assert_int_equal(out[0], 9);
	assert_int_equal(out[1], 11);

	/* 2 devices, 4 tasks: one device each, round-robin. */
	share(alloc, 2, 0, 4, out, &n);
	assert_int_equal(n, 1);
	assert_int_equal(out[0], 2);
	share(alloc, 2, 1, 4, out, &n);
	assert_int_equal(out[0], 5);
	share(alloc, 2, 2, 4, out, &n);
	assert_int_equal(out[0], 2);
	share(alloc, 2, 3, 4, out, &n);
	assert_int_equal(out[0], 5);

	assert_int_equal(accel_env_task_share(alloc, 5, 2, 2, out, &n), -1);
	assert_int_equal(accel_env_task_share(alloc, 0, 0, 1, out, &n), -1);
	assert_int_equal(accel_env_task_share(alloc, 5, 0, 0, out, &n), -1);
	assert_int_equal(accel_env_task_share(NULL, 5, 0, 1, out, &n), -1);
}

/* For every split with enough devices: the shares partition the
 * allocation, in order, with sizes differing by at most one. */
static void test_share_partitions(void **state)
{
	int alloc[16], out[16];
	size_t n_alloc, n_tasks, task, n, i;

	for (i = 0; i < 16; i++)
		alloc[i] = (int) (100 + 3 * i);
	for (n_alloc = 1; n_alloc <= 16; n_alloc++) {
		for (n_tasks = 1; n_tasks <= n_alloc; n_tasks++) {
			size_t next = 0, min = 16, max = 0;

			for (task = 0; task < n_tasks; task++) {
				share(alloc, n_alloc, task, n_tasks, out, &n);
				assert_true(n >= 1);
				for (i = 0; i < n; i++)
					assert_int_equal(out[i], alloc[next++]);
				min = n < min ? n : min;
				max = n > max ? n : max;
			}
			assert_int_equal(next, n_alloc);
			assert_true(max - min <= 1);
		}
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_env_nvidia),
		cmocka_unit_test(test_env_ascend),
		cmocka_unit_test(test_env_cambricon),
		cmocka_unit_test(test_env_amd_without_dipu),
		cmocka_unit_test(test_env_kunlunxin),
		cmocka_unit_test(test_env_edge_cases),
		cmocka_unit_test(test_foreign_vars),
		cmocka_unit_test(test_two_tasks_disjoint),
		cmocka_unit_test(test_uneven_and_shared),
		cmocka_unit_test(test_share_partitions),
	};

	return cmocka_run_group_tests(tests, group_setup, group_teardown);
}
