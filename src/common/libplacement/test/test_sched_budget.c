/* Unit tests of sched_budget: placement work per second over all jobs. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>

#include <cmocka.h>

#include "sched_budget.h"

static void spends_then_waits_for_next_second(void **state)
{
	struct sched_budget b = { .per_second = 100 };
	int calls = 0;

	while (sched_budget_left(&b, 7)) {
		sched_budget_spend(&b, 30);
		calls++;
	}
	assert_int_equal(calls, 4); /* 0, 30, 60, 90 < 100 */
	assert_false(sched_budget_left(&b, 7));
	assert_true(sched_budget_left(&b, 8));
	assert_int_equal(b.spent, 0);
}

static void huge_work_saturates(void **state)
{
	struct sched_budget b = { .per_second = 10 };

	assert_true(sched_budget_left(&b, 1));
	sched_budget_spend(&b, UINT64_MAX - 1);
	sched_budget_spend(&b, UINT64_MAX - 1);
	assert_int_equal(b.spent, UINT64_MAX);
	assert_false(sched_budget_left(&b, 1));
	/* a clock that goes back is another second too */
	assert_true(sched_budget_left(&b, 0));
}

static void zero_budget_never_left(void **state)
{
	struct sched_budget b = { .per_second = 0 };

	assert_false(sched_budget_left(&b, 5));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(spends_then_waits_for_next_second),
		cmocka_unit_test(huge_work_saturates),
		cmocka_unit_test(zero_budget_never_left),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
