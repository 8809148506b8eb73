# Chaos on the test cluster, shared by tests/integration/15-chaos.t (short,
# in `make check`) and bench/chaos.sh (long): mixed-chip --dl-hetero jobs
# with --dl-on-failure=requeue run while slurmd processes are killed
# (SIGKILL, as a crash would) and started again; afterwards one check says
# whether a job was lost, whether slurmctld, slurmdbd and the nodes agree,
# and whether everything survived.
#
# Source it after lib.sh, once cluster_up has run.  Every function runs in
# the caller's shell (never in $(...)): the state is kept in shell arrays.
#
#   chaos_init SEED           state folder $CHAOS_DIR, slurmctld's pid, log
#                             offset; SEED drives every random choice
#   chaos_plan_random FIRST UNTIL GAP_MIN GAP_MAX DOWN_MIN DOWN_MAX
#                             kills from FIRST s on, GAP_MIN..GAP_MAX s
#                             apart, until UNTIL s; each slurmd stays down
#                             DOWN_MIN..DOWN_MAX s
#   chaos_plan_fixed "T:DOWN ..."
#                             kills at T s, each down DOWN s
#   chaos_submit SPEC SECS    one job (--dl-hetero=SPEC, sleeps SECS)
#   chaos_feed N              submit jobs until N of ours have not ended
#   chaos_tick                observe our jobs and slurmctld, then run the
#                             kills and restarts that are due; call it
#                             about once a second
#   chaos_pending             true while kills or restarts are to come
#   chaos_finish SECS         drop the kills to come, start every killed
#                             slurmd now, wait up to SECS for our jobs to
#                             end and for the nodes to be idle
#   chaos_check               the end state (below); 0 when all is well
#   chaos_problems            what chaos_check found wrong, one per line
#   chaos_table               Markdown table of the counters
#
# The victim of a kill is drawn (from SEED) among the nodes that run one of
# our jobs, so that kills hit jobs; when none does for 10 s, among all
# nodes that are up.  At most CHAOS_MAX_DOWN (2) slurmd are down at once: a
# kill that would exceed it waits.  A replay with the same SEED submits the
# same jobs and kills at the same times; the victims are the same as long
# as Slurm places the jobs as before.  CHAOS_DISJOINT=1 never kills a node
# of a job that a node still down has hit: Slurm 22.05 does not finish the
# requeue of a job whose second node dies while the job is completing
# (doc/benchmarks.md, Chaos), and the short test keeps clear of it.
#
# Each job sleeps CHAOS_SLEEP_MIN..CHAOS_SLEEP_MAX s (chaos_feed), and
# CHAOS_RESUME s once it has been requeued (as training resumes from its
# checkpoint).
#
# chaos_check sets the counters CHAOS_SUBMITTED, CHAOS_FIRST (completed
# without a requeue), CHAOS_REQUEUED (requeued, then completed), CHAOS_LOST,
# CHAOS_REQUEUES (NODE_FAIL/REQUEUED records in sacct), CHAOS_KILLS,
# CHAOS_SEEN_DOWN (nodes set DOWN, by slurmctld or the peer watch),
# CHAOS_CTLD_RESTARTS,
# CHAOS_NO_GRES (jobs that ran without their accelerators), CHAOS_NO_MAP
# (runs whose batch step found no node -> chip map, or refused it), and one
# list of problems per kind (one line each,
# empty when all is well):
#   CHAOS_BAD_LOST     a job did not end COMPLETED (or did not end)
#   CHAOS_BAD_ACCT     sacct and scontrol disagree: final state, or number
#                      of requeues (sacct -D: one NODE_FAIL or REQUEUED
#                      record per requeue, before the COMPLETED one)
#   CHAOS_BAD_COMMENT  the admin comment does not name the requested types
#                      and counts, or not the nodes the job ran on
#   CHAOS_BAD_GRES     a run held other accelerators than requested
#                      (scontrol's JOB_GRES while it ran)
#   CHAOS_BAD_CTLD     slurmctld died, was restarted, does not answer, or
#                      logged a fatal error or a crash
#   CHAOS_BAD_NODES    a node is not idle at the end (down, drained, ...)
#                      or still has resources allocated
#   CHAOS_BAD_SUBMIT   sbatch refused a job
# CHAOS_NOTES: dlhetero's errors in the daemons' logs, counted by message
# (not failures by themselves).

