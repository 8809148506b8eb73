/*
 * Unit tests for the planner: cost model against hand-computed FLOPs,
 * memory and decode figures, the layer balancer against brute force, the
 * JSON output read back with json-c, and the CLI's error handling.
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
#include <sys/wait.h>
#include <unistd.h>

#include <cmocka.h>

#include "dlh_test.h"
#include <json-c/json.h>

#include "chip_catalog.h"
#include "cost_model.h"
#include "model_catalog.h"
#include "plan.h"
#include "plan_export.h"
#include "plan_json.h"
#include "plan_svg.h"

static struct model_catalog *models;
static struct chip_catalog *chips;

static int setup(void **state)
{
	char path[4096];

	models = model_catalog_load(
		src_path(path, sizeof(path), "data/models.json"), NULL);
	chips = chip_catalog_load(
		src_path(path, sizeof(path), "data/chips.json"), NULL);
	return models && chips ? 0 : -1;
}

static int teardown(void **state)
{
	model_catalog_free(models);
	chip_catalog_free(chips);
	return 0;
}

static const struct model_spec *model(const char *name)
{
	const struct model_spec *m = model_catalog_find(models, name);

	assert_non_null(m);
	return m;
}

static const struct chip_type *chip(const char *name)
{
	const struct chip_type *c = chip_catalog_find(chips, name);

	assert_non_null(c);
	return c;
}

static void assert_close(double got, double want, double rel)
{
	if (!(fabs(got - want) <= rel * fabs(want))) {
		print_error("got %.10g, want %.10g (+-%.2g%%)\n", got, want,
			    rel * 100);
		fail();
	}
}

/*
 * Megatron-LM training FLOPs per step, B = 1 sequence of s = 4096 tokens:
 *   12*B*s*L*h^2*[(1 + G/A + s/h)*(q/h) + (f/h)*k*3/2 + V/(2*L*h)]
 * llama2-7b: L 32, h 4096, G/A 1, q/h 1, f 11008, k 1, V 32000:
 *   12*4096*32*4096^2 = 2.6388279066624e13;
 *   [3 + 2.6875*1.5 + 32000/262144] = 3 + 4.03125 + 0.1220703125
 *   = 7.1533203125  ->  188763812659200.
 * llama2-70b: L 80, h 8192, G/A 8/64, s/h 0.5, f 28672 (3.5h):
 *   12*4096*80*8192^2 = 2.6388279066624e14;
 *   [1.625 + 5.25 + 32000/1310720 = 0.0244140625] = 6.8994140625
 *   ->  1820636636774400.
 * mixtral-8x7b: L 32, h 4096, G/A 8/32, s/h 1, expert f 14336, k 2:
 *   [2.25 + 3.5*2*1.5 + 0.1220703125] = 12.8720703125
 *   ->  339671783571456.
 */
static void test_train_flops(void **state)
{
	assert_close(cm_train_step_flops(model("llama2-7b"), 1, 4096),
		     188763812659200.0, 1e-12);
	assert_close(cm_train_step_flops(model("llama2-70b"), 1, 4096),
		     1820636636774400.0, 1e-12);
	assert_close(cm_train_step_flops(model("mixtral-8x7b"), 1, 4096),
		     339671783571456.0, 1e-12);
	/* Linear in the batch. */
	assert_close(cm_train_step_flops(model("llama2-7b"), 8, 4096),
		     8 * 188763812659200.0, 1e-12);
	/* Rule of thumb 6*N*tokens within 10% for a 70B dense model. */
	assert_close(cm_train_step_flops(model("llama2-70b"), 1, 4096),
		     6 * cm_active_params(model("llama2-70b")) * 4096, 0.10);
}

/*
 * Calibration: one H200 ran one LLaMA-2-7B decoder layer forward+backward
 * at micro-batch 1, sequence 4096 in 8.915 ms (fixture
 * h200-decoder-layer.json); LLaMA-2-70B 34.616 ms, Qwen2.5-7B 10.316 ms.
 * The catalog's tflops_bf16 * efficiency must reproduce them.
 */
static void test_calibration_h200(void **state)
{
	const struct chip_type *h200 = chip("h200");
	double f = cm_chip_flops(h200);

	assert_close(cm_layer_train_flops(model("llama2-7b"), 0, 1, 4096,
					  RECOMPUTE_NONE) /
			     f,
		     8.915e-3, 0.05);
	assert_close(cm_layer_train_flops(model("llama2-70b"), 0, 1, 4096,
					  RECOMPUTE_NONE) /
			     f,
		     34.616e-3, 0.05);
	assert_close(cm_layer_train_flops(model("qwen2.5-7b"), 0, 1, 4096,
					  RECOMPUTE_NONE) /
			     f,
		     10.316e-3, 0.08);
}

