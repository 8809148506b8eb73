# dlhetero shell test helpers: TAP output and the one-machine test cluster.
#
#   #!/bin/bash
#   . "$(dirname "$0")/lib.sh"     # or "$DLH_SRCDIR/tests/integration/lib.sh"
#   plan 3                         # or call done_testing at the end
#   cluster_up
#   id=$(sbatch --parsable -N1 --wrap hostname)
#   is "$(submit_wait "$id" 60)" COMPLETED "job completes"
#   like "$(sacct_field "$id" AllocTRES)" 'gres/accel' "accounted"
#   ok '[ -d "$DLH_CLUSTER_DIR" ]' "prefix exists"
#   done_testing
#
# TAP:
#   plan N                 print 1..N now
#   ok COND DESC           COND an integer: an exit status, 0 passes;
#                          otherwise a command line run with eval, passes on 0
#   is GOT WANT DESC       string equality
#   like GOT REGEX DESC    bash [[ =~ ]] match
#   isnt GOT WANT DESC     string inequality
#   skip DESC [REASON]     an "ok ... # SKIP" line
#   diag MSG...            "# MSG" lines on stdout
#   skip_all REASON        "1..0 # SKIP REASON", exit 0
#   bail_out REASON        "Bail out! REASON", exit 255
#   done_testing           print 1..N if no plan was printed; returns 1
#                          when a test failed
# Cluster:
#   cluster_up             start (or reuse) tests/cluster/cluster.sh under a
#                          lock, export SLURM_CONF and DLH_CLUSTER_DIR;
#                          bails out when the cluster cannot start
#   submit_wait ID [SECS]  wait (default 120 s) until job ID ends; echo its
#                          state (all components of a het job); 1 on timeout
#   job_field ID FIELD     FIELD from `scontrol show job -d -o ID`
#   sacct_field ID FIELD [SECS]
#                          sacct -X -n -P -o FIELD once slurmdbd has the job
#                          (and its end, if the job has ended)
#
# Environment: DLH_SRCDIR, DLH_BUILDDIR (set by `make check`; otherwise
# derived from this file's location and the current directory),
# DLH_PLUGIN_DIR, DLH_SELECT_TYPE and everything tests/cluster/cluster.sh
# reads.

_tap_n=0
_tap_failed=0
_tap_planned=

plan() {
	_tap_planned=$1
	echo "1..$1"
}

_tap_result() {	# STATUS DESC
	_tap_n=$((_tap_n + 1))
	if [ "$1" -eq 0 ]; then
		echo "ok $_tap_n - $2"
	else
		echo "not ok $_tap_n - $2"
		_tap_failed=$((_tap_failed + 1))
	fi
	return "$1"
}

ok() {
	local cond=$1 desc=${2:-} rc
	if [[ $cond =~ ^[0-9]+$ ]]; then
		rc=$cond
	else
		eval "$cond"
		rc=$?
	fi
	_tap_result $((rc == 0 ? 0 : 1)) "$desc" || { diag "  failed: $cond"; return 1; }
}

is() {
	local got=$1 want=$2 desc=${3:-}
	[ "$got" = "$want" ]
	_tap_result $? "$desc" || {
		diag "  got:  '$got'" "  want: '$want'"
		return 1
	}
}

isnt() {
	local got=$1 want=$2 desc=${3:-}
	[ "$got" != "$want" ]
	_tap_result $? "$desc" || { diag "  got '$got', wanted anything else"; return 1; }
}

like() {
	local got=$1 re=$2 desc=${3:-}
	[[ $got =~ $re ]]
	_tap_result $? "$desc" || {
		diag "  got:   '$got'" "  regex: '$re'"
		return 1
	}
}

skip() {
	_tap_n=$((_tap_n + 1))
	echo "ok $_tap_n - $1 # SKIP ${2:-}"
}

diag() {
	local line
	printf '%s\n' "$@" | while IFS= read -r line; do echo "# $line"; done
}

