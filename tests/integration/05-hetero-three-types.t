#!/bin/bash
# A --dl-hetero job on three chip types, and an auto request.
. "${DLH_SRCDIR:-$(dirname "$0")/../..}/tests/integration/lib.sh"

cluster_up
plan 24

out=$DLH_CLUSTER_DIR/work/05-batch.txt
step=$DLH_CLUSTER_DIR/work/05-step.txt
read -r id state < <(run_job "$out" \
	--dl-hetero=mlu590:8,ascend910b:8,a100:8 --dl-model=llama2-13b \
	-N3 --ntasks-per-node=8 --wrap "srun $TASK_ENV > $step")
is "$state" COMPLETED "three-type job completes"
is "$(job_field "$id" JOB_GRES)" \
	"accel:a100:8,accel:ascend910b:8,accel:mlu590:8" "JOB_GRES has the three types"
tres=$(sacct_field "$id" AllocTRES)
for t in a100 ascend910b mlu590; do
	like "$tres" "gres/accel:$t=8(,|\$)" "sacct: gres/accel:$t=8"
done
nodes=$(job_field "$id" NodeList)
# mlu590 lives on leaf s3 only; a100 and ascend910b share leaf s1 or s2
like "$nodes" '^n\[(1,5|1,6|2,5|2,6|3,7|3,8|4,7|4,8),(9|10)\]$' \
	"a100 and ascend910b on one leaf, mlu590 on s3 ($nodes)"
like "$(sacct_field "$id" AdminComment)" \
	'^dlhetero a100:8\(n[0-9]+\) ascend910b:8\(n[0-9]+\) mlu590:8\(n(9|10)\)$' \
	"placement summary names the three types"

is "$(tasks "$step" | wc -l)" 24 "24 ranks ran"
bad=0
for r in $(seq 0 23); do
	chip=$(tv "$step" "$r" DL_CHIP_TYPE)
	case $chip in
	a100) var=CUDA_VISIBLE_DEVICES ;;
	ascend910b) var=ASCEND_RT_VISIBLE_DEVICES ;;
	mlu590) var=MLU_VISIBLE_DEVICES ;;
	*) bad=1; break ;;
	esac
	[ "$(tv "$step" "$r" "$var")" = $((r % 8)) ] || bad=1
	[ "$(tv "$step" "$r" RANK)" = "$r" ] || bad=1
done
is "$bad" 0 "every rank has its chip's variable with its one device"
is "$(grep $'\tDL_PLAN_HASH=' "$step" | cut -f2 | sort -u | wc -l)" 1 \
	"all 24 ranks: one plan hash"
groups=$(python3 -c 'import json,sys; p=json.load(open(sys.argv[1])); print(len(p["groups"]), sorted(g["chip"] for g in p["groups"]), p["model"])' \
	"$(tv "$step" 0 DL_PLAN)")
is "$groups" "3 ['a100', 'ascend910b', 'mlu590'] llama2-13b" "plan has three chip groups"

# auto: 16 accelerators of a100 or mlu590, the best topology
read -r id state < <(run_job "$out" --dl-hetero=auto:16:a100+mlu590 \
	--wrap true)
is "$state" COMPLETED "auto:16:a100+mlu590 job completes"
gres=$(job_field "$id" JOB_GRES)
like "$gres" '^accel:(a100|mlu590):16$' "auto took 16 of one type, on one leaf ($gres)"
read -r id state < <(run_job "$out" --dl-hetero=auto:40 --wrap true)
is "$state" COMPLETED "auto:40 (more than one type holds on one leaf) completes"
is "$(sacct_field "$id" AllocTRES | grep -o 'gres/accel=[0-9]*')" "gres/accel=40" \
	"auto:40 holds 40 accelerators"

# bare --dl-hetero: one accelerator per task
read -r id state < <(run_job "$out" --dl-hetero -n 12 --wrap true)
is "$state" COMPLETED "bare --dl-hetero -n 12 completes"
is "$(sacct_field "$id" AllocTRES | grep -o 'gres/accel=[0-9]*')" "gres/accel=12" \
	"bare --dl-hetero -n 12 holds 12 accelerators"
msg=$(sbatch --dl-hetero=auto -n 2000 --wrap true 2>&1)
like "$msg" 'needs 2000 accelerators but the cluster has only 80' \
	"auto larger than the cluster is refused at submission"

# nodes taken only in part: the per-type counts are still exact (cons_tres
# alone would spread an untyped count over the nodes as it likes)
for spec in a100:4,ascend910b:8 a100:12,mlu590:4 ascend910b:3,a100:5,mlu590:7; do
	read -r id state < <(run_job "$out" --dl-hetero=$spec --wrap true)
	is "$state" COMPLETED "$spec completes"
	want=$(echo "$spec" | tr ',' '\n' | sort | sed 's/^/accel:/' | paste -sd,)
	is "$(job_field "$id" JOB_GRES)" "$want" "$spec: JOB_GRES=$want"
done
