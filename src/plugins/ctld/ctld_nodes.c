/*
 * Shared by the select and job_submit plugins, which both run inside
 * slurmctld: read a node's accelerator gres.
 */
#include "config.h"

#include <string.h>

#include "src/common/slurm_xlator.h"
#include "src/common/list.h"
#include "src/common/xmalloc.h"
#include "src/common/xstring.h"

#include "dlh_names.h"
#include "ctld_nodes.h"

static int find_accel(void *x, void *key)
{
	gres_state_t *gs = x;

	return !xstrcmp(gs->gres_name, DLH_GRES_NAME);
}

gres_node_state_t *ctld_node_accel_state(node_record_t *node_ptr)
{
	gres_state_t *gs;

	if (!node_ptr->gres_list)
		return NULL;
	gs = list_find_first(node_ptr->gres_list, find_accel, NULL);
	return gs ? gs->gres_data : NULL;
}

bool ctld_node_accel(node_record_t *node_ptr, const char **type,
		     uint64_t *total, uint64_t *alloc)
{
	gres_node_state_t *ns = ctld_node_accel_state(node_ptr);

	if (!ns || !ns->type_cnt || !ns->type_name || !ns->type_name[0])
		return false;
	*type = ns->type_name[0];
	*total = ns->gres_cnt_avail;
	/* untyped requests count only in gres_cnt_alloc (see gres.h) */
	*alloc = ns->gres_cnt_alloc;
	return true;
}