skip_all() {
	echo "1..0 # SKIP $*"
	exit 0
}

bail_out() {
	echo "Bail out! $*"
	exit 255
}

done_testing() {
	[ -n "$_tap_planned" ] || echo "1..$_tap_n"
	[ "$_tap_failed" -eq 0 ]
}

# ---------------------------------------------------------------- paths
: "${DLH_SRCDIR:=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)}"
if [ -z "${DLH_BUILDDIR:-}" ]; then
	if [ -f "$PWD/config.status" ]; then
		DLH_BUILDDIR=$PWD
	else
		DLH_BUILDDIR=$DLH_SRCDIR
	fi
fi
export DLH_SRCDIR DLH_BUILDDIR

DLH_CLUSTER_SH=$DLH_SRCDIR/tests/cluster/cluster.sh

# ---------------------------------------------------------------- cluster
cluster_up() {
	local lock out rc
	[ "$(id -u)" -eq 0 ] || skip_all "the test cluster needs root"
	if [ -z "${DLH_PLUGIN_DIR:-}" ] && [ -d "$DLH_BUILDDIR/tests/plugins" ]; then
		DLH_PLUGIN_DIR=$DLH_BUILDDIR/tests/plugins
	fi
	if [ -n "${DLH_PLUGIN_DIR:-}" ]; then
		export DLH_PLUGIN_DIR
		if [ -z "${DLH_SELECT_TYPE:-}" ] &&
			[ -f "$DLH_PLUGIN_DIR/select_cons_tres_dlhetero.so" ]; then
			export DLH_SELECT_TYPE=select/cons_tres_dlhetero
		fi
	fi
	# the cluster's folder (per Slurm release) and the release's PATH
	eval "$(bash "$DLH_CLUSTER_SH" env)"
	# our job_submit plugin, the catalogs of the source tree and a state
	# folder under the prefix (never the host's /run)
	if [ -n "${DLH_PLUGIN_DIR:-}" ] &&
		[ -f "$DLH_PLUGIN_DIR/job_submit_dlhetero.so" ]; then
		: "${DLH_SLURM_CONF_EXTRA:=JobSubmitPlugins=dlhetero
Epilog=$DLH_SRCDIR/tests/integration/epilog-env.sh}"
		export DLH_SLURM_CONF_EXTRA
	fi
	if [ -z "${DLH_CONF_EXTRA:-}" ]; then
		DLH_CONF_EXTRA="ChipCatalog=$DLH_SRCDIR/data/chips.json
ModelCatalog=$DLH_SRCDIR/data/models.json
StateDir=$DLH_CLUSTER_DIR/run/dlhetero"
		export DLH_CONF_EXTRA
	fi
	lock=$DLH_CLUSTER_DIR.lock
	# cluster.sh closes inherited fds before starting daemons, so the lock
	# is released when it exits
	out=$(flock -w 300 "$lock" bash "$DLH_CLUSTER_SH" start 2>&1)
	rc=$?
	diag "$out"
	[ $rc -eq 0 ] || bail_out "test cluster did not start (tests/cluster/cluster.sh start: rc=$rc)"
	eval "$(bash "$DLH_CLUSTER_SH" env)"
	# batch output lands in the cluster's work folder, not in the build tree
	: "${SBATCH_OUTPUT:=$DLH_CLUSTER_DIR/work/slurm-%j.out}"
	export SBATCH_OUTPUT
}

# task_env ID: the environment each task of job ID printed with
# tests/integration/task-env.sh, "RANK<TAB>NAME=VALUE" lines
task_env() {
	local out
	out=$(job_field "$1" StdOut)
	[ -f "$out" ] && cat "$out"
}

