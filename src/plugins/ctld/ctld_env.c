/*
 * A job's environment arrays inside slurmctld: see ctld_env.h.  Uses only
 * Slurm's xmalloc and xstring (the array is freed by slurmctld with xfree),
 * so the unit test links it with the public libslurm.
 */
#include "config.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "src/common/slurm_xlator.h"
#include "src/common/xmalloc.h"
#include "src/common/xstring.h"

#include "ctld_env.h"

static int env_match(const char *entry, const char *name, size_t len)
{
	return entry && !strncmp(entry, name, len) && entry[len] == '=';
}

const char *ctld_env_get(char **env, uint32_t size, const char *name)
{
	size_t len = strlen(name);
	uint32_t i;

	for (i = 0; env && i < size; i++)
		if (env_match(env[i], name, len))
			return env[i] + len + 1;
	return NULL;
}

void ctld_env_set(char ***env, uint32_t *size, const char *name,
		  const char *value)
{
	size_t len = strlen(name);
	uint32_t i;

	for (i = 0; *env && i < *size; i++) {
		if (env_match((*env)[i], name, len)) {
			xfree((*env)[i]);
			(*env)[i] = xstrdup_printf("%s=%s", name, value);
			return;
		}
	}
	/* one more entry and the NULL after it (xrecalloc zeroes) */
	xrecalloc(*env, *size + 2, sizeof(char *));
	(*env)[(*size)++] = xstrdup_printf("%s=%s", name, value);
}

void ctld_env_unset(char **env, uint32_t *size, const char *name)
{
	size_t len = strlen(name);
	uint32_t i, k = 0;

	for (i = 0; env && i < *size; i++) {
		if (env_match(env[i], name, len))
			xfree(env[i]);
		else
			env[k++] = env[i];
	}
	for (i = k; env && i < *size; i++)
		env[i] = NULL; /* still NULL-terminated */
	*size = k;
}

uint32_t ctld_env_job_id(char **env, uint32_t size, const char *name)
{
	const char *v = ctld_env_get(env, size, name);
	unsigned long id;
	char *end;

	if (!v || *v < '1' || *v > '9')
		return 0;
	errno = 0;
	id = strtoul(v, &end, 10);
	return (errno || *end || id > UINT32_MAX) ? 0 : (uint32_t) id;
}
