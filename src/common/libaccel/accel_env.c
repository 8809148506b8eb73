/*
 * accel_env: the environment a task needs to see its accelerators.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "dlh_names.h"
#include "accel_env.h"
#include "dlh_log.h"

void accel_env_free(char **env)
{
	char **p;

	if (!env)
		return;
	for (p = env; *p; p++)
		free(*p);
	free(env);
}

/* "0,1,5", or "" for no index; NULL on a negative index or no memory. */
static char *index_list(const int *indexes, size_t n, struct dlh_error *err)
{
	/* An int is at most 11 characters, plus the comma. */
	char *buf = malloc(n * 12 + 1), *p;
	size_t i;

	if (!buf) {
		dlh_err(err, "accel_env: out of memory");
		return NULL;
	}
	p = buf;
	*p = '\0';
	for (i = 0; i < n; i++) {
		if (indexes[i] < 0) {
			dlh_err(err, "accel_env: negative device index %d",
				indexes[i]);
			free(buf);
			return NULL;
		}
		p += sprintf(p, "%s%d", i ? "," : "", indexes[i]);
	}
	return buf;
}

static char *name_value(const char *name, const char *value)
{
	size_t len = strlen(name) + 1 + strlen(value) + 1;
	char *s = malloc(len);

	if (s)
		snprintf(s, len, "%s=%s", name, value);
	return s;
}

char **accel_env_build(const struct chip_type *type, const int *indexes,
		       size_t n, struct dlh_error *err)
{
	const char *device;
	char **env, *list;
	size_t n_env, i, k = 0;

	if (!type || (n && !indexes)) {
		dlh_err(err, "accel_env: missing argument");
		return NULL;
	}
	list = index_list(indexes, n, err);
	if (!list)
		return NULL;
	n_env = type->n_visible_env + 3;
	env = calloc(n_env + 1, sizeof(*env));
	if (!env)
		goto oom;
	for (i = 0; i < type->n_visible_env; i++)
		if (!(env[k++] = name_value(type->visible_env[i], list)))
			goto oom;
	device = type->dipu_device ? type->dipu_device : type->vendor;
	if (!(env[k++] = name_value(DLH_VAR_CHIP_TYPE, type->name)) ||
	    !(env[k++] = name_value(DLH_VAR_DEVICE, device)) ||
	    !(env[k++] = name_value(DLH_VAR_CCL, type->ccl)))
		goto oom;
	free(list);
	return env;
oom:
	dlh_err(err, "accel_env: out of memory");
	free(list);
	accel_env_free(env);
	return NULL;
}

static int has_name(const char *const *names, size_t n, const char *name)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (!strcmp(names[i], name))
			return 1;
	return 0;
}

const char **accel_env_foreign_vars(const struct chip_catalog *cat,
				    const struct chip_type *type)
{
	const char **names;
	size_t total = 0, n = 0, i, j;

	if (!cat)
		return calloc(1, sizeof(*names));
	for (i = 0; i < cat->n_types; i++)
		total += cat->types[i].n_visible_env;
	names = calloc(total + 1, sizeof(*names));
	if (!names)
		return NULL;
	for (i = 0; i < cat->n_types; i++) {
		const struct chip_type *t = &cat->types[i];

		if (type && !strcmp(t->vendor, type->vendor))
			continue;
		for (j = 0; j < t->n_visible_env; j++) {
			const char *var = t->visible_env[j];

			if (type &&
			    has_name((const char *const *) type->visible_env,
				     type->n_visible_env, var))
				continue;
			if (!has_name(names, n, var))
				names[n++] = var;
		}
	}
	return names;
}

int accel_env_task_share(const int *alloc, size_t n_alloc, size_t task_id,
			 size_t n_tasks, int *share, size_t *n_share)
{
	size_t base, extra, start, count, i;

	if (!alloc || !share || !n_share || !n_alloc || !n_tasks ||
	    task_id >= n_tasks)
		return -1;
	if (n_alloc < n_tasks) {
		share[0] = alloc[task_id % n_alloc];
		*n_share = 1;
		return 0;
	}
	base = n_alloc / n_tasks;
	extra = n_alloc % n_tasks;
	start = task_id * base + (task_id < extra ? task_id : extra);
	count = base + (task_id < extra ? 1 : 0);
	for (i = 0; i < count; i++)
		share[i] = alloc[start + i];
	*n_share = count;
	return 0;
}
