#!/bin/bash
# Binding accelerators to tasks.  Slurm 23.02+ binds any gres itself
# (--tres-bind=gres/accel:per_task:N, map:L): gres/accel then writes each
# task's own devices and the SPANK plugin leaves them as Slurm chose, also
# in --dl-hetero jobs, whose default is one share per rank.  Slurm 22.05
# binds only gres "gpu" (--gpu-bind): there the SPANK plugin applies the
# same requests to accel devices itself.  Either way each task sees its
# own devices.
. "${DLH_SRCDIR:-$(dirname "$0")/../..}/tests/integration/lib.sh"

cluster_up
plan 8

release=$(sinfo -V | awk '{ print $2 }')
case $release in
22.05.*) per_task=--gpu-bind=per_task:2 map=--gpu-bind=map_gpu:3,1 ;;
*) per_task=--tres-bind=gres/accel:per_task:2 map=--tres-bind=gres/accel:map:3,1 ;;
esac
diag "Slurm $release: $per_task, $map"
out=$DLH_CLUSTER_DIR/work/tres-bind.$$
srun -n2 -w n5 --gres=accel:ascend910b:4 $per_task "$TASK_ENV" >"$out" 2>&1
is "$(tv "$out" 0 ASCEND_RT_VISIBLE_DEVICES)" "0,1" "per_task:2: task 0 gets 0,1"
is "$(tv "$out" 1 ASCEND_RT_VISIBLE_DEVICES)" "2,3" "per_task:2: task 1 gets 2,3"
srun -n2 -w n9 --gres=accel:mlu590:4 $map "$TASK_ENV" >"$out" 2>&1
is "$(tv "$out" 0 MLU_VISIBLE_DEVICES)" "3" "map 3,1: task 0 gets 3"
is "$(tv "$out" 1 MLU_VISIBLE_DEVICES)" "1" "map 3,1: task 1 gets 1"

# a --dl-hetero job: 8 ranks on n1, one device each by default; a step
# that binds 2 per task gets Slurm's (24.11+) or our (22.05) choice
id=$(sbatch --parsable --dl-hetero=a100:8 --ntasks-per-node=8 -o "$out.job" --wrap "
	srun -n8 '$TASK_ENV' > '$out.default'
	srun -n4 $per_task '$TASK_ENV' > '$out.bound'")
is "$(submit_wait "$id" 60)" COMPLETED "--dl-hetero job with two steps completes"
devs=$(for t in 0 1 2 3 4 5 6 7; do tv "$out.default" $t CUDA_VISIBLE_DEVICES; done | sort -n | paste -sd' ')
is "$devs" "0 1 2 3 4 5 6 7" "default: one device per rank, all different"
devs=$(for t in 0 1 2 3; do tv "$out.bound" $t CUDA_VISIBLE_DEVICES; done | paste -sd' ')
is "$devs" "0,1 2,3 4,5 6,7" "per_task:2: two per task, as bound"
ok '[ "$(tv "$out.bound" 3 RANK)" = 3 ]' "ranks still set in the bound step"
rm -f "$out" "$out.job" "$out.default" "$out.bound"
