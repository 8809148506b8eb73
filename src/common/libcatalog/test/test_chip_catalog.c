/*
 * Unit tests of chip_catalog: the shipped catalog, hostile input, and a
 * deterministic mutation fuzz of the shipped file.  Run them under valgrind
 * to see that rejected input leaks nothing.
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

#include "chip_catalog.h"
#include "dlh_log.h"
#include "hetero_spec.h"

static int setup(void **state)
{
	n_errors = 0;
	last_error[0] = '\0';
	dlh_log_set_sink(capture_sink);
	return 0;
}

static int teardown(void **state)
{
	dlh_log_set_sink(NULL);
	return 0;
}

static void catalog_path(char *buf, size_t len)
{
	src_path(buf, len, "data/chips.json");
}

static char *read_all(const char *path, size_t *len)
{
	FILE *f = fopen(path, "rb");
	char *buf;
	long size;

	assert_non_null(f);
	assert_int_equal(fseek(f, 0, SEEK_END), 0);
	size = ftell(f);
	assert_true(size > 0);
	rewind(f);
	buf = malloc(size + 1);
	assert_non_null(buf);
	assert_int_equal(fread(buf, 1, size, f), (size_t) size);
	buf[size] = '\0';
	fclose(f);
	*len = size;
	return buf;
}

/* ---- the shipped catalog ------------------------------------------- */

static const char *const required_types[] = {
	"a100",	      "h100",	"h800",	  "h20",   "h200", "mi300x",
	"ascend910b", "mlu370", "mlu590", "k100",  "p800", "c500",
	"bi150",      "s60",	"s4000",  "br100",
};

static const char *const required_vendors[] = {
	"nvidia", "amd",      "huawei",	 "cambricon", "hygon", "kunlunxin",
	"metax",  "iluvatar", "enflame", "mthreads",  "biren",
};

static void test_real_catalog_loads(void **state)
{
	struct chip_catalog *cat;
	char path[4096];
	size_t i, j;

	catalog_path(path, sizeof(path));
	cat = chip_catalog_load(path, NULL);
	assert_non_null(cat);
	assert_int_equal(n_errors, 0);
	assert_string_equal(cat->path, path);
	assert_true(cat->n_types >= 15);
	for (i = 0; i < sizeof(required_types) / sizeof(*required_types); i++) {
		const struct chip_type *t;

		t = chip_catalog_find(cat, required_types[i]);
		assert_non_null(t);
		assert_string_equal(t->name, required_types[i]);
	}
	for (i = 0; i < sizeof(required_vendors) / sizeof(*required_vendors);
	     i++) {
		for (j = 0; j < cat->n_types; j++)
			if (!strcmp(cat->types[j].vendor, required_vendors[i]))
				break;
		assert_true(j < cat->n_types);
	}
	chip_catalog_free(cat);
}

static void test_real_catalog_h200(void **state)
{
	const struct chip_type *t;
	struct chip_catalog *cat;
	char path[4096], dev[64];

	catalog_path(path, sizeof(path));
	cat = chip_catalog_load(path, NULL);
	assert_non_null(cat);
	t = chip_catalog_match_pci(cat, 0x10de, 0x2335);
	assert_non_null(t);
	assert_string_equal(t->name, "h200");
	assert_ptr_equal(chip_catalog_find(cat, "H200"), t);
	assert_string_equal(t->vendor, "nvidia");
	assert_int_equal(t->pci_vendor, 0x10de);
	assert_string_equal(t->device_file, "/dev/nvidia%d");
	assert_string_equal(t->visible_env[0], "CUDA_VISIBLE_DEVICES");
	assert_string_equal(t->dipu_device, "cuda");
	assert_string_equal(t->ccl, "nccl");
	assert_string_equal(t->ccl_ifname_env, "NCCL_SOCKET_IFNAME");
	assert_true(t->mem_gb == 141);
	assert_true(t->tflops_bf16 == 989);
	assert_true(t->efficiency == 0.66);
	assert_int_equal(chip_type_device_path(t, 3, dev, sizeof(dev)), 0);
	assert_string_equal(dev, "/dev/nvidia3");

	assert_null(chip_catalog_match_pci(cat, 0x10de, 0xffff));
	assert_null(chip_catalog_match_pci(cat, 0x8086, 0x2335));
	assert_null(chip_catalog_find(cat, "h300"));
	assert_null(chip_catalog_find(cat, NULL));
	chip_catalog_free(cat);
}

