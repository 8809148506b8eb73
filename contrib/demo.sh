#!/bin/bash
# The README's demo: on a fresh Debian 12 machine (as root), install and
# build dlhetero, start the one-machine test cluster (10 nodes: 4 x a100,
# 4 x ascend910b, 2 x mlu590) with the plugins loaded from the build tree,
# and run one training job on two chip types.  Prints where every rank ran
# and the job's sacct line.  The cluster keeps running; stop it with
#   tests/cluster/cluster.sh stop
set -euo pipefail
top=$(cd "$(dirname "$0")/.." && pwd)
bash "$top/contrib/build.sh"

export DLH_SRCDIR=$top DLH_BUILDDIR=$top/build
. "$top/tests/integration/lib.sh"
cluster_up >/dev/null
echo "== cluster"
sinfo -N -o '%N %G %T' | sort -V | paste -sd' ' | fold -w 100

out=$DLH_CLUSTER_DIR/work/demo.out
rm -f "$out"
echo
echo "== sbatch --dl-hetero=ascend910b:16,a100:16 --dl-model=llama2-70b -N4 --ntasks-per-node=8"
id=$(sbatch --parsable -o "$out" --dl-hetero=ascend910b:16,a100:16 \
	--dl-model=llama2-70b -N4 --ntasks-per-node=8 -J demo --wrap '
	srun bash -c '\''printf "%2d %-4s %-11s %-26s %s\n" $RANK \
		$SLURMD_NODENAME $DL_CHIP_TYPE \
		"$(env | grep -E "^(CUDA|ASCEND_RT)_VISIBLE_DEVICES=")" \
		"$(python3 -c "import json,os; r=json.load(open(os.environ[\"DL_PLAN\"]))[\"ranks\"][int(os.environ[\"RANK\"])]; print(\"stage\", r[\"stage\"], \"layers\", r[\"first_layer\"], \"-\", r[\"last_layer\"], \"tp_group\", r[\"tp_group\"])")"'\'' | sort -n
	echo
	echo "plan $DL_PLAN (hash $DL_PLAN_HASH):"
	python3 "$DLH_SRCDIR/contrib/plan-summary.py" "$DL_PLAN"')
state=$(submit_wait "$id" 120) || true
echo "job $id: $state"
echo
echo "== where it ran (scontrol show job -d)"
scontrol show job -d "$id" | grep -E 'NodeList=|JOB_GRES|AdminComment' | sed 's/^ */  /'
echo
echo "== every rank: node, chip, its device, its part of the plan"
echo "rank node chip        device                     plan"
cat "$out"
echo
echo "== sacct"
sacct_field "$id" JobID >/dev/null || true
sacct -j "$id" -X -o JobID,JobName,State,NodeList%16,AllocTRES%110,AdminComment%50
echo
echo "The cluster is still running: eval \"\$($top/tests/cluster/cluster.sh env)\""
echo "to use it, $top/tests/cluster/cluster.sh stop to stop it."
