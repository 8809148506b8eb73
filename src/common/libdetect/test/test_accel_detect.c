/*
 * Unit tests of accel_detect on hwloc XML topologies: the real H200 export
 * and the generated 8-device nodes of tests/fixtures/hwloc.
 */
#define _GNU_SOURCE
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "dlh_test.h"

#include "accel_detect.h"
#include "accel_devices.h"
#include "chip_catalog.h"
#include "detect_check.h"
#include "dlh_log.h"

static struct chip_catalog *catalog;

static void fixture(char *buf, size_t len, const char *name)
{
	char rel[256];

	snprintf(rel, sizeof(rel), "tests/fixtures/hwloc/%s", name);
	src_path(buf, len, rel);
}

static int group_setup(void **state)
{
	char path[4096];

	catalog = chip_catalog_load(
		src_path(path, sizeof(path), "data/chips.json"), NULL);
	if (!catalog)
		return -1;
	dlh_log_set_sink(capture_sink);
	return 0;
}

static int group_teardown(void **state)
{
	dlh_log_set_sink(NULL);
	chip_catalog_free(catalog);
	return 0;
}

static void detect_fixture(const char *name, struct accel_device **devs,
			   size_t *n)
{
	char path[4096];

	fixture(path, sizeof(path), name);
	n_errors = 0;
	assert_int_equal(accel_detect(catalog, path, devs, n, NULL), 0);
	assert_int_equal(n_errors, 0);
}

static void test_h200_vm(void **state)
{
	struct accel_device *devs;
	size_t n;

	detect_fixture("h200-vm.xml", &devs, &n);
	assert_int_equal(n, 1);
	assert_string_equal(devs[0].type->name, "h200");
	assert_string_equal(devs[0].busid, "0000:00:06.0");
	assert_string_equal(devs[0].cores, "0-15");
	assert_int_equal(devs[0].index, 0);
	assert_string_equal(devs[0].dev_file, "/dev/nvidia0");
	assert_int_equal(devs[0].numa, 0);
	accel_detect_free(devs);
}

static void test_h200_gres_conf(void **state)
{
	struct accel_device *devs;
	char *conf;
	size_t n;

	detect_fixture("h200-vm.xml", &devs, &n);
	conf = accel_gres_conf(devs, n);
	assert_non_null(conf);
	assert_string_equal(conf, "Name=accel Type=h200 File=/dev/nvidia0 "
				  "Cores=0-15\n");
	free(conf);
	accel_detect_free(devs);

	conf = accel_gres_conf(NULL, 0);
	assert_non_null(conf);
	assert_string_equal(conf, "");
	free(conf);
}

struct vendor_case {
	const char *file;
	const char *type;
	const char *dev0; /* device file of index 0 */
	const char *dev7; /* device file of index 7 */
};

static const struct vendor_case vendor_cases[] = {
	{ "mi300x-8dev.xml", "mi300x", "/dev/dri/renderD128",
	  "/dev/dri/renderD135" },
	{ "ascend910b-8dev.xml", "ascend910b", "/dev/davinci0",
	  "/dev/davinci7" },
	{ "mlu590-8dev.xml", "mlu590", "/dev/cambricon_dev0",
	  "/dev/cambricon_dev7" },
	{ "k100-8dev.xml", "k100", "/dev/dri/renderD128",
	  "/dev/dri/renderD135" },
	{ "p800-8dev.xml", "p800", "/dev/xpu0", "/dev/xpu7" },
	{ "c500-8dev.xml", "c500", "/dev/dri/renderD128",
	  "/dev/dri/renderD135" },
	{ "bi150-8dev.xml", "bi150", "/dev/iluvatar0", "/dev/iluvatar7" },
	{ "s4000-8dev.xml", "s4000", "/dev/mtgpu.0", "/dev/mtgpu.7" },
};

static void test_vendor_topologies(void **state)
{
	size_t c, i;

	for (c = 0; c < sizeof(vendor_cases) / sizeof(*vendor_cases); c++) {
		const struct vendor_case *vc = &vendor_cases[c];
		struct accel_device *devs;
		size_t n;

		print_message("# %s\n", vc->file);
		detect_fixture(vc->file, &devs, &n);
		assert_int_equal(n, 8);
		for (i = 0; i < n; i++) {
			const struct accel_device *d = &devs[i];

			assert_string_equal(d->type->name, vc->type);
			assert_int_equal(d->index, (int) i);
			assert_string_equal(d->cores, i < 4 ? "0-15" : "16-31");
			assert_int_equal(d->numa, i < 4 ? 0 : 1);
			/* Ordered by bus id although the XML lists each
			 * switch's ports in reverse. */
			if (i)
				assert_true(strcmp(devs[i - 1].busid,
						   d->busid) < 0);
		}
		assert_string_equal(devs[0].busid, "0000:12:00.0");
		assert_string_equal(devs[7].busid, "0000:95:00.0");
		assert_string_equal(devs[0].dev_file, vc->dev0);
		assert_string_equal(devs[7].dev_file, vc->dev7);
		accel_detect_free(devs);
	}
}

