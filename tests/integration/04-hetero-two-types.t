#!/bin/bash
# One --dl-hetero job on two chip types: placed as one allocation, accounted
# per type, and every task (batch script, srun steps, a partial step) starts
# with its rank, device, communication settings and the same plan.
. "${DLH_SRCDIR:-$(dirname "$0")/../..}/tests/integration/lib.sh"

cluster_up
plan 34

out=$DLH_CLUSTER_DIR/work/04-batch.txt
step=$DLH_CLUSTER_DIR/work/04-step.txt
part=$DLH_CLUSTER_DIR/work/04-part.txt
small=$DLH_CLUSTER_DIR/work/04-small.txt
rm -f "$step" "$part" "$small"
read -r id state < <(run_job "$out" --dl-hetero=a100:16,ascend910b:16 \
	--dl-model=llama2-70b -N4 --ntasks-per-node=8 --wrap "
	TASK_TAG=batch $TASK_ENV
	printf 'batch\tMAP=%s\n' \"\$SLURM_SPANK_DL_HETERO_MAP\"
	printf 'batch\tCRED=%.6s\n' \"\$SLURM_SPANK_DL_HETERO_MAP_CRED\"
	srun $TASK_ENV > $step
	srun -N2 -n8 --ntasks-per-node=4 -r2 --gres=accel:4 --dl-model=llama2-7b \
		$TASK_ENV > $part
	srun -N1 -n1 -r3 --gres=accel:1 $TASK_ENV > $small")
is "$state" COMPLETED "two-type job completes"

# the allocation: exactly the request, as real gres
is "$(job_field "$id" JOB_GRES)" "accel:a100:16,accel:ascend910b:16" \
	"scontrol: JOB_GRES=accel:a100:16,accel:ascend910b:16"
tres=$(sacct_field "$id" AllocTRES)
like "$tres" 'gres/accel:a100=16(,|$)' "sacct: gres/accel:a100=16"
like "$tres" 'gres/accel:ascend910b=16(,|$)' "sacct: gres/accel:ascend910b=16"
is "$(job_field "$id" NodeList)" "n[1-2,5-6]" "placed on n[1-2,5-6] (one leaf switch)"
is "$(sacct_field "$id" AdminComment)" \
	"dlhetero a100:16(n[1-2]) ascend910b:16(n[5-6])" \
	"sacct shows the placement summary"

# the batch script
is "$(tv "$out" batch RANK)" 0 "batch script: RANK=0"
is "$(tv "$out" batch MASTER_ADDR)" n1 "batch script: MASTER_ADDR=n1"
like "$(tv "$out" batch DL_PLAN)" "^/tmp/dlhetero-[0-9]+/$(cluster_name)/plan-$id\\.batch" \
	"batch script: DL_PLAN"

# the full step: 32 ranks, one device each
is "$(tasks "$step" | paste -sd' ')" "$(seq -s' ' 0 31)" "32 ranks ran"
bad=0
for r in $(seq 0 31); do
	node=$(tv "$step" "$r" SLURMD_NODENAME)
	[ "$(tv "$step" "$r" RANK)" = "$r" ] || bad=1
	[ "$(tv "$step" "$r" WORLD_SIZE)" = 32 ] || bad=1
	[ "$(tv "$step" "$r" LOCAL_RANK)" = $((r % 8)) ] || bad=1
	[ "$(tv "$step" "$r" LOCAL_WORLD_SIZE)" = 8 ] || bad=1
	[ "$(tv "$step" "$r" NODE_RANK)" = $((r / 8)) ] || bad=1
	if [ "$r" -lt 16 ]; then
		[ "$(tv "$step" "$r" DL_CHIP_TYPE)" = a100 ] || bad=1
		[ "$(tv "$step" "$r" CUDA_VISIBLE_DEVICES)" = $((r % 8)) ] || bad=1
		[ -n "$(tv "$step" "$r" NCCL_SOCKET_IFNAME)" ] || bad=1
		[ -z "$(tv "$step" "$r" ASCEND_RT_VISIBLE_DEVICES)" ] || bad=1
	else
		[ "$(tv "$step" "$r" DL_CHIP_TYPE)" = ascend910b ] || bad=1
		[ "$(tv "$step" "$r" ASCEND_RT_VISIBLE_DEVICES)" = $((r % 8)) ] || bad=1
		[ -n "$(tv "$step" "$r" HCCL_SOCKET_IFNAME)" ] || bad=1
		[ -z "$(tv "$step" "$r" CUDA_VISIBLE_DEVICES)" ] || bad=1
	fi
	[ "$bad" -eq 0 ] || { diag "rank $r on $node is wrong:"; grep "^$r	" "$step" | sed 's/^/#   /'; break; }
done
is "$bad" 0 "every rank: RANK, WORLD_SIZE, LOCAL_RANK, NODE_RANK, its chip, its one device, its CCL interface"
is "$(grep -c $'\tMASTER_ADDR=n1$' "$step")" 32 "all ranks: MASTER_ADDR=n1"
is "$(grep $'\tMASTER_PORT=' "$step" | cut -f2 | sort -u | wc -l)" 1 \
	"all ranks: the same MASTER_PORT"
port=$(tv "$step" 0 MASTER_PORT)
ok "[ $port -ge 29600 ] && [ $port -lt 32600 ]" "MASTER_PORT in 29600..32599"
isnt "$port" "$(tv "$out" batch MASTER_PORT)" "another step, another MASTER_PORT"
is "$(grep $'\tDL_PLAN_HASH=' "$step" | cut -f2 | sort -u | wc -l)" 1 \
	"all 32 ranks: the same DL_PLAN_HASH"
is "$(grep $'\tDL_PLAN_SHA=' "$step" | cut -f2 | sort -u | wc -l)" 1 \
	"all 32 ranks read the same plan file content"
is "$(grep -c $'\tDL_TRANSPORT=' "$step")" 32 "all ranks: DL_TRANSPORT"

# the plan: rank r sits where the task with RANK r ran
plan_file=$(tv "$step" 0 DL_PLAN)
ok "[ -f '$plan_file' ]" "the plan file exists"
check=$(python3 - "$plan_file" "$step" <<'PY'
import json, sys
plan = json.load(open(sys.argv[1]))
env = {}
for line in open(sys.argv[2]):
    t, _, kv = line.rstrip("\n").partition("\t")
    k, _, v = kv.partition("=")
    env.setdefault(t, {})[k] = v
bad = []
for r in plan["ranks"]:
    e = env[str(r["rank"])]
    if r["node_name"] != e["SLURMD_NODENAME"] or r["chip"] != e["DL_CHIP_TYPE"]:
        bad.append(r["rank"])
stages = {}
for r in plan["ranks"]:
    stages.setdefault(r["replica"], set()).add((r["first_layer"], r["last_layer"]))
covered = True
for spans in stages.values():
    end = 0
    for first, last in sorted(spans):
        covered &= first == end and last > first
        end = last
    covered &= end == 80
print(len(plan["ranks"]), plan["world_size"], len(bad), int(covered),
      plan["model"], int(0 < plan["efficiency"] <= 1.2))
PY
)
is "$check" "32 32 0 1 llama2-70b 1" \
	"plan: 32 ranks on the tasks' nodes and chips, every replica covers layers 0-80"

# steps on part of the allocation plan for themselves
is "$(tasks "$part" | paste -sd' ')" "0 1 2 3 4 5 6 7" "partial step: 8 ranks"
is "$(tv "$part" 5 WORLD_SIZE)" 8 "partial step: WORLD_SIZE=8"
is "$(tv "$part" 0 MASTER_ADDR)" n5 "partial step: MASTER_ADDR is its first node"
is "$(tv "$part" 6 ASCEND_RT_VISIBLE_DEVICES)" 2 "partial step: rank 6 on device 2"
is "$(grep $'\tDL_PLAN_HASH=' "$part" | cut -f2 | sort -u | wc -l)" 1 \
	"partial step: one plan hash"
isnt "$(tv "$part" 0 DL_PLAN_HASH)" "$(tv "$step" 0 DL_PLAN_HASH)" \
	"partial step: its own plan"
like "$(python3 -c 'import json,sys; p=json.load(open(sys.argv[1])); print(p["model"], p["world_size"], len(p["ranks"]))' "$(tv "$part" 0 DL_PLAN)")" \
	'^llama2-7b 8 8$' "partial step: plan of llama2-7b (srun --dl-model) for 8 ranks"
# a step too small for the job's model: a clear error, no stale plan
like "$(tv "$small" 0 DL_PLAN_ERROR)" 'too few chips to hold llama2-70b.*GB' \
	"one-chip step: DL_PLAN_ERROR says why"
is "$(tv "$small" 0 DL_PLAN)" "" "one-chip step: no DL_PLAN inherited from the batch script"

# the plan belongs to the job's user and no one else can write it
ok "[ \"\$(stat -c %u '$plan_file')\" = \"\$(id -u)\" ]" "plan file owned by the job's user"
is "$(stat -c %a "$(dirname "$plan_file")")" 700 "plan folder is private (0700)"
is "$(tv "$out" batch MAP)" "n[1-2]:a100:8;n[5-6]:ascend910b:8" \
	"the batch script has slurmctld's compact node -> chip map"
is "$(tv "$out" batch CRED)" "MUNGE:" "... and its munge credential"
ok '! grep -q DL_PLAN_ERROR "$step" "$part"' "full and partial steps planned"
