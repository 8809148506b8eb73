#!/bin/bash
# dlhetero test cluster: a real Slurm cluster on one machine (Debian 12's
# packaged 22.05 by default, or a release built by contrib/build-slurm.sh).
#
#   cluster.sh start|stop|status|env|logs|restart-ctld|kill-node N|kill-steps N JOB|start-node N
#
# Everything lives under one prefix, $DLH_CLUSTER_DIR (default
# /tmp/dlh-cluster-$(id -u)): our own munged (own socket, copy of the host
# key), MariaDB, slurmdbd, slurmctld and 10 slurmd (n1..n10) with fake
# accelerator files.  Nothing under /etc/slurm is read or written.  The only
# host changes: /etc/munge/munge.key is created (mungekey -c) if missing and
# /run/munge is created for user munge if missing.
#
# Environment (all optional):
#   DLH_SLURM_PREFIX       the Slurm to run (default /usr: Debian's packages;
#                          or <cache>/<version>/prefix from build-slurm.sh)
#   DLH_CLUSTER_DIR        prefix (default /tmp/dlh-cluster-$(id -u), and
#                          -<version> appended for a Slurm not under /usr)
#   DLH_CLUSTER_PORT_BASE  first TCP port (default 26800, 26830 for 24.11,
#                          26860 for 26.05: clusters of different releases
#                          never share ports); uses base..base+20
#   DLH_PLUGIN_DIR         folder with our .so files, put first in PluginDir
#   DLH_SELECT_TYPE        SelectType (default select/cons_tres)
#   DLH_TOPOLOGY           tree (default: switches s1-s3 under s0) or block
#                          (23.11+: base blocks of 2 nodes, one a100 and
#                          one ascend910b each, BlockSizes=2,4)
#   DLH_SLURM_CONF_EXTRA   extra lines appended to slurm.conf
#   DLH_SLURM_TIMEOUTS     "default": Slurm's own SlurmdTimeout (300 s) and
#                          cred_expire (120 s), as most sites run them;
#                          otherwise 30 s and 10 s (quicker tests)
#   DLH_CONF_EXTRA         content of dlhetero.conf (next to slurm.conf)
#   DLH_SLURM_DEBUG        SlurmctldDebug/SlurmdDebug/DebugLevel (default info)
#   DLH_CLUSTER_TIMEOUT    seconds allowed for start (default 60)
#   DLH_MUNGE_KEY          munge key to copy (default /etc/munge/munge.key)
#
# See tests/cluster/README.md.

set -u -o pipefail

SLURM_PREFIX=${DLH_SLURM_PREFIX:-/usr}
if [ "$SLURM_PREFIX" = /usr ]; then
	SLURM_PLUGINS=/usr/lib/x86_64-linux-gnu/slurm-wlm
	SLURM_RELEASE=
else
	SLURM_PLUGINS=$SLURM_PREFIX/lib/slurm
	export PATH=$SLURM_PREFIX/bin:$SLURM_PREFIX/sbin:$PATH
	SLURM_RELEASE=$("$SLURM_PREFIX/sbin/slurmctld" -V 2>/dev/null |
		awk '{ print $2 }')
fi
# each release its own state (24.11 does not read 22.05's) and ports
case $SLURM_RELEASE in
"") P=${DLH_CLUSTER_DIR:-/tmp/dlh-cluster-$(id -u)} PORT0=26800 ;;
24.11.*) P=${DLH_CLUSTER_DIR:-/tmp/dlh-cluster-$(id -u)-$SLURM_RELEASE} PORT0=26830 ;;
*) P=${DLH_CLUSTER_DIR:-/tmp/dlh-cluster-$(id -u)-$SLURM_RELEASE} PORT0=26860 ;;
esac
BASE=${DLH_CLUSTER_PORT_BASE:-$PORT0}
TIMEOUT=${DLH_CLUSTER_TIMEOUT:-60}
DEBUG=${DLH_SLURM_DEBUG:-info}
HOST_KEY=${DLH_MUNGE_KEY:-/etc/munge/munge.key}
NNODES=10

CTLD_PORT=$BASE
DBD_PORT=$((BASE + 1))
# MariaDB: first free port in base+2..base+9 (recorded in $P/etc/ports)
NODE_PORT0=$((BASE + 10))	# n<i> listens on NODE_PORT0 + i

