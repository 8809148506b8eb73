/*
 * dlhetero-plan: print the parallel plan dlhetero would use to train or
 * serve a model on a mix of chip types.
 *
 *   dlhetero-plan --model llama2-70b --mode train --chips ascend910b:64,a100:64
 *
 * Exit status: 0 plan printed, 1 no plan (the chips cannot hold the
 * model, unreadable catalog), 2 bad command line.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <getopt.h>
#include <limits.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "chip_catalog.h"
#include "dlh_log.h"
#include "hetero_map.h"
#include "model_catalog.h"
#include "plan.h"
#include "plan_export.h"
#include "plan_json.h"
#include "plan_svg.h"

#define MAX_COUNT 100000

struct opts {
	const char *model, *chips, *catalog, *models, *svg, *map;
	enum plan_mode mode;
	enum plan_strategy strategy;
	int global_batch, seq_len, apn, json;
	double inter_node, inter_domain;
	int list_models, list_chips;
	int flagscale, megatron;
	const char *device;
};

static void usage(FILE *f)
{
	fputs("usage: dlhetero-plan --model NAME --chips TYPE:N[,TYPE:N...]\n"
	      "         [--mode train|infer] [--global-batch N] [--seq-len N]\n"
	      "         [--accel-per-node N] [--inter-node-gbps X]\n"
	      "         [--inter-domain-gbps X] [--strategy balanced|even|metis]\n"
	      "         [--catalog FILE] [--models FILE] [--json] [--svg FILE]\n"
	      "       dlhetero-plan --model NAME --map MAP|@FILE [--mode ...]\n"
	      "         [--global-batch N] [--seq-len N] [--inter-node-gbps X]\n"
	      "       add --flagscale [--device TYPE] or --megatron for the plan in\n"
	      "         FlagScale's heterogeneous YAML or Megatron-LM arguments\n"
	      "       dlhetero-plan --list-models | --list-chips [--catalog FILE]\n"
	      "TYPE:N is N accelerators of a chip type; TYPE:N@D puts them in\n"
	      "network domain D (default 0).  --map plans a job's node -> chip\n"
	      "map (DL_HETERO_MAP, e.g. n[1-2]:a100:8;n5:ascend910b:8) exactly\n"
	      "as its nodes do and prints the DL_PLAN JSON.\n",
	      f);
}

/* Whole-string decimal integer in [lo, hi]. */
static int parse_int(const char *s, long lo, long hi, int *out)
{
	char *end;
	long v;

	if (!s || !*s || !(*s == '-' || (*s >= '0' && *s <= '9')))
		return -1;
	errno = 0;
	v = strtol(s, &end, 10);
	if (errno || *end || v < lo || v > hi)
		return -1;
	*out = (int) v;
	return 0;
}

static int parse_gbps(const char *s, double *out)
{
	char *end;
	double v;

	if (!s || !*s)
		return -1;
	errno = 0;
	v = strtod(s, &end);
	if (errno || *end || !(v > 0) || v > 1e6)
		return -1;
	*out = v;
	return 0;
}

/* One "TYPE:N[@D]" item, cut in place: its chip type, count and domain;
 * -1 after printing why not. */
static int parse_chip_item(char *item, const struct chip_catalog *cat,
			   const struct chip_type **type, int *count,
			   int *domain)
{
	char *colon = strchr(item, ':'), *at;

	if (!colon) {
		fprintf(stderr,
			"dlhetero-plan: --chips item '%s' is not TYPE:N\n",
			item);
		return -1;
	}
	*colon = '\0';
	*domain = 0;
	at = strchr(colon + 1, '@');
	if (at) {
		*at = '\0';
		if (parse_int(at + 1, 0, 1000, domain)) {
			fprintf(stderr,
				"dlhetero-plan: --chips item '%s': domain '%s' is not 0..1000\n",
				item, at + 1);
			return -1;
		}
	}
	*type = chip_catalog_find(cat, item);
	if (!*type) {
		char *names = chip_catalog_names(cat);

		fprintf(stderr,
			"dlhetero-plan: unknown chip type '%s'; valid types: %s\n",
			item, names ? names : "?");
		free(names);
		return -1;
	}
	if (parse_int(colon + 1, 1, MAX_COUNT, count)) {
		fprintf(stderr,
			"dlhetero-plan: --chips %s: count '%s' is not an integer 1..%d\n",
			item, colon + 1, MAX_COUNT);
		return -1;
	}
	return 0;
}

