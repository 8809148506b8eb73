/*
 * Unit tests of accel_devices: what gres/accel gives a job, step or task
 * for a set of gres bits.
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

#include "accel_devices.h"

static char catalog[4096];

static int setup(void **state)
{
	dlh_log_set_sink(quiet_sink);
	src_path(catalog, sizeof(catalog), "data/chips.json");
	return 0;
}

static const char *value(const struct accel_env_list *l, const char *name)
{
	size_t i;

	for (i = 0; i < l->n_set; i++)
		if (!strcmp(l->name[i], name))
			return l->value[i];
	return NULL;
}

static int unsets(const struct accel_env_list *l, const char *name)
{
	size_t i;

	for (i = 0; i < l->n_unset; i++)
		if (!strcmp(l->unset[i], name))
			return 1;
	return 0;
}

/* Ascend devices numbered by their files, not by their gres bits. */
static void ascend_env(void **state)
{
	struct accel_devices *d = accel_devices_new(catalog);
	struct accel_env_list *l;
	int idx[] = { 1, 3 };

	accel_devices_add(d, "ascend910b", "/dev/davinci4");
	accel_devices_add(d, "ascend910b", "/dev/davinci5");
	accel_devices_add(d, "ascend910b", "/dev/davinci6");
	accel_devices_add(d, "ascend910b", "/dev/davinci7");
	assert_int_equal(accel_devices_count(d), 4);
	assert_int_equal(accel_devices_get(d, 2)->dev_num, 6);
	l = accel_devices_env(d, idx, 2, NULL);
	assert_non_null(l);
	assert_string_equal(value(l, "ASCEND_RT_VISIBLE_DEVICES"), "5,7");
	assert_string_equal(value(l, "DL_CHIP_TYPE"), "ascend910b");
	assert_string_equal(value(l, "DL_DEVICE"), "ascend");
	assert_null(value(l, "CUDA_VISIBLE_DEVICES"));
	assert_true(unsets(l, "MLU_VISIBLE_DEVICES"));
	assert_false(unsets(l, "ASCEND_RT_VISIBLE_DEVICES"));
	accel_env_list_free(l);
	accel_devices_free(d);
}

static void cambricon_env(void **state)
{
	struct accel_devices *d = accel_devices_new(catalog);
	struct accel_env_list *l;
	int idx[] = { 0 };

	accel_devices_add(d, "mlu590", "/dev/cambricon_dev2");
	l = accel_devices_env(d, idx, 1, NULL);
	assert_non_null(l);
	assert_string_equal(value(l, "MLU_VISIBLE_DEVICES"), "2");
	assert_string_equal(value(l, "DL_CHIP_TYPE"), "mlu590");
	assert_true(unsets(l, "ASCEND_RT_VISIBLE_DEVICES"));
	accel_env_list_free(l);
	accel_devices_free(d);
}

/* Two NVIDIA types on one node share CUDA's numbering and variable. */
static void two_types_one_vendor(void **state)
{
	struct accel_devices *d = accel_devices_new(catalog);
	struct accel_env_list *l;
	int idx[] = { 0, 1 };

	accel_devices_add(d, "a100", "/dev/nvidia0");
	accel_devices_add(d, "h100", "/dev/nvidia1");
	l = accel_devices_env(d, idx, 2, NULL);
	assert_non_null(l);
	assert_string_equal(value(l, "CUDA_VISIBLE_DEVICES"), "0,1");
	assert_string_equal(value(l, "DL_CHIP_TYPE"), "a100,h100");
	accel_env_list_free(l);
	accel_devices_free(d);
}

static void no_catalog_counts_only(void **state)
{
	struct accel_devices *d = accel_devices_new("/nonexistent.json");
	struct dlh_error err;
	int idx[] = { 0 };

	accel_devices_add(d, "a100", "/dev/nvidia0");
	accel_devices_add_count(d, "a100", 3);
	assert_int_equal(accel_devices_count(d), 4);
	/* nothing to set is no failure: err stays empty */
	assert_null(accel_devices_env(d, idx, 1, &err));
	assert_string_equal(err.text, "");
	accel_devices_free(d);
}

static void bad_indexes_ignored(void **state)
{
	struct accel_devices *d = accel_devices_new(catalog);
	int idx[] = { -1, 7, 1000 };

	accel_devices_add(d, "a100", "/dev/nvidia0");
	assert_null(accel_devices_env(d, idx, 3, NULL));
	accel_devices_free(d);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(ascend_env),
		cmocka_unit_test(cambricon_env),
		cmocka_unit_test(two_types_one_vendor),
		cmocka_unit_test(no_catalog_counts_only),
		cmocka_unit_test(bad_indexes_ignored),
	};

	return cmocka_run_group_tests(tests, setup, NULL);
}