/*
 * Activation bytes per layer (Korthikanti et al.), s 4096, b 1:
 * llama2-7b h 4096, a 32: none s*b*h*(34 + 5*a*s/h) = 16777216*194
 * = 3254779904; selective 34*16777216 = 570425344; full at tp 8:
 * 2*16777216/8 = 4194304.
 * KV cache per token: llama2-70b 2*2*80*8*128 = 327680 bytes;
 * deepseek-v3 (latent 512 + rope 64) 2*61*576 = 70272 bytes.
 */
static void test_memory_formulas(void **state)
{
	const struct model_spec *m = model("llama2-7b");

	assert_close(cm_layer_act_bytes(m, 1, 4096, 1, RECOMPUTE_NONE),
		     3254779904.0, 1e-12);
	assert_close(cm_layer_act_bytes(m, 1, 4096, 1, RECOMPUTE_SELECTIVE),
		     570425344.0, 1e-12);
	assert_close(cm_layer_act_bytes(m, 1, 4096, 8, RECOMPUTE_FULL),
		     4194304.0, 1e-12);
	assert_close(cm_kv_bytes_per_token(model("llama2-70b")), 327680.0,
		     1e-12);
	assert_close(cm_kv_bytes_per_token(model("deepseek-v3")), 70272.0,
		     1e-12);
}

static struct plan *make_plan(const char *mdl, enum plan_mode mode,
			      const struct plan_group_req *g, size_t n,
			      enum plan_strategy st, int gb)
{
	struct plan_request req = {
		.model = model(mdl),
		.mode = mode,
		.groups = g,
		.n_groups = n,
		.strategy = st,
		.global_batch = gb,
	};
	struct dlh_error err = { "" };
	struct plan *p = plan_compute(&req, &err);

	if (!p) {
		print_error("plan %s: %s\n", mdl, err.text);
		fail();
	}
	/* err is left alone on success */
	assert_string_equal(err.text, "");
	return p;
}

/*
 * Per-chip state summed over all ranks, against the hand-computed
 * parameter counts: weights 2 bytes and gradients 4 bytes per parameter
 * per replica; the distributed optimizer keeps 12 bytes per parameter
 * once over the whole job.
 *   llama2-7b 6738415616, llama2-70b 68976648192 (per layer
 *   2*8192^2 + 2*8192*1024 + 3*8192*28672 + 2*8192 = 855654400, x80
 *   + 2*32000*8192 + 8192), mixtral-8x7b 46702792704 (see
 *   test_model_catalog.c).
 * Activations of stage 0 (selective: 34*s*h/tp per layer, times the
 * min(m, P) micro-batches 1F1B keeps in flight).
 */
static void check_state(const char *mdl, double params,
			const struct plan_group_req *g, size_t n)
{
	struct plan *p = make_plan(mdl, PLAN_TRAIN, g, n, PLAN_BALANCED, 0);
	const struct model_spec *m = model(mdl);
	double w = 0, gr = 0, opt = 0;
	size_t i;
	int D = p->groups[0].dp, ep = p->groups[0].ep, inflight;
	const struct plan_stage *s0 = &p->stages[0];

	for (i = 0; i < p->n_ranks; i++) {
		const struct plan_stage *s = &p->stages[p->ranks[i].stage];

		w += s->mem.weights;
		gr += s->mem.grads;
		opt += s->mem.optimizer;
		assert_true(s->mem.total <= s->mem.capacity);
	}
	assert_close(opt, 12.0 * params, 1e-9);
	assert_close(gr, 2.0 * w, 1e-9);
	if (!m->experts) {
		assert_close(w, 2.0 * params * D, 1e-9);
	} else {
		double e = 0;
		int l;

		for (l = 0; l < m->layers; l++)
			e += cm_layer_expert_params(m, l);
		assert_close(w, 2.0 * ((params - e) * D + e * D / ep), 1e-9);
	}
	inflight = p->micro_batches < (int) p->n_stages ? p->micro_batches
							: (int) p->n_stages;
	if (p->recompute == RECOMPUTE_SELECTIVE && p->n_stages > 1)
		assert_close(s0->mem.activations,
			     34.0 * 4096 * m->hidden / s0->tp *
				     (s0->last_layer - s0->first_layer) *
				     inflight,
			     1e-9);
	plan_free(p);
}