/* Adds the group of count accelerators of type t in domain to
 * out[0..*n) (room for max); -1 after printing why not. */
static int add_chip_group(const struct chip_type *t, int count, int domain,
			  int apn, struct plan_group_req *out, int *n, int max)
{
	int i, a;

	for (i = 0; i < *n; i++) {
		if (out[i].chip == t && out[i].domain == domain) {
			fprintf(stderr,
				"dlhetero-plan: --chips lists %s twice in domain %d\n",
				t->name, domain);
			return -1;
		}
	}
	if (*n == max) {
		fprintf(stderr, "dlhetero-plan: --chips: at most %d groups\n",
			max);
		return -1;
	}
	/* A group smaller than a node is one partial node. */
	a = count < apn ? count : apn;
	if (count % a) {
		fprintf(stderr,
			"dlhetero-plan: --chips %s:%d is not a multiple of %d accelerators per node\n",
			t->name, count, apn);
		return -1;
	}
	memset(&out[*n], 0, sizeof(out[*n]));
	out[*n].chip = t;
	out[*n].accel_per_node = a;
	out[*n].nodes = count / a;
	out[*n].domain = domain;
	(*n)++;
	return 0;
}

/*
 * Parse "TYPE:N[@D][,TYPE:N[@D]...]" strictly: no spaces, no empty items,
 * counts 1..MAX_COUNT, known types only, no type listed twice in one
 * domain.  Returns the number of groups, or -1 after printing why.
 */
static int parse_chips(const char *spec, const struct chip_catalog *cat,
		       int apn, struct plan_group_req *out, int max)
{
	char *copy, *item, *save = NULL;
	int n = 0;

	if (!spec || !*spec) {
		fprintf(stderr, "dlhetero-plan: --chips is empty\n");
		return -1;
	}
	copy = strdup(spec);
	if (!copy)
		return -1;
	if (spec[strlen(spec) - 1] == ',' || spec[0] == ',' ||
	    strstr(spec, ",,")) {
		fprintf(stderr, "dlhetero-plan: --chips '%s': empty item\n",
			spec);
		goto fail;
	}
	for (item = strtok_r(copy, ",", &save); item;
	     item = strtok_r(NULL, ",", &save)) {
		const struct chip_type *t;
		int count, domain;

		if (parse_chip_item(item, cat, &t, &count, &domain) ||
		    add_chip_group(t, count, domain, apn, out, &n, max))
			goto fail;
	}
	free(copy);
	return n;
fail:
	free(copy);
	return -1;
}

static void print_mem(const struct plan_mem *m, int train)
{
	if (train)
		printf("%5.1f+%5.1f+%5.1f+%5.1f/%5.1f", m->weights / 1e9,
		       m->grads / 1e9, m->optimizer / 1e9, m->activations / 1e9,
		       m->capacity / 1e9);
	else
		printf("%6.1f+%6.1f/%6.1f", m->weights / 1e9, m->kv_cache / 1e9,
		       m->capacity / 1e9);
}