CHAOS_SPECS=(
	a100:4,ascend910b:4
	a100:8,ascend910b:8
	a100:4,ascend910b:4,mlu590:4
	a100:2,ascend910b:6,mlu590:2
	ascend910b:4,mlu590:4
	a100:4,mlu590:4
)
: "${CHAOS_SLEEP_MIN:=10}" "${CHAOS_SLEEP_MAX:=60}" "${CHAOS_RESUME:=5}"
: "${CHAOS_MAX_DOWN:=2}" "${CHAOS_DISJOINT:=0}"
CHAOS_NODES=(n1 n2 n3 n4 n5 n6 n7 n8 n9 n10)

# ---------------------------------------------------------------- state
chaos_init() {
	CHAOS_SEED=$1
	: "${CHAOS_DIR:=$DLH_CLUSTER_DIR/work/chaos}"
	rm -rf "$CHAOS_DIR"
	mkdir -p "$CHAOS_DIR"
	chmod 1777 "$CHAOS_DIR"
	CHAOS_T0=$EPOCHSECONDS
	CHAOS_T0_LOG=$(date +%Y-%m-%dT%H:%M:%S)	# as Slurm's logs write it
	CHAOS_IDS=()			# our jobs, in submission order
	declare -gA CHAOS_SPEC=()	# id -> --dl-hetero spec
	declare -gA CHAOS_WANT=()	# id -> the JOB_GRES that spec gives
	declare -gA CHAOS_STATE=()	# id -> last JobState scontrol showed
	declare -gA CHAOS_RESTARTS=()	# id -> its Restarts
	declare -gA CHAOS_NODELIST=()	# id -> its NodeList
	declare -gA CHAOS_GRES_BAD=()	# id -> runs seen with another JOB_GRES
	declare -gA CHAOS_HIT=()	# id -> killed node it ran on, nodes
	declare -gA CHAOS_UP_AT=()	# killed node -> when to start it
	declare -gA CHAOS_PIDS=()	# slurmctld pids seen
	CHAOS_KILL_T=() CHAOS_KILL_DOWN=() CHAOS_KILL_R=()
	CHAOS_NEXT_KILL=0 CHAOS_KILLS=0 CHAOS_NJOBS=0
	CHAOS_BAD_SUBMIT=
	CHAOS_CTLD_PID0=$(_chaos_ctld_pid)
	[ -n "$CHAOS_CTLD_PID0" ] && CHAOS_PIDS[$CHAOS_CTLD_PID0]=1
	CHAOS_CTLD_DEAD=0
	# only what slurmctld logs from now on counts
	CHAOS_LOG_OFF=$(stat -c %s "$DLH_CLUSTER_DIR/log/slurmctld.log" 2>/dev/null || echo 0)
	: >"$CHAOS_DIR/events.log"
}

_chaos_now() { echo $((EPOCHSECONDS - CHAOS_T0)); }

_chaos_event() {	# MESSAGE: a timestamped line in events.log
	echo "[$(_chaos_now)s] $*" >>"$CHAOS_DIR/events.log"
}

# the pid of slurmctld as cluster.sh recorded it, if that process still
# runs slurmctld (cluster.sh's own test)
_chaos_ctld_pid() {
	local pid comm
	read -r pid <"$DLH_CLUSTER_DIR/pids/slurmctld.pid" 2>/dev/null || return 0
	read -r comm <"/proc/$pid/comm" 2>/dev/null || return 0
	[ "$comm" = slurmctld ] && echo "$pid"
}