/* Every entry's figures are usable and its "?" figures say so. */
static void test_real_catalog_entries_sane(void **state)
{
	struct chip_catalog *cat;
	char path[4096], dev[64];
	size_t i;

	catalog_path(path, sizeof(path));
	cat = chip_catalog_load(path, NULL);
	assert_non_null(cat);
	for (i = 0; i < cat->n_types; i++) {
		const struct chip_type *t = &cat->types[i];

		assert_true(t->n_pci_devices >= 1);
		assert_true(t->n_visible_env >= 1);
		assert_true(t->tflops_bf16 > 0 && t->mem_gb > 0 &&
			    t->mem_tbps > 0);
		assert_true(t->efficiency > 0 && t->efficiency <= 1);
		assert_non_null(t->source);
		assert_int_equal(chip_type_device_path(t, 7, dev, sizeof(dev)),
				 0);
		assert_ptr_equal(chip_catalog_match_pci(cat, t->pci_vendor,
							t->pci_devices[0]),
				 t);
	}
	/* The notes mark all MLU590 figures "?". */
	assert_non_null(strstr(chip_catalog_find(cat, "mlu590")->source,
			       "unconfirmed"));
	chip_catalog_free(cat);
}

static void test_names_and_default_path(void **state)
{
	struct chip_catalog *cat;
	char path[4096], *names;

	catalog_path(path, sizeof(path));
	cat = chip_catalog_load(path, NULL);
	assert_non_null(cat);
	names = chip_catalog_names(cat);
	assert_non_null(names);
	assert_non_null(strstr(names, "a100,"));
	assert_non_null(strstr(names, ",h200,"));
	assert_int_equal(names[strlen(names) - 1] != ',', 1);
	free(names);
	chip_catalog_free(cat);

	assert_int_equal(setenv("DLH_CHIP_CATALOG", "/x/chips.json", 1), 0);
	assert_string_equal(chip_catalog_default_path(), "/x/chips.json");
	assert_int_equal(unsetenv("DLH_CHIP_CATALOG"), 0);
	assert_non_null(strstr(chip_catalog_default_path(), "chips.json"));
}

/* The check the submit host and slurmctld share. */
static void test_check_spec(void **state)
{
	struct chip_catalog *cat;
	struct hetero_spec spec;
	struct dlh_error err;
	char path[4096];

	catalog_path(path, sizeof(path));
	cat = chip_catalog_load(path, &err);
	assert_non_null(cat);
	assert_int_equal(hetero_spec_parse("a100:8,ascend910b:8", &spec, &err),
			 0);
	assert_int_equal(chip_catalog_check_spec(cat, &spec, &err), 0);
	assert_int_equal(hetero_spec_parse("a100:8,h999:8", &spec, &err), 0);
	assert_int_equal(chip_catalog_check_spec(cat, &spec, &err), -1);
	assert_non_null(strstr(err.text, "unknown chip type \"h999\"; valid "
					 "types: "));
	assert_non_null(strstr(err.text, "a100"));
	/* auto with allowed types is checked the same way */
	assert_int_equal(hetero_spec_parse("auto:8:a100+x1", &spec, &err), 0);
	assert_int_equal(chip_catalog_check_spec(cat, &spec, &err), -1);
	assert_non_null(strstr(err.text, "\"x1\""));
	/* the text is the whole report: nothing logged */
	assert_int_equal(n_errors, 0);
	chip_catalog_free(cat);
}

