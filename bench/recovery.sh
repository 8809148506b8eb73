#!/bin/bash
# Fault recovery of a training job on the one-machine test cluster with
# Slurm's default timeouts (SlurmdTimeout=300, cred_expire=120): the
# reference runtime trains under a --dl-hetero=a100:2,ascend910b:2 job
# (checkpoint every 2 steps); a node dies (its slurmd and the job's
# processes there are killed) after step 3: odd rounds the ascend910b node,
# even rounds the batch script's node (the a100 one).  The cluster runs
# with PrologFlags=Contain, as the README recommends: the job's extern
# step watches the nodes.  From the kill:
#   detection    the node is DOWN (its neighbour's watch, peer_watch.c)
#   running      the requeued job holds its new nodes (RUNNING again)
#   ranks        every rank of the restarted run has joined its group
#                and loaded the checkpoint ("resumed from ... at T")
#   next step    the first training step after it has completed
# and the steps lost (trained since the last checkpoint).
#
#   bench/recovery.sh [BUILD_DIR] [ROUNDS]   (as root; default 5 rounds)
#
# DLH_SLURM_TIMEOUTS=test runs it on the test cluster's 30 s / 10 s.
# Prints a Markdown table.
set -euo pipefail
export DLH_SLURM_TIMEOUTS=${DLH_SLURM_TIMEOUTS:-default}
. "$(dirname "$0")/bench-env.sh" "${1:-}"
rounds=${2:-5}
bench_start dlhetero "" PrologFlags=Contain
work=$DLH_CLUSTER_DIR/work

now() { date +%s.%N; }
since() { printf '%.1f' "$(echo "$1 - $t0" | bc -l)"; }

echo "| round | killed | detection s | running s | ranks s | next step s | steps lost |"
echo "|---|---|---:|---:|---:|---:|---:|"
for ((r = 1; r <= rounds; r++)); do
	id=$(recovery_job rec)
	recovery_trained rec 3
	if ((r % 2)); then
		victim=$(jq -r '[.ranks[] | select(.chip == "ascend910b") | .node_name][0]' \
			"$work/rec-plan-0.json")
	else
		victim=$(job_field "$id" BatchHost)
	fi
	[ "$victim" = "$(job_field "$id" BatchHost)" ] && killed="$victim (batch host)" ||
		killed=$victim
	t0=$(now)
	node_die "$victim" "$id"
	until [[ $(scontrol show node "$victim") == *State=DOWN* ]]; do
		sleep 0.2
	done
	t_down=$(now)
	until [ "$(job_field "$id" Restarts)" -ge 1 ] &&
		[ "$(job_field "$id" JobState)" = RUNNING ]; do
		sleep 0.2
	done
	t_run=$(now)
	until grep -q 'event requeue' "$work/rec-run.txt"; do sleep 0.2; done
	t_ranks=$(sed -n 's/.*resumed from .* at \([0-9.]*\)$/\1/p' \
		"$work/rec-run.txt" | tail -n 1)
	ev=$(grep 'event requeue' "$work/rec-run.txt")
	t_step=$(echo "$ev" | sed -n 's/.*step at \([0-9.]*\)).*/\1/p')
	lost=$(echo "$ev" | sed -n 's/.*, \([0-9]*\) step(s) lost.*/\1/p')
	printf '| %d | %s | %s | %s | %s | %s | %s |\n' "$r" "$killed" \
		"$(since "$t_down")" "$(since "$t_run")" "$(since "$t_ranks")" \
		"$(since "$t_step")" "$lost"
	submit_wait "$id" 300 >/dev/null
	node_revive "$victim" >/dev/null
done
