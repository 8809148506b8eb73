#!/bin/bash
# job_submit/dlhetero checks a --dl-hetero request once, at submission; an
# update of a pending job's gres request would bypass that check, so it is
# refused, and other updates still go through.
. "${DLH_SRCDIR:-$(dirname "$0")/../..}/tests/integration/lib.sh"

cluster_up
plan 7

id=$(sbatch --parsable --hold --dl-hetero=a100:2 -n2 -o /dev/null --wrap true)
ok $? "held --dl-hetero job $id"
tres=$(job_field "$id" TresPerJob)
like "$tres" "^gres[:/]accel:2$" "its untyped per-job count (gres:accel:2, 24.11+: gres/accel:2)"

out=$(scontrol update jobid="$id" TresPerJob=gres:accel:1000 2>&1)
ok '[ $? -ne 0 ]' "TresPerJob update refused: $out"
out=$(scontrol update jobid="$id" Gres=accel:a100:8 2>&1)
ok '[ $? -ne 0 ]' "Gres update refused: $out"
is "$(job_field "$id" TresPerJob)" "$tres" "the count is unchanged"
scontrol update jobid="$id" Comment=still-fine
is "$(job_field "$id" Comment)" still-fine "other fields can be updated"
scontrol release "$id"
is "$(submit_wait "$id" 120)" COMPLETED "the job still runs"