static void test_device_path_bounds(void **state)
{
	struct chip_type t = { .device_file = "/dev/dri/renderD%d",
			       .device_index_base = 128 };
	char small[8], dev[64];

	assert_int_equal(chip_type_device_path(&t, 1, dev, sizeof(dev)), 0);
	assert_string_equal(dev, "/dev/dri/renderD129");
	assert_int_equal(chip_type_device_path(&t, -1, dev, sizeof(dev)), -1);
	assert_int_equal(chip_type_device_path(&t, 1, small, sizeof(small)),
			 -1);
	/* A hand-built type with a hostile pattern is refused, not
	 * formatted. */
	t.device_file = "/dev/x%s%d";
	assert_int_equal(chip_type_device_path(&t, 1, dev, sizeof(dev)), -1);
}

/* ---- hostile input ------------------------------------------------- */

#define BASE_ENTRY                                                             \
	"{\"name\":\"x1\",\"vendor\":\"v\",\"pci_vendor\":\"10de\","           \
	"\"pci_devices\":[\"2335\"],\"device_file\":\"/dev/x%d\","             \
	"\"ctl_files\":[],\"visible_env\":[\"X_VISIBLE_DEVICES\"],"            \
	"\"dipu_device\":null,\"ccl\":\"xccl\",\"ccl_ifname_env\":null,"       \
	"\"link\":\"xlink\",\"mem_gb\":1,\"tflops_bf16\":1,\"mem_tbps\":1,"    \
	"\"link_gbps\":0,\"efficiency\":0.5,\"source\":\"test\"}"
#define BASE_DOC "{\"version\":1,\"chips\":[" BASE_ENTRY "]}"

/* BASE_DOC with the first @from replaced by @to; caller frees. */
static char *base_with(const char *from, const char *to)
{
	const char *base = BASE_DOC, *at = strstr(base, from);
	char *out;

	assert_non_null(at);
	out = malloc(strlen(base) - strlen(from) + strlen(to) + 1);
	assert_non_null(out);
	sprintf(out, "%.*s%s%s", (int) (at - base), base, to,
		at + strlen(from));
	return out;
}

static void test_base_document_is_valid(void **state)
{
	struct chip_catalog *cat;

	/* The control for the table below: every case differs from this
	 * accepted document by one change. */
	cat = chip_catalog_parse(BASE_DOC, strlen(BASE_DOC), "base", NULL);
	assert_non_null(cat);
	assert_int_equal(cat->n_types, 1);
	assert_null(cat->types[0].dipu_device);
	chip_catalog_free(cat);
}

struct hostile {
	const char *what;
	const char *from, *to; /* change to BASE_DOC */
	const char *expect;    /* substring of the error */
};

