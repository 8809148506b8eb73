/* topo_blocks_parse: Slurm's printed block topology, good and hostile. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <cmocka.h>

#include "topo_blocks.h"

static int parse(const char *in, struct topo_block *out, size_t max,
		 struct dlh_error *err)
{
	static char buf[4096];

	snprintf(buf, sizeof(buf), "%s", in);
	return topo_blocks_parse(buf, out, max, err);
}

static void blocks(void **state)
{
	struct topo_block b[4];
	struct dlh_error err;

	assert_int_equal(
		parse("BlockName=b1 BlockIndex=0 Nodes=n[1,5] BlockSize=2\n"
		      "BlockName=b2 BlockIndex=1 Nodes=n[2,6] BlockSize=2\n"
		      "AggregatedBlock=b[1-2] BlockIndex=0 Nodes=n[1-2,5-6] "
		      "BlockSize=4\n",
		      b, 4, &err),
		3);
	assert_string_equal(b[0].name, "b1");
	assert_string_equal(b[0].nodes, "n[1,5]");
	assert_int_equal(b[0].size, 2);
	assert_false(b[0].aggregated);
	assert_string_equal(b[2].name, "b[1-2]");
	assert_int_equal(b[2].size, 4);
	assert_true(b[2].aggregated);
}

static void not_blocks(void **state)
{
	struct topo_block b[4];
	struct dlh_error err;

	assert_int_equal(parse("SwitchName=s1 Level=0 LinkSpeed=1 Nodes=n1\n",
			       b, 4, &err),
			 0);
	assert_int_equal(parse("", b, 4, &err), 0);
	assert_int_equal(topo_blocks_parse(NULL, b, 4, &err), 0);
	assert_int_equal(parse("\n\n  \n", b, 4, &err), 0);
}

static void hostile(void **state)
{
	static const char *bad[] = {
		"BlockName=b1 Nodes=n1",
		"BlockName=b1 BlockSize=2",
		"BlockName= Nodes=n1 BlockSize=2",
		"BlockName=b1 Nodes= BlockSize=2",
		"BlockName=b1 Nodes=n1 BlockSize=0",
		"BlockName=b1 Nodes=n1 BlockSize=-2",
		"BlockName=b1 Nodes=n1 BlockSize=2x",
		"BlockName=b1 Nodes=n1 BlockSize=99999999999999999999",
		"BlockName=b1 Nodes=n1 BlockSize=4294967296",
		"AggregatedBlock=a Nodes=n1 BlockSize=",
	};
	struct topo_block b[4];
	struct dlh_error err;
	size_t i;

	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		assert_int_equal(parse(bad[i], b, 4, &err), -1);
		assert_non_null(strstr(err.text, "topology line 1"));
	}
	/* more blocks than room */
	assert_int_equal(parse("BlockName=a Nodes=n1 BlockSize=1\n"
			       "BlockName=b Nodes=n2 BlockSize=1\n",
			       b, 1, &err),
			 -1);
	assert_non_null(strstr(err.text, "more than 1"));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(blocks),
		cmocka_unit_test(not_blocks),
		cmocka_unit_test(hostile),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
