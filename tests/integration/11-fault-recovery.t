#!/bin/bash
# A node of a running --dl-hetero job dies (its slurmd is killed): the job
# is requeued, placed again without that node, and restarts with a new plan,
# DL_RESTART_COUNT=1 and the same DL_CHECKPOINT_DIR.
. "${DLH_SRCDIR:-$(dirname "$0")/../..}/tests/integration/lib.sh"

cluster_up
plan 13

work=$DLH_CLUSTER_DIR/work
rm -f "$work"/11-run-*.txt
# first run: write the ranks' view, then train "forever"; after a restart:
# write it again and finish
id=$(sbatch --parsable -o "$work/11-batch.txt" --dl-hetero=a100:8,ascend910b:8 \
	--dl-model=llama2-7b -N2 --ntasks-per-node=8 --wrap "
	srun $TASK_ENV > $work/11-run-\${SLURM_RESTART_COUNT:-0}.txt
	[ \${SLURM_RESTART_COUNT:-0} -ge 1 ] || sleep 600")
ok 'wait_state "$id" RUNNING' "job runs"
# all 16 ranks have written their view
wait_lines "$work/11-run-0.txt" $'\tSLURMD_NODENAME=' 16
first=$work/11-run-0.txt
is "$(tv "$first" 0 DL_RESTART_COUNT)" 0 "first run: DL_RESTART_COUNT=0"
ckpt=$(tv "$first" 0 DL_CHECKPOINT_DIR)
like "$ckpt" "/dlhetero-ckpt/$id\$" "first run: DL_CHECKPOINT_DIR names the job"
ok "[ -d '$ckpt' ]" "the checkpoint folder exists"
victim=$(tv "$first" 8 SLURMD_NODENAME)
like "$victim" '^n[5-8]$' "the Ascend ranks run on $victim"

t0=$(date +%s)
bash "$DLH_CLUSTER_SH" kill-node "$victim" >/dev/null
for i in $(seq 240); do
	ranks_done "$work/11-run-1.txt" 16 && [ "$(job_field "$id" JobState)" = COMPLETED ] && break
	sleep 0.5
done
t1=$(date +%s)
is "$(job_field "$id" JobState)" COMPLETED "job restarted and completed"
diag "from the kill to the restarted job's end: $((t1 - t0)) s (SlurmdTimeout=30)"
second=$work/11-run-1.txt
is "$(tv "$second" 0 DL_RESTART_COUNT)" 1 "second run: DL_RESTART_COUNT=1"
is "$(tv "$second" 0 DL_CHECKPOINT_DIR)" "$ckpt" "second run: same DL_CHECKPOINT_DIR"
nodes=$(job_field "$id" NodeList)
ok "! scontrol show hostnames '$nodes' | grep -qx '$victim'" \
	"placed again without $victim ($nodes)"
is "$(job_field "$id" JOB_GRES)" "accel:a100:8,accel:ascend910b:8" "the same chip mix"
isnt "$(tv "$second" 8 DL_PLAN_HASH)" "" "second run has a plan"
is "$(grep $'\tDL_PLAN_HASH=' "$second" | cut -f2 | sort -u | wc -l)" 1 \
	"all 16 ranks of the second run share it"

is "$(node_revive "$victim")" idle "$victim is back"
