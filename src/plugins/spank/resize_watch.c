/*
 * The resize watch (remote context, in slurmstepd): Slurm 22.05 tells the
 * nodes that stay in a job nothing when the job shrinks, and nothing at
 * all when it grows by a part (dlhetero-grow), so one thread per
 * --dl-hetero step asks slurmctld every ResizeCheckInterval seconds for
 * the job's node list and growth record (one job-info request; a part
 * watches its main job).  When either changed, the step is planned again
 * for its nodes still in the job, or over the grown job's parts, the plan
 * file is rewritten at the same DL_PLAN path, and then every task of the
 * step on this node gets
 * ResizeSignal (WINCH by default: ignored by programs that do not ask for
 * it), so a signalled task always finds the new plan.
 *
 * Steps of one job on one node share what slurmctld answered (see
 * job_nodes()), so the watch sends at most one RPC per job and node per
 * interval, whatever the number of steps: at most (nodes running
 * --dl-hetero steps) / ResizeCheckInterval RPCs per second cluster-wide.
 *
 * The thread starts once the step's last task on the node is forked (no
 * fork of a task happens while it runs) and is joined in slurm_spank_exit,
 * before the plugin is unloaded.
 *
 * With PrologFlags=Contain, the job's extern step runs on every node from
 * the job's start to its end, whatever its steps do: there the watch only
 * watches the node's peer (peer_watch.c), and the steps' watches leave
 * that to it.  So a dead batch host, whose death ends the batch script,
 * srun and with them every step's watch, is still noticed in seconds.
 */
#define _GNU_SOURCE /* asprintf */
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <signal.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <sys/types.h>
#include <time.h>
#include <unistd.h>

#include <slurm/slurm.h>

#include "dlh_names.h"
#include "dlh_config.h"
#include "private_dir.h"
#include "spank_dlhetero.h"
#include "hetero_growth.h"
#include "job_plan.h"
#include "peer_watch.h"
#include "resize_watch.h"

/*
 * The watch of this step (one per slurmstepd): its thread and what it
 * watches.  resize_watch_stop() resets what it watches (job_id on).
 */
static struct {
	pthread_mutex_t lock; /* pids, stopping */
	pthread_cond_t wake;  /* stopping was set */
	pthread_t thread;
	bool running, stopping;

	uint32_t job_id;  /* the job watched: the step's, or a part's main */
	uint32_t own_job; /* the step's */
	bool is_extern;	  /* the extern step's: watches the peer only */
	uint32_t node_id; /* extern: this node's index in the job's nodes */
	char self[256];	  /* extern: this node's name, once known */
	int interval, signal;
	const struct chip_catalog *chips;
	pid_t *pids; /* by local task id; 0 once exited */
	uint32_t n_pids, n_forked;
	char shared[1024]; /* <StateDir>/<cluster>.job-<id>.<node>.nodes */
	char state_dir[1024];
} w = {
	.lock = PTHREAD_MUTEX_INITIALIZER,
	.wake = PTHREAD_COND_INITIALIZER,
};

/*
 * The file the watches of one job on one node share (job_nodes()), in
 * the root-owned StateDir: named after the cluster, the job and the node,
 * so that several slurmd on one host, and several clusters, never share
 * one.  "" when a name is not a plain file name component.
 */
static void shared_path(const char *state_dir, uint32_t job_id,
			const char *node)
{
	char cluster[128];
	int n;

	w.shared[0] = '\0';
	if (!dlh_plain_name(node) || dlh_cluster_name(cluster, sizeof(cluster)))
		return;
	n = snprintf(w.shared, sizeof(w.shared), "%s/%s.job-%u.%s.nodes",
		     state_dir ? state_dir : DLH_DEFAULT_STATE_DIR, cluster,
		     job_id, node);
	if (n < 0 || (size_t) n >= sizeof(w.shared))
		w.shared[0] = '\0';
	if (state_dir != w.state_dir)
		snprintf(w.state_dir, sizeof(w.state_dir), "%s",
			 state_dir ? state_dir : DLH_DEFAULT_STATE_DIR);
}

