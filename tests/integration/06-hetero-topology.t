#!/bin/bash
# Placement follows the switch tree: with leaf s1's Ascend nodes busy, a
# first-fit choice (lowest free node of each type: n1 on s1, n7 on s2)
# would span two leaf switches; dlhetero keeps the job on leaf s2.
. "${DLH_SRCDIR:-$(dirname "$0")/../..}/tests/integration/lib.sh"

cluster_up
plan 7

b1=$(sbatch --parsable -w n5 --gres=accel:ascend910b:8 --wrap 'sleep 60')
b2=$(sbatch --parsable -w n6 --gres=accel:ascend910b:8 --wrap 'sleep 60')
ok 'wait_state "$b1" RUNNING && wait_state "$b2" RUNNING' "s1's Ascend nodes are busy"
is "$(sinfo -h -n n1 -o %T)" idle "n1 (a100, leaf s1) is idle: first-fit would take it"

id=$(sbatch --parsable --dl-hetero=a100:8,ascend910b:8 --wrap 'sleep 1')
is "$(submit_wait "$id" 60)" COMPLETED "two-type job completes"
nodes=$(job_field "$id" NodeList)
like "$nodes" '^n\[(3|4),(7|8)\]$' "placed on leaf s2 only ($nodes)"
# (26.05 writes the list n[3-4,7-8], earlier releases n[3-4],n[7-8])
s2=$(scontrol show topology | grep '^SwitchName=s2 ' | grep -o 'Nodes=[^ ]*' | cut -d= -f2)
is "$(scontrol show hostnames "$s2" | paste -sd,)" "n3,n4,n7,n8" "s2 holds n3,n4,n7,n8"
is "$(job_field "$id" JOB_GRES)" "accel:a100:8,accel:ascend910b:8" "JOB_GRES as requested"
scancel "$b1" "$b2"
ok 'submit_wait "$b1" 30 >/dev/null && submit_wait "$b2" 30 >/dev/null' "blockers ended"
