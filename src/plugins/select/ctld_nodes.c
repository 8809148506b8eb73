/*
 * Shared by the select and job_submit plugins, which both run inside
 * slurmctld: read a node's accelerator gres and a job's spank environment.
 */
#include "config.h"

#include <string.h>

#include "src/common/slurm_xlator.h"
#include "src/common/gres.h"
#include "src/common/list.h"
#include "src/common/xmalloc.h"
#include "src/common/xstring.h"

#include "ctld_nodes.h"

static int find_accel(void *x, void *key)
{
	gres_state_t *gs = x;

	return !xstrcmp(gs->gres_name, "accel");
}

bool ctld_node_accel(node_record_t *node_ptr, const char **type,
		     uint64_t *total, uint64_t *alloc)
{
	gres_state_t *gs;
	gres_node_state_t *ns;

	if (!node_ptr->gres_list)
		return false;
	gs = list_find_first(node_ptr->gres_list, find_accel, NULL);
	if (!gs || !(ns = gs->gres_data) || !ns->type_cnt ||
	    !ns->type_name || !ns->type_name[0])
		return false;
	*type = ns->type_name[0];
	*total = ns->gres_cnt_avail;
	/* untyped requests count only in gres_cnt_alloc (see gres.h) */
	*alloc = ns->gres_cnt_alloc;
	return true;
}

const char *ctld_spank_env(char **env, uint32_t size, const char *name)
{
	size_t len = strlen(name);
	uint32_t i;

	for (i = 0; env && i < size; i++)
		if (env[i] && !strncmp(env[i], name, len) &&
		    env[i][len] == '=')
			return env[i] + len + 1;
	return NULL;
}

void ctld_spank_env_set(char ***env, uint32_t *size, const char *name,
			const char *value)
{
	size_t len = strlen(name);
	uint32_t i;

	for (i = 0; *env && i < *size; i++) {
		if ((*env)[i] && !strncmp((*env)[i], name, len) &&
		    (*env)[i][len] == '=') {
			xfree((*env)[i]);
			(*env)[i] = xstrdup_printf("%s=%s", name, value);
			return;
		}
	}
	xrecalloc(*env, *size + 1, sizeof(char *));
	(*env)[(*size)++] = xstrdup_printf("%s=%s", name, value);
}
