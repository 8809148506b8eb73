/* What slurmctld knows about a node's accelerators, for the core library. */
#ifndef DLH_CTLD_NODES_H
#define DLH_CTLD_NODES_H

#include <stdbool.h>
#include <stdint.h>

#include "src/slurmctld/slurmctld.h"

/*
 * The chip type of a node's "accel" gres (its first Type), with the count
 * configured and the count allocated now.  Returns false when the node has
 * no typed accel gres.
 */
bool ctld_node_accel(node_record_t *node_ptr, const char **type,
		     uint64_t *total, uint64_t *alloc);

/* Value of NAME in a job's spank environment, or NULL. */
const char *ctld_spank_env(char **env, uint32_t size, const char *name);

/* Set NAME=VALUE in a job's spank environment, replacing any old value. */
void ctld_spank_env_set(char ***env, uint32_t *size, const char *name,
			const char *value);

#endif