static void test_plan_memory(void **state)
{
	struct plan_group_req a[] = {
		{ .chip = chip("ascend910b"), .nodes = 2 },
		{ .chip = chip("a100"), .nodes = 2 },
	};
	struct plan_group_req h[] = {
		{ .chip = chip("h800"), .nodes = 4 },
		{ .chip = chip("mlu590"), .nodes = 4 },
	};
	struct plan_group_req one[] = { { .chip = chip("h200"), .nodes = 1 } };

	check_state("llama2-7b", 6738415616.0, one, 1);
	check_state("llama2-70b", 68976648192.0, a, 2);
	check_state("mixtral-8x7b", 46702792704.0, h, 2);
}

/* Two made-up chips, one twice as fast, memory no object. */
static struct chip_type fast = {
	.name = "fast",
	.tflops_bf16 = 800,
	.mem_gb = 4000,
	.mem_tbps = 4,
	.link_gbps = 400,
	.efficiency = 1,
};
static struct chip_type slow = {
	.name = "slow",
	.tflops_bf16 = 400,
	.mem_gb = 4000,
	.mem_tbps = 4,
	.link_gbps = 400,
	.efficiency = 1,
};

static int group_layers(const struct plan *p, const char *name)
{
	size_t i;
	int n = 0;

	for (i = 0; i < p->n_groups; i++)
		if (!strcmp(p->groups[i].chip, name))
			n += p->groups[i].last_layer - p->groups[i].first_layer;
	return n;
}

static void test_balancer_2x(void **state)
{
	/* One chip per node: no tensor parallelism, so both groups get
	 * the same number of stages and only the split can balance. */
	struct plan_group_req g[] = {
		{ .chip = &slow, .nodes = 8, .accel_per_node = 1 },
		{ .chip = &fast, .nodes = 8, .accel_per_node = 1 },
	};
	struct plan *p =
		make_plan("llama2-70b", PLAN_TRAIN, g, 2, PLAN_BALANCED, 0);
	double ratio =
		(double) group_layers(p, "fast") / group_layers(p, "slow");
	double mx = 0, mn = 1e9;
	size_t i;

	assert_int_equal(group_layers(p, "fast") + group_layers(p, "slow"), 80);
	if (ratio < 1.75 || ratio > 2.25) {
		print_error("fast/slow layers %.2f\n", ratio);
		fail();
	}
	for (i = 0; i < p->n_stages; i++) {
		if (p->stages[i].time_s > mx)
			mx = p->stages[i].time_s;
		if (p->stages[i].time_s < mn)
			mn = p->stages[i].time_s;
	}
	/* Stages differ by at most about one layer's time. */
	assert_true(mx / mn < 1.25);
	/* Balancing beats splitting evenly on this mix: an even split runs
	 * at the slow group's pace, about 2/3 of the sum. */
	if (!(p->efficiency > p->even_split_efficiency + 0.15)) {
		print_error("balanced %.3f even %.3f\n", p->efficiency,
			    p->even_split_efficiency);
		fail();
	}
	assert_true(p->efficiency >= p->metis_efficiency * 0.999);
	assert_true(p->efficiency > 0.85 && p->efficiency < 1.1);
	plan_free(p);
}

/* Deterministic pseudo-random numbers for the brute-force test. */
static uint32_t lcg = 12345;
static double rnd(void)
{
	lcg = lcg * 1103515245u + 12345u;
	return ((lcg >> 8) & 0xffff) / 65536.0;
}

static double brute_best;
static int brute_found;

static void brute(const struct plan_stage_cost *c, int P, int L, int de,
		  int *cnt, int j, int used)
{
	int k;

	if (j == P - 1) {
		double t;
		int a = used, ok = 1, i;

		cnt[j] = L - used;
		if (cnt[j] < 1)
			return;
		/* memory check, stage by stage */
		a = 0;
		for (i = 0; i < P; i++) {
			int d = 0, x;

			for (x = a; x < a + cnt[i]; x++)
				d += x < de;
			if (d * c[i].m_layer[0] +
				    (cnt[i] - d) * c[i].m_layer[1] +
				    c[i].m_fixed >
			    c[i].cap)
				ok = 0;
			a += cnt[i];
		}
		if (!ok)
			return;
		t = plan_split_max_time(c, P, de, cnt);
		if (!brute_found || t < brute_best)
			brute_best = t;
		brute_found = 1;
		return;
	}
	for (k = 1; used + k <= L - (P - 1 - j); k++) {
		cnt[j] = k;
		brute(c, P, L, de, cnt, j + 1, used + k);
	}
}