static void print_table(const struct plan *p, const char *hash)
{
	int train = p->mode == PLAN_TRAIN;
	size_t i;

	printf("model %s, %s, strategy %s: %d ranks on %d nodes\n", p->model,
	       plan_mode_name(p->mode), plan_strategy_name(p->strategy),
	       p->world_size, p->n_nodes);
	if (train) {
		printf("global batch %d x %d tokens, micro-batch %d, %d micro-batches per replica, recompute %s\n",
		       p->global_batch, p->seq_len, p->micro_batch_size,
		       p->micro_batches, recompute_name(p->recompute));
		printf("step %.3f s (pipeline %.3f s + gradient sync %.3f s), %.0f tokens/s, MFU %.1f%%\n",
		       p->step_time_s, p->pipeline_s, p->dp_comm_s,
		       p->tokens_per_s, 100 * p->mfu);
		printf("efficiency %.1f%% of the groups' standalone sum (%.0f tokens/s); even split %.1f%%, Metis-style %.1f%%\n",
		       100 * p->efficiency, p->standalone_tokens_per_s,
		       100 * p->even_split_efficiency,
		       100 * p->metis_efficiency);
		printf("\n%-12s %6s %5s %3s %3s %4s %3s %9s  %-29s %12s\n",
		       "chip", "accel", "nodes", "tp", "pp", "dp", "ep",
		       "layers", "mem GB w+g+o+act/cap", "alone tok/s");
	} else {
		printf("context %d tokens, %d concurrent sequences, %.0f tokens/s decode\n",
		       p->seq_len, p->global_batch, p->tokens_per_s);
		printf("\n%-12s %6s %5s %3s %3s %8s %6s %10s  %-21s %10s\n",
		       "chip", "accel", "nodes", "tp", "pp", "replicas",
		       "batch", "kv tokens", "mem GB w+kv/cap", "tokens/s");
	}
	for (i = 0; i < p->n_groups; i++) {
		const struct plan_group *g = &p->groups[i];

		if (train) {
			char layers[24];

			snprintf(layers, sizeof(layers), "%d-%d",
				 g->first_layer, g->last_layer - 1);
			printf("%-12s %6d %5d %3d %3d %4d %3d %9s  ", g->chip,
			       g->accelerators, g->nodes, g->tp, g->pp, g->dp,
			       g->ep, layers);
			print_mem(&g->mem, 1);
			printf(" %11.0f%s\n", g->standalone_tokens_per_s,
			       g->standalone_memory_relaxed ? "*" : "");
		} else {
			printf("%-12s %6d %5d %3d %3d %8d %6d %10.0f  ",
			       g->chip, g->accelerators, g->nodes, g->tp, g->pp,
			       g->replicas, g->batch_per_replica,
			       g->kv_tokens_per_replica);
			print_mem(&g->mem, 0);
			printf(" %10.0f\n", g->tokens_per_s);
		}
	}
	if (train) {
		printf("\n%5s %-12s %3s %9s %9s %8s\n", "stage", "chip", "tp",
		       "layers", "ms/micro", "mem GB");
		for (i = 0; i < p->n_stages; i++) {
			const struct plan_stage *s = &p->stages[i];

			printf("%5d %-12s %3d %4d-%-4d %9.1f %8.1f\n", s->stage,
			       p->groups[s->group].chip, s->tp, s->first_layer,
			       s->last_layer - 1, s->time_s * 1e3,
			       s->mem.total / 1e9);
		}
		for (i = 0; i < p->n_groups; i++)
			if (p->groups[i].standalone_memory_relaxed) {
				printf("* this group alone cannot hold the model; its figure ignores memory\n");
				break;
			}
	}
	printf("\nplan hash %s\n", hash);
}

static int list_models(const struct model_catalog *mc)
{
	size_t i;

	printf("%-16s %6s %6s %6s %5s %4s %7s %8s %8s  %s\n", "model", "layers",
	       "hidden", "ffn", "heads", "kv", "vocab", "params", "active",
	       "moe");
	for (i = 0; i < mc->n_models; i++) {
		const struct model_spec *m = &mc->models[i];
		char moe[64] = "-";

		if (m->experts)
			snprintf(moe, sizeof(moe), "%d experts top-%d%s",
				 m->experts, m->top_k,
				 m->kv_lora_rank ? ", MLA" : "");
		printf("%-16s %6d %6d %6d %5d %4d %7d %7.1fB %7.1fB  %s\n",
		       m->name, m->layers, m->hidden, m->ffn, m->heads,
		       m->kv_heads, m->vocab, cm_total_params(m) / 1e9,
		       cm_active_params(m) / 1e9, moe);
	}
	return 0;
}

