#!/bin/bash
# A running --dl-hetero step whose job shrinks (scontrol update NumNodes=):
# the tasks left get the resize signal (DL_RESIZE_SIGNAL) and then find the
# new plan - the nodes left, generation 1 - at the same DL_PLAN path.  A
# job may not shrink while a step holding two chip types runs: Slurm frees
# that step's devices twice (doc/slurm-releases.md); job_submit/dlhetero
# refuses the update.
. "${DLH_SRCDIR:-$(dirname "$0")/../..}/tests/integration/lib.sh"

cluster_up
plan 13

work=$DLH_CLUSTER_DIR/work
out=$work/13-tasks.txt
rm -f "$out" "$work/13-go"
id=$(sbatch --parsable -D "$work" -o "$work/13-batch.txt" \
	--dl-hetero=a100:16 --dl-model=llama2-7b -N2 -n16 --mincpus=8 \
	--wrap "
	srun -l $DLH_SRCDIR/tests/integration/resize-task.sh 120 > $out &
	while [ ! -e $work/13-go ]; do sleep 0.2; done
	scontrol update JobId=\$SLURM_JOB_ID NumNodes=1
	wait
	# the batch step's own watch polls on its own clock: give it the
	# interval (ResizeCheckInterval=2) to rewrite its plan too
	for i in \$(seq 50); do
		grep -q '\"generation\": *1' \$DL_PLAN && break
		sleep 0.2
	done
	cat \$DL_PLAN > $work/13-batch-plan.json")
ok 'wait_state "$id" RUNNING' "job runs"
wait_lines "$out" ' start ' 16
is "$(grep -c ' start ' "$out")" 16 "all 16 tasks run"
is "$(grep ' start ' "$out" | awk '{print $4}' | sort -u)" WINCH \
	"every task is told DL_RESIZE_SIGNAL=WINCH"
a100=$(grep ' start 0 ' "$out" | awk '{print $5}')
other=$(grep ' start 8 ' "$out" | awk '{print $5}')

t0=$(date +%s.%N)
touch "$work/13-go"
for i in $(seq 60); do
	[ "$(grep -c ' resized ' "$out")" -ge 8 ] && break
	sleep 0.25
done
is "$(grep -c ' resized ' "$out")" 8 "the 8 tasks left got the signal"
is "$(grep ' resized ' "$out" | awk '{print $3}' | sort -n | tr '\n' ' ')" \
	"0 1 2 3 4 5 6 7 " "they are ranks 0-7"
is "$(grep ' resized ' "$out" | awk '{print $4, $5, $6, $7}' | sort -u)" \
	"1 8 a100 $a100" \
	"and read generation 1: 8 ranks of a100 on $a100 (was 16 with $other)"
last=$(grep ' resized ' "$out" | awk '{print $8}' | sort -n | tail -n 1)
diag "from the resize request to the last task's signal: $(echo "$last - $t0" | bc) s (ResizeCheckInterval=2)"
ok "[ -n '$last' ] && [ \$(echo '$last - $t0 < 10' | bc) = 1 ]" "within 10 s"

is "$(submit_wait "$id" 60)" COMPLETED "job completes"
like "$(python3 -c 'import json,sys; p=json.load(open(sys.argv[1])); print(p["generation"], p["world_size"])' "$work/13-batch-plan.json" 2>&1)" \
	'^1 8$' "the batch script's DL_PLAN was rewritten too"
like "$(grep "job $id now on" "$DLH_CLUSTER_DIR/log/$a100.log" | head -n 1)" \
	'plan generation 1 \(8 ranks\).*SIGWINCH sent to [0-9]+ tasks' \
	"slurmd's log says what the watch did"
ok "! grep -q 'job $id.*no new plan' $DLH_CLUSTER_DIR/log/n*.log" \
	"no node failed to plan"
rm -f "$work/13-go"

# two chip types in the running step: the shrink is refused
out=$work/13-mixed.txt
rm -f "$out"
id=$(sbatch --parsable -o /dev/null --dl-hetero=a100:8,ascend910b:8 -N2 -n16 --mincpus=8 \
	--wrap "srun -l $DLH_SRCDIR/tests/integration/resize-task.sh 60 > $out")
wait_lines "$out" ' start ' 16
msg=$(scontrol update JobId="$id" NumNodes=1 2>&1)
rc=$?
ok "[ $rc -ne 0 ] && [ \"\$(job_field $id NumNodes)\" = 2 ]" \
	"a mixed running step: shrink refused ($msg), the job keeps 2 nodes"
like "$(grep "JobId=$id.*update refused" "$DLH_CLUSTER_DIR/log/slurmctld.log")" \
	'a step holding two accelerator types runs' "slurmctld says why"
scancel "$id"