/* The balanced split's slowest stage equals the brute-force optimum over
 * every ordered split, with memory limits that sometimes bind. */
static void test_split_bruteforce(void **state)
{
	struct plan_stage_cost c[5];
	int cnt[5], bc[5], trial;

	for (trial = 0; trial < 300; trial++) {
		int P = 2 + trial % 4, L = P + 3 + trial % 9, de = trial % 3, j,
		    ok, sum = 0;

		memset(c, 0, sizeof(c));
		for (j = 0; j < P; j++) {
			c[j].t_layer[0] = 0.5 + rnd();
			c[j].t_layer[1] = c[j].t_layer[0] * (1 + rnd());
			c[j].t_fixed = rnd() * 2;
			c[j].m_layer[0] = 1 + rnd();
			c[j].m_layer[1] = 1 + 2 * rnd();
			c[j].m_fixed = rnd();
			c[j].cap = 2 + rnd() * L;
			c[j].compute = 1 / c[j].t_layer[0];
		}
		brute_found = 0;
		brute(c, P, L, de, bc, 0, 0);
		ok = plan_split_layers(PLAN_BALANCED, c, P, L, de, cnt);
		assert_int_equal(ok, brute_found);
		if (!ok)
			continue;
		for (j = 0; j < P; j++) {
			assert_true(cnt[j] >= 1);
			sum += cnt[j];
		}
		assert_int_equal(sum, L);
		assert_close(plan_split_max_time(c, P, de, cnt), brute_best,
			     1e-9);
		/* The baselines never beat it. */
		if (plan_split_layers(PLAN_EVEN, c, P, L, de, bc))
			assert_true(plan_split_max_time(c, P, de, bc) >=
				    brute_best * (1 - 1e-9));
		if (plan_split_layers(PLAN_METIS, c, P, L, de, bc))
			assert_true(plan_split_max_time(c, P, de, bc) >=
				    brute_best * (1 - 1e-9));
	}
	/* More stages than layers cannot be split. */
	assert_int_equal(plan_split_layers(PLAN_BALANCED, c, 5, 4, 0, cnt), 0);
}

static struct json_object *get(struct json_object *o, const char *k)
{
	struct json_object *v = NULL;

	if (!json_object_object_get_ex(o, k, &v)) {
		print_error("JSON field '%s' missing\n", k);
		fail();
	}
	return v;
}

/* The plan-wide fields of the JSON o of plan p (llama2-70b, train, a
 * global batch of 256, ascend910b first). */
static void check_json_fields(struct json_object *o, const struct plan *p)
{
	struct json_object *groups;

	assert_non_null(o);
	assert_string_equal(json_object_get_string(get(o, "schema")),
			    PLAN_JSON_SCHEMA);
	assert_string_equal(json_object_get_string(get(o, "model")),
			    "llama2-70b");
	assert_string_equal(json_object_get_string(get(o, "mode")), "train");
	assert_close(json_object_get_double(get(o, "efficiency")),
		     p->efficiency, 1e-5);
	assert_close(json_object_get_double(get(o, "even_split_efficiency")),
		     p->even_split_efficiency, 1e-5);
	assert_close(json_object_get_double(get(o, "step_time_s")),
		     p->step_time_s, 1e-5);
	assert_close(json_object_get_double(get(o, "tokens_per_s")),
		     p->tokens_per_s, 1e-5);
	assert_int_equal(json_object_get_int(get(o, "global_batch")), 256);
	groups = get(o, "groups");
	assert_int_equal(json_object_array_length(groups), 2);
	assert_string_equal(
		json_object_get_string(
			get(json_object_array_get_idx(groups, 0), "chip")),
		"ascend910b");
}

/* Rank i of the JSON, r, against plan p; its first stage's layers (when
 * it is tp rank 0) are counted in layers_seen[replica * L + layer]. */
