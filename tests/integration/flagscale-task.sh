#!/bin/bash
# A task of test 26: its node, its chip, and what the FlagScale YAML the
# SPANK plugin wrote for it (DL_PLAN_FLAGSCALE) says: the current device
# type and the pipeline layer split, e.g. "n1 a100 a100 [15,17]".
f=${DL_PLAN_FLAGSCALE:-/nonexistent}
device=$(sed -n 's/^ *hetero_current_device_type: *"\(.*\)"$/\1/p' "$f")
split=$(sed -n 's/^ *hetero_pipeline_layer_split: *//p' "$f" | tr -d ' ')
echo "$SLURMD_NODENAME $DL_CHIP_TYPE ${device:-none} ${split:-none}"
