#!/bin/bash
# Bad requests fail at submission with a message that says why and lists
# the valid values; a request that cannot run now waits with a reason and
# a start estimate, then runs.
. "${DLH_SRCDIR:-$(dirname "$0")/../..}/tests/integration/lib.sh"

cluster_up
plan 21

# job ids are consecutive: a refused job takes none.  (Counting sacct's
# records instead races with jobs of earlier tests reaching slurmdbd.)
probe() { sbatch --parsable --hold -o /dev/null --wrap true; }
first=$(probe)
scancel "$first"
refused() {	# PATTERN DESC SBATCH-ARGS...
	local pat=$1 desc=$2 msg rc
	shift 2
	msg=$(sbatch "$@" --wrap true 2>&1)
	rc=$?
	ok "[ $rc -ne 0 ]" "$desc: sbatch fails"
	like "$msg" "$pat" "$desc: says why" || true
}
refused 'bad count "x" for type a100.*want TYPE:N' "bad count" \
	--dl-hetero=a100:x
refused 'unknown chip type "h999"; valid types.*a100.*ascend910b' \
	"unknown type" --dl-hetero=h999:8
refused 'unknown model "gpt-9"; valid models.*llama2-70b' "unknown model" \
	--dl-hetero=a100:8 --dl-model=gpt-9
refused 'dl-mode=fly: want train or infer' "bad mode" \
	--dl-hetero=a100:8 --dl-mode=fly
refused 'needs a100:64 but the cluster has only 32 a100' "never fits" \
	--dl-hetero=a100:64
refused 'drop --gres' "--gres with --dl-hetero" \
	--dl-hetero=a100:8 --gres=accel:a100:8
refused '2 chip types need at least 2 nodes.*at most 1' "two types, -N1" \
	--dl-hetero=a100:8,ascend910b:8 -N1
last=$(probe)
scancel "$last"
is "$((last - first))" 1 "no refused job reached slurmctld's records"

# must wait: all mlu590 busy
b1=$(sbatch --parsable -w n9 --gres=accel:mlu590:8 --wrap 'sleep 300')
b2=$(sbatch --parsable -w n10 --gres=accel:mlu590:1 -t 2 --wrap 'sleep 300')
ok 'wait_state "$b1" RUNNING && wait_state "$b2" RUNNING' "mlu590 nodes are busy"
id=$(sbatch --parsable --dl-hetero=mlu590:8,a100:8 --wrap true)
sleep 5	# a few backfill cycles (bf_interval=2)
is "$(job_field "$id" JobState)" PENDING "mixed job waits"
like "$(job_field "$id" Reason)" '^(Resources|Priority)$' "with reason $(job_field "$id" Reason)"
start=$(squeue -h -j "$id" --start -o %S)
like "$start" '^20[0-9-]+T' "squeue --start gives an estimate ($start)"
scancel "$b2"
is "$(submit_wait "$id" 60)" COMPLETED "runs once an mlu590 node frees up"
like "$(job_field "$id" NodeList)" '^n\[[1-4],10\]$' "on n10, the node that freed up, and an a100 node"
scancel "$b1"
