#!/bin/bash
# Run by the integration tests inside real tasks: print the variables
# dlhetero may set, one "TASK<TAB>NAME=VALUE" line each, where TASK is the
# task's SLURM_PROCID.
env | grep -E '^(RANK|WORLD_SIZE|LOCAL_RANK|LOCAL_WORLD_SIZE|NODE_RANK|MASTER_ADDR|MASTER_PORT|DL_[A-Z_]*|[A-Z_]*VISIBLE_DEVICES|[A-Z]*_SOCKET_IFNAME|SLIME_VISIBLE_DEVICES|FLAGCX_IB_HCA|SLURMD_NODENAME)=' |
	sed "s/^/${TASK_TAG:-${SLURM_PROCID:-x}}\t/"
if [ -n "${DL_PLAN:-}" ]; then
	printf '%s\tDL_PLAN_SHA=%s\n' "${SLURM_PROCID:-x}" \
		"$(sha256sum < "$DL_PLAN" | cut -c1-16)"
fi
