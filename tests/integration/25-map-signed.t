#!/bin/bash
# The node -> chip map reaches the steps only as slurmctld signed it: a
# user (nobody here; SlurmUser is root) who forges, alters, replays from
# another job, garbles, bloats or drops the map in a step's environment
# gets DL_PLAN_ERROR and a message in the task's stderr and slurmd's log,
# never a plan from it (a dropped one srun puts back); what a user sends at
# submission is stripped; and
# no SPANK prolog or epilog runs for anyone.
. "${DLH_SRCDIR:-$(dirname "$0")/../..}/tests/integration/lib.sh"

cluster_up
plan 24

user=nobody
uid=$(id -u $user)
w=$(mktemp -d /tmp/dlh-25.XXXXXX)
chmod 1777 "$w"
trap 'rm -rf "$w"' EXIT
sock=$(scontrol show config | sed -n 's/^AuthInfo *= *.*socket=\([^,]*\).*/\1/p')
as_user() { runuser -u $user -- "$@"; }

# no job prolog or epilog in the plugin: slurmd forks none for any job
ok '! nm -D "$DLH_PLUGIN_DIR/dlhetero.so" | grep -qE " T slurm_spank_job_(prolog|epilog)$"' \
	"the SPANK plugin defines no job prolog or epilog"
isnt "$(scontrol show config | awk '$1 == "PrologFlags" { print $3 }')" \
	Alloc "the cluster runs without PrologFlags=Alloc"

# job A: its genuine credential, for the replay below
id_a=$(as_user sbatch --parsable -o "$w/a.out" --dl-hetero=a100:1 --dl-mode=infer \
	--wrap "printf '%s' \"\$SLURM_SPANK_DL_HETERO_MAP_CRED\" > $w/a.cred")
is "$(submit_wait "$id_a" 120)" COMPLETED "job A (as $user) completes"

# job B, as the user: a step with the job's own map, then steps whose
# environment the user changed.  Each step: one task per accelerator.
script="
srun -n4 $TASK_ENV > $w/genuine.txt 2>&1
forged=\$(printf 'dlhetero-map/1 job=%s\nn1:a100:1024' \$SLURM_JOB_ID | munge -S $sock)
SLURM_SPANK_DL_HETERO_MAP_CRED=\$forged SLURM_SPANK_DL_HETERO_MAP=n1:a100:1024 \
	srun -n4 $TASK_ENV > $w/forged.txt 2>&1
SLURM_SPANK_DL_HETERO_MAP='n1:a100:1024' srun -n4 $TASK_ENV > $w/altered.txt 2>&1
SLURM_SPANK_DL_HETERO_MAP_CRED=\$(cat $w/a.cred) SLURM_SPANK_DL_HETERO_MAP= \
	srun -n4 $TASK_ENV > $w/replayed.txt 2>&1
SLURM_SPANK_DL_HETERO_MAP_CRED='MUNGE:AwQFAAAgarbage=:' srun -n4 $TASK_ENV > $w/garbled.txt 2>&1
SLURM_SPANK_DL_HETERO_MAP_CRED=\$(printf '%*s' 100000 '' | tr ' ' x) \
	srun -n4 $TASK_ENV > $w/bloated.txt 2>&1
env -u SLURM_SPANK_DL_HETERO_MAP_CRED srun -n4 $TASK_ENV > $w/dropped.txt 2>&1
"
# the user also sends a map of their own at submission, both ways
id=$(as_user env DL_HETERO_MAP=n1:a100:1024 SLURM_SPANK_DL_HETERO_MAP=n1:a100:1024 \
	SLURM_SPANK_DL_HETERO_MAP_CRED=MUNGE:x: \
	sbatch --parsable -o "$w/b.out" -n4 --dl-hetero=a100:2,ascend910b:2 \
	--dl-mode=infer --wrap "TASK_TAG=batch $TASK_ENV; env | grep -E '^(SLURM_SPANK_)?DL_HETERO_MAP' | sed 's/^/batch\t/'; $script")
is "$(submit_wait "$id" 180)" COMPLETED "job B (as $user) completes"

real=$(job_comment "$id")
like "$(tv "$w/b.out" batch SLURM_SPANK_DL_HETERO_MAP)" '^n[0-9]+:a100:2;n[0-9]+:ascend910b:2$' \
	"submitted map stripped: the batch script has slurmctld's ($real)"
is "$(tv "$w/b.out" batch DL_HETERO_MAP)" "" "... and no DL_HETERO_MAP of the user's"
like "$(tv "$w/b.out" batch DL_PLAN)" "^/tmp/dlhetero-$uid/" "the batch script has a plan"

# the genuine step plans; every tampered one does not
is "$(grep -c $'\tDL_PLAN=' "$w/genuine.txt")" 4 "genuine map: 4 ranks with a plan"
# srun takes the job's supplemental environment from slurmctld again and
# adds what is missing: a step whose map was dropped still plans
is "$(grep -c $'\tDL_PLAN=' "$w/dropped.txt")" 4 "dropped map: srun puts slurmctld's back, 4 plans"
for case in forged altered replayed garbled bloated; do
	f=$w/$case.txt
	n_plan=$(grep -c $'\tDL_PLAN=' "$f")
	n_err=$(grep -c $'\tDL_PLAN_ERROR=' "$f")
	ok '[ "$n_plan" = 0 ] && [ "$n_err" = 4 ]' \
		"$case map: no plan, DL_PLAN_ERROR in all 4 ranks ($n_plan plans, $n_err errors)"
done
like "$(tv "$w/forged.txt" 0 DL_PLAN_ERROR)" "signed by uid $uid, not by SlurmUser \(uid 0\): a forged map" \
	"forged: says who signed it"
like "$(tv "$w/altered.txt" 0 DL_PLAN_ERROR)" "SLURM_SPANK_DL_HETERO_MAP differs from the map slurmctld signed" \
	"altered: says so"
like "$(tv "$w/replayed.txt" 0 DL_PLAN_ERROR)" "belongs to another job" \
	"another job's map: says so"
like "$(tv "$w/garbled.txt" 0 DL_PLAN_ERROR)" "munge refuses the map's credential" \
	"garbled: munge's refusal"
like "$(tv "$w/bloated.txt" 0 DL_PLAN_ERROR)" "longer than 65536 bytes" \
	"100 KB credential: refused for its size"
is "$(grep -c '^dlhetero: node -> chip map refused, no plan: .*forged' "$w/forged.txt")" 4 \
	"forged: each task's stderr says it"
is "$(cat "$w"/{altered,replayed,garbled,bloated}.txt | grep -c '^dlhetero: node -> chip map refused, no plan: ')" 16 \
	"altered, replayed, garbled, bloated: each task's stderr says it"
ok 'cat "$DLH_CLUSTER_DIR"/log/n*.log | grep -q "dlhetero: no plan: the map was signed by uid $uid"' \
	"forged: slurmd's log says it"
ok 'scontrol ping | grep -q "is UP"' "slurmctld is up"
ok "grep -q 'job submission from uid $uid: removed 3 variable' '$DLH_CLUSTER_DIR/log/slurmctld.log'" \
	"slurmctld's log: the user's map removed at submission"

done_testing
