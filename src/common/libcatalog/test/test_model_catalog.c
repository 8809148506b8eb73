/*
 * Unit tests for model_catalog: the shipped catalog loads with the shapes
 * the planner needs, and hostile catalogs are refused with a message that
 * names the file and the line or the field at fault.
 */
#define _GNU_SOURCE
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "dlh_test.h"

#include "cost_model.h"
#include "dlh_log.h"
#include "model_catalog.h"

static char *data_path(const char *name)
{
	char buf[4096], rel[256];

	snprintf(rel, sizeof(rel), "data/%s", name);
	return strdup(src_path(buf, sizeof(buf), rel));
}

static struct model_catalog *load_shipped(void)
{
	char *path = data_path("models.json");
	struct model_catalog *cat = model_catalog_load(path, NULL);

	free(path);
	return cat;
}

static void test_shipped_catalog(void **state)
{
	static const char *const names[] = {
		"llama2-7b",	   "llama2-13b",   "llama2-70b",
		"llama3-8b",	   "llama3-70b",   "llama3-405b",
		"qwen2.5-7b",	   "qwen2.5-72b",  "qwen3-30b-a3b",
		"qwen3-235b-a22b", "internlm2-7b", "internlm2-20b",
		"deepseek-v2",	   "deepseek-v3",  "mixtral-8x7b",
	};
	struct model_catalog *cat = load_shipped();
	const struct model_spec *m;
	size_t i;
	char *all;

	assert_non_null(cat);
	assert_int_equal(cat->n_models, 15);
	for (i = 0; i < sizeof(names) / sizeof(names[0]); i++)
		assert_non_null(model_catalog_find(cat, names[i]));
	assert_null(model_catalog_find(cat, "gpt-5"));
	assert_null(model_catalog_find(cat, NULL));

	m = model_catalog_find(cat, "LLaMA2-70B");
	assert_non_null(m);
	assert_int_equal(m->layers, 80);
	assert_int_equal(m->hidden, 8192);
	assert_int_equal(m->kv_heads, 8);
	assert_int_equal(m->head_dim, 128);
	assert_int_equal(m->experts, 0);

	/* Qwen3 sets head_dim apart from hidden/heads. */
	m = model_catalog_find(cat, "qwen3-235b-a22b");
	assert_int_equal(m->head_dim, 128);
	assert_int_equal(m->experts, 128);
	assert_int_equal(m->top_k, 8);

	m = model_catalog_find(cat, "deepseek-v3");
	assert_int_equal(m->dense_layers, 3);
	assert_int_equal(m->shared_experts, 1);
	assert_int_equal(m->kv_lora_rank, 512);
	assert_int_equal(m->q_lora_rank, 1536);
	assert_true(model_layer_is_moe(m, 3));
	assert_false(model_layer_is_moe(m, 2));

	all = model_catalog_names(cat);
	assert_non_null(strstr(all, "mixtral-8x7b"));
	assert_non_null(strstr(all, "llama2-7b,llama2-13b"));
	free(all);
	model_catalog_free(cat);
}

/*
 * Parameter counts from the shapes, by hand (untied embeddings, RMSNorm
 * weights counted):
 *   llama2-7b: per layer 4*4096^2 (q,k,v,o) + 3*4096*11008 (SwiGLU)
 *     + 2*4096 = 67108864 + 135266304 + 8192 = 202383360;
 *     x32 = 6476267520; + 2*32000*4096 + 4096 = 6738415616.
 *   mixtral-8x7b: per layer 2*4096*4096 + 2*4096*1024 (GQA k,v)
 *     + 8*3*4096*14336 + 4096*8 (router) + 2*4096 = 1451401216;
 *     x32 + 2*32000*4096 + 4096 = 46702792704; active (2 experts):
 *     per layer 2*3*4096*14336 fewer 6 experts -> 12879925248.
 *   deepseek-v3 (published 671B without the MTP layer): within 0.5%.
 */
static void test_param_counts(void **state)
{
	struct model_catalog *cat = load_shipped();

	assert_non_null(cat);
	assert_true(cm_total_params(model_catalog_find(cat, "llama2-7b")) ==
		    6738415616.0);
	assert_true(cm_total_params(model_catalog_find(cat, "mixtral-8x7b")) ==
		    46702792704.0);
	assert_true(cm_active_params(model_catalog_find(cat, "mixtral-8x7b")) ==
		    46702792704.0 - 32.0 * 6 * 3 * 4096 * 14336);
	assert_true(
		fabs(cm_total_params(model_catalog_find(cat, "deepseek-v3")) /
			     671e9 -
		     1) < 0.005);
	assert_true(
		fabs(cm_active_params(model_catalog_find(cat, "deepseek-v3")) /
			     37e9 -
		     1) < 0.03);
	model_catalog_free(cat);
}

