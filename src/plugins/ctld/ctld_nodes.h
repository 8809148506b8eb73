/* What slurmctld knows about a node's accelerators, for the core library. */
#ifndef DLH_CTLD_NODES_H
#define DLH_CTLD_NODES_H

#include <stdbool.h>
#include <stdint.h>

#include "src/slurmctld/slurmctld.h"

#include "slurm_compat.h"

#include "ctld_env.h"

/* The "accel" gres state of a node, or NULL. */
gres_node_state_t *ctld_node_accel_state(node_record_t *node_ptr);

/*
 * The chip type of a node's "accel" gres (its first Type), with the count
 * configured and the count allocated now.  Returns false when the node has
 * no typed accel gres.
 */
bool ctld_node_accel(node_record_t *node_ptr, const char **type,
		     uint64_t *total, uint64_t *alloc);

#endif
