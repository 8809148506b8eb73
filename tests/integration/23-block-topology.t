#!/bin/bash
# topology/block (Slurm 23.11+): cons_tres takes a job of N nodes only
# inside one block of the smallest size >= N ("unable to find block"
# otherwise), however the candidates were narrowed.  The test cluster's
# base blocks hold 2 nodes, one a100 and one ascend910b (b1 = n[1,5] ...
# b4 = n[4,8], b5 = n[9-10] mlu590), with aggregated blocks of 4:
# n[1-2,5-6] and n[3-4,7-8].  Placement keeps to them.
. "${DLH_SRCDIR:-$(dirname "$0")/../..}/tests/integration/lib.sh"

release=$(eval "$(bash "$DLH_SRCDIR/tests/cluster/cluster.sh" env)"
	sinfo -V | awk '{ print $2 }')
case $release in
22.05.*) skip_all "Slurm $release has no topology/block (23.11+)" ;;
esac
export DLH_TOPOLOGY=block
cluster_up

plan 11

like "$(scontrol show topology 2>&1)" 'BlockName=b1 .*Nodes=n\[1,5\]' \
	"the cluster runs topology/block"

# two nodes: one base block
b=$(sbatch --parsable -w n5 --gres=accel:ascend910b:8 --wrap 'sleep 60')
ok 'wait_state "$b" RUNNING' "b1's Ascend node n5 is busy"
id=$(sbatch --parsable --dl-hetero=a100:8,ascend910b:8 --wrap 'sleep 1')
is "$(submit_wait "$id" 60)" COMPLETED "a100 + ascend910b job completes"
nodes=$(job_field "$id" NodeList)
like "$nodes" '^n\[(2,6|3,7|4,8)\]$' "inside one base block, not b1 ($nodes)"
scancel "$b"
submit_wait "$b" 30 >/dev/null

# three nodes: one aggregated block of four, aligned (b1+b2 or b3+b4)
id=$(sbatch --parsable --dl-hetero=a100:16,ascend910b:8 --wrap 'sleep 1')
is "$(submit_wait "$id" 60)" COMPLETED "3-node mixed job completes"
nodes=$(job_field "$id" NodeList)
like "$nodes" '^n\[(1-2,(5|6)|1,5-6|2,5-6|3-4,(7|8)|3,7-8|4,7-8)\]$' \
	"inside one aggregated block ($nodes)"
is "$(job_field "$id" JOB_GRES)" "accel:a100:16,accel:ascend910b:8" \
	"JOB_GRES as requested"

# no base block holds an a100 and an mlu590: refused at submission (Slurm
# tests whether the job could ever run; placement says never)
msg=$(sbatch --parsable --dl-hetero=a100:8,mlu590:8 --wrap 'sleep 1' 2>&1)
rc=$?
ok "[ $rc -ne 0 ]" "a100 + mlu590 is refused: no block can hold it ($msg)"
like "$msg" 'configuration is not available' "as a job no node set can run"

# --segment (24.05+): not with --dl-hetero, which keeps the job in one block
msg=$(sbatch --parsable --segment=1 --dl-hetero=a100:8,ascend910b:8 \
	--wrap 'sleep 1' 2>&1)
rc=$?
ok "[ $rc -ne 0 ]" "--segment with --dl-hetero is refused"
like "$msg" 'segment is not supported with --dl-hetero' "saying why"
