#include <ctype.h>
#include <dlfcn.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "accel_devices.h"
#include "accel_env.h"
#include "detect_check.h"
#include "dlh_paths.h"

struct accel_devices {
	struct accel_device_entry *dev;
	size_t n, cap;
	struct chip_catalog *chips; /* loaded on first use: chips() */
	bool chips_tried;
	char *catalog_path;
	int autodetect;
};

struct accel_devices *accel_devices_new(const char *catalog_path)
{
	struct accel_devices *d = calloc(1, sizeof(*d));
	struct dlh_config *cfg = NULL;
	struct dlh_error err;

	if (!d)
		return NULL;
	if (!catalog_path) {
		cfg = dlh_config_load(NULL, &err);
		if (!cfg)
			dlh_error("%s", err.text);
		catalog_path = dlh_config_chip_catalog(cfg);
		d->autodetect = cfg && cfg->autodetect_hwloc;
	}
	d->catalog_path = strdup(catalog_path);
	dlh_config_free(cfg);
	return d;
}

/*
 * The catalog, read the first time it is needed: every step's slurmstepd
 * builds the node's device table, and most steps (ordinary jobs without
 * accelerators) never need the catalog.
 */
static const struct chip_catalog *chips(struct accel_devices *d)
{
	struct dlh_error err;

	if (d->chips_tried)
		return d->chips;
	d->chips_tried = true;
	d->chips = chip_catalog_load(d->catalog_path, &err);
	if (!d->chips) {
		/* Gone on from: the devices are still counted. */
		dlh_error("%s", err.text);
		dlh_error("no chip catalog (%s): devices are counted but "
			  "tasks get no accelerator variables",
			  d->catalog_path);
	}
	return d->chips;
}

void accel_devices_load_catalog(struct accel_devices *d)
{
	if (d)
		chips(d);
}

void accel_devices_free(struct accel_devices *d)
{
	size_t i;

	if (!d)
		return;
	for (i = 0; i < d->n; i++) {
		free(d->dev[i].type);
		free(d->dev[i].path);
	}
	free(d->dev);
	chip_catalog_free(d->chips);
	free(d->catalog_path);
	free(d);
}

/* The number at the end of a device file name: /dev/davinci5 -> 5. */
static int trailing_number(const char *path)
{
	const char *end = path + strlen(path), *p = end;

	while (p > path && isdigit((unsigned char) p[-1]))
		p--;
	if (p == end || end - p > 6)
		return -1;
	return atoi(p);
}

static struct accel_device_entry *grow(struct accel_devices *d)
{
	struct accel_device_entry *n;

	if (d->n == d->cap) {
		d->cap = d->cap ? 2 * d->cap : 16;
		n = realloc(d->dev, d->cap * sizeof(*n));
		if (!n)
			return NULL;
		d->dev = n;
	}
	memset(&d->dev[d->n], 0, sizeof(d->dev[0]));
	return &d->dev[d->n++];
}

void accel_devices_add(struct accel_devices *d, const char *type,
		       const char *path)
{
	struct accel_device_entry *e = grow(d);

	if (!e)
		return;
	e->type = type ? strdup(type) : NULL;
	e->path = path ? strdup(path) : NULL;
	e->dev_num = path ? trailing_number(path) : (int) (d->n - 1);
}

void accel_devices_add_count(struct accel_devices *d, const char *type,
			     unsigned long count)
{
	unsigned long i;

	for (i = 0; i < count && i < 4096; i++)
		accel_devices_add(d, type, NULL);
}

size_t accel_devices_count(const struct accel_devices *d)
{
	return d ? d->n : 0;
}

const struct accel_device_entry *
accel_devices_get(const struct accel_devices *d, size_t i)
{
	return d && i < d->n ? &d->dev[i] : NULL;
}

const char *accel_devices_catalog_path(const struct accel_devices *d)
{
	return d ? d->catalog_path : NULL;
}

/*
 * The check runs in dlhetero_detect.so (detect_check.h), opened here, in
 * slurmd, only when asked for: hwloc stays out of every other process
 * that loads gres/accel (each step's slurmstepd).  $DLH_DETECT_MODULE
 * names another copy (tests).
 */
void accel_devices_check_detected(struct accel_devices *d)
{
	const char *module = getenv("DLH_DETECT_MODULE");
	dlhetero_detect_check_fn *check;
	struct detect_entry *conf;
	char **msgs = NULL, why[DLH_ERROR_TEXT_MAX] = "";
	size_t n_msgs = 0, i;
	void *h;

	if (!d->autodetect || !d->catalog_path)
		return;
	if (!module || !*module)
		module = DLH_PKGLIBDIR "/dlhetero_detect.so";
	if (!(h = dlopen(module, RTLD_NOW | RTLD_LOCAL))) {
		dlh_error("AutoDetect=hwloc: cannot load %s: %s", module,
			  dlerror());
		return;
	}
	check = (dlhetero_detect_check_fn *) dlsym(h, DLHETERO_DETECT_SYMBOL);
	conf = calloc(d->n + 1, sizeof(*conf));
	for (i = 0; conf && i < d->n; i++) {
		conf[i].type = d->dev[i].type;
		conf[i].path = d->dev[i].path;
	}
	if (!check)
		dlh_error("AutoDetect=hwloc: %s: no %s", module,
			  DLHETERO_DETECT_SYMBOL);
	else if (!conf)
		dlh_error("AutoDetect=hwloc: out of memory");
	else if (check(DLHETERO_DETECT_ABI, d->catalog_path, conf, d->n, &msgs,
		       &n_msgs, why, sizeof(why)))
		dlh_error("AutoDetect=hwloc: detection failed: %s", why);
	for (i = 0; i < n_msgs; i++) {
		dlh_error("%s", msgs[i]);
		free(msgs[i]);
	}
	free(msgs);
	free(conf);
	dlclose(h);
}