/*
 * One node, two vendors, and an NVIDIA device missing from the catalog:
 * it is skipped but keeps its place in the CUDA numbering; each vendor
 * counts from 0; the NIC and the BMC VGA are ignored.
 */
static void test_mixed_node(void **state)
{
	static const int a100_index[] = { 0, 1, 3 };
	struct accel_device *devs;
	size_t n, i;

	detect_fixture("mixed-8dev.xml", &devs, &n);
	assert_int_equal(n, 7);
	for (i = 0; i < 3; i++) {
		assert_string_equal(devs[i].type->name, "a100");
		assert_int_equal(devs[i].index, a100_index[i]);
		assert_string_equal(devs[i].cores, "0-15");
	}
	assert_string_equal(devs[2].dev_file, "/dev/nvidia3");
	for (i = 3; i < 7; i++) {
		assert_string_equal(devs[i].type->name, "mlu370");
		assert_int_equal(devs[i].index, (int) i - 3);
		assert_string_equal(devs[i].cores, "16-31");
	}
	accel_detect_free(devs);
}

/* Copy a fixture with every @from replaced by @to into a temporary file. */
static void edited_fixture(const char *name, const char *from, const char *to,
			   char *out, size_t out_len)
{
	char path[4096], *text, *p;
	FILE *in, *f;
	long size;
	int fd;

	fixture(path, sizeof(path), name);
	in = fopen(path, "rb");
	assert_non_null(in);
	assert_int_equal(fseek(in, 0, SEEK_END), 0);
	size = ftell(in);
	rewind(in);
	text = malloc(size + 1);
	assert_non_null(text);
	assert_int_equal(fread(text, 1, size, in), (size_t) size);
	text[size] = '\0';
	fclose(in);

	snprintf(out, out_len, "/tmp/dlh-topo-XXXXXX");
	fd = mkstemp(out);
	assert_true(fd >= 0);
	f = fdopen(fd, "w");
	assert_non_null(f);
	for (p = text; *p;) {
		char *hit = strstr(p, from);

		if (!hit) {
			fputs(p, f);
			break;
		}
		fwrite(p, 1, hit - p, f);
		fputs(to, f);
		p = hit + strlen(from);
	}
	assert_int_equal(fclose(f), 0);
	free(text);
}

/* The DRM node hwloc reports wins over device_index_base + index. */
static void test_render_node_from_hwloc(void **state)
{
	struct accel_device *devs;
	char path[64];
	size_t n;

	edited_fixture("mi300x-8dev.xml", "\"renderD", "\"renderD9", path,
		       sizeof(path));
	assert_int_equal(accel_detect(catalog, path, &devs, &n, NULL), 0);
	unlink(path);
	assert_int_equal(n, 8);
	assert_string_equal(devs[0].dev_file, "/dev/dri/renderD9128");
	assert_string_equal(devs[7].dev_file, "/dev/dri/renderD9135");
	accel_detect_free(devs);
}

static void test_errors(void **state)
{
	struct accel_device *devs = (void *) 1;
	struct dlh_error err = { "" };
	char path[64];
	size_t n = 7;

	n_errors = 0;
	assert_int_equal(accel_detect(catalog, "/nonexistent/topo.xml", &devs,
				      &n, &err),
			 -1);
	assert_true(err.text[0] != '\0');
	assert_null(devs);
	assert_int_equal(n, 0);

	edited_fixture("h200-vm.xml", "<topology", "<garbage", path,
		       sizeof(path));
	err.text[0] = '\0';
	assert_int_equal(accel_detect(catalog, path, &devs, &n, &err), -1);
	unlink(path);
	assert_true(err.text[0] != '\0');
	assert_non_null(strstr(err.text, path));

	assert_int_equal(accel_detect(NULL, NULL, &devs, &n, &err), -1);
	assert_non_null(strstr(err.text, "missing argument"));
	/* returned, not logged */
	assert_int_equal(n_errors, 0);
}

/* A catalog without the vendor finds nothing, and that is not an error. */
static void test_no_match(void **state)
{
	static const char doc[] =
		"{\"version\":1,\"chips\":[{\"name\":\"x1\",\"vendor\":\"v\","
		"\"pci_vendor\":\"abcd\",\"pci_devices\":[\"0001\"],"
		"\"device_file\":\"/dev/x%d\",\"ctl_files\":[],"
		"\"visible_env\":[\"X_VISIBLE_DEVICES\"],\"ccl\":\"xccl\","
		"\"link\":\"xlink\",\"mem_gb\":1,\"tflops_bf16\":1,"
		"\"mem_tbps\":1,\"link_gbps\":0,\"efficiency\":0.5,"
		"\"source\":\"test\"}]}";
	struct chip_catalog *other =
		chip_catalog_parse(doc, strlen(doc), "x", NULL);
	struct accel_device *devs;
	char path[4096];
	size_t n;

	assert_non_null(other);
	fixture(path, sizeof(path), "ascend910b-8dev.xml");
	assert_int_equal(accel_detect(other, path, &devs, &n, NULL), 0);
	assert_int_equal(n, 0);
	assert_null(devs);
	chip_catalog_free(other);
}

