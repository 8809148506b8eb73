#!/bin/bash
# The resize watch asks slurmctld for the job's nodes and growth record (a
# job-info request) at most once per job
# and node per ResizeCheckInterval (2 s here), however many steps run:
# 8 concurrent steps plus the batch script on one node for ~16 s send
# about 16/2 lookups, not 9 x 16/2.  Counted with sdiag's RPC statistics.
. "${DLH_SRCDIR:-$(dirname "$0")/../..}/tests/integration/lib.sh"

cluster_up
plan 5

rpcs() {	# REQUEST_JOB_INFO_SINGLE calls slurmctld has served
	sdiag 2>/dev/null | awk '/^[ \t]*REQUEST_JOB_INFO_SINGLE / {
		sub(/.*count:/, ""); print $1 + 0; found = 1 }
		END { if (!found) print 0 }'
}

work=$DLH_CLUSTER_DIR/work
out=$work/21-steps.txt
rm -f "$out" "$work/21-done"
before=$(rpcs)
t0=$(date +%s)
id=$(sbatch --parsable -D "$work" -o "$work/21-batch.txt" \
	--dl-hetero=a100:8 --dl-mode=infer -N1 --ntasks-per-node=8 --mem=8000 --wrap "
	for i in 1 2 3 4 5 6 7 8; do
		srun -n1 --mem=500 --gres=accel:1 --exact sh -c \
			'echo \$SLURM_STEP_ID \${DL_RESIZE_SIGNAL:-none}; sleep 16' >> $out &
	done
	wait
	date +%s > $work/21-done")
ok $? "job $id submitted"
# the watch reads the job with a job-info request, as scontrol does: the
# test waits on a file, not with scontrol, until the steps are done
end=$(($(date +%s) + 120))
until [ -s "$work/21-done" ] || [ "$(date +%s)" -ge "$end" ]; do sleep 0.5; done
t1=$(date +%s)
after=$(rpcs)
is "$(submit_wait "$id" 120)" COMPLETED "it completes"
is "$(wc -l < "$out")" 8 "8 steps ran"
is "$(awk '{ print $2 }' "$out" | sort -u)" WINCH "all of them watched"

# The watches ran at most t1 - t0 seconds; the sruns add one lookup each,
# and one more per watch may come when its first look and another's
# interval coincide.  Without sharing it would be about 9 x that.
n=$((after - before))
bound=$(( (t1 - t0) / 2 + 8 + 9 ))
diag "lookups: $n in $((t1 - t0)) s (bound $bound; one per step per 2 s would be about $(( 9 * (t1 - t0) / 2 )))"
ok "[ $n -le $bound ]" "at most one lookup per 2 s for the job on its node"
