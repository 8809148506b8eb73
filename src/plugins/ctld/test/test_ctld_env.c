/*
 * Unit tests of ctld_env: a job's spank environment as slurmctld keeps it.
 * Built with Slurm's headers and linked with the public libslurm, so the
 * array is made and freed with Slurm's own xmalloc, the way slurmctld does.
 * Run under AddressSanitizer (make check-unit in build-asan), a read past
 * the array's end fails the test.
 */
#include "config.h"

#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "src/common/slurm_xlator.h"
#include "src/common/env.h"
#include "src/common/xmalloc.h"
#include "src/common/xstring.h"

#include "ctld_env.h"

/* What slurmctld does with a request's array (xduparray: size + 1). */
static char **job_env(uint32_t size, uint32_t *out_size)
{
	char **env = xcalloc(size + 1, sizeof(char *));
	uint32_t i;

	for (i = 0; i < size; i++)
		env[i] = xstrdup_printf("SPANK_VAR%u=%u", i, i);
	*out_size = size;
	return env;
}

static void free_env(char **env, uint32_t size)
{
	uint32_t i;

	for (i = 0; i < size; i++)
		xfree(env[i]);
	xfree(env);
}

/* Walk up to NULL as job_common_env_vars() and env_array_merge() do. */
static uint32_t walk(char **env)
{
	uint32_t n = 0;

	while (env[n])
		n++;
	return n;
}

static void added_entry_keeps_null_end(void **state)
{
	uint32_t size, start;
	char **env, **merged = NULL;

	for (start = 0; start < 8; start++) {
		env = job_env(start, &size);
		ctld_env_set(&env, &size, "DL_HETERO_MAP", "n1:a100:8");
		assert_int_equal(size, start + 1);
		assert_null(env[size]);
		assert_int_equal(walk(env), size);
		assert_string_equal(ctld_env_get(env, size, "DL_HETERO_MAP"),
				    "n1:a100:8");
		/* slurmctld's own walk, as for MailProg */
		env_array_merge(&merged, (const char **) env);
		assert_non_null(merged);
		assert_int_equal(walk(merged), size);
		env_array_free(merged);
		merged = NULL;
		free_env(env, size);
	}
}

static void empty_env_grows(void **state)
{
	char **env = NULL;
	uint32_t size = 0;

	ctld_env_set(&env, &size, "DL_HETERO", "auto:8");
	ctld_env_set(&env, &size, "DL_HETERO_MAP", "n1:a100:8");
	assert_int_equal(size, 2);
	assert_null(env[2]);
	assert_string_equal(env[0], "DL_HETERO=auto:8");
	assert_string_equal(env[1], "DL_HETERO_MAP=n1:a100:8");
	free_env(env, size);
}

static void replaced_entry_keeps_size(void **state)
{
	uint32_t size;
	char **env = job_env(3, &size);

	ctld_env_set(&env, &size, "DL_HETERO_MAP", "n1:a100:8");
	ctld_env_set(&env, &size, "DL_HETERO_MAP", "n2:mlu590:4");
	assert_int_equal(size, 4);
	assert_null(env[size]);
	assert_string_equal(ctld_env_get(env, size, "DL_HETERO_MAP"),
			    "n2:mlu590:4");
	/* a longer name that starts the same is another variable */
	ctld_env_set(&env, &size, "DL_HETERO", "auto:4");
	assert_int_equal(size, 5);
	assert_null(env[size]);
	assert_string_equal(ctld_env_get(env, size, "DL_HETERO"), "auto:4");
	assert_null(ctld_env_get(env, size, "DL_HETER"));
	free_env(env, size);
}

static void many_entries(void **state)
{
	uint32_t size, i;
	char **env = job_env(0, &size), name[32];

	for (i = 0; i < 200; i++) {
		snprintf(name, sizeof(name), "DL_X%u", i);
		ctld_env_set(&env, &size, name, "v");
		assert_null(env[size]);
	}
	assert_int_equal(size, 200);
	assert_int_equal(walk(env), 200);
	free_env(env, size);
}

/* --dl-part-of's job id, as the user typed it */
static void job_ids(void **state)
{
	static const struct {
		const char *value;
		uint32_t id;
	} cases[] = {
		{ "12", 12 },	     { "4294967295", 4294967295u },
		{ "4294967296", 0 }, { "0", 0 },
		{ "012", 0 },	     { "-1", 0 },
		{ "+1", 0 },	     { " 1", 0 },
		{ "1 ", 0 },	     { "1x", 0 },
		{ "", 0 },	     { "99999999999999999999999", 0 },
	};
	char **env = NULL;
	uint32_t size = 0;
	size_t i;

	(void) state;
	assert_int_equal(ctld_env_job_id(NULL, 0, "DL_PART_OF"), 0);
	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		ctld_env_set(&env, &size, "DL_PART_OF", cases[i].value);
		if (ctld_env_job_id(env, size, "DL_PART_OF") != cases[i].id)
			fail_msg("\"%s\" gave %u", cases[i].value,
				 ctld_env_job_id(env, size, "DL_PART_OF"));
	}
	free_env(env, size);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(added_entry_keeps_null_end),
		cmocka_unit_test(empty_env_grows),
		cmocka_unit_test(replaced_entry_keeps_size),
		cmocka_unit_test(many_entries),
		cmocka_unit_test(job_ids),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