struct hostile {
	const char *name;
	const char *text;   /* file contents (NULL: no file) */
	const char *expect; /* substring of the error */
};

#define OK_ENTRY                                                               \
	"{\"name\":\"m\",\"layers\":2,\"hidden\":64,"                          \
	"\"ffn\":128,\"heads\":4,\"kv_heads\":2,\"vocab\":100"
#define OK_HEAD "{\"models\":[" OK_ENTRY

static const struct hostile hostile[] = {
	{ "empty file", "", "model catalog is empty" },
	{ "truncated", "{\n\"models\": [\n", ":3:1: model catalog ends" },
	{ "bad token", "{\n\n  \"models\": [ nope ]}", ":3:" },
	{ "top-level array", "[]", "top level" },
	{ "no models", "{\"version\":1}", "top level" },
	{ "models not array", "{\"models\":{}}", "top level" },
	{ "empty models", "{\"models\":[]}", "empty" },
	{ "entry not object", "{\"models\":[1]}", "entry 0" },
	{ "bad version", "{\"version\":2,\"models\":[" OK_ENTRY "}]}",
	  "'version'" },
	{ "missing name", "{\"models\":[{\"layers\":2}]}", "'name'" },
	{ "name not string", "{\"models\":[{\"name\":7}]}", "'name'" },
	{ "name uppercase", "{\"models\":[{\"name\":\"Big Model\"}]}",
	  "'name'" },
	{ "missing layers",
	  "{\"models\":[{\"name\":\"m\",\"hidden\":64,\"ffn\":1,\"heads\":1,"
	  "\"kv_heads\":1,\"vocab\":1}]}",
	  "'layers' is missing" },
	{ "layers string", "{\"models\":[{\"name\":\"m\",\"layers\":\"32\"}]}",
	  "'layers' must be an integer" },
	{ "layers fraction", "{\"models\":[{\"name\":\"m\",\"layers\":32.5}]}",
	  "'layers' must be an integer" },
	{ "layers zero", "{\"models\":[{\"name\":\"m\",\"layers\":0}]}",
	  "'layers' must be in" },
	{ "layers negative", "{\"models\":[{\"name\":\"m\",\"layers\":-4}]}",
	  "'layers' must be in" },
	{ "layers huge",
	  "{\"models\":[{\"name\":\"m\",\"layers\":99999999999999999999}]}",
	  "'layers' must be in" },
	{ "layers bool", "{\"models\":[{\"name\":\"m\",\"layers\":true}]}",
	  "'layers' must be an integer" },
	{ "kv_heads above heads",
	  "{\"models\":[{\"name\":\"m\",\"layers\":2,\"hidden\":64,"
	  "\"ffn\":128,\"heads\":4,\"kv_heads\":8,\"vocab\":100}]}",
	  "'kv_heads' must be in" },
	{ "kv_heads not dividing",
	  "{\"models\":[{\"name\":\"m\",\"layers\":2,\"hidden\":64,"
	  "\"ffn\":128,\"heads\":4,\"kv_heads\":3,\"vocab\":100}]}",
	  "'kv_heads' must divide" },
	{ "hidden not divisible",
	  "{\"models\":[{\"name\":\"m\",\"layers\":2,\"hidden\":66,"
	  "\"ffn\":128,\"heads\":4,\"kv_heads\":2,\"vocab\":100}]}",
	  "'heads' must divide hidden" },
	{ "unknown key typo", OK_HEAD ",\"kv_head\":2}]}",
	  "'kv_head' is not known" },
	{ "moe not object", OK_HEAD ",\"moe\":4}]}", "'moe' must be" },
	{ "moe top_k above experts",
	  OK_HEAD ",\"moe\":{\"experts\":4,\"top_k\":8,\"expert_ffn\":8}}]}",
	  "'top_k' must be in" },
	{ "moe missing expert_ffn",
	  OK_HEAD ",\"moe\":{\"experts\":4,\"top_k\":2}}]}",
	  "'expert_ffn' is missing" },
	{ "moe dense_layers all",
	  OK_HEAD ",\"moe\":{\"experts\":4,\"top_k\":2,\"expert_ffn\":8,"
		  "\"dense_layers\":2}}]}",
	  "'dense_layers' must be in" },
	{ "moe unknown key",
	  OK_HEAD ",\"moe\":{\"experts\":4,\"top_k\":2,\"expert_ffn\":8,"
		  "\"routed\":1}}]}",
	  "'routed' is not known in 'moe'" },
	{ "mla missing rank", OK_HEAD ",\"mla\":{\"v_head_dim\":8}}]}",
	  "'kv_lora_rank' is missing" },
	{ "duplicate name",
	  "{\"models\":["
	  "{\"name\":\"m\",\"layers\":2,"
	  "\"hidden\":64,\"ffn\":128,\"heads\":4,\"kv_heads\":2,"
	  "\"vocab\":100},{\"name\":\"m\",\"layers\":2,\"hidden\":64,"
	  "\"ffn\":128,\"heads\":4,\"kv_heads\":2,\"vocab\":100}]}",
	  "duplicates" },
	{ "trailing garbage", OK_HEAD "}]}\n\nxyz", ":3:1:" },
	{ "missing file", NULL, "cannot open" },
};

