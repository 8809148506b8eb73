/*
 * plan_export: a plan in the configuration languages of the frameworks
 * people run it with (doc/planner.md):
 *   - FlagScale's heterogeneous training configuration (its train YAML's
 *     system.hetero block and the Megatron sizes beside it);
 *   - Megatron-LM's command-line arguments, for a plan of one chip type.
 * No Slurm dependency.
 */
#ifndef DLH_PLAN_EXPORT_H
#define DLH_PLAN_EXPORT_H

#include "dlh_log.h"
#include "plan.h"

/*
 * FlagScale YAML (train mode plans): hetero_device_types and
 * hetero_process_meshes ([tp, cp, ep, dp, pp] per chip group) in pipeline
 * order, hetero_pipeline_layer_split (layers per stage), and
 * hetero_current_device_type = current_type (the chip of the node that
 * reads it; NULL: the first group's).  Returns a malloc'd string, or NULL
 * with why in err.
 */
char *plan_flagscale_yaml(const struct plan *p, const char *current_type,
			  struct dlh_error *err);

/*
 * Megatron-LM arguments for a plan whose groups are all of one chip type
 * ("--tensor-model-parallel-size 4 --pipeline-model-parallel-size 2 ...",
 * uneven first/last stages as --decoder-first/last-pipeline-num-layers).
 * Returns a malloc'd string, or NULL with why in err (a mixed plan:
 * Megatron runs one chip type).
 */
char *plan_megatron_args(const struct plan *p, struct dlh_error *err);

#endif
