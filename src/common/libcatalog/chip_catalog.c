/*
 * chip_catalog: load and validate data/chips.json.
 *
 * The catalog is read by root daemons (slurmd, slurmstepd) and its
 * device_file is used as a printf format, so the loader trusts nothing: it
 * bounds the file size, the nesting depth, every string and array length,
 * checks every character class, and rejects any entry that is not exactly
 * what the rest of dlhetero expects.  On error it names the file and the
 * line:column (syntax) or the entry and field (content) in err and returns
 * NULL.
 */
#include <errno.h>
#include <math.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <json-c/json.h>

#include "chip_catalog.h"
#include "dlh_json.h"
#include "dlh_log.h"
#include "hetero_spec.h"

#ifndef DLH_DATADIR
#define DLH_DATADIR "/usr/share/dlhetero"
#endif

#define CATALOG_FILE_MAX      (4 * 1024 * 1024)
#define CATALOG_DEPTH_MAX     16 /* the schema needs 4 */
#define CATALOG_TYPES_MAX     1024
#define PCI_DEVICES_MAX	      64
#define CTL_FILES_MAX	      16
#define VISIBLE_ENV_MAX	      8
#define DEVICE_INDEX_BASE_MAX 65536
/* Upper bound for every figure: far above any real chip, low enough that
 * sums and products in cost models cannot overflow to infinity. */
#define FIGURE_MAX	      1e7

const char *chip_catalog_default_path(void)
{
	const char *env = getenv("DLH_CHIP_CATALOG");

	if (env && *env)
		return env;
	return DLH_DATADIR "/chips.json";
}

/* Where an entry error happened, for messages. */
struct entry_ctx {
	const char *path;
	size_t index;
	const char *name; /* NULL until the name has been validated */
	struct dlh_error *err;
};

