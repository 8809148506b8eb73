/*
 * accel_env: the environment a task needs to see its accelerators.
 *
 * Pure functions over the catalog: they never read or change the process
 * environment, so the spank plugin, the prolog and the tests share them.
 * Indexes are node-local vendor runtime indexes (accel_device.index).  No
 * Slurm dependency.
 */
#ifndef DLH_ACCEL_ENV_H
#define DLH_ACCEL_ENV_H

#include <stddef.h>

#include "chip_catalog.h"
#include "dlh_log.h"

/*
 * "NAME=VALUE" strings for a task given devices @indexes of @type:
 *   every visible_env variable = "0,1" (the comma list; "" for no device,
 *   which hides every device rather than exposing all of them),
 *   DL_CHIP_TYPE=<name>, DL_DEVICE=<dipu_device, else vendor>, DL_CCL=<ccl>.
 * Returns a malloc'd NULL-terminated array (free with accel_env_free()), or
 * NULL with why in err on a negative index or out of memory.
 */
char **accel_env_build(const struct chip_type *type, const int *indexes,
		       size_t n, struct dlh_error *err);
void accel_env_free(char **env);

/*
 * Names of every visible-devices variable that other vendors of @cat use and
 * @type does not, without duplicates, so that a caller can unset them: an
 * inherited ROCR_VISIBLE_DEVICES would filter a Hygon task's devices a
 * second time.  MetaX and Iluvatar read CUDA_VISIBLE_DEVICES themselves, so
 * for them it is not foreign.  @type NULL: every variable.  Returns a
 * malloc'd NULL-terminated array whose strings point into @cat: free the
 * array only, with free().  NULL when out of memory.
 */
const char **accel_env_foreign_vars(const struct chip_catalog *cat,
				    const struct chip_type *type);

/*
 * The share of a node's allocated devices @alloc (@n_alloc of them) that
 * local task @task_id of @n_tasks gets.  With at least as many devices as
 * tasks, devices are split into contiguous runs whose sizes differ by at
 * most one (the first n_alloc % n_tasks tasks get one more), so tasks get
 * disjoint sets.  With fewer devices than tasks each task gets one device,
 * round-robin (task i gets alloc[i % n_alloc]), and devices are shared.
 * Writes the share into @share (room for n_alloc entries) and its length
 * into @n_share; returns 0, or -1 on bad arguments.
 */
int accel_env_task_share(const int *alloc, size_t n_alloc, size_t task_id,
			 size_t n_tasks, int *share, size_t *n_share);

#endif