static void check_json_rank(struct json_object *r, size_t i,
			    const struct plan *p, int *layers_seen, int L)
{
	int rank = json_object_get_int(get(r, "rank"));
	int st = json_object_get_int(get(r, "stage"));
	int a = json_object_get_int(get(r, "first_layer"));
	int b = json_object_get_int(get(r, "last_layer"));
	int rep = json_object_get_int(get(r, "replica"));
	int tpr = json_object_get_int(get(r, "tp_rank"));
	int l;
	size_t k, same = 0;

	assert_int_equal(rank, (int) i);
	assert_true(st >= 0 && (size_t) st < p->n_stages);
	assert_int_equal(a, p->stages[st].first_layer);
	assert_int_equal(b, p->stages[st].last_layer);
	assert_true(json_object_get_int(get(r, "micro_batches")) > 0);
	assert_non_null(get(r, "chip"));
	assert_non_null(get(r, "node"));
	assert_non_null(get(r, "local_device"));
	assert_non_null(get(r, "dp_group"));
	assert_non_null(get(r, "pp_group"));
	assert_int_equal(json_object_get_int(get(r, "ep_group")), -1);
	if (tpr == 0)
		for (l = a; l < b; l++)
			layers_seen[rep * L + l]++;
	for (k = 0; k < p->n_ranks; k++) {
		if (p->ranks[k].tp_group != p->ranks[i].tp_group)
			continue;
		same++;
		assert_int_equal(p->ranks[k].node, p->ranks[i].node);
	}
	assert_int_equal(same, p->stages[st].tp);
}

/* Every rank once, in order; every replica covers each of the L layers
 * once; tp groups are as wide as their stage's tp and stay in a node. */
static void check_json_ranks(struct json_object *o, const struct plan *p, int L)
{
	struct json_object *ranks = get(o, "ranks");
	size_t i, n = json_object_array_length(ranks);
	int *layers_seen;

	assert_int_equal(n, 32);
	layers_seen = calloc((size_t) L * p->n_replicas, sizeof(int));
	for (i = 0; i < n; i++)
		check_json_rank(json_object_array_get_idx(ranks, i), i, p,
				layers_seen, L);
	for (i = 0; i < (size_t) L * p->n_replicas; i++)
		assert_int_equal(layers_seen[i], 1);
	free(layers_seen);
}

/* Same plan (js, js2), same text and hash; another plan (js3), another
 * hash. */
static void check_json_hashes(const char *js, const char *js2, const char *js3)
{
	char h1[17], h2[17], h3[17];

	assert_string_equal(js, js2);
	plan_json_hash_hex(js, h1);
	plan_json_hash_hex(js2, h2);
	plan_json_hash_hex(js3, h3);
	assert_string_equal(h1, h2);
	assert_string_not_equal(h1, h3);
	assert_int_equal(strlen(h1), 16);
	/* FNV-1a 64 reference values. */
	assert_true(plan_json_hash("") == 0xcbf29ce484222325ULL);
	assert_true(plan_json_hash("a") == 0xaf63dc4c8601ec8cULL);
	assert_true(plan_json_hash("foobar") == 0x85944171f73967e8ULL);
}

static void test_json_roundtrip(void **state)
{
	struct plan_group_req g[] = {
		{ .chip = chip("ascend910b"), .nodes = 2 },
		{ .chip = chip("a100"), .nodes = 2 },
	};
	struct plan *p =
		make_plan("llama2-70b", PLAN_TRAIN, g, 2, PLAN_BALANCED, 256);
	struct plan *q =
		make_plan("llama2-70b", PLAN_TRAIN, g, 2, PLAN_BALANCED, 256);
	struct plan *other =
		make_plan("llama2-13b", PLAN_TRAIN, g, 2, PLAN_BALANCED, 256);
	char *js = plan_to_json(p), *js2 = plan_to_json(q);
	char *js3 = plan_to_json(other);
	struct json_object *o = json_tokener_parse(js);

	check_json_fields(o, p);
	check_json_ranks(o, p, 80);
	check_json_hashes(js, js2, js3);

	json_object_put(o);
	free(js);
	free(js2);
	free(js3);
	plan_free(p);
	plan_free(q);
	plan_free(other);
}

static void test_svg(void **state)
{
	struct plan_group_req g[] = {
		{ .chip = chip("ascend910b"), .nodes = 2 },
		{ .chip = chip("a100"), .nodes = 2 },
	};
	struct plan *p =
		make_plan("llama2-70b", PLAN_TRAIN, g, 2, PLAN_BALANCED, 0);
	char *svg = plan_to_svg(p), label[32];
	size_t i;

	assert_non_null(svg);
	assert_non_null(strstr(svg, "<svg"));
	assert_non_null(strstr(svg, "</svg>"));
	for (i = 0; i < p->n_stages; i++) {
		snprintf(label, sizeof(label), ">L%d-%d<",
			 p->stages[i].first_layer, p->stages[i].last_layer - 1);
		assert_non_null(strstr(svg, label));
	}
	free(svg);
	plan_free(p);
}

