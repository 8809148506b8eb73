/* Unit tests of rendezvous: MASTER_PORT and the network the ranks use. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cmocka.h>

#include "dlh_test.h"

#include "rendezvous.h"

static void port_in_range_and_stable(void **state)
{
	uint32_t job, step;
	uint16_t p;

	for (job = 1; job < 2000; job++) {
		for (step = 0; step < 4; step++) {
			p = dlh_master_port("c", job, step);
			assert_true(p >= DLH_PORT_BASE);
			assert_true(p < DLH_PORT_BASE + DLH_PORT_SPAN);
			assert_int_equal(p, dlh_master_port("c", job, step));
		}
	}
}

/* Consecutive jobs (the common case on one node) rarely collide. */
static void ports_spread(void **state)
{
	int seen[DLH_PORT_SPAN] = { 0 }, same = 0;
	uint32_t job;

	for (job = 1000; job < 1100; job++)
		same += seen[dlh_master_port(NULL, job, 0) - DLH_PORT_BASE]++ >
			0;
	assert_true(same < 5);
	assert_int_not_equal(dlh_master_port(NULL, 7, 0),
			     dlh_master_port(NULL, 7, 1));
	/* job 1 of two clusters (test clusters on one host) */
	assert_int_not_equal(dlh_master_port("dlh27800t1", 1, 0),
			     dlh_master_port("dlh28800t2", 1, 0));
	assert_int_equal(dlh_master_port("", 7, 0),
			 dlh_master_port(NULL, 7, 0));
}

static void tcp_ifname_set(void **state)
{
	char buf[64];

	assert_int_equal(dlh_tcp_ifname(buf, sizeof(buf)), 0);
	assert_true(strlen(buf) > 0);
}

/* A class folder as the kernel fills it: the devices, sorted. */
static void rdma_from_class_dir(void **state)
{
	char dir[] = "/tmp/dlh-test-ib.XXXXXX", path[128], buf[256];
	static const char *devs[] = { "mlx5_1", "mlx5_0", "irdma0" };
	size_t i;

	assert_non_null(mkdtemp(dir));
	assert_int_equal(dlh_rdma_devices(dir, buf, sizeof(buf)), 0);
	assert_string_equal(buf, "");
	for (i = 0; i < 3; i++) {
		snprintf(path, sizeof(path), "%s/%s", dir, devs[i]);
		assert_int_equal(mkdir(path, 0755), 0);
	}
	assert_int_equal(dlh_rdma_devices(dir, buf, sizeof(buf)), 0);
	assert_string_equal(buf, "irdma0,mlx5_0,mlx5_1");
	/* what does not fit is left out, never cut */
	assert_int_equal(dlh_rdma_devices(dir, buf, 14), 0);
	assert_string_equal(buf, "irdma0,mlx5_0");
	for (i = 0; i < 3; i++) {
		snprintf(path, sizeof(path), "%s/%s", dir, devs[i]);
		rmdir(path);
	}
	rmdir(dir);
	assert_int_equal(dlh_rdma_devices("/nonexistent", buf, sizeof(buf)),
			 -1);
	/* this machine: no folder is no RDMA device, not an error */
	assert_int_equal(dlh_rdma_devices(NULL, buf, sizeof(buf)), 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(port_in_range_and_stable),
		cmocka_unit_test(ports_spread),
		cmocka_unit_test(tcp_ifname_set),
		cmocka_unit_test(rdma_from_class_dir),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