static int list_chips(const struct chip_catalog *cc)
{
	size_t i;

	printf("%-12s %-10s %7s %5s %6s %6s %5s %9s\n", "chip", "vendor",
	       "TFLOPS", "GB", "TB/s", "link", "eff", "achieved");
	for (i = 0; i < cc->n_types; i++) {
		const struct chip_type *t = &cc->types[i];

		printf("%-12s %-10s %7.0f %5.0f %6.2f %6.0f %5.2f %9.0f\n",
		       t->name, t->vendor ? t->vendor : "?", t->tflops_bf16,
		       t->mem_gb, t->mem_tbps, t->link_gbps, t->efficiency,
		       cm_chip_flops(t) / 1e12);
	}
	return 0;
}

enum {
	O_MODEL = 256,
	O_MODE,
	O_CHIPS,
	O_GB,
	O_SEQ,
	O_APN,
	O_INTER,
	O_DOMAIN,
	O_CAT,
	O_MODELS,
	O_JSON,
	O_SVG,
	O_LM,
	O_LC,
	O_STRAT,
	O_MAP,
	O_FLAGSCALE,
	O_MEGATRON,
	O_DEVICE,
	O_HELP
};

static const struct option long_opts[] = {
	{ "model", required_argument, NULL, O_MODEL },
	{ "mode", required_argument, NULL, O_MODE },
	{ "chips", required_argument, NULL, O_CHIPS },
	{ "global-batch", required_argument, NULL, O_GB },
	{ "seq-len", required_argument, NULL, O_SEQ },
	{ "accel-per-node", required_argument, NULL, O_APN },
	{ "inter-node-gbps", required_argument, NULL, O_INTER },
	{ "inter-domain-gbps", required_argument, NULL, O_DOMAIN },
	{ "catalog", required_argument, NULL, O_CAT },
	{ "models", required_argument, NULL, O_MODELS },
	{ "json", no_argument, NULL, O_JSON },
	{ "svg", required_argument, NULL, O_SVG },
	{ "list-models", no_argument, NULL, O_LM },
	{ "list-chips", no_argument, NULL, O_LC },
	{ "strategy", required_argument, NULL, O_STRAT },
	{ "map", required_argument, NULL, O_MAP },
	{ "flagscale", no_argument, NULL, O_FLAGSCALE },
	{ "megatron", no_argument, NULL, O_MEGATRON },
	{ "device", required_argument, NULL, O_DEVICE },
	{ "help", no_argument, NULL, O_HELP },
	{ NULL, 0, NULL, 0 },
};

static int parse_strategy(const char *s, enum plan_strategy *out)
{
	if (!strcmp(s, "balanced"))
		*out = PLAN_BALANCED;
	else if (!strcmp(s, "even"))
		*out = PLAN_EVEN;
	else if (!strcmp(s, "metis"))
		*out = PLAN_METIS;
	else
		return -1;
	return 0;
}

/*
 * Option c (of long_opts, --help aside) with its argument into o.  Returns
 * false for an option that is not one of them; *bad says why a value is
 * not good (NULL if it is).
 */
static bool set_option(struct opts *o, int c, const char *arg, const char **bad)
{
	*bad = NULL;
	switch (c) {
	case O_MODEL:
		o->model = arg;
		break;
	case O_MODE:
		if (plan_mode_parse(arg, &o->mode))
			*bad = "--mode must be train or infer";
		break;
	case O_CHIPS:
		o->chips = arg;
		break;
	case O_GB:
		if (parse_int(arg, 1, PLAN_MAX_GLOBAL_BATCH, &o->global_batch))
			*bad = "--global-batch must be an integer 1.." DLH_STR(
				PLAN_MAX_GLOBAL_BATCH);
		break;
	case O_SEQ:
		if (parse_int(arg, 1, PLAN_MAX_SEQ_LEN, &o->seq_len))
			*bad = "--seq-len must be an integer 1.." DLH_STR(
				PLAN_MAX_SEQ_LEN);
		break;
	case O_APN:
		if (parse_int(arg, 1, 1024, &o->apn))
			*bad = "--accel-per-node must be an integer 1..1024";
		break;
	case O_INTER:
		if (parse_gbps(arg, &o->inter_node))
			*bad = "--inter-node-gbps must be a number > 0";
		break;
	case O_DOMAIN:
		if (parse_gbps(arg, &o->inter_domain))
			*bad = "--inter-domain-gbps must be a number > 0";
		break;
	case O_CAT:
		o->catalog = arg;
		break;
	case O_MODELS:
		o->models = arg;
		break;
	case O_JSON:
		o->json = 1;
		break;
	case O_SVG:
		o->svg = arg;
		break;
	case O_LM:
		o->list_models = 1;
		break;
	case O_LC:
		o->list_chips = 1;
		break;
	case O_MAP:
		o->map = arg;
		break;
	case O_FLAGSCALE:
		o->flagscale = 1;
		break;
	case O_MEGATRON:
		o->megatron = 1;
		break;
	case O_DEVICE:
		o->device = arg;
		break;
	case O_STRAT:
		if (parse_strategy(arg, &o->strategy))
			*bad = "--strategy must be balanced, even or metis";
		break;
	default:
		return false;
	}
	return true;
}