/*
 * Decode, by hand: llama2-7b on one H200 (tp 1, pp 1).  Weights
 * 6738415616*2 = 13476831232 bytes; usable 141 GiB * 0.9 =
 * 136264646246 bytes; KV per token 2*2*32*32*128 = 524288 bytes, so
 * (136264646246 - 13476831232) / 524288 = 234199 tokens = 57 sequences
 * of 4096.  One round reads the weights once and the whole cache:
 * (13476831232 + 57*4096*524288) / (4.8e12 * 0.75) = 0.0377 s, above the
 * compute time 2*6.738e9*57/652.7e12 = 1.2 ms: 57/0.0377 = 1511 tokens/s.
 */
static void test_infer_decode(void **state)
{
	struct plan_group_req g[] = {
		{ .chip = chip("h200"), .nodes = 1, .accel_per_node = 1 },
	};
	struct plan *p =
		make_plan("llama2-7b", PLAN_INFER, g, 1, PLAN_BALANCED, 0);
	const struct chip_type *h = chip("h200");
	double usable = h->mem_gb * 1073741824.0 * 0.9;
	double w = 6738415616.0 * 2, kv = 524288;
	int batch = (int) (floor((usable - w) / kv) / 4096);
	double round = (w + batch * 4096.0 * kv) / (h->mem_tbps * 1e12 * 0.75);

	assert_int_equal(p->groups[0].replicas, 1);
	assert_int_equal(p->groups[0].batch_per_replica, batch);
	assert_close(p->tokens_per_s, batch / round, 1e-6);
	assert_true(p->groups[0].mem.weights + p->groups[0].mem.kv_cache <=
		    p->groups[0].mem.capacity);
	plan_free(p);

	/* A mix serves the sum of its groups. */
	{
		struct plan_group_req m[] = {
			{ .chip = chip("a100"), .nodes = 2 },
			{ .chip = chip("mlu370"), .nodes = 2 },
		};
		struct plan *q = make_plan("mixtral-8x7b", PLAN_INFER, m, 2,
					   PLAN_BALANCED, 0);
		size_t i;

		assert_close(q->tokens_per_s,
			     q->groups[0].tokens_per_s +
				     q->groups[1].tokens_per_s,
			     1e-9);
		for (i = 0; i < 2; i++) {
			const struct plan_group *pg = &q->groups[i];

			assert_true(pg->replicas * pg->tp * pg->pp <=
				    pg->accelerators);
			assert_true(pg->kv_tokens_per_replica >= 4096);
		}
		for (i = 0; i < q->n_ranks; i++)
			assert_true(q->ranks[i].replica >= 0);
		plan_free(q);
	}
}

static void test_errors(void **state)
{
	struct plan_group_req small[] = { { .chip = chip("a100"),
					    .nodes = 1 } };
	struct plan_group_req bad[] = { { .chip = NULL, .nodes = 1 } };
	struct plan_group_req zero[] = { { .chip = chip("a100"), .nodes = 0 } };
	struct plan_request req = {
		.model = model("llama3-405b"),
		.groups = small,
		.n_groups = 1,
	};
	struct dlh_error err = { "" };

	/* 405B needs ~7.3 TB of training state; 8 A100 hold ~620 GB. */
	assert_null(plan_compute(&req, &err));
	assert_true(err.text[0] != '\0');
	assert_non_null(strstr(err.text, "too few chips"));
	assert_non_null(strstr(err.text, "7305 GB"));
	assert_non_null(strstr(err.text, "618 GB"));

	req.mode = PLAN_INFER;
	assert_null(plan_compute(&req, &err));
	assert_non_null(strstr(err.text, "too few chips to serve"));

	req.mode = PLAN_TRAIN;
	req.model = NULL;
	err.text[0] = '\0';
	assert_null(plan_compute(&req, &err));
	assert_true(err.text[0] != '\0');

	req.model = model("llama2-7b");
	req.n_groups = 0;
	assert_null(plan_compute(&req, &err));
	assert_non_null(strstr(err.text, "chip groups"));

	req.groups = bad;
	req.n_groups = 1;
	assert_null(plan_compute(&req, &err));
	assert_non_null(strstr(err.text, "no chip type"));

	req.groups = zero;
	assert_null(plan_compute(&req, &err));
	assert_non_null(strstr(err.text, "out of range"));

	assert_null(plan_compute(NULL, &err));
	assert_null(plan_compute(NULL, NULL));
}