ETC=$P/etc
LOG=$P/log
PIDS=$P/pids
RUN=$P/run
SOCK=$P/munge/munge.socket
MARKER=$P/.dlh-cluster

export SLURM_CONF=$ETC/slurm.conf
# ClusterName: new at every fresh start (dlh<port base>t<epoch seconds>),
# so that two clusters on one host, or two runs of one, never share the
# files dlhetero keeps per cluster on the nodes (plans, StateDir)
CLUSTER=$(cat "$ETC/cluster-name" 2>/dev/null) || CLUSTER=dlh$BASE

# node i -> chip type and device file stem (arrays: no subshell per lookup)
NODE_TYPE=() NODE_DEV=()
for ((i = 1; i <= NNODES; i++)); do
	if ((i <= 4)); then NODE_TYPE[i]=a100 NODE_DEV[i]=nvidia
	elif ((i <= 8)); then NODE_TYPE[i]=ascend910b NODE_DEV[i]=davinci
	else NODE_TYPE[i]=mlu590 NODE_DEV[i]=cambricon_dev
	fi
done

msg() { echo "cluster: $*" >&2; }

# phase NAME: timing line into $LOG/timing.log (and stderr with DLH_CLUSTER_VERBOSE=1)
T0=$(date +%s.%N)
phase() {
	local line
	line="[$(awk -v a="$T0" -v b="$(date +%s.%N)" 'BEGIN { printf "%5.1f", b - a }')s] ${1:-} $2"
	[ -d "$LOG" ] && echo "$line" >>"$LOG/timing.log"
	[ "${DLH_CLUSTER_VERBOSE:-0}" = 1 ] && echo "cluster: $line" >&2
	return 0
}

now() { date +%s.%N; }
elapsed() { awk -v a="$1" -v b="$(now)" 'BEGIN { printf "%.1f", b - a }'; }

# ---------------------------------------------------------------- pids
# $PIDS/<name>.pid holds the pid of a daemon we started.  The daemon's
# executable name is derived from <name> and checked before signalling, so a
# recycled pid is never killed.
comm_of() {
	case $1 in
	slurmd-*) echo slurmd ;;
	*) echo "$1" ;;
	esac
}

# alive NAME: true if the recorded pid runs the expected program
alive() {
	local f=$PIDS/$1.pid pid comm
	[ -s "$f" ] || return 1
	read -r pid <"$f" || return 1
	[ -n "$pid" ] && [ -r "/proc/$pid/comm" ] || return 1
	read -r comm <"/proc/$pid/comm" 2>/dev/null || return 1
	[ "$comm" = "$(comm_of "$1")" ]
}

pid_of() { cat "$PIDS/$1.pid" 2>/dev/null; }

all_names() {
	local i
	echo munged mariadbd slurmdbd slurmctld
	for i in $(seq 1 $NNODES); do echo "slurmd-n$i"; done
}

