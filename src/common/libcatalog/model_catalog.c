/*
 * model_catalog: load and validate data/models.json.
 *
 * The file is admin-editable, so it is treated as hostile: size is capped,
 * every field is type- and range-checked, unknown keys are rejected (a typo
 * such as "kv_head" must not silently fall back to a default), and every
 * error names the file and the line or the entry and field at fault.
 */
#include <ctype.h>
#include <errno.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <json-c/json.h>

#include "dlh_json.h"
#include "dlh_log.h"
#include "model_catalog.h"

#ifndef DLH_DATADIR
#define DLH_DATADIR "/usr/share/dlhetero"
#endif

/* Far above any real catalog; keeps a hostile file from eating memory. */
#define MODEL_CATALOG_MAX_BYTES (4 << 20)
#define MODEL_CATALOG_MAX_DEPTH 16 /* the schema needs 4 */
#define MODEL_NAME_MAX		63

const char *model_catalog_default_path(void)
{
	const char *env = getenv("DLH_MODEL_CATALOG");

	if (env && *env)
		return env;
	return DLH_DATADIR "/models.json";
}

/* Reports "file: model 'name' (entry N): field 'f' ..." */
struct ctx {
	const char *path;
	size_t index;
	const char *name; /* NULL until the entry's name is known */
	struct dlh_error *err;
};

static void entry_error(const struct ctx *c, const char *field,
			const char *what)
{
	if (c->name)
		dlh_err(c->err,
			"model catalog %s: model '%s' (entry %zu): field '%s' %s",
			c->path, c->name, c->index, field, what);
	else
		dlh_err(c->err, "model catalog %s: entry %zu: field '%s' %s",
			c->path, c->index, field, what);
}

/*
 * Read an integer field in [lo, hi].  Absent: *out = dflt and success when
 * optional, error otherwise.  Doubles with a fraction, strings, booleans
 * and out-of-range values are errors.
 */
static int get_int(const struct ctx *c, struct json_object *obj,
		   const char *field, int optional, int dflt, long lo, long hi,
		   int *out)
{
	struct json_object *v;
	char what[96];
	int64_t x;

	if (!json_object_object_get_ex(obj, field, &v) || !v) {
		if (optional) {
			*out = dflt;
			return 0;
		}
		entry_error(c, field, "is missing");
		return -1;
	}
	if (!json_object_is_type(v, json_type_int)) {
		entry_error(c, field, "must be an integer");
		return -1;
	}
	errno = 0;
	x = json_object_get_int64(v);
	if (errno || x < lo || x > hi) {
		snprintf(what, sizeof(what), "must be in %ld..%ld", lo, hi);
		entry_error(c, field, what);
		return -1;
	}
	*out = (int) x;
	return 0;
}

static int check_keys(const struct ctx *c, struct json_object *obj,
		      const char *const *allowed, const char *where)
{
	json_object_object_foreach(obj, key, val)
	{
		const char *const *a;

		(void) val;
		for (a = allowed; *a; a++)
			if (!strcmp(*a, key))
				break;
		if (!*a) {
			char what[128];

			snprintf(what, sizeof(what), "is not known%s%s",
				 where ? " in " : "", where ? where : "");
			entry_error(c, key, what);
			return -1;
		}
	}
	return 0;
}

static int valid_name(const char *s)
{
	size_t n = strlen(s);

	if (n == 0 || n > MODEL_NAME_MAX)
		return 0;
	for (; *s; s++)
		if (!islower((unsigned char) *s) &&
		    !isdigit((unsigned char) *s) && !strchr("._-", *s))
			return 0;
	return 1;
}

static const char *const top_keys[] = { "name",	    "source",	"layers",
					"hidden",   "ffn",	"heads",
					"kv_heads", "head_dim", "vocab",
					"moe",	    "mla",	"comment",
					NULL };
static const char *const moe_keys[] = { "experts",	"top_k",
					"expert_ffn",	"shared_experts",
					"dense_layers", NULL };
