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

id=$(recovery_job 32)
ok 'wait_state "$id" RUNNING' "a two-type job of two nodes runs"
recovery_trained 32 3
victim=$(job_field "$id" BatchHost)
watcher=$(scontrol show hostnames "$(job_field "$id" NodeList)" | grep -vx "$victim")
diag "the batch host $victim dies; the extern step on $watcher watches it"
recovery_checks 32 "$id" "$victim" "$watcher"

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