/* Error must name the file (and a model's entry where there is one). */
static void test_hostile(void **state)
{
	char path[] = "/tmp/dlh-test-models-XXXXXX";
	size_t i;
	int fd;

	fd = mkstemp(path);
	assert_true(fd >= 0);
	close(fd);
	n_errors = 0;
	dlh_log_set_sink(capture_sink);
	for (i = 0; i < sizeof(hostile) / sizeof(hostile[0]); i++) {
		const struct hostile *h = &hostile[i];
		struct model_catalog *cat;
		struct dlh_error err;
		const char *p = path;

		if (h->text) {
			FILE *f = fopen(path, "w");

			assert_non_null(f);
			fputs(h->text, f);
			fclose(f);
		} else {
			p = "/nonexistent/dlh/models.json";
		}
		err.text[0] = '\0';
		cat = model_catalog_load(p, &err);
		if (cat || !strstr(err.text, h->expect) ||
		    !strstr(err.text, p)) {
			print_error("case '%s': got %s, error '%s'\n", h->name,
				    cat ? "a catalog" : "NULL", err.text);
			model_catalog_free(cat);
			fail();
		}
	}
	/* the error is returned, not logged */
	assert_int_equal(n_errors, 0);
	dlh_log_set_sink(NULL);
	unlink(path);
}

/* The minimal entry the hostile cases start from must itself load, so
 * that they fail for the reason each one names. */
static void test_minimal_ok(void **state)
{
	char path[] = "/tmp/dlh-test-models-XXXXXX";
	struct model_catalog *cat;
	FILE *f;
	int fd;

	fd = mkstemp(path);
	assert_true(fd >= 0);
	f = fdopen(fd, "w");
	fputs(OK_HEAD ",\"moe\":{\"experts\":4,\"top_k\":2,\"expert_ffn\":8,"
		      "\"dense_layers\":1},\"mla\":{\"kv_lora_rank\":16,"
		      "\"qk_nope_head_dim\":8,\"qk_rope_head_dim\":4,"
		      "\"v_head_dim\":8}}]}",
	      f);
	fclose(f);
	cat = model_catalog_load(path, NULL);
	assert_non_null(cat);
	assert_int_equal(cat->models[0].head_dim, 16);
	assert_int_equal(cat->models[0].dense_layers, 1);
	assert_int_equal(cat->models[0].q_lora_rank, 0);
	model_catalog_free(cat);
	unlink(path);
}

/* A file with a NUL byte, and one past the size cap. */
static void test_binary_and_huge(void **state)
{
	char path[] = "/tmp/dlh-test-models-XXXXXX";
	struct dlh_error err;
	FILE *f;
	int fd, i;

	fd = mkstemp(path);
	assert_true(fd >= 0);
	f = fdopen(fd, "w");
	fwrite("{\"models\":[\0]}", 1, 14, f);
	fclose(f);
	dlh_log_set_sink(capture_sink);
	assert_null(model_catalog_load(path, &err));
	assert_non_null(strstr(err.text, "NUL"));

	f = fopen(path, "w");
	fputs("{\"models\":[", f);
	for (i = 0; i < (5 << 20) / 8; i++)
		fputs("        ", f);
	fputs("]}", f);
	fclose(f);
	assert_null(model_catalog_load(path, &err));
	assert_non_null(strstr(err.text, "larger than"));

	/* Nesting deeper than json-c allows. */
	f = fopen(path, "w");
	for (i = 0; i < 100000; i++)
		fputc('[', f);
	fclose(f);
	assert_null(model_catalog_load(path, &err));
	assert_non_null(strstr(err.text, path));
	dlh_log_set_sink(NULL);
	unlink(path);
}

static void test_default_path(void **state)
{
	setenv("DLH_MODEL_CATALOG", "/x/models.json", 1);
	assert_string_equal(model_catalog_default_path(), "/x/models.json");
	unsetenv("DLH_MODEL_CATALOG");
	assert_non_null(strstr(model_catalog_default_path(), "models.json"));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_shipped_catalog),
		cmocka_unit_test(test_param_counts),
		cmocka_unit_test(test_minimal_ok),
		cmocka_unit_test(test_hostile),
		cmocka_unit_test(test_binary_and_huge),
		cmocka_unit_test(test_default_path),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