static const struct hostile hostile_edits[] = {
	{ "truncated", "\"efficiency\":0.5,\"source\":\"test\"}]}",
	  "\"efficiency\":0.", "ends in the middle" },
	{ "string for number", "\"mem_gb\":1", "\"mem_gb\":\"1\"",
	  "\"mem_gb\": must be a number" },
	{ "bool for number", "\"mem_gb\":1", "\"mem_gb\":true", "mem_gb" },
	{ "string for array", "[\"2335\"]", "\"2335\"", "pci_devices" },
	{ "number in env list", "[\"X_VISIBLE_DEVICES\"]", "[1]",
	  "visible_env" },
	{ "chips not array", "\"chips\":[" BASE_ENTRY "]", "\"chips\":{}",
	  "\"chips\" must be an array" },
	{ "no chips", "\"chips\":[" BASE_ENTRY "]", "\"chips\":[]", "entries" },
	{ "entry not object", "\"chips\":[" BASE_ENTRY "]", "\"chips\":[7]",
	  "chips[0]: must be an object" },
	{ "version 2", "\"version\":1", "\"version\":2", "version" },
	{ "huge number", "\"mem_gb\":1", "\"mem_gb\":1e999", "mem_gb" },
	{ "huge integer", "\"mem_gb\":1",
	  "\"mem_gb\":123456789012345678901234567890", "mem_gb" },
	{ "above bound", "\"tflops_bf16\":1", "\"tflops_bf16\":1e300",
	  "tflops_bf16" },
	{ "NaN", "\"mem_gb\":1", "\"mem_gb\":NaN", "" },
	{ "Infinity", "\"mem_gb\":1", "\"mem_gb\":-Infinity", "" },
	{ "negative", "\"mem_gb\":1", "\"mem_gb\":-1", "mem_gb" },
	{ "negative link", "\"link_gbps\":0", "\"link_gbps\":-0.5",
	  "link_gbps" },
	{ "efficiency > 1", "\"efficiency\":0.5", "\"efficiency\":1.5",
	  "efficiency" },
	{ "efficiency 0", "\"efficiency\":0.5", "\"efficiency\":0",
	  "efficiency" },
	{ "printf %s%n", "/dev/x%d", "/dev/x%s%n", "device_file" },
	{ "printf %d%n", "/dev/x%d", "/dev/x%d%n", "device_file" },
	{ "two %d", "/dev/x%d", "/dev/x%d/%d", "device_file" },
	{ "no %d", "/dev/x%d", "/dev/x", "device_file" },
	{ "width %5d", "/dev/x%d", "/dev/x%5d", "device_file" },
	{ "escaped %%d", "/dev/x%d", "/dev/x%%d", "device_file" },
	{ "relative device", "/dev/x%d", "dev/x%d", "device_file" },
	{ "dotdot device", "/dev/x%d", "/dev/../etc/x%d", "device_file" },
	{ "space in device", "/dev/x%d", "/dev/x %d", "device_file" },
	{ "dotdot ctl", "\"ctl_files\":[]", "\"ctl_files\":[\"/dev/..\"]",
	  "ctl_files" },
	{ "name with slash", "\"name\":\"x1\"", "\"name\":\"a/b\"", "name" },
	{ "name dotdot", "\"name\":\"x1\"", "\"name\":\"../x\"", "name" },
	{ "upper name", "\"name\":\"x1\"", "\"name\":\"X1\"", "name" },
	{ "empty name", "\"name\":\"x1\"", "\"name\":\"\"", "name" },
	{ "long name", "\"name\":\"x1\"",
	  "\"name\":\"abcdefghijklmnopqrstuvwxyz0123456\"", "name" },
	{ "missing name", "\"name\":\"x1\",", "", "\"name\": missing" },
	{ "null name", "\"name\":\"x1\"", "\"name\":null", "name" },
	{ "vendor space", "\"vendor\":\"v\"", "\"vendor\":\"v x\"", "vendor" },
	{ "bad hex", "\"pci_vendor\":\"10de\"", "\"pci_vendor\":\"10dg\"",
	  "pci_vendor" },
	{ "0x hex", "\"pci_vendor\":\"10de\"", "\"pci_vendor\":\"0x10\"",
	  "pci_vendor" },
	{ "long hex", "[\"2335\"]", "[\"23350\"]", "pci_devices" },
	{ "number hex", "\"pci_vendor\":\"10de\"", "\"pci_vendor\":4318",
	  "pci_vendor" },
	{ "repeated device", "[\"2335\"]", "[\"2335\",\"2335\"]",
	  "listed twice" },
	{ "no devices", "[\"2335\"]", "[]", "pci_devices" },
	{ "lower env", "X_VISIBLE_DEVICES", "x_visible", "visible_env" },
	{ "env with =", "X_VISIBLE_DEVICES", "A=B", "visible_env" },
	{ "env injection", "\"ccl_ifname_env\":null",
	  "\"ccl_ifname_env\":\"A;rm -rf\"", "ccl_ifname_env" },
	{ "unknown field", "\"mem_gb\":1", "\"mem_gb\":1,\"tflop_bf16\":2",
	  "tflop_bf16" },
	{ "unknown top", "\"version\":1", "\"version\":1,\"x\":1", "\"x\"" },
	{ "control char", "\"source\":\"test\"", "\"source\":\"a\\u0001b\"",
	  "non-printable" },
	{ "embedded NUL", "\"source\":\"test\"", "\"source\":\"a\\u0000b\"",
	  "source" },
	{ "index base float", "\"mem_gb\":1",
	  "\"mem_gb\":1,\"device_index_base\":1.5", "device_index_base" },
	{ "index base huge", "\"mem_gb\":1",
	  "\"mem_gb\":1,\"device_index_base\":99999999999",
	  "device_index_base" },
	{ "duplicate name", "]}", "," BASE_ENTRY "]}", "name used" },
	{ "trailing text", "]}", "]}x", "hostile.json:1:" },
	{ "single quotes", "\"name\":\"x1\"", "'name':'x1'", "bad JSON" },
	{ "trailing comma", "]}", ",]}", "bad JSON" },
	{ "control char in list", "\"ctl_files\":[]",
	  "\"ctl_files\":[\"/dev/a\\u0007\"]", "not printable" },
};