static int parse_args(int argc, char **argv, struct opts *o)
{
	int c;

	memset(o, 0, sizeof(*o));
	o->apn = PLAN_DEFAULT_ACCEL_PER_NODE;
	opterr = 0;
	while ((c = getopt_long(argc, argv, "", long_opts, NULL)) != -1) {
		const char *bad;

		if (c == O_HELP) {
			usage(stdout);
			exit(0);
		}
		if (!set_option(o, c, optarg, &bad)) {
			fprintf(stderr,
				"dlhetero-plan: unknown or incomplete option '%s'\n",
				argv[optind - 1]);
			usage(stderr);
			return -1;
		}
		if (bad) {
			fprintf(stderr, "dlhetero-plan: %s, not '%s'\n", bad,
				optarg);
			return -1;
		}
	}
	if (optind < argc) {
		fprintf(stderr, "dlhetero-plan: unexpected argument '%s'\n",
			argv[optind]);
		return -1;
	}
	if (o->map && o->chips) {
		fprintf(stderr, "dlhetero-plan: --map or --chips, not both\n");
		return -1;
	}
	if (!o->list_models && !o->list_chips &&
	    (!o->model || (!o->chips && !o->map))) {
		fprintf(stderr, "dlhetero-plan: --model and --chips (or --map) "
				"are required\n");
		usage(stderr);
		return -1;
	}
	return 0;
}

/* The chip catalog (for --chips or --list-chips) and the model catalog
 * (for --model or --list-models) into *cc and *mc; -1 after logging why
 * one cannot be read. */
static int load_catalogs(const struct opts *o, struct chip_catalog **cc,
			 struct model_catalog **mc)
{
	struct dlh_error err;

	if (o->list_chips || o->chips || o->map) {
		*cc = chip_catalog_load(
			o->catalog ? o->catalog : chip_catalog_default_path(),
			&err);
		if (!*cc) {
			dlh_error("%s", err.text);
			return -1;
		}
	}
	if (o->list_models || o->model) {
		*mc = model_catalog_load(
			o->models ? o->models : model_catalog_default_path(),
			&err);
		if (!*mc) {
			dlh_error("%s", err.text);
			return -1;
		}
	}
	return 0;
}

/* The plan request of the options, its chip groups in groups[]; -1 after
 * printing why the model or --chips is bad. */
static int make_request(const struct opts *o, const struct chip_catalog *cc,
			const struct model_catalog *mc,
			struct plan_group_req *groups, struct plan_request *req)
{
	int n, i;

	memset(req, 0, sizeof(*req));
	req->model = model_catalog_find(mc, o->model);
	if (!req->model) {
		char *names = model_catalog_names(mc);

		fprintf(stderr,
			"dlhetero-plan: unknown model '%s'; known models: %s\n",
			o->model, names ? names : "?");
		free(names);
		return -1;
	}
	n = parse_chips(o->chips, cc, o->apn, groups, PLAN_MAX_GROUPS);
	if (n < 0)
		return -1;
	for (i = 0; i < n; i++)
		groups[i].inter_node_gbps = o->inter_node;
	req->mode = o->mode;
	req->global_batch = o->global_batch;
	req->seq_len = o->seq_len;
	req->groups = groups;
	req->n_groups = n;
	req->inter_domain_gbps = o->inter_domain;
	req->strategy = o->strategy;
	return 0;
}