static const char *const mla_keys[] = { "q_lora_rank",	    "kv_lora_rank",
					"qk_nope_head_dim", "qk_rope_head_dim",
					"v_head_dim",	    NULL };

static int parse_moe(struct ctx *c, struct json_object *o, struct model_spec *m)
{
	if (!json_object_is_type(o, json_type_object)) {
		entry_error(c, "moe", "must be an object");
		return -1;
	}
	if (check_keys(c, o, moe_keys, "'moe'") ||
	    get_int(c, o, "experts", 0, 0, 1, 4096, &m->experts) ||
	    get_int(c, o, "top_k", 0, 0, 1, m->experts, &m->top_k) ||
	    get_int(c, o, "expert_ffn", 0, 0, 1, 1 << 20, &m->expert_ffn) ||
	    get_int(c, o, "shared_experts", 1, 0, 0, 64, &m->shared_experts) ||
	    get_int(c, o, "dense_layers", 1, 0, 0, m->layers - 1,
		    &m->dense_layers))
		return -1;
	return 0;
}

static int parse_mla(struct ctx *c, struct json_object *o, struct model_spec *m)
{
	if (!json_object_is_type(o, json_type_object)) {
		entry_error(c, "mla", "must be an object");
		return -1;
	}
	if (check_keys(c, o, mla_keys, "'mla'") ||
	    get_int(c, o, "q_lora_rank", 1, 0, 0, 1 << 16, &m->q_lora_rank) ||
	    get_int(c, o, "kv_lora_rank", 0, 0, 1, 1 << 16, &m->kv_lora_rank) ||
	    get_int(c, o, "qk_nope_head_dim", 0, 0, 1, 1024,
		    &m->qk_nope_head_dim) ||
	    get_int(c, o, "qk_rope_head_dim", 0, 0, 1, 1024,
		    &m->qk_rope_head_dim) ||
	    get_int(c, o, "v_head_dim", 0, 0, 1, 1024, &m->v_head_dim))
		return -1;
	return 0;
}

static int parse_model(struct ctx *c, struct json_object *o,
		       struct model_spec *m)
{
	struct json_object *v;
	const char *s;

	if (!json_object_is_type(o, json_type_object)) {
		dlh_err(c->err,
			"model catalog %s: entry %zu: must be an object",
			c->path, c->index);
		return -1;
	}
	if (!json_object_object_get_ex(o, "name", &v) ||
	    !json_object_is_type(v, json_type_string)) {
		entry_error(c, "name", "is missing or not a string");
		return -1;
	}
	s = json_object_get_string(v);
	if (!valid_name(s)) {
		entry_error(c, "name",
			    "must be 1-63 characters of a-z 0-9 . _ -");
		return -1;
	}
	m->name = strdup(s);
	c->name = m->name;
	if (!m->name)
		return dlh_err(c->err, "model catalog %s: out of memory",
			       c->path);
	if (check_keys(c, o, top_keys, NULL))
		return -1;
	if (json_object_object_get_ex(o, "source", &v)) {
		if (!json_object_is_type(v, json_type_string)) {
			entry_error(c, "source", "must be a string");
			return -1;
		}
		m->source = strdup(json_object_get_string(v));
		if (!m->source)
			return dlh_err(c->err,
				       "model catalog %s: out of memory",
				       c->path);
	}
	if (get_int(c, o, "layers", 0, 0, 1, 1024, &m->layers) ||
	    get_int(c, o, "hidden", 0, 0, 64, 1 << 17, &m->hidden) ||
	    get_int(c, o, "ffn", 0, 0, 1, 1 << 20, &m->ffn) ||
	    get_int(c, o, "heads", 0, 0, 1, 1024, &m->heads) ||
	    get_int(c, o, "kv_heads", 0, 0, 1, m->heads, &m->kv_heads) ||
	    get_int(c, o, "vocab", 0, 0, 1, 1 << 22, &m->vocab) ||
	    get_int(c, o, "head_dim", 1, 0, 1, 1024, &m->head_dim))
		return -1;
	if (m->heads % m->kv_heads) {
		entry_error(c, "kv_heads", "must divide heads");
		return -1;
	}
	if (!m->head_dim) {
		if (m->hidden % m->heads) {
			entry_error(
				c, "heads",
				"must divide hidden unless head_dim is given");
			return -1;
		}
		m->head_dim = m->hidden / m->heads;
	}
	if (json_object_object_get_ex(o, "moe", &v) && parse_moe(c, v, m))
		return -1;
	if (json_object_object_get_ex(o, "mla", &v) && parse_mla(c, v, m))
		return -1;
	return 0;
}