# job_comment ID: the job's AdminComment (it may hold spaces)
job_comment() {	# ID: the summary in its admin comment (without the
	# growth record, " | generation ...", hetero_growth.h)
	scontrol show job "$1" 2>/dev/null | sed -n 's/^ *AdminComment=\(.*\)$/\1/p' |
		sed 's/ | .*$//; s/ *$//'
}

# tv FILE TASK NAME: NAME's value printed by task TASK with task-env.sh
tv() {
	awk -F'\t' -v t="$2" -v n="$3=" \
		'$1 == t && index($2, n) == 1 { print substr($2, length(n) + 1); exit }' "$1"
}

# tasks FILE: the task ids that printed something, sorted numerically
tasks() {
	cut -f1 "$1" | grep -E '^[0-9]+$' | sort -nu
}

# count_lines FILE PATTERN: lines of FILE with PATTERN (0 without FILE)
count_lines() {
	grep -c -- "$2" "$1" 2>/dev/null || true
}

# wait_lines FILE PATTERN N: wait (up to 60 s) until exactly N lines of FILE
# have PATTERN, e.g. until every task of a step has written its line
wait_lines() {
	local i
	for i in $(seq 120); do
		[ "$(count_lines "$1" "$2")" = "$3" ] && return 0
		sleep 0.5
	done
	return 1
}

# ranks_done FILE N: all N tasks have written their task-env.sh view
ranks_done() {
	[ "$(count_lines "$1" $'\tSLURMD_NODENAME=')" = "$2" ]
}

# run_job OUT SBATCH-ARGS... : submit a batch job writing to OUT, wait for
# it; echo "ID STATE"
run_job() {
	local out=$1 id
	shift
	rm -f "$out"
	id=$(sbatch --parsable -o "$out" "$@") || return 1
	echo "$id $(submit_wait "$id" 120)"
}

# wait_state ID STATE [SECS]: wait until job ID is in STATE; 1 on timeout
wait_state() {
	local end=$(($(date +%s) + ${3:-60}))
	while [ "$(job_field "$1" JobState)" != "$2" ]; do
		[ "$(date +%s)" -lt "$end" ] || return 1
		sleep 0.3
	done
}

TASK_ENV=$DLH_SRCDIR/tests/integration/task-env.sh
# The reference runtime of this tree as a job's task starts it, on a small
# batch; every node of the test cluster is 127.0.0.1 (node names do not
# resolve), so the rendezvous address is given.
RUNTIME="env DLH_RUNTIME_DIR=$DLH_SRCDIR/runtime $DLH_BUILDDIR/runtime/dlhetero-runtime --global-batch 8 --seq-len 16 --master-addr 127.0.0.1"

# node_revive NODE: start NODE's slurmd again (after cluster.sh kill-node),
# resume it, wait until it is idle; echo its state
node_revive() {
	local i
	bash "$DLH_CLUSTER_SH" start-node "$1" >/dev/null
	for i in $(seq 60); do
		[ "$(sinfo -h -n "$1" -o %T)" = idle ] && break
		# refused when the node came back by itself in between (and
		# under set -e, as the benchmarks run, that would end them)
		scontrol update nodename="$1" state=resume 2>/dev/null || true
		sleep 1
	done
	sinfo -h -n "$1" -o %T
}

# node_die NODE JOB: NODE dies under JOB as a host crash would: its slurmd
# (cluster.sh kill-node) and JOB's slurmstepds there with everything under
# them: the batch script, the tasks, the extern step (kill-steps)
node_die() {
	bash "$DLH_CLUSTER_SH" kill-node "$1" >/dev/null
	bash "$DLH_CLUSTER_SH" kill-steps "$1" "$2" >/dev/null
	return 0
}

# event_seconds LINE T0: seconds from T0 (epoch) to the "step at" time of
# one of the runtime's event lines
event_seconds() {
	echo "$(echo "$1" | sed -n 's/.*step at \([0-9.]*\)).*/\1/p') - $2" | bc
}

