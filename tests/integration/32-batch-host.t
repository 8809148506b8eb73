#!/bin/bash
# The node that runs the batch script dies, on Slurm's default timeouts
# (SlurmdTimeout=300, cred_expire=120) with PrologFlags=Contain, as the
# README's slurm.conf snippet recommends.  Its death ends the batch script
# and srun, and so every step of the job and the steps' watches; the job's
# extern step lives on every node for the whole job, and there the node
# before the batch host watches it (resize_watch.c, peer_watch.c) and sets
# it DOWN in seconds, so the job is requeued and resumes.  An ordinary
# job's nodes are not watched: Slurm's timeout decides for them.
. "${DLH_SRCDIR:-$(dirname "$0")/../..}/tests/integration/lib.sh"

export DLH_SLURM_TIMEOUTS=default
export DLH_SLURM_CONF_EXTRA="JobSubmitPlugins=dlhetero
Epilog=$DLH_SRCDIR/tests/integration/epilog-env.sh
PrologFlags=Contain"
cluster_up
plan 11

is "$(scontrol show config | sed -n 's/^SlurmdTimeout *= *//p')" "300 sec" \
	"the cluster runs Slurm's default SlurmdTimeout"
like "$(scontrol show config | sed -n 's/^PrologFlags *= *//p')" Contain \
	"and PrologFlags=Contain: every job has an extern step"

work=$DLH_CLUSTER_DIR/work
rm -rf "$work"/32-*
id=$(sbatch --parsable -o "$work/32-run.txt" --open-mode=append \
	--dl-checkpoint-dir="$work/32-ckpt" --dl-hetero=a100:2,ascend910b:2 \
	--dl-model=llama2-7b -N2 --ntasks-per-node=2 --wrap "
	n=\${SLURM_RESTART_COUNT:-0}
	srun $RUNTIME --steps 8 --checkpoint-every 2 --resize-wait 300 \
		--out $work/32-out-\$n.json")
ok 'wait_state "$id" RUNNING' "a two-type job of two nodes runs"
for i in $(seq 600); do
	[ "$(jq .step "$work/32-ckpt/progress.json" 2>/dev/null)" -ge 3 ] 2>/dev/null && break
	sleep 0.2
done
victim=$(job_field "$id" BatchHost)
watcher=$(scontrol show hostnames "$(job_field "$id" NodeList)" | grep -vx "$victim")
t0=$(date +%s.%N)
node_die "$victim" "$id"
for i in $(seq 120); do
	[[ $(scontrol show node "$victim") == *State=DOWN* ]] && break
	sleep 0.5
done
t_down=$(date +%s.%N)
like "$(sinfo -h -n "$victim" -o '%T %E')" \
	"^down\\*? dlhetero: slurmd unreachable from $watcher, 3 checks in [0-9]+ s \\(Connection refused\\), job $id\$" \
	"the batch host $victim is set DOWN by the extern step's watch on $watcher"
diag "from the kill to DOWN: $(echo "$t_down - $t0" | bc) s"
is "$(submit_wait "$id" 300)" COMPLETED "the job was requeued and completed"
ok "! scontrol show hostnames '$(job_field "$id" NodeList)' | grep -qx '$victim'" \
	"placed again without $victim"
ok "same_as_single '$work/32-out-1.json' > '$work/32.cmp'" \
	"the resumed run has the single process's losses"
resumed=$(sed -n 's/.*resumed from .* at \([0-9.]*\)$/\1/p' "$work/32-run.txt" | tail -n 1)
secs=$(echo "$resumed - $t0" | bc)
diag "from the kill to every rank running again: $secs s"
# Slurm alone would notice after SlurmdTimeout (300 s); the figures
# belong in bench/recovery.sh
ok "[ -n '$resumed' ] && [ \$(echo '$secs < 150' | bc) = 1 ]" \
	"running again well before Slurm would have noticed"
is "$(node_revive "$victim")" idle "$victim is back"

# an ordinary job of two nodes: its extern steps stop watching once they
# know, and a dead node waits for Slurm's SlurmdTimeout
id=$(sbatch --parsable -o /dev/null -N2 --wrap "srun sleep 300")
ok 'wait_state "$id" RUNNING' "an ordinary job of two nodes runs"
victim=$(scontrol show hostnames "$(job_field "$id" NodeList)" | tail -n 1)
node_die "$victim" "$id"
sleep 12 # six intervals: twice what DeadPeerChecks=3 needs
like "$(sinfo -h -n "$victim" -o '%T %E')" '^(allocated|mixed)\*? none$' \
	"its dead node $victim is left to Slurm's timeout"
scancel "$id"
node_revive "$victim" >/dev/null