void resize_watch_configure(uint32_t job_id, const struct chip_catalog *chips,
			    const struct dlh_config *cfg)
{
	w.own_job = job_id;
	w.job_id = job_plan_watch_job() ? job_plan_watch_job() : job_id;
	w.chips = chips;
	w.interval = cfg ? cfg->resize_check_interval
			 : DLH_RESIZE_CHECK_DEFAULT;
	w.signal = cfg ? cfg->resize_signal : SIGWINCH;
	shared_path(cfg ? cfg->state_dir : NULL, w.job_id, job_plan_node());
	peer_watch_configure(cfg);
}

void resize_watch_setenv(spank_t sp)
{
	if (w.job_id && w.interval > 0 && job_plan_can_replan())
		spank_setenv(sp, DLH_VAR_RESIZE_SIGNAL,
			     dlh_signal_name(w.signal), 1);
	else
		spank_unsetenv(sp, DLH_VAR_RESIZE_SIGNAL);
}

/*
 * Steps leave the peer to the extern step's watch when slurmd starts one
 * for every job (PrologFlags=Contain): one probe per node and interval.
 */
static bool extern_watches_peers(void)
{
	const slurm_conf_t *conf = dlh_stepd_conf();

	return conf && (conf->prolog_flags & PROLOG_FLAG_CONTAIN);
}

static void *watch(void *arg);

void resize_watch_start_extern(spank_t sp)
{
	struct dlh_config *cfg;
	struct dlh_error err;
	uint32_t step_id, n_nodes;

	if (w.running || spank_get_item(sp, S_JOB_STEPID, &step_id) ||
	    step_id != SLURM_EXTERN_CONT ||
	    spank_get_item(sp, S_JOB_NNODES, &n_nodes) || n_nodes < 2 ||
	    spank_get_item(sp, S_JOB_ID, &w.job_id) ||
	    spank_get_item(sp, S_JOB_NODEID, &w.node_id)) {
		w.job_id = 0;
		return; /* one node has no peer */
	}
	cfg = dlh_config_load(dlh_conf_path, &err);
	if (!cfg)
		slurm_error("dlhetero: %s", err.text);
	w.own_job = w.job_id;
	w.is_extern = true;
	w.interval = cfg ? cfg->resize_check_interval
			 : DLH_RESIZE_CHECK_DEFAULT;
	snprintf(w.state_dir, sizeof(w.state_dir), "%s",
		 cfg && cfg->state_dir ? cfg->state_dir
				       : DLH_DEFAULT_STATE_DIR);
	peer_watch_configure(cfg);
	if (w.interval > 0 &&
	    (cfg ? cfg->dead_peer_checks : DLH_DEAD_PEER_CHECKS_DEFAULT) > 0) {
		if (pthread_create(&w.thread, NULL, watch, NULL))
			slurm_error("dlhetero: job %u: no peer watch: %m",
				    w.job_id);
		else
			w.running = true;
	}
	dlh_config_free(cfg);
}

static size_t signal_tasks(void)
{
	size_t n = 0;
	uint32_t i;

	pthread_mutex_lock(&w.lock);
	for (i = 0; i < w.n_pids; i++)
		if (w.pids[i] > 0 && !kill(w.pids[i], w.signal))
			n++;
	pthread_mutex_unlock(&w.lock);
	return n;
}

/*
 * The job's node list and its growth record (the admin comment from the
 * first " | ", hetero_growth.h) from slurmctld, in one answer, as
 * "NODES\nRECORD" (malloc'd), or NULL.  Only running jobs have nodes.
 */
static char *ask_slurmctld(void)
{
	char *nodes, *comment, *record, *out = NULL;

	if (dlh_job_record(w.job_id, &nodes, &comment)) {
		slurm_debug("dlhetero: job %u: no job info: %s", w.job_id,
			    slurm_strerror(errno));
		return NULL;
	}
	record = strstr(comment, HETERO_GROWTH_SEP);
	if (nodes[0] && !strchr(nodes, '\n') &&
	    asprintf(&out, "%s\n%s", nodes, record ? record : "") < 0)
		out = NULL;
	free(nodes);
	free(comment);
	return out;
}

static long long now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_REALTIME, &ts);
	return ts.tv_sec * 1000LL + ts.tv_nsec / 1000000;
}

/* StateDir: a directory of root's that no one else writes, made if
 * missing.  0 when it is. */