static void entry_error(const struct entry_ctx *ctx, const char *field,
			const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

static void entry_error(const struct entry_ctx *ctx, const char *field,
			const char *fmt, ...)
{
	char why[512];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(why, sizeof(why), fmt, ap);
	va_end(ap);
	if (ctx->name)
		dlh_err(ctx->err, "%s: chips[%zu] (\"%s\"): field \"%s\": %s",
			ctx->path, ctx->index, ctx->name, field, why);
	else
		dlh_err(ctx->err, "%s: chips[%zu]: field \"%s\": %s", ctx->path,
			ctx->index, field, why);
}

/* Character classes by hand: <ctype.h> follows the locale, and a daemon's
 * locale must not change what the catalog accepts. */
static bool is_lower(char c)
{
	return c >= 'a' && c <= 'z';
}

static bool is_upper(char c)
{
	return c >= 'A' && c <= 'Z';
}

static bool is_digit(char c)
{
	return c >= '0' && c <= '9';
}

static bool is_name(const char *s)
{
	size_t len = strlen(s);

	if (len < 1 || len > CHIP_NAME_MAX)
		return false;
	for (; *s; s++)
		if (!(is_lower(*s) || is_digit(*s) || *s == '_' || *s == '-'))
			return false;
	return true;
}

static bool is_env_name(const char *s)
{
	size_t len = strlen(s);

	if (len < 1 || len > CHIP_ENV_NAME_MAX)
		return false;
	if (is_digit(*s))
		return false;
	for (; *s; s++)
		if (!(is_upper(*s) || is_digit(*s) || *s == '_'))
			return false;
	return true;
}

/* Printable ASCII only: these strings end up in logs and environments. */
static bool is_printable(const char *s)
{
	for (; *s; s++)
		if (*s < 0x20 || *s > 0x7e)
			return false;
	return true;
}

/* Absolute path of safe characters, no "." or ".." component, no printf
 * directive. */
static bool is_path(const char *s)
{
	size_t len = strlen(s);
	const char *p, *comp;

	if (len < 2 || len > CHIP_PATH_MAX || s[0] != '/')
		return false;
	for (p = s; *p; p++)
		if (!(is_lower(*p) || is_upper(*p) || is_digit(*p) ||
		      strchr("/._-", *p)))
			return false;
	for (comp = s + 1; comp; comp = strchr(comp, '/')) {
		if (*comp == '/')
			comp++;
		if (!strncmp(comp, "./", 2) || !strcmp(comp, ".") ||
		    !strncmp(comp, "../", 3) || !strcmp(comp, "..") ||
		    *comp == '/' || *comp == '\0')
			return false;
	}
	return true;
}

/*
 * device_file becomes a printf format in root daemons: exactly one '%',
 * and it must be "%d".  Everything else is checked as a path once the
 * directive is replaced by a digit.
 */
static bool is_device_pattern(const char *s)
{
	char probe[CHIP_PATH_MAX + 1];
	const char *pct = strchr(s, '%');
	size_t len = strlen(s);

	if (!pct || pct[1] != 'd' || strchr(pct + 1, '%'))
		return false;
	if (len > CHIP_PATH_MAX)
		return false;
	memcpy(probe, s, len + 1);
	probe[pct - s] = '0';
	memmove(probe + (pct - s) + 1, probe + (pct - s) + 2,
		len - (pct - s) - 1);
	return is_path(probe);
}

static int parse_hex16(const char *s, uint16_t *out)
{
	unsigned v = 0;
	size_t i;

	if (strlen(s) != 4)
		return -1;
	for (i = 0; i < 4; i++) {
		char c = s[i];

		if (is_digit(c))
			v = v * 16 + (c - '0');
		else if (c >= 'a' && c <= 'f')
			v = v * 16 + (c - 'a' + 10);
		else if (c >= 'A' && c <= 'F')
			v = v * 16 + (c - 'A' + 10);
		else
			return -1;
	}
	*out = (uint16_t) v;
	return 0;
}

/*
 * Field getters.  Each returns 0 on success, -1 with ctx->err filled.
 * @opt: the field may be absent or null (string getters then yield NULL).
 */
static int get_string(const struct entry_ctx *ctx, json_object *entry,
		      const char *field, bool opt, size_t max,
		      bool (*check)(const char *), const char *what, char **out)
{
	json_object *val;
	const char *s;
	int len;

	*out = NULL;
	if (!json_object_object_get_ex(entry, field, &val) || !val) {
		if (opt)
			return 0;
		entry_error(ctx, field, "missing");
		return -1;
	}
	if (!json_object_is_type(val, json_type_string)) {
		entry_error(ctx, field, "must be a string%s",
			    opt ? " or null" : "");
		return -1;
	}
	s = json_object_get_string(val);
	len = json_object_get_string_len(val);
	if (len < 0 || (size_t) len != strlen(s)) {
		entry_error(ctx, field, "contains a NUL character");
		return -1;
	}
	if (len == 0 || (size_t) len > max) {
		entry_error(ctx, field, "length %d outside 1..%zu", len, max);
		return -1;
	}
	if (!is_printable(s)) {
		/* Do not echo control characters into the log. */
		entry_error(ctx, field, "contains a non-printable character");
		return -1;
	}
	if (check && !check(s)) {
		entry_error(ctx, field, "\"%.64s\" is not %s", s, what);
		return -1;
	}
	*out = strdup(s);
	if (!*out) {
		entry_error(ctx, field, "out of memory");
		return -1;
	}
	return 0;
}

static json_object *get_array(const struct entry_ctx *ctx, json_object *entry,
			      const char *field, size_t min, size_t max,
			      size_t *n)
{
	json_object *val;
	size_t len;

	if (!json_object_object_get_ex(entry, field, &val) || !val) {
		entry_error(ctx, field, "missing");
		return NULL;
	}
	if (!json_object_is_type(val, json_type_array)) {
		entry_error(ctx, field, "must be an array");
		return NULL;
	}
	len = json_object_array_length(val);
	if (len < min || len > max) {
		entry_error(ctx, field, "has %zu elements, want %zu..%zu", len,
			    min, max);
		return NULL;
	}
	*n = len;
	return val;
}

/* An array of strings, each checked like get_string(). */
static int get_string_array(const struct entry_ctx *ctx, json_object *entry,
			    const char *field, size_t min, size_t max_n,
			    size_t max_len, bool (*check)(const char *),
			    const char *what, char ***out, size_t *n_out)
{
	json_object *arr;
	size_t n, i;
	char **list;

	*out = NULL;
	*n_out = 0;
	arr = get_array(ctx, entry, field, min, max_n, &n);
	if (!arr)
		return -1;
	list = calloc(n ? n : 1, sizeof(*list));
	if (!list) {
		entry_error(ctx, field, "out of memory");
		return -1;
	}
	*out = list;
	for (i = 0; i < n; i++) {
		json_object *el = json_object_array_get_idx(arr, i);
		const char *s;
		int len;

		if (!json_object_is_type(el, json_type_string)) {
			entry_error(ctx, field, "element %zu must be a string",
				    i);
			return -1;
		}
		s = json_object_get_string(el);
		len = json_object_get_string_len(el);
		if (len < 1 || (size_t) len > max_len ||
		    (size_t) len != strlen(s) || !is_printable(s)) {
			entry_error(ctx, field,
				    "element %zu is empty, longer "
				    "than %zu or not printable",
				    i, max_len);
			return -1;
		}
		if (!check(s)) {
			entry_error(ctx, field,
				    "element %zu \"%.64s\" is not %s", i, s,
				    what);
			return -1;
		}
		list[i] = strdup(s);
		if (!list[i]) {
			entry_error(ctx, field, "out of memory");
			return -1;
		}
		(*n_out)++;
	}
	return 0;
}

static int get_number(const struct entry_ctx *ctx, json_object *entry,
		      const char *field, double min, double max, bool min_open,
		      double *out)
{
	json_object *val;
	double v;

	if (!json_object_object_get_ex(entry, field, &val) || !val) {
		entry_error(ctx, field, "missing");
		return -1;
	}
	if (!json_object_is_type(val, json_type_double) &&
	    !json_object_is_type(val, json_type_int)) {
		entry_error(ctx, field, "must be a number");
		return -1;
	}
	v = json_object_get_double(val);
	if (!isfinite(v) || v < min || v > max || (min_open && v <= min)) {
		entry_error(ctx, field, "%g outside %s%g..%g]", v,
			    min_open ? "(" : "[", min, max);
		return -1;
	}
	*out = v;
	return 0;
}

static void chip_type_clear(struct chip_type *t)
{
	size_t i;

	free(t->name);
	free(t->vendor);
	free(t->pci_devices);
	free(t->device_file);
	for (i = 0; i < t->n_ctl_files; i++)
		free(t->ctl_files[i]);
	free(t->ctl_files);
	for (i = 0; i < t->n_visible_env; i++)
		free(t->visible_env[i]);
	free(t->visible_env);
	free(t->dipu_device);
	free(t->ccl);
	free(t->ccl_ifname_env);
	free(t->link);
	free(t->source);
	memset(t, 0, sizeof(*t));
}

static const char *const known_fields[] = {
	"name",	       "vendor",	 "pci_vendor",
	"pci_devices", "device_file",	 "device_index_base",
	"ctl_files",   "visible_env",	 "dipu_device",
	"ccl",	       "ccl_ifname_env", "link",
	"mem_gb",      "tflops_bf16",	 "mem_tbps",
	"link_gbps",   "efficiency",	 "source",
	NULL
};

/* Unknown keys are errors (they are usually typos of a figure an admin
 * meant to override); keys starting with '_' are comments. */
static int check_keys(const struct entry_ctx *ctx, json_object *entry)
{
	json_object_object_foreach(entry, key, val)
	{
		size_t i;

		(void) val;
		if (key[0] == '_')
			continue;
		for (i = 0; known_fields[i]; i++)
			if (!strcmp(key, known_fields[i]))
				break;
		if (!known_fields[i]) {
			entry_error(ctx, key,
				    "unknown field (comments must "
				    "start with '_')");
			return -1;
		}
	}
	return 0;
}

static int parse_pci(const struct entry_ctx *ctx, json_object *entry,
		     struct chip_type *t)
{
	json_object *arr, *val;
	size_t n, i, j;

	if (!json_object_object_get_ex(entry, "pci_vendor", &val) || !val ||
	    !json_object_is_type(val, json_type_string) ||
	    parse_hex16(json_object_get_string(val), &t->pci_vendor)) {
		entry_error(ctx, "pci_vendor",
			    "must be 4 hex digits as a string, e.g. \"10de\"");
		return -1;
	}
	arr = get_array(ctx, entry, "pci_devices", 1, PCI_DEVICES_MAX, &n);
	if (!arr)
		return -1;
	t->pci_devices = calloc(n, sizeof(*t->pci_devices));
	if (!t->pci_devices) {
		entry_error(ctx, "pci_devices", "out of memory");
		return -1;
	}
	for (i = 0; i < n; i++) {
		json_object *el = json_object_array_get_idx(arr, i);

		if (!json_object_is_type(el, json_type_string) ||
		    parse_hex16(json_object_get_string(el),
				&t->pci_devices[i])) {
			entry_error(ctx, "pci_devices",
				    "element %zu must be 4 hex digits as a "
				    "string",
				    i);
			return -1;
		}
		for (j = 0; j < i; j++)
			if (t->pci_devices[j] == t->pci_devices[i]) {
				entry_error(ctx, "pci_devices",
					    "device %04x listed twice",
					    t->pci_devices[i]);
				return -1;
			}
		t->n_pci_devices++;
	}
	return 0;
}

static int parse_entry(struct entry_ctx *ctx, json_object *entry,
		       struct chip_type *t)
{
	json_object *val;
	double base;

	if (!json_object_is_type(entry, json_type_object)) {
		dlh_err(ctx->err, "%s: chips[%zu]: must be an object",
			ctx->path, ctx->index);
		return -1;
	}
	if (get_string(ctx, entry, "name", false, CHIP_NAME_MAX, is_name,
		       "a name of [a-z0-9_-]", &t->name))
		return -1;
	ctx->name = t->name;
	if (check_keys(ctx, entry))
		return -1;
	if (get_string(ctx, entry, "vendor", false, CHIP_NAME_MAX, is_name,
		       "a name of [a-z0-9_-]", &t->vendor) ||
	    parse_pci(ctx, entry, t) ||
	    get_string(ctx, entry, "device_file", false, CHIP_PATH_MAX,
		       is_device_pattern,
		       "an absolute path with exactly one %d and no other %",
		       &t->device_file))
		return -1;

	t->device_index_base = 0;
	if (json_object_object_get_ex(entry, "device_index_base", &val)) {
		if (!json_object_is_type(val, json_type_int)) {
			entry_error(ctx, "device_index_base",
				    "must be an integer");
			return -1;
		}
		if (get_number(ctx, entry, "device_index_base", 0,
			       DEVICE_INDEX_BASE_MAX, false, &base))
			return -1;
		t->device_index_base = (int) base;
	}

	if (get_string_array(ctx, entry, "ctl_files", 0, CTL_FILES_MAX,
			     CHIP_PATH_MAX, is_path,
			     "an absolute path of [A-Za-z0-9/._-]",
			     &t->ctl_files, &t->n_ctl_files) ||
	    get_string_array(ctx, entry, "visible_env", 1, VISIBLE_ENV_MAX,
			     CHIP_ENV_NAME_MAX, is_env_name,
			     "a variable name of [A-Z0-9_]", &t->visible_env,
			     &t->n_visible_env) ||
	    get_string(ctx, entry, "dipu_device", true, CHIP_NAME_MAX, is_name,
		       "a name of [a-z0-9_-]", &t->dipu_device) ||
	    get_string(ctx, entry, "ccl", false, CHIP_NAME_MAX, is_name,
		       "a name of [a-z0-9_-]", &t->ccl) ||
	    get_string(ctx, entry, "ccl_ifname_env", true, CHIP_ENV_NAME_MAX,
		       is_env_name, "a variable name of [A-Z0-9_]",
		       &t->ccl_ifname_env) ||
	    get_string(ctx, entry, "link", false, CHIP_NAME_MAX, is_name,
		       "a name of [a-z0-9_-]", &t->link) ||
	    get_number(ctx, entry, "mem_gb", 0, FIGURE_MAX, true, &t->mem_gb) ||
	    get_number(ctx, entry, "tflops_bf16", 0, FIGURE_MAX, true,
		       &t->tflops_bf16) ||
	    get_number(ctx, entry, "mem_tbps", 0, FIGURE_MAX, true,
		       &t->mem_tbps) ||
	    get_number(ctx, entry, "link_gbps", 0, FIGURE_MAX, false,
		       &t->link_gbps) ||
	    get_number(ctx, entry, "efficiency", 0, 1, true, &t->efficiency) ||
	    get_string(ctx, entry, "source", false, CHIP_STRING_MAX, NULL,
		       "printable text", &t->source))
		return -1;
	return 0;
}

/* Two entries with one name, or one PCI id claimed by two types, would
 * make lookups depend on file order. */
static int check_unique(const struct chip_catalog *cat, struct dlh_error *err)
{
	size_t i, j, a, b;

	for (i = 0; i < cat->n_types; i++) {
		const struct chip_type *t = &cat->types[i];

		for (j = 0; j < i; j++) {
			const struct chip_type *u = &cat->types[j];

			if (!strcasecmp(t->name, u->name)) {
				return dlh_err(err,
					       "%s: chips[%zu] (\"%s\"): name "
					       "used by chips[%zu] already",
					       cat->path, i, t->name, j);
			}
			if (t->pci_vendor != u->pci_vendor)
				continue;
			for (a = 0; a < t->n_pci_devices; a++)
				for (b = 0; b < u->n_pci_devices; b++)
					if (t->pci_devices[a] ==
					    u->pci_devices[b]) {
						return dlh_err(
							err,
							"%s: chips[%zu] "
							"(\"%s\"): PCI id "
							"%04x:%04x claimed "
							"by \"%s\" already",
							cat->path, i, t->name,
							t->pci_vendor,
							t->pci_devices[a],
							u->name);
					}
		}
	}
	return 0;
}

static struct chip_catalog *build_catalog(const char *path, json_object *root,
					  struct dlh_error *err)
{
	struct chip_catalog *cat;
	json_object *val, *chips;
	size_t n, i;

	if (!json_object_is_type(root, json_type_object)) {
		dlh_err(err,
			"%s: top level must be an object "
			"{\"version\":1,\"chips\":[...]}",
			path);
		return NULL;
	}
	json_object_object_foreach(root, key, v)
	{
		(void) v;
		if (key[0] != '_' && strcmp(key, "version") &&
		    strcmp(key, "chips")) {
			dlh_err(err, "%s: unknown top-level field \"%s\"", path,
				key);
			return NULL;
		}
	}
	if (!json_object_object_get_ex(root, "version", &val) ||
	    !json_object_is_type(val, json_type_int) ||
	    json_object_get_int64(val) != 1) {
		dlh_err(err, "%s: field \"version\" must be 1", path);
		return NULL;
	}
	if (!json_object_object_get_ex(root, "chips", &chips) ||
	    !json_object_is_type(chips, json_type_array)) {
		dlh_err(err, "%s: field \"chips\" must be an array", path);
		return NULL;
	}
	n = json_object_array_length(chips);
	if (n < 1 || n > CATALOG_TYPES_MAX) {
		dlh_err(err, "%s: field \"chips\" has %zu entries, want 1..%d",
			path, n, CATALOG_TYPES_MAX);
		return NULL;
	}

	cat = calloc(1, sizeof(*cat));
	if (!cat || !(cat->path = strdup(path)) ||
	    !(cat->types = calloc(n, sizeof(*cat->types)))) {
		dlh_err(err, "%s: out of memory", path);
		chip_catalog_free(cat);
		return NULL;
	}
	for (i = 0; i < n; i++) {
		struct entry_ctx ctx = { .path = path, .index = i, .err = err };

		/* Count first so that free releases a half-built entry. */
		cat->n_types++;
		if (parse_entry(&ctx, json_object_array_get_idx(chips, i),
				&cat->types[i])) {
			chip_catalog_free(cat);
			return NULL;
		}
	}
	if (check_unique(cat, err)) {
		chip_catalog_free(cat);
		return NULL;
	}
	return cat;
}

struct chip_catalog *chip_catalog_parse(const char *text, size_t len,
					const char *name, struct dlh_error *err)
{
	struct chip_catalog *cat;
	json_object *root;

	if (!name)
		name = "(chip catalog)";
	if (!text) {
		dlh_err(err, "%s: no text given", name);
		return NULL;
	}
	if (len > CATALOG_FILE_MAX) {
		dlh_err(err, "%s: chip catalog larger than %d bytes", name,
			CATALOG_FILE_MAX);
		return NULL;
	}
	root = dlh_json_parse(name, text, len, CATALOG_DEPTH_MAX,
			      "chip catalog", err);
	if (!root)
		return NULL;
	cat = build_catalog(name, root, err);
	json_object_put(root);
	if (cat)
		dlh_debug("%s: %zu chip types", name, cat->n_types);
	return cat;
}

struct chip_catalog *chip_catalog_load(const char *path, struct dlh_error *err)
{
	struct chip_catalog *cat;
	size_t len;
	char *buf;

	if (!path) {
		dlh_err(err, "chip catalog: no path given");
		return NULL;
	}
	buf = dlh_read_file(path, CATALOG_FILE_MAX, "chip catalog", &len, err);
	if (!buf)
		return NULL;
	cat = chip_catalog_parse(buf, len, path, err);
	free(buf);
	return cat;
}

void chip_catalog_free(struct chip_catalog *cat)
{
	size_t i;

	if (!cat)
		return;
	for (i = 0; i < cat->n_types; i++)
		chip_type_clear(&cat->types[i]);
	free(cat->types);
	free(cat->path);
	free(cat);
}

const struct chip_type *chip_catalog_find(const struct chip_catalog *cat,
					  const char *name)
{
	size_t i;

	if (!cat || !name)
		return NULL;
	for (i = 0; i < cat->n_types; i++)
		if (!strcasecmp(cat->types[i].name, name))
			return &cat->types[i];
	return NULL;
}

const struct chip_type *chip_catalog_match_pci(const struct chip_catalog *cat,
					       uint16_t vendor, uint16_t device)
{
	size_t i, j;

	if (!cat)
		return NULL;
	for (i = 0; i < cat->n_types; i++) {
		const struct chip_type *t = &cat->types[i];

		if (t->pci_vendor != vendor)
			continue;
		for (j = 0; j < t->n_pci_devices; j++)
			if (t->pci_devices[j] == device)
				return t;
	}
	return NULL;
}

char *chip_catalog_names(const struct chip_catalog *cat)
{
	if (!cat)
		return strdup("");
	return dlh_catalog_names(cat->types, cat->n_types, sizeof(*cat->types),
				 offsetof(struct chip_type, name));
}

int chip_catalog_check_spec(const struct chip_catalog *cat,
			    const struct hetero_spec *spec,
			    struct dlh_error *err)
{
	char *names;
	size_t i;

	for (i = 0; i < spec->n; i++) {
		if (chip_catalog_find(cat, spec->item[i].type))
			continue;
		names = chip_catalog_names(cat);
		dlh_err(err, "unknown chip type \"%s\"; valid types: %s",
			spec->item[i].type, names ? names : "");
		free(names);
		return -1;
	}
	return 0;
}

int chip_type_device_path(const struct chip_type *type, int index, char *buf,
			  size_t len)
{
	const char *pct;
	long number;
	int n;

	if (!type || !type->device_file || index < 0 || !buf || !len)
		return -1;
	number = (long) type->device_index_base + index;
	if (number > 0x7fffffffL)
		return -1;
	/* Substitute by hand rather than pass a catalog string to printf:
	 * the loader validated it, but a hand-built chip_type may not be. */
	pct = strstr(type->device_file, "%d");
	if (!pct || strchr(pct + 2, '%') ||
	    memchr(type->device_file, '%', pct - type->device_file))
		return -1;
	n = snprintf(buf, len, "%.*s%ld%s", (int) (pct - type->device_file),
		     type->device_file, number, pct + 2);
	if (n < 0 || (size_t) n >= len)
		return -1;
	return 0;
}