/* Run the CLI; returns its exit status and its stdout+stderr. */
static int run_cli(const char *args, char **out)
{
	const char *bld = getenv("DLH_BUILDDIR");
	const char *src = getenv("DLH_SRCDIR");
	char *cmd, buf[4096];
	size_t len = 0;
	FILE *f;
	int st;

	if (asprintf(
		    &cmd,
		    "%s/src/cli/dlhetero-plan --catalog %s/data/chips.json --models %s/data/models.json %s 2>&1",
		    bld ? bld : ".", src ? src : ".", src ? src : ".",
		    args) < 0)
		return -1;
	f = popen(cmd, "r");
	free(cmd);
	assert_non_null(f);
	*out = calloc(1, 1);
	while (fgets(buf, sizeof(buf), f)) {
		*out = realloc(*out, len + strlen(buf) + 1);
		strcpy(*out + len, buf);
		len += strlen(buf);
	}
	st = pclose(f);
	return WIFEXITED(st) ? WEXITSTATUS(st) : -1;
}

struct cli_case {
	const char *args;
	int status;
	const char *expect;
};

static const struct cli_case cli_cases[] = {
	{ "--model llama2-7b --chips nosuch:8", 2, "valid types: a100" },
	{ "--model llama2-7b --chips a100:0", 2, "1..100000" },
	{ "--model llama2-7b --chips a100:100001", 2, "1..100000" },
	{ "--model llama2-7b --chips a100:8x", 2, "is not an integer" },
	{ "--model llama2-7b --chips a100:-8", 2, "is not an integer" },
	{ "--model llama2-7b --chips a100", 2, "not TYPE:N" },
	{ "--model llama2-7b --chips a100:8,", 2, "empty item" },
	{ "--model llama2-7b --chips ,a100:8", 2, "empty item" },
	{ "--model llama2-7b --chips a100:8,a100:8", 2, "twice" },
	{ "--model llama2-7b --chips a100:12", 2, "multiple of 8" },
	{ "--model llama2-7b --chips a100:8@x", 2, "domain" },
	{ "--model nosuch --chips a100:8", 2, "known models: llama2-7b" },
	{ "--model llama2-7b", 2, "required" },
	{ "--model llama2-7b --chips a100:8 --mode fly", 2, "--mode" },
	{ "--model llama2-7b --chips a100:8 --seq-len 0", 2, "--seq-len" },
	{ "--model llama2-7b --chips a100:8 --bogus", 2, "--bogus" },
	{ "--model llama2-7b --chips a100:8 extra", 2, "unexpected" },
	{ "--model llama3-405b --chips a100:8", 1, "too few chips" },
	{ "--model llama2-7b --chips a100:8 --models /nonexistent.json", 1,
	  "nonexistent" },
	{ "--model llama2-7b --chips a100:8", 0, "plan hash" },
	{ "--list-models", 0, "deepseek-v3" },
	{ "--list-chips", 0, "ascend910b" },
	{ "--model mixtral-8x7b --mode infer --chips a100:16,mlu370:8", 0,
	  "tokens/s" },
};

static void test_cli(void **state)
{
	size_t i;

	for (i = 0; i < sizeof(cli_cases) / sizeof(cli_cases[0]); i++) {
		char *out = NULL;
		int st = run_cli(cli_cases[i].args, &out);

		if (st != cli_cases[i].status ||
		    !strstr(out, cli_cases[i].expect)) {
			print_error(
				"dlhetero-plan %s: status %d, output:\n%s\n",
				cli_cases[i].args, st, out);
			free(out);
			fail();
		}
		free(out);
	}
}

static void test_cli_json_svg(void **state)
{
	char svg[] = "/tmp/dlh-plan-svg-XXXXXX", *out = NULL, *args;
	struct json_object *o;
	int fd = mkstemp(svg);
	FILE *f;
	char head[64] = "";

	assert_true(fd >= 0);
	close(fd);
	assert_true(
		asprintf(
			&args,
			"--model llama2-13b --chips ascend910b:8,h100:8 --json --svg %s",
			svg) > 0);
	assert_int_equal(run_cli(args, &out), 0);
	free(args);
	o = json_tokener_parse(out);
	assert_non_null(o);
	assert_string_equal(json_object_get_string(get(o, "model")),
			    "llama2-13b");
	assert_int_equal(json_object_array_length(get(o, "ranks")), 16);
	json_object_put(o);
	free(out);
	f = fopen(svg, "r");
	assert_non_null(f);
	assert_non_null(fgets(head, sizeof(head), f));
	fclose(f);
	assert_non_null(strstr(head, "<?xml"));
	unlink(svg);
}