# same_as_single OUT.json: compare the losses a job's runtime wrote (--out)
# with the single process's (table on stdout, status 0 when they agree)
same_as_single() {
	"${DLH_PYTHON:-/usr/bin/python3}" \
		"$DLH_SRCDIR/runtime/tests/run_plan.py" --compare "$1"
}

# recovery_job NAME: submit a training job of the reference runtime that
# a node's death should not stop (a100:2,ascend910b:2 on two nodes,
# checkpoint every 2 steps, 8 steps); under $DLH_CLUSTER_DIR/work: its
# output NAME-run.txt, checkpoints NAME-ckpt/, each run's plan
# NAME-plan-N.json and losses NAME-out-N.json (N: the restart count).
# Echoes the job id.
recovery_job() {
	local w=$DLH_CLUSTER_DIR/work/$1
	rm -rf "$w"-*
	sbatch --parsable -o "$w-run.txt" --open-mode=append \
		--dl-checkpoint-dir="$w-ckpt" --dl-hetero=a100:2,ascend910b:2 \
		--dl-model=llama2-7b -N2 --ntasks-per-node=2 --wrap "
		n=\${SLURM_RESTART_COUNT:-0}
		cp \$DL_PLAN $w-plan-\$n.json
		srun $RUNTIME --steps 8 --checkpoint-every 2 --resize-wait 300 \
			--out $w-out-\$n.json"
}

# recovery_trained NAME STEPS: wait (2 min at most) until the job of
# recovery_job NAME has trained STEPS steps
recovery_trained() {
	local i
	for i in $(seq 600); do
		[ "$(jq .step "$DLH_CLUSTER_DIR/work/$1-ckpt/progress.json" 2>/dev/null)" -ge "$2" ] 2>/dev/null && return 0
		sleep 0.2
	done
	return 1
}

# recovery_checks NAME ID VICTIM WATCHER: kill VICTIM, a node of the job
# ID of recovery_job NAME, and check (6 tests) that WATCHER (a regex) sets
# it DOWN with the evidence, that the job is requeued without it and
# resumes with the single process's losses well before Slurm's
# SlurmdTimeout would have noticed, and that VICTIM comes back.  Prints
# the times as diagnostics.
recovery_checks() {
	local w=$DLH_CLUSTER_DIR/work/$1 id=$2 victim=$3 t0 t_down i
	local resumed secs ev
	t0=$(date +%s.%N)
	node_die "$victim" "$id"
	for i in $(seq 120); do
		[[ $(scontrol show node "$victim") == *State=DOWN* ]] && break
		sleep 0.5
	done
	t_down=$(date +%s.%N)
	like "$(sinfo -h -n "$victim" -o '%T %E')" \
		"^down\\*? dlhetero: slurmd unreachable from $4, 3 checks in [0-9]+ s \\(Connection refused\\), job $id\$" \
		"$victim is set DOWN by its neighbour's watch, with the evidence"
	diag "from the kill to DOWN: $(echo "$t_down - $t0" | bc) s"
	is "$(submit_wait "$id" 300)" COMPLETED "the job was requeued and completed"
	ok "! scontrol show hostnames '$(job_field "$id" NodeList)' | grep -qx '$victim'" \
		"placed again without $victim"
	ok "same_as_single '$w-out-1.json' > '$w.cmp'" \
		"the resumed run has the single process's losses"
	resumed=$(sed -n 's/.*resumed from .* at \([0-9.]*\)$/\1/p' "$w-run.txt" | tail -n 1)
	secs=$(echo "$resumed - $t0" | bc)
	diag "from the kill to every rank running again: $secs s"
	ev=$(grep 'event requeue 1' "$w-run.txt")
	diag "$ev"
	diag "from the kill to the next completed step: $(event_seconds "$ev" "$t0") s"
	# Slurm alone would take SlurmdTimeout (300 s) to notice and
	# cred_expire (120 s) to start the job again; the figures belong in
	# bench/recovery.sh
	ok "[ -n '$resumed' ] && [ \$(echo '$secs < 150' | bc) = 1 ]" \
		"running again well before Slurm would have noticed"
	is "$(node_revive "$victim")" idle "$victim is back"
}

