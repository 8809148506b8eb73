/*
 * Unit tests of accel_bind: --gpu-bind requests applied to accel devices,
 * and the one-device-per-rank default of --dl-hetero jobs.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "accel_bind.h"

static const int devs[] = { 4, 5, 6, 7 };

static void expect(const char *bind, int rank, int world, bool per_rank,
		   int want_rc, const int *want, size_t n_want)
{
	int out[ACCEL_BIND_MAX];
	size_t n, i;

	assert_int_equal(accel_bind_select(devs, 4, bind, rank, world, per_rank,
					   out, &n),
			 want_rc);
	if (want_rc != 1)
		return;
	assert_int_equal(n, n_want);
	for (i = 0; i < n; i++)
		assert_int_equal(out[i], want[i]);
}

static void per_task(void **state)
{
	expect("gpu:per_task:2", 0, 2, false, 1, (int[]){ 4, 5 }, 2);
	expect("gpu:per_task:2", 1, 2, false, 1, (int[]){ 6, 7 }, 2);
	expect("gpu:verbose,per_task:1", 3, 4, false, 1, (int[]){ 7 }, 1);
	/* more tasks than devices: wrap around, as devices are shared */
	expect("gpu:per_task:1", 5, 8, false, 1, (int[]){ 5 }, 1);
	expect("gpu:per_task:9", 0, 1, false, 1, (int[]){ 4, 5, 6, 7 }, 4);
}

static void map_gpu(void **state)
{
	expect("gpu:map_gpu:7,5", 0, 2, false, 1, (int[]){ 7 }, 1);
	expect("gpu:map_gpu:7,5", 1, 2, false, 1, (int[]){ 5 }, 1);
	expect("gpu:map_gpu:7,5", 2, 3, false, 1, (int[]){ 7 }, 1);
	/* an id the step does not hold: the first device */
	expect("gpu:map_gpu:0", 0, 1, false, 1, (int[]){ 4 }, 1);
}

static void default_per_rank(void **state)
{
	expect(NULL, 2, 4, true, 1, (int[]){ 6 }, 1);
	expect("", 1, 2, true, 1, (int[]){ 6, 7 }, 2);
	/* unsupported requests fall back to the per-rank default */
	expect("gpu:closest", 0, 4, true, 1, (int[]){ 4 }, 1);
	/* no request, not a --dl-hetero job: keep everything */
	expect(NULL, 0, 2, false, 0, NULL, 0);
	expect("gpu:closest", 0, 2, false, 0, NULL, 0);
}

/* 23.02+ bound accel itself (--tres-bind=gres/accel:...): keep it all */
static void slurm_bound(void **state)
{
	expect("gres/accel:per_task:1", 0, 4, true, 0, NULL, 0);
	expect("gres/accel:map:0,1", 1, 2, false, 0, NULL, 0);
	expect("gres/gpu:closest+gres/accel:per_task:2", 1, 2, true, 0, NULL,
	       0);
	/* 23.02+'s form of --gpu-bind still applies to accel devices */
	expect("gres/gpu:per_task:2", 1, 2, false, 1, (int[]){ 6, 7 }, 2);
	/* a gres whose name only starts like ours is not ours */
	expect("gres/accelx:per_task:1", 0, 4, true, 1, (int[]){ 4 }, 1);
}

static void hostile(void **state)
{
	expect("gpu:per_task:0", 0, 1, false, -1, NULL, 0);
	expect("gpu:per_task:-3", 0, 1, false, -1, NULL, 0);
	expect("gpu:per_task:x", 0, 1, false, -1, NULL, 0);
	expect("gpu:map_gpu:", 0, 1, false, -1, NULL, 0);
	expect("gpu:map_gpu:1,,2", 0, 1, false, -1, NULL, 0);
	expect("gpu:map_gpu:99999999", 0, 1, false, -1, NULL, 0);
	expect("gpu:map_gpu:0x1", 0, 1, false, -1, NULL, 0);
	expect(NULL, 2, 2, true, -1, NULL, 0);
	expect(NULL, -1, 2, true, -1, NULL, 0);
	expect(NULL, 0, 0, true, -1, NULL, 0);
}

static void parse_list(void **state)
{
	int out[4];
	size_t n;

	assert_int_equal(accel_bind_parse_list("0,3,5", out, 4, &n), 0);
	assert_int_equal(n, 3);
	assert_int_equal(out[2], 5);
	assert_int_equal(accel_bind_parse_list("1,2,3,4,5", out, 4, &n), -1);
	assert_int_equal(accel_bind_parse_list("1,", out, 4, &n), -1);
	assert_int_equal(accel_bind_parse_list(",1", out, 4, &n), -1);
	assert_int_equal(accel_bind_parse_list("", out, 4, &n), -1);
	assert_int_equal(accel_bind_parse_list(NULL, out, 4, &n), -1);
	assert_int_equal(accel_bind_parse_list("1 2", out, 4, &n), -1);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		/* clang-format off */
		cmocka_unit_test(per_task),
		cmocka_unit_test(map_gpu),
		cmocka_unit_test(default_per_rank),
		cmocka_unit_test(slurm_bound),
		cmocka_unit_test(hostile),
		cmocka_unit_test(parse_list),
		/* clang-format on */
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