static void free_models(struct model_spec *models, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++) {
		free(models[i].name);
		free(models[i].source);
	}
	free(models);
}

struct model_catalog *model_catalog_load(const char *path,
					 struct dlh_error *err)
{
	struct model_catalog *cat = NULL;
	struct json_object *root = NULL, *arr, *v;
	size_t len, i, j, n;
	char *text;

	if (!path) {
		dlh_err(err, "model catalog: no path given");
		return NULL;
	}
	text = dlh_read_file(path, MODEL_CATALOG_MAX_BYTES, "model catalog",
			     &len, err);
	if (!text)
		return NULL;
	root = dlh_json_parse(path, text, len, MODEL_CATALOG_MAX_DEPTH,
			      "model catalog", err);
	if (!root)
		goto out;
	if (!json_object_is_type(root, json_type_object) ||
	    !json_object_object_get_ex(root, "models", &arr) ||
	    !json_object_is_type(arr, json_type_array)) {
		dlh_err(err,
			"model catalog %s: top level must be an object with a 'models' array",
			path);
		goto out;
	}
	if (json_object_object_get_ex(root, "version", &v) &&
	    (!json_object_is_type(v, json_type_int) ||
	     json_object_get_int(v) != 1)) {
		dlh_err(err, "model catalog %s: field 'version' must be 1",
			path);
		goto out;
	}
	n = json_object_array_length(arr);
	if (n == 0) {
		dlh_err(err, "model catalog %s: 'models' is empty", path);
		goto out;
	}
	cat = calloc(1, sizeof(*cat));
	if (!cat) {
		dlh_err(err, "model catalog %s: out of memory", path);
		goto out;
	}
	cat->models = calloc(n, sizeof(*cat->models));
	cat->path = strdup(path);
	if (!cat->models || !cat->path) {
		dlh_err(err, "model catalog %s: out of memory", path);
		goto fail;
	}
	for (i = 0; i < n; i++) {
		struct ctx c = { .path = path, .index = i, .err = err };

		cat->n_models = i + 1;
		if (parse_model(&c, json_object_array_get_idx(arr, i),
				&cat->models[i]))
			goto fail;
		for (j = 0; j < i; j++) {
			if (!strcasecmp(cat->models[j].name,
					cat->models[i].name)) {
				entry_error(&c, "name",
					    "duplicates an earlier entry");
				goto fail;
			}
		}
	}
	goto out;
fail:
	model_catalog_free(cat);
	cat = NULL;
out:
	json_object_put(root);
	free(text);
	return cat;
}

void model_catalog_free(struct model_catalog *cat)
{
	if (!cat)
		return;
	free_models(cat->models, cat->n_models);
	free(cat->path);
	free(cat);
}

const struct model_spec *model_catalog_find(const struct model_catalog *cat,
					    const char *name)
{
	size_t i;

	if (!cat || !name)
		return NULL;
	for (i = 0; i < cat->n_models; i++)
		if (!strcasecmp(cat->models[i].name, name))
			return &cat->models[i];
	return NULL;
}

char *model_catalog_names(const struct model_catalog *cat)
{
	if (!cat)
		return strdup("");
	return dlh_catalog_names(cat->models, cat->n_models,
				 sizeof(*cat->models),
				 offsetof(struct model_spec, name));
}