/* Writes the plan's SVG (--svg), then prints the plan as JSON or as a
 * table; returns the exit status. */
static int print_plan(const struct plan *p, const struct opts *o)
{
	struct dlh_error err;
	char *json, hash[17];
	int rc = 1;

	if (o->flagscale || o->megatron) {
		char *text = o->flagscale
				     ? plan_flagscale_yaml(p, o->device, &err)
				     : plan_megatron_args(p, &err);

		if (!text) {
			fprintf(stderr, "dlhetero-plan: %s\n", err.text);
			return 1;
		}
		printf("%s%s", text, o->megatron ? "\n" : "");
		free(text);
		return 0;
	}
	json = plan_to_json(p);
	if (!json) {
		fprintf(stderr, "dlhetero-plan: out of memory\n");
		return 1;
	}
	plan_json_hash_hex(json, hash);
	if (o->svg && plan_write_svg(p, o->svg, &err)) {
		fprintf(stderr, "dlhetero-plan: cannot write SVG: %s\n",
			err.text);
		goto out;
	}
	if (o->json)
		printf("%s\n", json);
	else
		print_table(p, hash);
	rc = 0;
out:
	free(json);
	return rc;
}

/* --map: the text, or the content of the file after '@' (malloc'd). */
static char *map_text(const char *arg)
{
	char *buf;
	size_t n;
	FILE *f;

	if (arg[0] != '@')
		return strdup(arg);
	if (!(f = fopen(arg + 1, "r"))) {
		fprintf(stderr, "dlhetero-plan: %s: %s\n", arg + 1,
			strerror(errno));
		return NULL;
	}
	buf = malloc(HETERO_MAP_MAX_LEN + 2);
	n = buf ? fread(buf, 1, HETERO_MAP_MAX_LEN + 1, f) : 0;
	fclose(f);
	if (!buf)
		return NULL;
	while (n && (buf[n - 1] == '\n' || buf[n - 1] == '\r'))
		n--;
	buf[n] = '\0';
	return buf;
}

/* --map: the job's plan as its nodes compute it (DL_PLAN). */
static int plan_map(const struct opts *o, const struct chip_catalog *cc,
		    const struct model_catalog *mc)
{
	struct hetero_plan_opts po = {
		.model = o->model,
		.mode = o->mode == PLAN_INFER ? "infer" : "train",
		.global_batch = o->global_batch,
		.seq_len = o->seq_len,
		.inter_node_gbps = o->inter_node,
	};
	struct hetero_node *nodes = NULL;
	char *text = map_text(o->map), *json = NULL;
	struct dlh_error err;
	size_t n;
	int rc = 1;

	if (!text)
		return 1;
	if (hetero_map_parse(text, &nodes, &n, &err) ||
	    !(json = hetero_plan_json(nodes, n, cc, mc, &po, &err)))
		fprintf(stderr, "dlhetero-plan: %s\n", err.text);
	else if (printf("%s\n", json) > 0)
		rc = 0;
	free(json);
	free(nodes);
	free(text);
	return rc;
}

int main(int argc, char **argv)
{
	struct plan_group_req groups[PLAN_MAX_GROUPS];
	struct chip_catalog *cc = NULL;
	struct model_catalog *mc = NULL;
	struct plan_request req;
	struct plan *p = NULL;
	struct dlh_error err;
	struct opts o;
	int rc = 1;

	if (parse_args(argc, argv, &o))
		return 2;
	if (load_catalogs(&o, &cc, &mc))
		goto out;
	if (o.list_chips || o.list_models) {
		if (o.list_chips)
			list_chips(cc);
		if (o.list_models)
			list_models(mc);
		rc = 0;
		goto out;
	}
	if (o.map) {
		rc = plan_map(&o, cc, mc);
		goto out;
	}
	if (make_request(&o, cc, mc, groups, &req)) {
		rc = 2;
		goto out;
	}
	p = plan_compute(&req, &err);
	if (!p) {
		fprintf(stderr, "dlhetero-plan: %s\n", err.text);
		goto out;
	}
	rc = print_plan(p, &o);
out:
	plan_free(p);
	model_catalog_free(mc);
	chip_catalog_free(cc);
	return rc;
}