# runtime_layout OUT.json: "chip tp/pp/dp/ep layers first-last; ..." and
# the world size the job's runtime ended with
runtime_layout() {
	jq -r '([.groups[] | "\(.chip) \(.tp)/\(.pp)/\(.dp)/\(.ep) layers \(.first_layer)-\(.last_layer)"] | join("; ")) + ", \(.world_size) ranks"' "$1"
}

# terminal job states (scontrol and sacct spellings)
_dlh_terminal() {
	case $1 in
	COMPLETED | FAILED | CANCELLED* | TIMEOUT | NODE_FAIL | PREEMPTED | \
		BOOT_FAIL | DEADLINE | OUT_OF_MEMORY | REVOKED | SPECIAL_EXIT)
		return 0 ;;
	esac
	return 1
}

# _dlh_states ID: JobState of every component, one per line
_dlh_states() {
	scontrol show job -o "$1" 2>/dev/null | grep -o 'JobState=[^ ]*' | cut -d= -f2
}

submit_wait() {
	local id=$1 secs=${2:-120} end states s done_all
	end=$(($(date +%s) + secs))
	while :; do
		states=$(_dlh_states "$id")
		if [ -z "$states" ]; then
			# purged from slurmctld already: ask slurmdbd
			states=$(sacct -X -n -P -j "$id" -o State 2>/dev/null | awk '{ print $1 }')
		fi
		if [ -n "$states" ]; then
			done_all=1
			for s in $states; do _dlh_terminal "$s" || done_all=0; done
			if [ $done_all -eq 1 ]; then
				printf '%s\n' "$states" | sort -u | paste -sd,
				return 0
			fi
		fi
		if [ "$(date +%s)" -ge "$end" ]; then
			echo "${states:-UNKNOWN}" | sort -u | paste -sd,
			diag "submit_wait: job $id not finished after ${secs}s"
			return 1
		fi
		sleep 0.5
	done
}

# the running cluster's ClusterName (new at every fresh start)
cluster_name() {
	scontrol show config 2>/dev/null | awk '$1 == "ClusterName" { print $3 }'
}

job_field() {
	scontrol show job -d -o "$1" 2>/dev/null | head -n1 |
		grep -oE "(^| )$2=[^ ]*" | head -n1 | sed -E "s/^ ?$2=//"
}

sacct_field() {
	local id=$1 field=$2 secs=${3:-60} end st ctld_done s n_ctld n_acct all
	end=$(($(date +%s) + secs))
	while :; do
		# slurmctld's view: number of components, all ended?
		ctld_done=1
		st=$(_dlh_states "$id")
		n_ctld=$(printf '%s' "$st" | grep -c .)
		for s in $st; do _dlh_terminal "$s" || ctld_done=0; done
		# slurmdbd's view
		st=$(sacct -X -n -P -j "$id" -o State 2>/dev/null | awk '{ print $1 }')
		n_acct=$(printf '%s' "$st" | grep -c .)
		if [ "$n_acct" -gt 0 ] && [ "$n_acct" -ge "$n_ctld" ]; then
			all=1
			for s in $st; do _dlh_terminal "$s" || all=0; done
			# a job that has ended in slurmctld must have ended in sacct
			if [ $ctld_done -eq 0 ] || [ $all -eq 1 ]; then
				sacct -X -n -P -j "$id" -o "$field"
				return 0
			fi
		fi
		if [ "$(date +%s)" -ge "$end" ]; then
			diag "sacct_field: job $id not (fully) in sacct after ${secs}s"
			sacct -X -n -P -j "$id" -o "$field" 2>/dev/null
			return 1
		fi
		sleep 0.5
	done
}