static void test_hostile_edits(void **state)
{
	size_t i;

	for (i = 0; i < sizeof(hostile_edits) / sizeof(*hostile_edits); i++) {
		const struct hostile *h = &hostile_edits[i];
		struct chip_catalog *cat;
		struct dlh_error err = { "" };
		char *doc = base_with(h->from, h->to);

		n_errors = 0;
		cat = chip_catalog_parse(doc, strlen(doc), "hostile.json",
					 &err);
		if (getenv("DLH_SHOW_ERRORS") || cat || !err.text[0] ||
		    !strstr(err.text, h->expect) ||
		    !strstr(err.text, "hostile.json"))
			print_error("case \"%s\": cat=%p logged=%d err: %s\n",
				    h->what, (void *) cat, n_errors, err.text);
		assert_null(cat);
		assert_true(err.text[0] != '\0');
		assert_non_null(strstr(err.text, "hostile.json"));
		assert_non_null(strstr(err.text, h->expect));
		assert_int_equal(n_errors, 0);
		free(doc);
	}
}

/* The duplicate-PCI case needs a second, differently named entry. */
static void test_pci_id_claimed_twice(void **state)
{
	char *second = NULL, *doc;
	struct dlh_error err;
	const char *base = BASE_ENTRY;
	const char *at = strstr(base, "\"x1\"");

	assert_non_null(at);
	assert_true(asprintf(&second, "%.*s\"x2\"%s", (int) (at - base), base,
			     at + 4) > 0);
	assert_true(asprintf(&doc, "{\"version\":1,\"chips\":[%s,%s]}", base,
			     second) > 0);
	assert_null(chip_catalog_parse(doc, strlen(doc), "dup.json", &err));
	assert_non_null(strstr(err.text, "10de:2335"));
	free(second);
	free(doc);
}

static void test_syntax_error_names_line(void **state)
{
	const char *doc = "{\n  \"version\": 1,\n  \"chips\": [ oops ]\n}\n";
	struct dlh_error err;

	assert_null(chip_catalog_parse(doc, strlen(doc), "lines.json", &err));
	/* "oops" starts at line 3, column 14. */
	assert_non_null(strstr(err.text, "lines.json:3:14:"));

	doc = "[1, 2]";
	assert_null(chip_catalog_parse(doc, strlen(doc), "array.json", &err));
	assert_non_null(strstr(err.text, "top level must be an object"));
}

static void test_deep_nesting(void **state)
{
	size_t depth = 10000, i;
	char *doc = malloc(2 * depth + 1);
	struct dlh_error err;

	assert_non_null(doc);
	for (i = 0; i < depth; i++) {
		doc[i] = '[';
		doc[2 * depth - 1 - i] = ']';
	}
	doc[2 * depth] = '\0';
	assert_null(chip_catalog_parse(doc, 2 * depth, "deep.json", &err));
	assert_non_null(strstr(err.text, "deep.json:1:"));
	free(doc);

	/* Deep inside a valid entry as well. */
	doc = malloc(2 * depth + 64);
	assert_non_null(doc);
	strcpy(doc, "{\"version\":1,\"chips\":");
	memset(doc + strlen(doc), '[', depth);
	doc[strlen("{\"version\":1,\"chips\":") + depth] = '\0';
	assert_null(chip_catalog_parse(doc, strlen(doc), "deep2.json", NULL));
	free(doc);
}