# ---------------------------------------------------------------- plans
chaos_plan_random() {
	local t=$1 until=$2 gmin=$3 gmax=$4 dmin=$5 dmax=$6
	RANDOM=$CHAOS_SEED
	while [ "$t" -lt "$until" ]; do
		CHAOS_KILL_T+=("$t")
		CHAOS_KILL_DOWN+=($((dmin + RANDOM % (dmax - dmin + 1))))
		CHAOS_KILL_R+=("$RANDOM")
		t=$((t + gmin + RANDOM % (gmax - gmin + 1)))
	done
}

chaos_plan_fixed() {
	local k
	RANDOM=$CHAOS_SEED
	for k in $1; do
		CHAOS_KILL_T+=("${k%%:*}")
		CHAOS_KILL_DOWN+=("${k#*:}")
		CHAOS_KILL_R+=("$RANDOM")
	done
}

chaos_plan_print() {
	local i out=
	for i in "${!CHAOS_KILL_T[@]}"; do
		out+=" ${CHAOS_KILL_T[i]}:${CHAOS_KILL_DOWN[i]}"
	done
	echo "kills at s:down_s:${out:- none}"
}

# ---------------------------------------------------------------- jobs
# chaos_submit SPEC SECS: one job; a requeued run sleeps CHAOS_RESUME s.
# Its output (one line per run, and what Slurm or dlhetero write to a
# job's stderr) goes to $CHAOS_DIR/job-ID.out.
chaos_submit() {
	local spec=$1 secs=$2 id try
	for try in 1 2 3; do
		id=$(sbatch --parsable -J chaos -o "$CHAOS_DIR/job-%j.out" \
			--open-mode=append --dl-hetero="$spec" \
			--dl-on-failure=requeue --wrap "
			echo \"run \${SLURM_RESTART_COUNT:-0} on \$SLURM_JOB_NODELIST from \$(date +%T)\"
			[ -n \"\$DL_PLAN\" ] || echo \"dlhetero: no plan: \$DL_PLAN_ERROR\"
			if [ \${SLURM_RESTART_COUNT:-0} -gt 0 ]; then
				sleep $CHAOS_RESUME
			else
				sleep $secs
			fi" 2>"$CHAOS_DIR/sbatch.err") && [[ $id =~ ^[0-9]+$ ]] && break
		id=
		sleep 1
	done
	if [ -z "$id" ]; then
		CHAOS_BAD_SUBMIT+="sbatch --dl-hetero=$spec failed 3 times: $(tr '\n' ' ' <"$CHAOS_DIR/sbatch.err")"$'\n'
		return 1
	fi
	CHAOS_IDS+=("$id")
	CHAOS_SPEC[$id]=$spec
	CHAOS_WANT[$id]=$(tr ',' '\n' <<<"$spec" | sort | sed 's/^/accel:/' | paste -sd,)
	CHAOS_STATE[$id]=SUBMITTED
	_chaos_event "job $id --dl-hetero=$spec sleep $secs"
}

# chaos_submit_nth K: the K-th job of this seed (its own random stream, so
# that job K is the same whatever the kills did to the loop's timing)
chaos_submit_nth() {
	local spec secs
	RANDOM=$((CHAOS_SEED * 7919 + $1))
	spec=${CHAOS_SPECS[RANDOM % ${#CHAOS_SPECS[@]}]}
	secs=$((CHAOS_SLEEP_MIN + RANDOM % (CHAOS_SLEEP_MAX - CHAOS_SLEEP_MIN + 1)))
	chaos_submit "$spec" "$secs"
}

_chaos_ended() {	# STATE: true for a state a job does not leave
	case $1 in
	COMPLETED | FAILED | CANCELLED | TIMEOUT | NODE_FAIL | PREEMPTED | \
		BOOT_FAIL | DEADLINE | OUT_OF_MEMORY | REVOKED | SPECIAL_EXIT)
		return 0 ;;
	esac
	return 1
}

chaos_active() {
	local id n=0
	for id in "${CHAOS_IDS[@]}"; do
		_chaos_ended "${CHAOS_STATE[$id]}" || n=$((n + 1))
	done
	echo "$n"
}

chaos_feed() {
	local want=$1 n
	n=$(chaos_active)
	while [ "$n" -lt "$want" ]; do
		chaos_submit_nth "$CHAOS_NJOBS"
		CHAOS_NJOBS=$((CHAOS_NJOBS + 1))
		n=$((n + 1))
	done
}

# _chaos_observe: every job slurmctld still holds (it forgets a job
# MinJobAge=300 s after its end, so the state seen last is kept), and
# whether slurmctld is still the process it was
_chaos_observe() {
	local pid id st rs nl gres
	pid=$(_chaos_ctld_pid)
	if [ -z "$pid" ]; then
		[ "$CHAOS_CTLD_DEAD" = 1 ] || _chaos_event "slurmctld is not running"
		CHAOS_CTLD_DEAD=1
		return
	fi
	[ -n "${CHAOS_PIDS[$pid]:-}" ] || _chaos_event "slurmctld has a new pid $pid"
	CHAOS_PIDS[$pid]=1
	while read -r id st rs nl gres; do
		[ -n "${CHAOS_SPEC[$id]:-}" ] || continue
		[ "$st" != "${CHAOS_STATE[$id]}" ] &&
			_chaos_event "job $id $st restarts=$rs nodes=$nl gres=$gres"
		CHAOS_STATE[$id]=$st
		CHAOS_RESTARTS[$id]=$rs
		CHAOS_NODELIST[$id]=$nl
		if [ "$st" = RUNNING ] && [ "$gres" != "${CHAOS_WANT[$id]}" ] &&
			[[ ${CHAOS_GRES_BAD[$id]:-} != *"run $rs "* ]]; then
			CHAOS_GRES_BAD[$id]+="run $rs on $nl JOB_GRES=$gres; "
			_chaos_event "job $id runs on $nl with JOB_GRES=$gres, not ${CHAOS_WANT[$id]}"
		fi
	done < <(scontrol show job -d -o 2>/dev/null | awk '{
		id = st = rs = nl = gres = "";
		for (i = 1; i <= NF; i++) {
			if ($i ~ /^JobId=/) id = substr($i, 7);
			else if ($i ~ /^JobState=/) st = substr($i, 10);
			else if ($i ~ /^Restarts=/) rs = substr($i, 10);
			else if ($i ~ /^NodeList=/) nl = substr($i, 10);
			else if ($i ~ /^JOB_GRES=/) gres = substr($i, 10);
		}
		if (id != "") print id, st, rs, nl, gres;
	}')
}

# ---------------------------------------------------------------- kills
_chaos_hosts() {	# NODELIST...: one node per line
	local l=
	l=$(printf '%s,' "$@")
	l=${l%,}
	l=${l//(null)/}
	[ -n "${l//,/}" ] && scontrol show hostnames "$l" 2>/dev/null | sort -u
}

_chaos_busy_nodes() {	# nodes of our RUNNING jobs
	local id lists=()
	for id in "${CHAOS_IDS[@]}"; do
		[ "${CHAOS_STATE[$id]}" = RUNNING ] && lists+=("${CHAOS_NODELIST[$id]}")
	done
	[ ${#lists[@]} -gt 0 ] && _chaos_hosts "${lists[@]}"
}

# nodes that CHAOS_DISJOINT keeps alive: those of jobs, not ended, that a
# node still down ran on
_chaos_spared_nodes() {
	local id lists=()
	for id in "${!CHAOS_HIT[@]}"; do
		_chaos_ended "${CHAOS_STATE[$id]}" && continue
		[ -n "${CHAOS_UP_AT[${CHAOS_HIT[$id]%% *}]:-}" ] || continue
		lists+=("${CHAOS_HIT[$id]#* }" "${CHAOS_NODELIST[$id]}")
	done
	[ ${#lists[@]} -gt 0 ] && _chaos_hosts "${lists[@]}"
}

# _chaos_kill_due I NOW: kill number I if it can run now; 1 to wait
_chaos_kill_due() {
	local i=$1 now=$2 n id cand=() busy spared=
	[ "${#CHAOS_UP_AT[@]}" -lt "$CHAOS_MAX_DOWN" ] || return 1
	busy=$(_chaos_busy_nodes)
	[ "$CHAOS_DISJOINT" = 1 ] && spared=$(_chaos_spared_nodes)
	for n in "${CHAOS_NODES[@]}"; do
		[ -z "${CHAOS_UP_AT[$n]:-}" ] || continue
		grep -qx "$n" <<<"$spared" && continue
		grep -qx "$n" <<<"$busy" && cand+=("$n")
	done
	if [ ${#cand[@]} -eq 0 ]; then
		# nothing of ours runs: wait up to 10 s, then any node that is up
		[ $((now - CHAOS_KILL_T[i])) -ge 10 ] || return 1
		for n in "${CHAOS_NODES[@]}"; do
			[ -z "${CHAOS_UP_AT[$n]:-}" ] || continue
			grep -qx "$n" <<<"$spared" || cand+=("$n")
		done
		[ ${#cand[@]} -gt 0 ] || return 1
	fi
	n=${cand[CHAOS_KILL_R[i] % ${#cand[@]}]}
	bash "$DLH_CLUSTER_SH" kill-node "$n" >/dev/null 2>&1 ||
		_chaos_event "kill-node $n failed"
	CHAOS_UP_AT[$n]=$((now + CHAOS_KILL_DOWN[i]))
	CHAOS_KILLS=$((CHAOS_KILLS + 1))
	_chaos_event "kill slurmd $n (planned at ${CHAOS_KILL_T[i]}s) for ${CHAOS_KILL_DOWN[i]}s"
	for id in "${CHAOS_IDS[@]}"; do
		_chaos_ended "${CHAOS_STATE[$id]}" && continue
		_chaos_hosts "${CHAOS_NODELIST[$id]}" | grep -qx "$n" &&
			CHAOS_HIT[$id]="$n ${CHAOS_NODELIST[$id]}"
	done
	return 0
}

_chaos_start() {	# NODE
	bash "$DLH_CLUSTER_SH" start-node "$1" >/dev/null 2>&1 ||
		_chaos_event "start-node $1 failed"
	unset "CHAOS_UP_AT[$1]"
	_chaos_event "start slurmd $1"
}

chaos_tick() {
	local now n
	_chaos_observe
	now=$(_chaos_now)
	for n in "${!CHAOS_UP_AT[@]}"; do
		[ "${CHAOS_UP_AT[$n]}" -le "$now" ] && _chaos_start "$n"
	done
	while [ "$CHAOS_NEXT_KILL" -lt "${#CHAOS_KILL_T[@]}" ] &&
		[ "${CHAOS_KILL_T[CHAOS_NEXT_KILL]}" -le "$now" ]; do
		_chaos_kill_due "$CHAOS_NEXT_KILL" "$now" || break
		CHAOS_NEXT_KILL=$((CHAOS_NEXT_KILL + 1))
	done
}

chaos_pending() {
	[ "$CHAOS_NEXT_KILL" -lt "${#CHAOS_KILL_T[@]}" ] || [ "${#CHAOS_UP_AT[@]}" -gt 0 ]
}

_chaos_nodes_idle() {
	[ "$(sinfo -h -N -o '%N %T' 2>/dev/null | sort -u | awk '$2 == "idle"' | wc -l)" \
		-eq ${#CHAOS_NODES[@]} ]
}

chaos_finish() {
	local end=$((EPOCHSECONDS + $1)) n
	CHAOS_NEXT_KILL=${#CHAOS_KILL_T[@]}
	for n in "${!CHAOS_UP_AT[@]}"; do _chaos_start "$n"; done
	while [ "$EPOCHSECONDS" -lt "$end" ]; do
		chaos_tick
		[ "$(chaos_active)" -eq 0 ] && _chaos_nodes_idle && break
		sleep 1
	done
	_chaos_observe
	_chaos_event "finished: $(chaos_active) jobs not ended"
}

# ---------------------------------------------------------------- check
# _chaos_sacct: "ID|STATE|NODELIST|ADMINCOMMENT" for every record of our
# jobs, requeued runs included (-D), oldest first
_chaos_sacct() {
	local ids
	ids=$(printf '%s\n' "${CHAOS_IDS[@]}" | paste -sd,)
	sacct -n -P -X -D -j "$ids" -o JobIDRaw,Submit,Start,State,NodeList,AdminComment 2>/dev/null |
		sort -t'|' -s -k1,1n -k2,2 -k3,3 | cut -d'|' -f1,4-
}

# _chaos_sacct_ready FILE: slurmdbd has every job's end and every requeue
_chaos_sacct_ready() {
	local id rows last
	for id in "${CHAOS_IDS[@]}"; do
		rows=$(grep -c "^$id|" "$1")
		last=$(grep "^$id|" "$1" | tail -n 1 | cut -d'|' -f2)
		_chaos_ended "${last%% *}" || return 1
		[ "$rows" -ge $((${CHAOS_RESTARTS[$id]:-0} + 1)) ] || return 1
	done
}

# _chaos_comment_bad SPEC COMMENT NODELIST: what is wrong with COMMENT, a
# "dlhetero TYPE:N(NODES) ..." with exactly the types and counts of SPEC
# and, together, the nodes of NODELIST (empty: do not compare nodes)
_chaos_comment_bad() {
	local spec=$1 comment=${2%% | *} nodelist=$3 got want tok toks lists=()
	if [[ $comment != "dlhetero "* ]]; then
		echo "not a dlhetero summary"
		return
	fi
	got=$(tr ' ' '\n' <<<"${comment#dlhetero }" | grep . | sed 's/(.*//' | sort | paste -sd,)
	want=$(tr ',' '\n' <<<"$spec" | sort | paste -sd,)
	if [ "$got" != "$want" ]; then
		echo "names $got, not $want"
		return
	fi
	[ -n "$nodelist" ] || return
	read -ra toks <<<"${comment#dlhetero }"	# no globbing of n[1-2]
	for tok in "${toks[@]}"; do
		tok=${tok#*(}
		lists+=("${tok%)}")
	done
	got=$(_chaos_hosts "${lists[@]}" | paste -sd,)
	want=$(_chaos_hosts "$nodelist" | paste -sd,)
	[ "$got" = "$want" ] || echo "names nodes $got, the job ran on $want"
}

chaos_check() {
	local f=$CHAOS_DIR/sacct.txt id st rs rows last sst comment end \
		early pid log crash nodes bad
	CHAOS_BAD_LOST= CHAOS_BAD_ACCT= CHAOS_BAD_COMMENT= CHAOS_BAD_CTLD=
	CHAOS_BAD_NODES= CHAOS_BAD_GRES= CHAOS_NOTES=
	CHAOS_SUBMITTED=${#CHAOS_IDS[@]} CHAOS_FIRST=0 CHAOS_REQUEUED=0
	CHAOS_LOST=0 CHAOS_REQUEUES=0 CHAOS_NO_GRES=0

	# slurmctld: the same process, answering, no crash in its log
	_chaos_observe
	pid=$(_chaos_ctld_pid)
	CHAOS_CTLD_RESTARTS=$((${#CHAOS_PIDS[@]} - 1 + CHAOS_CTLD_DEAD))
	[ "$pid" = "$CHAOS_CTLD_PID0" ] ||
		CHAOS_BAD_CTLD+="slurmctld pid was $CHAOS_CTLD_PID0, is now ${pid:-none}"$'\n'
	scontrol ping 2>/dev/null | grep -q 'is UP' ||
		CHAOS_BAD_CTLD+="scontrol ping: slurmctld does not answer"$'\n'
	log=$(tail -c +$((CHAOS_LOG_OFF + 1)) "$DLH_CLUSTER_DIR/log/slurmctld.log" 2>/dev/null)
	crash=$(grep -hiE 'fatal|segfault|segmentation|SIGSEGV|SIGABRT|assert|double free|corrupted' \
		- "$DLH_CLUSTER_DIR/log/slurmctld.out" <<<"$log" 2>/dev/null |
		head -n 20 | sed 's/^/slurmctld log: /')
	[ -z "$crash" ] || CHAOS_BAD_CTLD+=$crash$'\n'
	# "Nodes n5,n7 not responding, setting DOWN" (SlurmdTimeout), or
	# "node n5 reason set to: dlhetero: slurmd unreachable ..." (the
	# neighbour's watch, seconds after the kill): each node once
	CHAOS_SEEN_DOWN=$({
		grep -o 'Nodes [^ ]* not responding, setting DOWN' <<<"$log" |
			cut -d' ' -f2 | paste -sd, | xargs -r scontrol show hostnames
		grep -o 'node [^ ]* reason set to: dlhetero: slurmd unreachable' <<<"$log" |
			cut -d' ' -f2
	} | sort -u | wc -l)
	# dlhetero's errors since chaos_init, counted by message
	CHAOS_NOTES=$(cat "$DLH_CLUSTER_DIR"/log/slurmctld.log \
		"$DLH_CLUSTER_DIR"/log/n*.log 2>/dev/null |
		awk -v t0="$CHAOS_T0_LOG" 'substr($0, 2, 19) >= t0' |
		grep -i dlhetero | grep -iE 'error|fail' |
		sed -e 's/^\[[^]]*\] //' -e 's/[0-9][0-9]*/N/g' | sort | uniq -c |
		sort -rn | head -n 20)
	# runs whose batch step found no node -> chip map on its node
	CHAOS_NO_MAP=$(cat "$CHAOS_DIR"/job-*.out 2>/dev/null | grep -cE 'dlhetero: (no plan: no signed node|node -> chip map refused)')

	# the nodes: all back, idle, and nothing left allocated on them (a
	# job's accelerators not given back would stay allocated for good)
	CHAOS_BAD_NODES=$(scontrol show node -o 2>/dev/null | awk '{
		n = st = alloc = reason = "";
		for (i = 1; i <= NF; i++) {
			if ($i ~ /^NodeName=/) n = substr($i, 10);
			else if ($i ~ /^State=/) st = substr($i, 7);
			else if ($i ~ /^AllocTRES=/) alloc = substr($i, 11);
			else if ($i ~ /^Reason=/) reason = " " $i;
		}
		if (st != "IDLE" || alloc != "")
			print n " " st " AllocTRES=" alloc reason;
	}')
	[ -z "$CHAOS_BAD_NODES" ] || CHAOS_BAD_NODES+=$'\n'

	# sacct: wait (60 s at most) for slurmdbd to have every end
	end=$((EPOCHSECONDS + 60))
	while _chaos_sacct >"$f"; ! _chaos_sacct_ready "$f"; do
		[ "$EPOCHSECONDS" -lt "$end" ] || break
		sleep 1
	done

	for id in "${CHAOS_IDS[@]}"; do
		st=${CHAOS_STATE[$id]}
		rs=${CHAOS_RESTARTS[$id]:-0}
		rows=$(grep -c "^$id|" "$f")
		last=$(grep "^$id|" "$f" | tail -n 1)
		IFS='|' read -r _ sst nodes comment <<<"$last"
		sst=${sst%% *}		# "CANCELLED by 0"
		if [ "$st" = COMPLETED ] && [ "$sst" = COMPLETED ]; then
			if [ "$rows" -gt 1 ] || [ "$rs" -gt 0 ]; then
				CHAOS_REQUEUED=$((CHAOS_REQUEUED + 1))
			else
				CHAOS_FIRST=$((CHAOS_FIRST + 1))
			fi
		else
			CHAOS_LOST=$((CHAOS_LOST + 1))
			CHAOS_BAD_LOST+="job $id (--dl-hetero=${CHAOS_SPEC[$id]}): scontrol $st, sacct ${sst:-nothing}"
			CHAOS_BAD_LOST+=" ($(scontrol show job -o "$id" 2>/dev/null | grep -o 'Reason=[^ ]*'))"$'\n'
		fi
		[ "$rows" -gt 0 ] && CHAOS_REQUEUES=$((CHAOS_REQUEUES + rows - 1))
		[ "$st" = "$sst" ] ||
			CHAOS_BAD_ACCT+="job $id: scontrol says $st, sacct $sst"$'\n'
		[ "$rows" -eq $((rs + 1)) ] ||
			CHAOS_BAD_ACCT+="job $id: scontrol says Restarts=$rs, sacct -D has $rows records"$'\n'
		early=$(grep "^$id|" "$f" | head -n $((rows - 1)) | cut -d'|' -f2 |
			grep -vxE 'NODE_FAIL|REQUEUED' | paste -sd,)
		[ -z "$early" ] ||
			CHAOS_BAD_ACCT+="job $id: records before the last one are $early, not NODE_FAIL or REQUEUED"$'\n'
		bad=$(_chaos_comment_bad "${CHAOS_SPEC[$id]}" "$comment" "$nodes")
		[ -z "$bad" ] ||
			CHAOS_BAD_COMMENT+="job $id (--dl-hetero=${CHAOS_SPEC[$id]}): sacct AdminComment '$comment' $bad"$'\n'
		# slurmctld's, while it still holds the job
		comment=$(job_comment "$id")
		nodes=$(job_field "$id" NodeList)
		bad=$([ -z "$comment" ] || _chaos_comment_bad "${CHAOS_SPEC[$id]}" "$comment" "$nodes")
		[ -z "$bad" ] ||
			CHAOS_BAD_COMMENT+="job $id (--dl-hetero=${CHAOS_SPEC[$id]}): scontrol AdminComment '$comment' $bad"$'\n'
		if [ -n "${CHAOS_GRES_BAD[$id]:-}" ]; then
			CHAOS_NO_GRES=$((CHAOS_NO_GRES + 1))
			CHAOS_BAD_GRES+="job $id (--dl-hetero=${CHAOS_SPEC[$id]}): ${CHAOS_GRES_BAD[$id]}"$'\n'
		fi
	done
	{
		echo "# seed $CHAOS_SEED; events:"
		cat "$CHAOS_DIR/events.log"
		echo "# sacct -D (JobID|State|NodeList|AdminComment):"
		cat "$f"
		# the next start of the cluster wipes its logs: keep what they
		# say about every job that went wrong
		for id in $(chaos_problems | grep -o '^job [0-9]*' | cut -d' ' -f2 | sort -nu); do
			echo "# job $id in the logs:"
			_chaos_job_log "$id"
		done
	} >"$CHAOS_DIR/report.txt"
	[ -z "$(chaos_problems)" ]
}

_chaos_job_log() {	# ID: slurmctld's and slurmd's lines about job ID
	local f
	for f in "$DLH_CLUSTER_DIR"/log/slurmctld.log "$DLH_CLUSTER_DIR"/log/n*.log; do
		awk -v t0="$CHAOS_T0_LOG" 'substr($0, 2, 19) >= t0' "$f" |
			grep -E "JobId=$1( |$)|[Jj]ob $1( |$)|\[$1\.|job_id $1( |$)" |
			sed "s|^|$(basename "$f" .log): |"
	done | sort -t' ' -k2,2 | head -n 60
}

chaos_problems() {
	printf '%s' "$CHAOS_BAD_LOST$CHAOS_BAD_ACCT$CHAOS_BAD_COMMENT$CHAOS_BAD_GRES$CHAOS_BAD_CTLD$CHAOS_BAD_NODES$CHAOS_BAD_SUBMIT"
}

chaos_table() {
	cat <<EOF
| | |
|---|---:|
| jobs submitted | $CHAOS_SUBMITTED |
| completed the first time | $CHAOS_FIRST |
| requeued, then completed | $CHAOS_REQUEUED |
| lost | $CHAOS_LOST |
| requeues (NODE_FAIL/REQUEUED records in sacct) | $CHAOS_REQUEUES |
| node kills (slurmd SIGKILL) | $CHAOS_KILLS |
| nodes set DOWN | $CHAOS_SEEN_DOWN |
| slurmctld restarts | $CHAOS_CTLD_RESTARTS |
| jobs that ran without their accelerators | $CHAOS_NO_GRES |
| runs without their node -> chip map | $CHAOS_NO_MAP |
EOF
}