/* The value after "key: " on its line of text, or NULL. */
static const char *yaml_value(const char *text, const char *key, char *buf,
			      size_t len)
{
	const char *p = strstr(text, key), *end;

	if (!p)
		return NULL;
	p += strlen(key);
	end = strchr(p, '\n');
	snprintf(buf, len, "%.*s", (int) (end ? end - p : (long) strlen(p)), p);
	return buf;
}

/*
 * FlagScale's and Megatron's views of a plan say what the plan says:
 * meshes and device types in pipeline order, the layer split per stage,
 * the sizes; Megatron refuses a mix.
 */
static void test_export(void **state)
{
	struct plan_group_req g[] = {
		{ .chip = chip("ascend910b"), .nodes = 2 },
		{ .chip = chip("a100"), .nodes = 2 },
	};
	struct plan_group_req one[] = { { .chip = chip("a100"), .nodes = 4 } };
	struct plan *p =
		make_plan("llama2-70b", PLAN_TRAIN, g, 2, PLAN_BALANCED, 256);
	struct plan *q =
		make_plan("llama2-70b", PLAN_TRAIN, one, 1, PLAN_BALANCED, 256);
	char want[512], buf[512], *y, *m;
	const struct plan_group *a, *b;
	struct dlh_error err;
	size_t k, used = 0;

	y = plan_flagscale_yaml(p, "a100", &err);
	assert_non_null(y);
	/* the group that runs stage 0 comes first */
	a = &p->groups[p->groups[0].first_stage == 0 ? 0 : 1];
	b = &p->groups[p->groups[0].first_stage == 0 ? 1 : 0];
	snprintf(want, sizeof(want), "[\"%s\", \"%s\"]", a->chip, b->chip);
	assert_string_equal(
		yaml_value(y, "hetero_device_types: ", buf, sizeof(buf)), want);
	snprintf(want, sizeof(want), "[%d, 1, %d, %d, %d, %d, 1, %d, %d, %d]",
		 a->tp, a->ep, a->dp, a->pp, b->tp, b->ep, b->dp, b->pp);
	assert_string_equal(yaml_value(y, "hetero_process_meshes: ", buf,
				       sizeof(buf)),
			    want);
	used = snprintf(want, sizeof(want), "[");
	for (k = 0; k < p->n_stages; k++)
		used += snprintf(
			want + used, sizeof(want) - used, "%s%d", k ? ", " : "",
			p->stages[k].last_layer - p->stages[k].first_layer);
	snprintf(want + used, sizeof(want) - used, "]");
	assert_string_equal(yaml_value(y, "hetero_pipeline_layer_split: ", buf,
				       sizeof(buf)),
			    want);
	assert_string_equal(yaml_value(y, "hetero_current_device_type: ", buf,
				       sizeof(buf)),
			    "\"a100\"");
	snprintf(want, sizeof(want), "%zu", p->n_stages);
	assert_string_equal(yaml_value(y, "pipeline_model_parallel_size: ", buf,
				       sizeof(buf)),
			    want);
	assert_string_equal(yaml_value(y, "num_layers: ", buf, sizeof(buf)),
			    "80");
	free(y);
	assert_null(plan_flagscale_yaml(p, "mlu590", &err));
	assert_non_null(strstr(err.text, "no mlu590 group"));
	assert_null(plan_megatron_args(p, &err));
	assert_non_null(strstr(err.text, "one chip type"));

	m = plan_megatron_args(q, &err);
	assert_non_null(m);
	snprintf(want, sizeof(want),
		 "--tensor-model-parallel-size %d "
		 "--pipeline-model-parallel-size %zu ",
		 q->groups[0].tp, q->n_stages);
	assert_non_null(strstr(m, want));
	snprintf(want, sizeof(want), "--global-batch-size %d ",
		 q->global_batch);
	assert_non_null(strstr(m, want));
	free(m);
	plan_free(p);
	plan_free(q);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_train_flops),
		cmocka_unit_test(test_calibration_h200),
		cmocka_unit_test(test_memory_formulas),
		cmocka_unit_test(test_plan_memory),
		cmocka_unit_test(test_balancer_2x),
		cmocka_unit_test(test_split_bruteforce),
		cmocka_unit_test(test_json_roundtrip),
		cmocka_unit_test(test_svg),
		cmocka_unit_test(test_infer_decode),
		cmocka_unit_test(test_errors),
		cmocka_unit_test(test_export),
		cmocka_unit_test(test_cli),
		cmocka_unit_test(test_cli_json_svg),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