static void test_binary_garbage(void **state)
{
	unsigned char buf[4096];
	struct dlh_error err = { "" };
	uint32_t x = 12345;
	size_t i;

	for (i = 0; i < sizeof(buf); i++) {
		x = x * 1103515245u + 12345u;
		buf[i] = (unsigned char) (x >> 16);
	}
	assert_null(chip_catalog_parse((char *) buf, sizeof(buf), "bin", &err));
	assert_true(err.text[0] != '\0');
	/* Leading valid JSON, then a NUL: json-c alone would stop there. */
	assert_null(chip_catalog_parse(BASE_DOC "\0garbage",
				       sizeof(BASE_DOC "\0garbage") - 1,
				       "nul.json", &err));
	assert_non_null(strstr(err.text, "NUL"));
}

static void write_file(const char *path, const char *data, size_t len)
{
	FILE *f = fopen(path, "wb");

	assert_non_null(f);
	assert_int_equal(fwrite(data, 1, len, f), len);
	assert_int_equal(fclose(f), 0);
}

static void test_files(void **state)
{
	char path[] = "/tmp/dlh-catalog-XXXXXX";
	struct dlh_error err;
	int fd = mkstemp(path);

	assert_true(fd >= 0);
	close(fd);

	/* Empty file. */
	write_file(path, "", 0);
	assert_null(chip_catalog_load(path, &err));
	assert_non_null(strstr(err.text, "empty"));
	assert_non_null(strstr(err.text, path));

	/* A valid one loads from disk and keeps its path. */
	write_file(path, BASE_DOC, strlen(BASE_DOC));
	{
		struct chip_catalog *cat = chip_catalog_load(path, &err);

		assert_non_null(cat);
		assert_string_equal(cat->path, path);
		chip_catalog_free(cat);
	}
	unlink(path);

	/* Missing file, directory, NULL path. */
	assert_null(chip_catalog_load(path, &err));
	assert_non_null(strstr(err.text, "cannot open"));
	assert_null(chip_catalog_load("/", &err));
	assert_null(chip_catalog_load(NULL, NULL));
	assert_int_equal(n_errors, 0);
	chip_catalog_free(NULL);
}

/* ---- mutation fuzz --------------------------------------------------- */

static uint64_t rng_state = 0x9e3779b97f4a7c15ull;

static uint32_t rng(void)
{
	/* xorshift64*: deterministic, so a failure reproduces. */
	rng_state ^= rng_state >> 12;
	rng_state ^= rng_state << 25;
	rng_state ^= rng_state >> 27;
	return (uint32_t) ((rng_state * 0x2545f4914f6cdd1dull) >> 32);
}

static const char *const tokens[] = {
	"%n",	    "%s",
	"%d",	    "-1",
	"1e999",    "NaN",
	"\"",	    "{",
	"}",	    "[",
	"]",	    ",",
	":",	    "null",
	"true",	    "0",
	"\\u0000",  "/../",
	"\xff\xfe", "99999999999999999999",
	"\"name\"", "\"device_file\":\"/a%d\"",
};