/* The live machine must not fail (it may well have no accelerator). */
static void test_this_machine(void **state)
{
	struct accel_device *devs;
	size_t n;

	assert_int_equal(accel_detect(catalog, NULL, &devs, &n, NULL), 0);
	accel_detect_free(devs);
}

/*
 * The AutoDetect=hwloc check on the mixed node (a100 on /dev/nvidia0,1,3,
 * four mlu370): a device gres.conf misses, one it types wrongly, one it
 * lists where nothing is; the rest agree.
 */
static void test_compare(void **state)
{
	static const struct detect_entry conf[] = {
		{ "a100", "/dev/nvidia0" },
		{ "mlu370", "/dev/nvidia1" },
		{ "a100", "/dev/nvidia7" },
		{ NULL, NULL }, /* a count-only line */
	};
	struct dlh_error err;
	char path[4096], **msgs;
	size_t n, i;

	fixture(path, sizeof(path), "mixed-8dev.xml");
	assert_int_equal(accel_detect_compare(catalog, path, conf, 4, &msgs, &n,
					      &err),
			 0);
	/* 7 found: nvidia0 agrees, nvidia1 mistyped, 5 not listed; and
	 * nvidia7 listed but not there */
	assert_int_equal(n, 7);
	assert_non_null(strstr(msgs[0], "gres.conf says /dev/nvidia1 is "
					"mlu370, hwloc finds a100"));
	for (i = 1; i < 6; i++)
		assert_non_null(strstr(msgs[i], "but gres.conf does not list"));
	assert_non_null(strstr(msgs[6], "gres.conf lists /dev/nvidia7, hwloc "
					"finds no accelerator"));
	accel_detect_msgs_free(msgs, n);
	assert_int_equal(accel_detect_compare(catalog, "/nonexistent.xml", conf,
					      4, &msgs, &n, &err),
			 -1);
	assert_null(msgs);
}

/*
 * gres/accel's way in: accel_devices_check_detected() opens the module of
 * this build (DLH_DETECT_MODULE), which detects "this machine" (here the
 * H200 export, through HWLOC_XMLFILE) and says what gres.conf lacks.
 */
static void test_module(void **state)
{
	char mod[4096], xml[4096], conf[4200], catalog_path[4096];
	char dir[] = "/tmp/dlh-test-detect.XXXXXX", slurm_conf[4200];
	struct accel_devices *d;
	const char *build = getenv("DLH_BUILDDIR");
	FILE *f;

	snprintf(mod, sizeof(mod),
		 "%s/src/common/libdetect/.libs/"
		 "dlhetero_detect.so",
		 build ? build : ".");
	fixture(xml, sizeof(xml), "h200-vm.xml");
	assert_non_null(mkdtemp(dir));
	snprintf(conf, sizeof(conf), "%s/dlhetero.conf", dir);
	snprintf(slurm_conf, sizeof(slurm_conf), "%s/slurm.conf", dir);
	src_path(catalog_path, sizeof(catalog_path), "data/chips.json");
	f = fopen(conf, "w");
	assert_non_null(f);
	fprintf(f, "ChipCatalog=%s\nAutoDetect=hwloc\n", catalog_path);
	fclose(f);
	setenv("DLH_DETECT_MODULE", mod, 1);
	setenv("HWLOC_XMLFILE", xml, 1);
	setenv("SLURM_CONF", slurm_conf, 1); /* dlhetero.conf beside it */
	d = accel_devices_new(NULL);
	assert_non_null(d);
	n_errors = 0;
	accel_devices_check_detected(d); /* gres.conf lists nothing */
	if (n_errors != 1)
		fail_msg("%d errors, last: %s", n_errors, last_error);
	assert_non_null(strstr(last_error, "found h200 /dev/nvidia0"));
	accel_devices_add(d, "h200", "/dev/nvidia0");
	n_errors = 0;
	accel_devices_check_detected(d); /* now it agrees */
	assert_int_equal(n_errors, 0);
	setenv("DLH_DETECT_MODULE", "/nonexistent/dlhetero_detect.so", 1);
	accel_devices_check_detected(d);
	assert_int_equal(n_errors, 1);
	assert_non_null(strstr(last_error, "cannot load"));
	accel_devices_free(d);
	unsetenv("DLH_DETECT_MODULE");
	unsetenv("HWLOC_XMLFILE");
	unsetenv("SLURM_CONF");
	unlink(conf);
	rmdir(dir);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_h200_vm),
		cmocka_unit_test(test_h200_gres_conf),
		cmocka_unit_test(test_vendor_topologies),
		cmocka_unit_test(test_mixed_node),
		cmocka_unit_test(test_render_node_from_hwloc),
		cmocka_unit_test(test_errors),
		cmocka_unit_test(test_no_match),
		cmocka_unit_test(test_this_machine),
		cmocka_unit_test(test_compare),
		cmocka_unit_test(test_module),
	};

	return cmocka_run_group_tests(tests, group_setup, group_teardown);
}