static int add_var(struct accel_env_list *l, const char *name,
		   const char *value)
{
	size_t i;
	char *v;

	for (i = 0; i < l->n_set; i++) {
		if (strcmp(l->name[i], name))
			continue;
		/* a second chip type on the node: list both */
		if (!*value || !strcmp(l->value[i], value))
			return 0;
		v = malloc(strlen(l->value[i]) + strlen(value) + 2);
		if (!v)
			return -1;
		sprintf(v, "%s%s%s", l->value[i], *l->value[i] ? "," : "",
			value);
		free(l->value[i]);
		l->value[i] = v;
		return 0;
	}
	l->name = realloc(l->name, (l->n_set + 1) * sizeof(char *));
	l->value = realloc(l->value, (l->n_set + 1) * sizeof(char *));
	if (!l->name || !l->value)
		return -1;
	l->name[l->n_set] = strdup(name);
	l->value[l->n_set++] = strdup(value);
	return 0;
}

static int add_type_env(struct accel_env_list *l, const struct chip_type *t,
			const int *nums, size_t n, struct dlh_error *err)
{
	char **env = accel_env_build(t, nums, n, err), *eq;
	size_t i;
	int rc = 0;

	if (!env)
		return -1;
	for (i = 0; env[i] && !rc; i++) {
		eq = strchr(env[i], '=');
		if (!eq)
			continue;
		*eq = '\0';
		rc = add_var(l, env[i], eq + 1);
	}
	if (rc)
		dlh_err(err, "accel_env: out of memory");
	accel_env_free(env);
	return rc;
}

struct accel_env_list *accel_devices_env(const struct accel_devices *d,
					 const int *idx, int n,
					 struct dlh_error *err)
{
	struct accel_env_list *l;
	const struct chip_type *t, *first = NULL;
	const struct chip_catalog *cat;
	const char **foreign;
	int *nums, i, j, k;

	if (err)
		err->text[0] = '\0';
	/* the catalog is a cache of d, filled on first use */
	if (!d || n <= 0 || !(cat = chips((struct accel_devices *) d)))
		return NULL;
	l = calloc(1, sizeof(*l));
	nums = calloc(n + 1, sizeof(int));
	if (!l || !nums) {
		dlh_err(err, "accel_env: out of memory");
		goto fail;
	}
	/* one pass per chip type present, in device order */
	for (i = 0; i < n; i++) {
		if (idx[i] < 0 || (size_t) idx[i] >= d->n ||
		    !d->dev[idx[i]].type)
			continue;
		for (j = 0; j < i; j++)
			if (idx[j] >= 0 && (size_t) idx[j] < d->n &&
			    d->dev[idx[j]].type &&
			    !strcmp(d->dev[idx[j]].type, d->dev[idx[i]].type))
				break;
		if (j < i)
			continue;
		t = chip_catalog_find(cat, d->dev[idx[i]].type);
		if (!t) {
			dlh_error("device type %s is not in the chip catalog",
				  d->dev[idx[i]].type);
			continue;
		}
		if (!first)
			first = t;
		for (k = 0, j = i; j < n; j++)
			if (idx[j] >= 0 && (size_t) idx[j] < d->n &&
			    d->dev[idx[j]].type &&
			    !strcmp(d->dev[idx[j]].type, t->name))
				nums[k++] = d->dev[idx[j]].dev_num;
		if (add_type_env(l, t, nums, k, err))
			goto fail;
	}
	if (!first) {
		free(nums);
		accel_env_list_free(l);
		return NULL;
	}
	foreign = accel_env_foreign_vars(cat, first);
	for (i = 0; foreign && foreign[i]; i++) {
		l->unset = realloc(l->unset, (l->n_unset + 1) * sizeof(char *));
		if (!l->unset)
			break;
		l->unset[l->n_unset++] = strdup(foreign[i]);
	}
	free(foreign);
	free(nums);
	return l;
fail:
	free(nums);
	accel_env_list_free(l);
	return NULL;
}

void accel_env_list_free(struct accel_env_list *l)
{
	size_t i;

	if (!l)
		return;
	for (i = 0; i < l->n_set; i++) {
		free(l->name[i]);
		free(l->value[i]);
	}
	for (i = 0; i < l->n_unset; i++)
		free(l->unset[i]);
	free(l->name);
	free(l->value);
	free(l->unset);
	free(l);
}