/* Apply 1-4 random edits to @buf (capacity @cap), returns new length. */
static size_t mutate(char *buf, size_t len, size_t cap)
{
	int edits = 1 + rng() % 4, e;

	for (e = 0; e < edits && len > 0; e++) {
		size_t at = rng() % len, span = 1 + rng() % 16;
		const char *tok;
		size_t tlen;

		switch (rng() % 4) {
		case 0: /* replace a byte */
			buf[at] = (char) (rng() & 0xff);
			break;
		case 1: /* delete a span */
			if (span > len - at)
				span = len - at;
			memmove(buf + at, buf + at + span, len - at - span);
			len -= span;
			break;
		case 2: /* insert a token */
			tok = tokens[rng() % (sizeof(tokens) / sizeof(*tokens))];
			tlen = strlen(tok);
			if (len + tlen > cap)
				break;
			memmove(buf + at + tlen, buf + at, len - at);
			memcpy(buf + at, tok, tlen);
			len += tlen;
			break;
		default: /* duplicate a span */
			if (span > len - at)
				span = len - at;
			if (len + span > cap)
				break;
			memmove(buf + at + span, buf + at, len - at);
			len += span;
			break;
		}
	}
	return len;
}

/* What every accepted catalog must satisfy, whatever the input was. */
static void check_invariants(const struct chip_catalog *cat)
{
	char dev[256];
	size_t i;

	assert_true(cat->n_types >= 1);
	for (i = 0; i < cat->n_types; i++) {
		const struct chip_type *t = &cat->types[i];
		const char *pct = strchr(t->device_file, '%');

		assert_true(strlen(t->name) >= 1 &&
			    strlen(t->name) <= CHIP_NAME_MAX);
		assert_null(strchr(t->name, '/'));
		assert_non_null(pct);
		assert_true(pct[1] == 'd');
		assert_null(strchr(pct + 1, '%'));
		assert_int_equal(chip_type_device_path(t, 0, dev, sizeof(dev)),
				 0);
		assert_true(t->efficiency > 0 && t->efficiency <= 1);
		assert_true(t->mem_gb > 0 && t->mem_gb <= 1e7);
		assert_true(t->n_visible_env >= 1);
		assert_ptr_equal(chip_catalog_find(cat, t->name), t);
	}
}

static void test_mutation_fuzz(void **state)
{
	char path[4096], *orig, *buf;
	size_t len, cap, i, accepted = 0, rejected = 0;
	const char *env = getenv("DLH_FUZZ_ITERATIONS");
	size_t iterations = env ? strtoul(env, NULL, 10) : 2000;

	catalog_path(path, sizeof(path));
	orig = read_all(path, &len);
	cap = len + 4096;
	buf = malloc(cap);
	assert_non_null(buf);
	/* Errors are expected by the thousand; keep the TAP stream clean. */
	for (i = 0; i < iterations; i++) {
		struct chip_catalog *cat;
		struct dlh_error err = { "" };
		size_t n;

		memcpy(buf, orig, len);
		n = mutate(buf, len, cap);
		cat = chip_catalog_parse(buf, n, "fuzz.json", &err);
		if (cat) {
			accepted++;
			check_invariants(cat);
			chip_catalog_free(cat);
		} else {
			rejected++;
			assert_true(err.text[0] != '\0');
		}
	}
	print_message("# fuzz: %zu accepted, %zu rejected\n", accepted,
		      rejected);
	/* Most random edits break the document: a loader accepting nearly
	 * everything is not validating. */
	assert_true(rejected > iterations / 2);
	free(buf);
	free(orig);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_real_catalog_loads, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_real_catalog_h200, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_real_catalog_entries_sane,
						setup, teardown),
		cmocka_unit_test_setup_teardown(test_names_and_default_path,
						setup, teardown),
		cmocka_unit_test_setup_teardown(test_check_spec, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_device_path_bounds, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_base_document_is_valid,
						setup, teardown),
		cmocka_unit_test_setup_teardown(test_hostile_edits, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_pci_id_claimed_twice,
						setup, teardown),
		cmocka_unit_test_setup_teardown(test_syntax_error_names_line,
						setup, teardown),
		cmocka_unit_test_setup_teardown(test_deep_nesting, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_binary_garbage, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_files, setup, teardown),
		cmocka_unit_test_setup_teardown(test_mutation_fuzz, setup,
						teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