static int state_dir_ok(void)
{
	static bool ok;

	if (ok)
		return 0;
	if ((mkdir(w.state_dir, 0755) && errno != EEXIST) ||
	    dlh_dir_owned(w.state_dir, 0, 022)) {
		slurm_error(
			"dlhetero: StateDir %s must be a directory of root, "
			"not writable by others; the resize watch asks "
			"slurmctld alone",
			w.state_dir);
		w.shared[0] = '\0';
		return -1;
	}
	ok = true;
	return 0;
}

/*
 * The job's node list, asked of slurmctld once per interval by whichever
 * step's watch on this node comes first: under flock, the shared file
 * holds "<ms since epoch> <node list>" of the last answer, and a watch
 * that finds it younger than the interval (less 100 ms of jitter) reads
 * it instead of asking.  The file is root's (the watch runs as root), in
 * the root-owned StateDir; the step's watch removes it when it stops (a
 * step still running just makes a new one).  *asked: this watch asked.
 */
static char *job_nodes(bool *asked)
{
	static const size_t max = 1 << 21; /* two maps of HETERO_MAP_MAX_LEN */
	char *buf = NULL, *list = NULL, *sp;
	long long stamp, t;
	ssize_t n;
	int fd;

	*asked = true;
	if (!w.shared[0] || state_dir_ok())
		return ask_slurmctld();
	fd = open(w.shared, O_RDWR | O_CREAT | O_NOFOLLOW | O_CLOEXEC, 0600);
	if (fd < 0 || flock(fd, LOCK_EX) || !(buf = malloc(max + 1))) {
		slurm_debug("dlhetero: %s: %m; asking slurmctld alone",
			    w.shared);
		if (fd >= 0)
			close(fd);
		free(buf);
		return ask_slurmctld();
	}
	n = pread(fd, buf, max, 0);
	buf[n > 0 ? n : 0] = '\0';
	t = now_ms();
	if (n > 0 && (sp = strchr(buf, ' ')) && sp[1] &&
	    sscanf(buf, "%lld", &stamp) == 1 && stamp <= t &&
	    t - stamp < w.interval * 1000LL - 100) {
		list = strdup(sp + 1);
		*asked = false;
	} else if ((list = ask_slurmctld())) {
		n = snprintf(buf, max + 1, "%lld %s", t, list);
		if (n > 0 && (size_t) n <= max &&
		    (ftruncate(fd, 0) || pwrite(fd, buf, n, 0) != n))
			slurm_debug("dlhetero: cannot write %s: %m", w.shared);
	}
	close(fd); /* releases the lock */
	free(buf);
	return list;
}

/*
 * The extern step's first check: is this a --dl-hetero job (slurmctld
 * wrote its placement summary, "dlhetero ...", in the admin comment, which
 * only SlurmUser and admins can set), and which node is this (the extern
 * step has no node list of its own: its index in the job's).  0: watch on;
 * 1: not a --dl-hetero job, stop; -1: ask again next time.
 */
static int extern_first(void)
{
	char *nodes, *comment, **hosts = NULL;
	size_t n = 0;
	int rc = -1;

	if (dlh_job_record(w.job_id, &nodes, &comment)) {
		slurm_debug("dlhetero: job %u: no job info: %s", w.job_id,
			    slurm_strerror(errno));
		return -1;
	}
	if (strncmp(comment, DLH_COMMENT_PREFIX, strlen(DLH_COMMENT_PREFIX))) {
		rc = 1;
	} else if (!dlh_hostlist_expand(nodes, DLH_HOSTLIST_MAX_HOSTS, &hosts,
					&n, NULL) &&
		   w.node_id < n && strlen(hosts[w.node_id]) < sizeof(w.self)) {
		strcpy(w.self, hosts[w.node_id]);
		shared_path(w.state_dir, w.job_id, w.self);
		slurm_debug("dlhetero: job %u: %s watches its peer", w.job_id,
			    w.self);
		rc = 0;
	}
	dlh_hostlist_free(hosts, n);
	free(nodes);
	free(comment);
	return rc;
}

/* One check of the extern step's watch; false once there is nothing to
 * watch. */
static bool check_extern(void)
{
	bool asked;
	char *state, *nl;
	int rc;

	if (!w.self[0] && (rc = extern_first()))
		return rc < 0;
	if (!(state = job_nodes(&asked)))
		return true;
	if ((nl = strchr(state, '\n')))
		*nl = '\0';
	peer_watch_check(w.job_id, w.self, state);
	free(state);
	return true;
}

