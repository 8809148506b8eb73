#!/bin/bash
# The one-machine test cluster works with stock Slurm behaviour:
# 10 nodes, three chip types, accounting, topology.
. "${DLH_SRCDIR:-$(dirname "$0")/../..}/tests/integration/lib.sh"

cluster_up	# before the plan: it may skip_all (not root) or bail out
plan 16
ok 0 "cluster is up"

nodes=$(sinfo -h -N -o '%N %T' | sort -u)
is "$(printf '%s\n' "$nodes" | wc -l)" 10 "sinfo lists 10 nodes"
is "$(printf '%s\n' "$nodes" | awk '$2 == "idle"' | wc -l)" 10 "all 10 nodes are idle" ||
	diag "$nodes"

gres=$(sinfo -h -o '%G')
like "$gres" 'accel:a100:8' "sinfo shows accel:a100:8"
like "$gres" 'accel:ascend910b:8' "sinfo shows accel:ascend910b:8"
like "$gres" 'accel:mlu590:8' "sinfo shows accel:mlu590:8"

topo=$(scontrol show topology)
for s in s0 s1 s2 s3; do
	like "$topo" "SwitchName=$s " "topology lists switch $s"
done

# an ordinary job
id=$(sbatch --parsable -N1 --wrap hostname)
like "$id" '^[0-9]+$' "sbatch -N1 --wrap hostname submitted" || diag "$id"
is "$(submit_wait "$id" 60)" COMPLETED "ordinary job completes"

# a typed gres request
id=$(sbatch --parsable -N1 --gres=accel:a100:2 --wrap 'true')
is "$(submit_wait "$id" 60)" COMPLETED "--gres=accel:a100:2 job completes"
like "$(sacct_field "$id" AllocTRES)" 'gres/accel:a100=2(,|$)' \
	"sacct AllocTRES has gres/accel:a100=2"

# untyped request on one a100 and one ascend node: per-type accounting
id=$(sbatch --parsable -N2 -w n1,n5 --gres=accel:8 --wrap 'true')
is "$(submit_wait "$id" 60)" COMPLETED "--gres=accel:8 -N2 -w n1,n5 job completes"
tres=$(sacct_field "$id" AllocTRES)
if [[ $tres =~ gres/accel:a100=8(,|$) && $tres =~ gres/accel:ascend910b=8(,|$) ]]; then
	ok 0 "AllocTRES has gres/accel:a100=8 and gres/accel:ascend910b=8"
else
	ok 1 "AllocTRES has gres/accel:a100=8 and gres/accel:ascend910b=8"
	diag "AllocTRES=$tres"
fi
