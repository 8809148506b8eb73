#!/bin/bash
# gres/accel gives real tasks their vendor's variables, for three vendors,
# binds tasks that share a node, hides other vendors' variables, and hands
# the epilog the same view.
. "${DLH_SRCDIR:-$(dirname "$0")/../..}/tests/integration/lib.sh"

cluster_up
plan 25

out=$DLH_CLUSTER_DIR/work/03-env.txt
# a variable of another vendor, inherited from the submission environment
export MLU_VISIBLE_DEVICES=7 ASCEND_RT_VISIBLE_DEVICES=7

check_vendor() {	# NODE TYPE VAR DEVICE CCL
	srun -N1 -w "$1" --gres=accel:"$2":2 "$TASK_ENV" > "$out" 2>&1
	is "$(tv "$out" 0 "$3")" "0,1" "$2: $3=0,1"
	is "$(tv "$out" 0 DL_CHIP_TYPE)" "$2" "$2: DL_CHIP_TYPE"
	is "$(tv "$out" 0 DL_DEVICE)" "$4" "$2: DL_DEVICE=$4"
	is "$(tv "$out" 0 DL_CCL)" "$5" "$2: DL_CCL=$5"
}
check_vendor n1 a100 CUDA_VISIBLE_DEVICES cuda nccl
ok '! grep -q "MLU_VISIBLE_DEVICES\|ASCEND_RT_VISIBLE_DEVICES" "$out"' \
	"a100 task sees no Cambricon or Ascend variable"
check_vendor n5 ascend910b ASCEND_RT_VISIBLE_DEVICES ascend hccl
ok '! grep -q "MLU_VISIBLE_DEVICES" "$out"' \
	"ascend910b task sees no Cambricon variable"
check_vendor n9 mlu590 MLU_VISIBLE_DEVICES camb cncl
ok '! grep -q "ASCEND_RT_VISIBLE_DEVICES" "$out"' \
	"mlu590 task sees no Ascend variable"
unset MLU_VISIBLE_DEVICES ASCEND_RT_VISIBLE_DEVICES

# numbering: the device files' numbers, not the allocation order
blocker=$(sbatch --parsable -w n6 --gres=accel:ascend910b:3 --wrap 'sleep 30')
wait_state "$blocker" RUNNING
srun -N1 -w n6 --gres=accel:ascend910b:2 "$TASK_ENV" > "$out" 2>&1
is "$(tv "$out" 0 ASCEND_RT_VISIBLE_DEVICES)" "3,4" \
	"second job on n6 gets davinci3 and davinci4"
scancel "$blocker"

# two tasks sharing a node: all devices by default (as with GPUs) ...
srun -n2 -w n5 --gres=accel:ascend910b:4 "$TASK_ENV" > "$out" 2>&1
is "$(tv "$out" 0 ASCEND_RT_VISIBLE_DEVICES)" "0,1,2,3" "shared node, no bind: task 0 sees all"
is "$(tv "$out" 1 ASCEND_RT_VISIBLE_DEVICES)" "0,1,2,3" "shared node, no bind: task 1 sees all"
# ... and disjoint devices when bound
srun -n2 -w n5 --gres=accel:ascend910b:4 --gpu-bind=per_task:2 "$TASK_ENV" > "$out" 2>&1
is "$(tv "$out" 0 ASCEND_RT_VISIBLE_DEVICES)" "0,1" "per_task:2: task 0 gets 0,1"
is "$(tv "$out" 1 ASCEND_RT_VISIBLE_DEVICES)" "2,3" "per_task:2: task 1 gets 2,3"
srun -n2 -w n9 --gres=accel:mlu590:4 --gpu-bind=map_gpu:3,1 "$TASK_ENV" > "$out" 2>&1
is "$(tv "$out" 0 MLU_VISIBLE_DEVICES)" "3" "map_gpu:3,1: task 0 gets 3"
is "$(tv "$out" 1 MLU_VISIBLE_DEVICES)" "1" "map_gpu:3,1: task 1 gets 1"

# the epilog sees the job's devices too
id=$(sbatch --parsable -w n9 --gres=accel:mlu590:3 --wrap true)
is "$(submit_wait "$id" 60)" COMPLETED "mlu590 batch job completes"
epi=$DLH_CLUSTER_DIR/work/epilog-$id-n9.env
for i in $(seq 20); do [ -s "$epi" ] && break; sleep 0.5; done
like "$(cat "$epi" 2>/dev/null)" 'MLU_VISIBLE_DEVICES=0,1,2' \
	"epilog gets MLU_VISIBLE_DEVICES=0,1,2"
like "$(cat "$epi" 2>/dev/null)" 'DL_CHIP_TYPE=mlu590' \
	"epilog gets DL_CHIP_TYPE=mlu590"