# spawn NAME OUTFILE CMD...: start CMD in its own session, detached from our
# stdio and from every inherited fd (a flock held by the caller must not
# leak into daemons), record its pid.
spawn() {
	local name=$1 out=$2
	shift 2
	(
		for fd in "/proc/$BASHPID/fd/"*; do
			fd=${fd##*/}
			[ "$fd" -gt 2 ] 2>/dev/null && eval "exec $fd>&-"
		done
		exec setsid "$@" </dev/null >>"$out" 2>&1
	) &
	echo $! >"$PIDS/$name.pid"
}

# kill_names NAME...: TERM, wait up to 10 s, KILL; removes the pid files
kill_names() {
	local n pid live=() t
	for n in "$@"; do
		if alive "$n"; then
			pid=$(pid_of "$n")
			kill -TERM "$pid" 2>/dev/null && live+=("$n")
		fi
	done
	t=0
	while [ ${#live[@]} -gt 0 ] && [ $t -lt 100 ]; do
		local still=()
		for n in "${live[@]}"; do alive "$n" && still+=("$n"); done
		live=("${still[@]+"${still[@]}"}")
		[ ${#live[@]} -gt 0 ] || break
		sleep 0.1
		t=$((t + 1))
	done
	for n in "${live[@]+"${live[@]}"}"; do
		pid=$(pid_of "$n")
		msg "$n (pid $pid) ignored TERM for 10 s, sending KILL"
		kill -KILL "$pid" 2>/dev/null
	done
	for n in "${live[@]+"${live[@]}"}"; do
		t=0
		while alive "$n" && [ $t -lt 50 ]; do sleep 0.1; t=$((t + 1)); done
	done
	for n in "$@"; do rm -f "$PIDS/$n.pid"; done
}

any_alive() {
	local n
	for n in $(all_names); do alive "$n" && return 0; done
	return 1
}

all_alive() {
	local n
	for n in $(all_names); do alive "$n" || return 1; done
	return 0
}

# ---------------------------------------------------------------- waits
# wait_for SECONDS DESC DAEMON CMD...: poll CMD every 0.2 s; fail early if
# DAEMON (a pid name, or "-") died.
wait_for() {
	local secs=$1 desc=$2 daemon=$3 end
	shift 3
	end=$(awk -v a="$(now)" -v s="$secs" 'BEGIN { printf "%d", a + s }')
	while :; do
		"$@" >/dev/null 2>&1 && return 0
		if [ "$daemon" != - ] && ! alive "$daemon"; then
			msg "$daemon died while waiting for: $desc"
			return 1
		fi
		if [ "$(date +%s)" -ge "$end" ]; then
			msg "timed out after ${secs}s waiting for: $desc"
			return 1
		fi
		sleep 0.2
	done
}

port_listening() {
	ss -Hltn "sport = :$1" 2>/dev/null | grep -q .
}

munge_ok() { munge -S "$SOCK" -n </dev/null | unmunge -S "$SOCK" >/dev/null; }

ctld_up() { scontrol ping 2>/dev/null | grep -q 'is UP'; }

# nodes_idle: all NNODES nodes report state "idle"
nodes_idle() {
	local out
	out=$(sinfo -h -N -o '%N %T' 2>/dev/null) || return 1
	[ "$(printf '%s\n' "$out" | awk '$2 == "idle"' | sort -u | wc -l)" -eq $NNODES ]
}

# nodes_up: every node answers and none is down/drained/unknown (jobs may run)
nodes_up() {
	local out
	out=$(sinfo -h -N -o '%N %T' 2>/dev/null) || return 1
	[ "$(printf '%s\n' "$out" | sort -u | wc -l)" -eq $NNODES ] || return 1
	! printf '%s\n' "$out" | awk '{ print $2 }' |
		grep -Eq '\*|down|drain|fail|unk|not_resp|future|boot|powered'
}

# ---------------------------------------------------------------- logs
dump_logs() {
	local f n=${1:-30}
	for f in "$LOG"/*.log "$LOG"/*.out; do
		[ -s "$f" ] || continue
		echo "==> $f (last $n lines) <=="
		tail -n "$n" "$f"
		echo
	done
}

# ---------------------------------------------------------------- config
plugin_dir() {
	if [ -n "${DLH_PLUGIN_DIR:-}" ]; then
		echo "$DLH_PLUGIN_DIR:$SLURM_PLUGINS"
	else
		echo "$SLURM_PLUGINS"
	fi
}

# write_config DIR DBPORT: all config files into DIR (paths still name $ETC)
write_config() {
	local d=$1 dbport=$2 i t host
	host=$(hostname -s)
	mkdir -p "$d"

	{
		cat <<EOF
# Generated by tests/cluster/cluster.sh; overwritten by every start.
ClusterName=$CLUSTER
SlurmctldHost=$host(127.0.0.1)
SlurmUser=root
SlurmdUser=root
SlurmctldPort=$CTLD_PORT
AuthType=auth/munge
# cred_expire: also how long a requeued job waits before it may start
# again (default 120 s) unless dlhetero's RequeueHold says otherwise
AuthInfo=socket=$SOCK$(timeouts cred)
CredType=cred/munge
StateSaveLocation=$P/spool/ctld
SlurmdSpoolDir=$P/spool/%n
SlurmctldPidFile=$RUN/slurmctld.pid
SlurmdPidFile=$RUN/slurmd-%n.pid
SlurmctldLogFile=$LOG/slurmctld.log
SlurmdLogFile=$LOG/%n.log
SlurmctldDebug=$DEBUG
SlurmdDebug=$DEBUG
PluginDir=$(plugin_dir)
PlugStackConfig=$ETC/plugstack.conf
ProctrackType=proctrack/linuxproc
TaskPlugin=task/none
MpiDefault=none
SwitchType=switch/none
SlurmdParameters=config_overrides
SchedulerType=sched/backfill
SchedulerParameters=bf_interval=2
SelectType=${DLH_SELECT_TYPE:-select/cons_tres}
SelectTypeParameters=CR_Core_Memory
DefMemPerCPU=1000
SlurmdTimeout=$(timeouts slurmd)
SlurmctldTimeout=30
ReturnToService=2
KillWait=5
InactiveLimit=0
MinJobAge=300
JobAcctGatherType=jobacct_gather/linux
JobAcctGatherFrequency=30
AccountingStorageType=accounting_storage/slurmdbd
AccountingStorageHost=127.0.0.1
AccountingStoragePort=$DBD_PORT
AccountingStoragePass=socket=$SOCK
AccountingStorageTRES=gres/accel,gres/accel:a100,gres/accel:ascend910b,gres/accel:mlu590
AccountingStoreFlags=job_comment
JobCompType=jobcomp/none
MailProg=$ETC/mail-record.sh
GresTypes=accel
TopologyPlugin=topology/${DLH_TOPOLOGY:-tree}

EOF
		for i in $(seq 1 $NNODES); do
			t=${NODE_TYPE[i]}
			echo "NodeName=n$i NodeHostname=$host NodeAddr=127.0.0.$i Port=$((NODE_PORT0 + i)) CPUs=32 Sockets=2 CoresPerSocket=16 ThreadsPerCore=1 RealMemory=64000 Gres=accel:$t:8 State=UNKNOWN"
		done
		echo "PartitionName=main Nodes=n[1-$NNODES] Default=YES MaxTime=INFINITE State=UP"
		if [ -n "${DLH_SLURM_CONF_EXTRA:-}" ]; then
			echo
			echo "# DLH_SLURM_CONF_EXTRA"
			printf '%s\n' "$DLH_SLURM_CONF_EXTRA"
		fi
	} >"$d/slurm.conf"

	{
		echo "# Generated by tests/cluster/cluster.sh"
		for i in $(seq 1 $NNODES); do
			echo "NodeName=n$i Name=accel Type=${NODE_TYPE[i]} File=$P/dev/n$i/${NODE_DEV[i]}[0-7]"
		done
	} >"$d/gres.conf"

	# MailProg: no mail, a record of each call (arguments, environment)
	# under $P/mail, one file per call (test 19)
	cat >"$d/mail-record.sh" <<EOF
#!/bin/sh
# Generated by tests/cluster/cluster.sh
mkdir -p "$P/mail"
{ printf 'ARGS=%s\n' "\$*"; env; } \\
	>"$P/mail/\${SLURM_JOB_ID:-none}.\${SLURM_JOB_MAIL_TYPE:-none}.\$\$"
EOF
	chmod 755 "$d/mail-record.sh"

	if [ "${DLH_TOPOLOGY:-tree}" = block ]; then
		cat >"$d/topology.conf" <<EOF
# Generated by tests/cluster/cluster.sh
BlockName=b1 Nodes=n[1,5]
BlockName=b2 Nodes=n[2,6]
BlockName=b3 Nodes=n[3,7]
BlockName=b4 Nodes=n[4,8]
BlockName=b5 Nodes=n[9-10]
BlockSizes=2,4
EOF
	else
		cat >"$d/topology.conf" <<EOF
# Generated by tests/cluster/cluster.sh
SwitchName=s1 Nodes=n[1-2],n[5-6]
SwitchName=s2 Nodes=n[3-4],n[7-8]
SwitchName=s3 Nodes=n[9-10]
SwitchName=s0 Switches=s[1-3]
EOF
	fi

	{
		echo "# Generated by tests/cluster/cluster.sh"
		if [ -n "${DLH_PLUGIN_DIR:-}" ] && [ -f "$DLH_PLUGIN_DIR/dlhetero.so" ]; then
			echo "required $DLH_PLUGIN_DIR/dlhetero.so"
		fi
	} >"$d/plugstack.conf"

	printf '%s' "${DLH_CONF_EXTRA:-}" >"$d/dlhetero.conf"
	[ -z "${DLH_CONF_EXTRA:-}" ] || [ "${DLH_CONF_EXTRA: -1}" = $'\n' ] ||
		echo >>"$d/dlhetero.conf"

	(umask 077; cat >"$d/slurmdbd.conf" <<EOF
# Generated by tests/cluster/cluster.sh
AuthType=auth/munge
AuthInfo=socket=$SOCK
DbdHost=localhost
DbdAddr=127.0.0.1
DbdPort=$DBD_PORT
SlurmUser=root
DebugLevel=$DEBUG
LogFile=$LOG/slurmdbd.log
PidFile=$RUN/slurmdbd.pid
StorageType=accounting_storage/mysql
StorageHost=127.0.0.1
StoragePort=$dbport
StorageUser=slurm
StoragePass=slurm
StorageLoc=slurm_acct_db
EOF
	)
	chmod 600 "$d/slurmdbd.conf"
}

# ---------------------------------------------------------------- start
fail_start() {
	msg "START FAILED: $*"
	dump_logs 30 >&2
	msg "stopping what was started"
	do_stop >&2
	exit 1
}

preflight() {
	local b
	[ "$(id -u)" -eq 0 ] || { msg "must run as root (SlurmUser=root, slurmd)"; exit 1; }
	for b in munged munge unmunge mariadb-install-db mariadbd mariadb slurmdbd \
		slurmctld slurmd sacctmgr scontrol sinfo setsid ss flock; do
		command -v "$b" >/dev/null 2>&1 || PATH=$PATH:/usr/sbin:/sbin
		command -v "$b" >/dev/null 2>&1 || {
			msg "missing program: $b (run contrib/install-deps-debian.sh)"
			exit 1
		}
	done
	if [ -n "${DLH_PLUGIN_DIR:-}" ] && [ ! -d "$DLH_PLUGIN_DIR" ]; then
		msg "DLH_PLUGIN_DIR=$DLH_PLUGIN_DIR is not a directory"
		exit 1
	fi
}

check_ports() {
	local p
	for p in $CTLD_PORT $DBD_PORT $(seq $((NODE_PORT0 + 1)) $((NODE_PORT0 + NNODES))); do
		if port_listening "$p"; then
			msg "TCP port $p is already in use (ss -ltnp 'sport = :$p');" \
				"set DLH_CLUSTER_PORT_BASE to another base"
			exit 1
		fi
	done
}

pick_db_port() {
	local p
	for p in $(seq $((BASE + 2)) $((BASE + 9))); do
		port_listening "$p" || { echo "$p"; return 0; }
	done
	return 1
}

# fresh prefix: remove only a folder that we created before
fresh_prefix() {
	if [ -e "$P" ]; then
		if [ -f "$MARKER" ] || [ -z "$(ls -A "$P" 2>/dev/null)" ]; then
			rm -rf "${P:?}"
		else
			msg "$P exists and is not a dlhetero test cluster (no $MARKER); refusing to wipe it"
			exit 1
		fi
	fi
	mkdir -p "$P"
	chmod 755 "$P"	# munged needs execute permission for all on the socket path
	: >"$MARKER"
	mkdir -p "$ETC" "$LOG" "$PIDS" "$RUN" "$P/munge" "$P/db" "$P/spool/ctld" "$P/work"
	chmod 755 "$P/munge"
	chmod 1777 "$P/work"
}

setup_munge_host() {
	if [ ! -f "$HOST_KEY" ]; then
		msg "creating $HOST_KEY with mungekey -c"
		mkdir -p "$(dirname "$HOST_KEY")"
		mungekey -c -k "$HOST_KEY" || { msg "mungekey -c failed"; exit 1; }
		id munge >/dev/null 2>&1 && chown munge:munge "$HOST_KEY"
		chmod 400 "$HOST_KEY"
	fi
	if [ ! -d /run/munge ] && id munge >/dev/null 2>&1; then
		mkdir -p /run/munge && chown munge:munge /run/munge && chmod 755 /run/munge
	fi
	# munged running as root insists on a key owned by root: use a copy
	install -m 400 -o root -g root "$HOST_KEY" "$P/munge/munge.key"
}

fake_devices() {
	local i k
	for i in $(seq 1 $NNODES); do
		mkdir -p "$P/dev/n$i"
		for k in 0 1 2 3 4 5 6 7; do : >"$P/dev/n$i/${NODE_DEV[i]}$k"; done
	done
}

# retry N NAME START...: run START (which spawns daemon NAME and waits for
# it) up to N times, 2 s apart, stopping what is left of NAME in between: a
# socket, port or pid file of a daemon that has just stopped may not be
# free yet on a loaded machine.
retry() {
	local n=$1 name=$2 i
	shift 2
	for i in $(seq "$n"); do
		"$@" && return 0
		[ "$i" -lt "$n" ] || break
		msg "$name did not start (attempt $i of $n); retrying in 2 s"
		kill_names "$name"
		sleep 2
	done
	return 1
}

spawn_munge() {
	rm -f "$SOCK" "$SOCK.lock" "$P/munge/munged.pid"
	spawn munged "$LOG/munged.log" munged -F \
		--socket="$SOCK" --pid-file="$P/munge/munged.pid" \
		--key-file="$P/munge/munge.key" --seed-file="$P/munge/munged.seed" \
		--log-file="$LOG/munged.log"
	wait_for 10 "munged socket $SOCK" munged munge_ok
}

start_munge() {
	retry 3 munged spawn_munge || fail_start "munged"
}

start_mariadb() {
	local dbport=$1 sock=$P/db/mysqld.sock
	mariadb-install-db --no-defaults --user=root --datadir="$P/db/data" \
		--auth-root-authentication-method=socket --skip-test-db \
		>"$LOG/mariadb-install.out" 2>&1 ||
		fail_start "mariadb-install-db (see $LOG/mariadb-install.out)"
	spawn mariadbd "$LOG/mariadbd.out" mariadbd --no-defaults --user=root \
		--datadir="$P/db/data" --socket="$sock" --port="$dbport" \
		--bind-address=127.0.0.1 --pid-file="$P/db/mariadbd.pid" \
		--log-error="$LOG/mariadb.log" --skip-name-resolve \
		--innodb-buffer-pool-size=128M \
		--innodb-lock-wait-timeout=900 --innodb-use-native-aio=0 --innodb-flush-log-at-trx-commit=0 \
		--max-allowed-packet=64M --skip-log-bin
	wait_for 20 "MariaDB on $sock" mariadbd \
		mariadb --no-defaults -S "$sock" -uroot -e 'SELECT 1' ||
		fail_start "mariadbd"
	mariadb --no-defaults -S "$sock" -uroot -e "
		CREATE USER 'slurm'@'127.0.0.1' IDENTIFIED BY 'slurm';
		GRANT ALL ON slurm_acct_db.* TO 'slurm'@'127.0.0.1';
		GRANT ALL ON \`slurm_acct_db\\_%\`.* TO 'slurm'@'127.0.0.1';" \
		>>"$LOG/mariadb-install.out" 2>&1 || fail_start "creating the MariaDB user"
}

add_cluster() {
	sacctmgr -i add cluster "$CLUSTER" >>"$LOG/sacctmgr.out" 2>&1 ||
		sacctmgr -n -P list cluster format=cluster 2>/dev/null | grep -qx "$CLUSTER"
}

spawn_slurmdbd() {
	spawn slurmdbd "$LOG/slurmdbd.out" slurmdbd -D
	wait_for 30 "slurmdbd listening on port $DBD_PORT" slurmdbd \
		port_listening "$DBD_PORT"
}

start_slurmdbd() {
	retry 3 slurmdbd spawn_slurmdbd || fail_start "slurmdbd"
	wait_for 30 "sacctmgr add cluster $CLUSTER" slurmdbd add_cluster ||
		fail_start "sacctmgr add cluster (see $LOG/sacctmgr.out)"
}

# start_slurmctld [-c]: -c starts with empty state
spawn_slurmctld() {
	spawn slurmctld "$LOG/slurmctld.out" slurmctld -D "$@"
	wait_for 30 "slurmctld to answer scontrol ping" slurmctld ctld_up
}

start_slurmctld() {
	retry 2 slurmctld spawn_slurmctld "$@"
}

start_slurmds() {
	local i
	for i in $(seq 1 $NNODES); do
		mkdir -p "$P/spool/n$i"
		spawn "slurmd-n$i" "$LOG/n$i.out" slurmd -D -N "n$i"
	done
}

# wait for nodes; fail early when a slurmd dies
wait_nodes() {
	local how=$1 secs=$2 end i
	end=$(( $(date +%s) + secs ))
	while :; do
		$how && return 0
		for i in $(seq 1 $NNODES); do
			alive "slurmd-n$i" || { msg "slurmd -N n$i died"; return 1; }
		done
		alive slurmctld || { msg "slurmctld died"; return 1; }
		if [ "$(date +%s)" -ge "$end" ]; then
			msg "timed out after ${secs}s waiting for nodes ($how):"
			sinfo -N -o '%N %T %E' >&2 2>&1
			return 1
		fi
		sleep 0.3
	done
}

# slurmd -G parses slurm.conf and gres.conf (and loads gres plugins) and
# exits: catches configuration errors before any daemon starts
check_config() {
	local i
	for i in 1 5 9; do
		if ! slurmd -G -N "n$i" >>"$LOG/config-check.out" 2>&1; then
			msg "configuration rejected by 'slurmd -G -N n$i':"
			cat "$LOG/config-check.out" >&2
			exit 1
		fi
	done
}

# timeouts cred|slurmd: the AuthInfo cred_expire suffix, SlurmdTimeout
timeouts() {
	if [ "${DLH_SLURM_TIMEOUTS:-}" = default ]; then
		[ "$1" = cred ] || echo 300
	else
		[ "$1" = cred ] && echo ,cred_expire=10 || echo 30
	fi
}

config_changed() {
	local tmp rc=1 f
	tmp=$(mktemp -d)
	write_config "$tmp" "$(cat "$ETC/ports" 2>/dev/null)"
	for f in slurm.conf gres.conf topology.conf plugstack.conf dlhetero.conf slurmdbd.conf; do
		cmp -s "$tmp/$f" "$ETC/$f" || { rc=0; msg "config differs: $f"; }
	done
	rm -rf "$tmp"
	return $rc
}

do_start() {
	local t0 dbport left
	t0=$(now)
	preflight
	# a running cluster is reused only as it is asked for now: a test
	# that ran before with another configuration (another SelectType, a
	# broken catalog) never leaks into the next one
	if [ -f "$MARKER" ] && any_alive; then
		if ! all_alive || ! nodes_up; then
			msg "cluster under $P is partly running; stopping it and starting afresh"
			do_stop >&2
		elif config_changed; then
			msg "cluster under $P runs another configuration; restarting it"
			do_stop >&2
		else
			msg "cluster already running under $P"
			return 0
		fi
	fi
	check_ports
	phase start "ports checked"
	fresh_prefix
	CLUSTER=dlh${BASE}t$(date +%s)
	echo "$CLUSTER" >"$ETC/cluster-name"
	phase start "prefix ready"
	dbport=$(pick_db_port) || { msg "no free port in $((BASE + 2))..$((BASE + 9)) for MariaDB"; exit 1; }
	echo "$dbport" >"$ETC/ports"
	setup_munge_host
	fake_devices
	write_config "$ETC" "$dbport"
	phase start "config written"
	# slurmd -G authenticates (24.11): munged first
	start_munge
	phase start "munged up"
	check_config
	phase start "config checked"
	start_mariadb "$dbport"
	phase start "mariadb up"
	start_slurmdbd
	phase start "slurmdbd up, cluster added"
	start_slurmctld -c || fail_start "slurmctld"
	phase start "slurmctld up"
	start_slurmds
	left=$(awk -v a="$t0" -v b="$(now)" -v t="$TIMEOUT" 'BEGIN { l = int(t - (b - a)); print (l < 5 ? 5 : l) }')
	wait_nodes nodes_idle "$left" || fail_start "nodes did not become idle"
	phase start "nodes idle"
	msg "cluster up under $P in $(elapsed "$t0") s"
	echo "started in $(elapsed "$t0") s"
}

# ---------------------------------------------------------------- stop
cancel_jobs() {
	local t=0
	alive slurmctld || return 0
	[ -n "$(squeue -h -o %i 2>/dev/null)" ] || return 0
	msg "cancelling jobs"
	squeue -h -o %A 2>/dev/null | sort -u | xargs -r scancel --quiet 2>/dev/null
	while [ -n "$(squeue -h -t R,CG,S -o %i 2>/dev/null)" ] && [ $t -lt 30 ]; do
		sleep 0.3
		t=$((t + 1))
	done
}

# stepd_trees PREFIX: the slurmstepds whose socket paths start with PREFIX
# (SlurmdSpoolDir/<node>_<job>.<step>), found through /proc/net/unix, and
# every process under them, leaves first
stepd_trees() {
	local socks
	socks=$(awk -v d="$1" 'index($8, d) == 1 { print "socket:[" $7 "]" }' \
		/proc/net/unix)
	[ -n "$socks" ] || return 0
	find /proc/[0-9]*/fd -lname 'socket:*' -printf '%p %l\n' 2>/dev/null |
		awk -v s="$socks" 'BEGIN { split(s, a, "\n"); for (i in a) want[a[i]] = 1 }
			$2 in want { split($1, f, "/"); print f[3] }' | sort -u |
		while read -r pid; do
			ps -eo pid=,ppid= | awk -v root="$pid" '
				{ kids[$2] = kids[$2] " " $1 }
				END { n = split(root, q, " ")
				      for (i = 1; i <= n; i++) {
					      out = q[i] " " out
					      m = split(kids[q[i]], k, " ")
					      for (j = 1; j <= m; j++) q[++n] = k[j]
				      }
				      print out }'
		done
}

# kill_stepds PREFIX: kill them (a host that dies takes its steps with it;
# a stopped cluster leaves none behind)
kill_stepds() {
	local pids
	pids=$(stepd_trees "$1")
	[ -z "$pids" ] || kill -KILL $pids 2>/dev/null
	return 0
}

do_stop() {
	local slurmds=() i
	[ -d "$PIDS" ] || { msg "nothing to stop under $P"; return 0; }
	cancel_jobs
	phase stop "jobs gone"
	for i in $(seq 1 $NNODES); do slurmds+=("slurmd-n$i"); done
	kill_names "${slurmds[@]}" slurmctld
	kill_stepds "$P/spool/"
	phase stop "slurmd, slurmctld gone"
	kill_names slurmdbd munged
	phase stop "slurmdbd, munged gone"
	kill_names mariadbd
	phase stop "mariadbd gone"
	msg "stopped"
}

# ---------------------------------------------------------------- others
do_status() {
	local n rc=0
	for n in $(all_names); do
		if alive "$n"; then
			printf '%-12s running (pid %s)\n' "$n" "$(pid_of "$n")"
		else
			printf '%-12s NOT running\n' "$n"
			rc=1
		fi
	done
	if alive slurmctld; then
		sinfo -N -o '%N %T %G' 2>&1 || rc=1
		nodes_up || { echo "nodes are not all up"; rc=1; }
	fi
	return $rc
}

do_env() {
	printf "export DLH_CLUSTER_DIR='%s'\n" "$P"
	printf "export SLURM_CONF='%s'\n" "$SLURM_CONF"
	[ "$SLURM_PREFIX" = /usr ] ||
		printf "export PATH='%s'\n" "$PATH"
}

do_restart_ctld() {
	local t0
	t0=$(now)
	alive slurmctld || { msg "slurmctld is not running"; }
	kill_names slurmctld
	start_slurmctld || { dump_logs 30 >&2; msg "slurmctld did not come back"; exit 1; }
	wait_nodes nodes_up "$TIMEOUT" || { dump_logs 30 >&2; msg "nodes not up after slurmctld restart"; exit 1; }
	echo "slurmctld restarted in $(elapsed "$t0") s"
}

# kill-node NAME: SIGKILL one node's slurmd, as a crash of slurmd would
# (its jobs' steps stay; slurmctld notices after SlurmdTimeout)
do_kill_node() {
	local n=slurmd-${1:?usage: kill-node NAME}
	alive "$n" || { msg "$n is not running"; exit 1; }
	kill -KILL "$(pid_of "$n")"
	rm -f "$PIDS/$n.pid"
	echo "killed $n"
}

# kill-steps NAME JOB: SIGKILL the slurmstepds of job JOB on node NAME
# (batch, extern and every step) and every process under them
do_kill_steps() {
	local n=${1:?usage: kill-steps NAME JOB} j=${2:?usage: kill-steps NAME JOB}
	kill_stepds "$P/spool/$n/${n}_$j."
	echo "killed the steps of job $j on $n"
}

# start-node NAME: start one node's slurmd again
do_start_node() {
	local n=${1:?usage: start-node NAME}
	alive "slurmd-$n" && { echo "slurmd-$n already running"; return 0; }
	spawn "slurmd-$n" "$LOG/$n.out" slurmd -D -N "$n"
	echo "started slurmd-$n"
}

case ${1:-} in
start) do_start ;;
stop) do_stop ;;
status) do_status ;;
env) do_env ;;
logs) dump_logs "${2:-30}" ;;
restart-ctld) do_restart_ctld ;;
kill-node) do_kill_node "${2:-}" ;;
kill-steps) do_kill_steps "${2:-}" "${3:-}" ;;
start-node) do_start_node "${2:-}" ;;
*)
	echo "usage: $0 start|stop|status|env|logs [N]|restart-ctld|kill-node N|kill-steps N JOB|start-node N" >&2
	exit 2
	;;
esac