static void check(char **last)
{
	bool asked;
	char *state = job_nodes(&asked), *list, *record;
	struct dlh_error err;
	size_t n_ranks = 0, n_sig;
	int rc;

	if (!state)
		return;
	list = strdup(state);
	if (!list || !(record = strchr(list, '\n'))) {
		free(state);
		free(list);
		return;
	}
	*record++ = '\0';
	/* one watch per node and interval checks its neighbour (a part's
	 * nodes are not in the job watched: its main job's watches do) */
	if (asked && w.job_id == w.own_job && !extern_watches_peers())
		peer_watch_check(w.job_id, job_plan_node(), list);
	if (*last && !strcmp(*last, state)) {
		free(state);
		free(list);
		return;
	}
	free(*last);
	*last = state;
	rc = job_plan_replan(list, record, w.chips, &n_ranks, &err);
	if (rc < 0) {
		slurm_error(
			"dlhetero: job %u now on %s: no new plan for %s: %s",
			w.job_id, list, job_plan_path(), err.text);
	} else if (rc > 0) {
		n_sig = signal_tasks();
		slurm_info(
			"dlhetero: job %u now on %s: plan generation %u (%zu ranks) in %s, SIG%s sent to %zu tasks",
			w.job_id, list, job_plan_generation(), n_ranks,
			job_plan_path(), dlh_signal_name(w.signal), n_sig);
	}
	free(list);
}

static void *watch(void *arg)
{
	struct timespec until;
	char *last = NULL;

	pthread_mutex_lock(&w.lock);
	while (!w.stopping) {
		clock_gettime(CLOCK_REALTIME, &until);
		until.tv_sec += w.interval;
		while (!w.stopping &&
		       pthread_cond_timedwait(&w.wake, &w.lock, &until) !=
			       ETIMEDOUT)
			;
		if (w.stopping)
			break;
		pthread_mutex_unlock(&w.lock);
		if (!w.is_extern)
			check(&last);
		else if (!check_extern())
			return NULL; /* not a --dl-hetero job */
		pthread_mutex_lock(&w.lock);
	}
	pthread_mutex_unlock(&w.lock);
	free(last);
	return NULL;
}

void resize_watch_task_forked(spank_t sp)
{
	uint32_t n_local;
	pid_t pid;
	int id;

	if (!w.job_id || w.interval <= 0 || !job_plan_can_replan() ||
	    spank_get_item(sp, S_TASK_ID, &id) ||
	    spank_get_item(sp, S_TASK_PID, &pid) ||
	    spank_get_item(sp, S_JOB_LOCAL_TASK_COUNT, &n_local) || id < 0 ||
	    (uint32_t) id >= n_local)
		return;
	pthread_mutex_lock(&w.lock);
	if (!w.pids && (w.pids = calloc(n_local, sizeof(*w.pids))))
		w.n_pids = n_local;
	if (w.pids && (uint32_t) id < w.n_pids) {
		w.pids[id] = pid;
		w.n_forked++;
	}
	pthread_mutex_unlock(&w.lock);
	if (w.n_forked != w.n_pids || w.running)
		return;
	if (pthread_create(&w.thread, NULL, watch, NULL))
		slurm_error("dlhetero: %s: no resize watch: %m",
			    job_plan_path());
	else
		w.running = true;
}

void resize_watch_task_exited(spank_t sp)
{
	int id;

	if (spank_get_item(sp, S_TASK_ID, &id))
		return;
	pthread_mutex_lock(&w.lock);
	if (w.pids && id >= 0 && (uint32_t) id < w.n_pids)
		w.pids[id] = 0; /* never signal a reused pid */
	pthread_mutex_unlock(&w.lock);
}

void resize_watch_stop(void)
{
	if (w.running) {
		pthread_mutex_lock(&w.lock);
		w.stopping = true;
		pthread_cond_signal(&w.wake);
		pthread_mutex_unlock(&w.lock);
		pthread_join(w.thread, NULL);
		w.running = false;
		if (w.shared[0])
			unlink(w.shared);
	}
	free(w.pids);
	memset(&w.job_id, 0, sizeof(w) - offsetof(typeof(w), job_id));
	w.stopping = false;
}
