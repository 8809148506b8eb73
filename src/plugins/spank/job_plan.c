/*
 * The plan of a --dl-hetero step: computed on every node from the same
 * inputs (the job's node -> chip map and the options), so every task of the
 * job sees the same plan without any communication, and written as JSON to
 * a file of the job's user.
 *
 * This runs as the job's user (user_init), so the file can only be
 * written where the user may write.  The directory is /tmp/dlhetero-<uid>,
 * created 0700 and checked to be a real directory of this user (if
 * another user took the name first, a fresh mkdtemp() directory instead:
 * see private_dir.h); the file is written under a
 * temporary name with O_EXCL|O_NOFOLLOW and renamed into place, so
 * several steps (or several slurmd on one host) never see half a file.
 */
#define _GNU_SOURCE /* setresuid */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <grp.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <slurm/slurm.h>

#include "dlh_names.h"
#include "spank_dlhetero.h"
#include "plan.h"
#include "dlh_log.h"
#include "dlh_paths.h"
#include "hetero_growth.h"
#include "hetero_map.h"
#include "job_plan.h"
#include "map_cred.h"
#include "model_catalog.h"
#include "plan_json.h"
#include "private_dir.h"
#include "rendezvous.h"

/*
 * The remote context's plan state, one per step (slurmstepd): the plan
 * file, its hash or why there is none, and what the plan was made from,
 * kept so that the resize watch can plan again for the nodes left after a
 * shrink (job_plan_replan()).
 */
static struct {
	char path[512];
	char flagscale[512]; /* FlagScale's YAML for this node, "" if none */
	char hash[17];
	struct dlh_error error;
	bool map_refused; /* a forged or altered map: the tasks say so too */
	struct {
		struct hetero_node *nodes; /* the step's part of the map */
		size_t n;
		struct hetero_plan_opts opts;
		char model[128], mode[16], node[HETERO_MAP_NAME_LEN];
		char dir[256], name[64], flagscale_name[112];
		char device[32]; /* this node's chip type (hetero_node.type) */
		char *model_catalog;
		uid_t uid;
		gid_t gid;
		/* the job whose node list and growth record the resize
		 * watch reads: the step's own, or a part's main job */
		uint32_t watch_job, own_job;
		bool grown; /* the plan spans a grown job's parts */
	} kept;
	/* a part's records, read as root (job_plan_prefetch()) */
	struct {
		uint32_t main_job;
		char *comment, *main_nodes, *main_comment;
		struct dlh_error error; /* why not, when they are missing */
	} pre;
} jp;

static int job_int(spank_t sp, const char *opt, const char *name, int max)
{
	char buf[32];
	long v;
	char *end;

	if (opt)
		snprintf(buf, sizeof(buf), "%s", opt);
	else if (dlh_job_var(sp, name, buf, sizeof(buf)))
		return 0;
	v = strtol(buf, &end, 10);
	return (*end || v < 1 || v > max) ? 0 : (int) v;
}

/*
 * This node's name: slurmstepd sets SLURMD_NODENAME only for the tasks, so
 * take the step's node list and this node's index in it.
 */
static int node_name(spank_t sp, char *buf, size_t len)
{
	uint32_t id;

	if (spank_get_item(sp, S_JOB_NODEID, &id))
		return -1;
	return dlh_step_host(sp, id, buf, len);
}

/*
 * The job's node -> chip map, only as slurmctld signed it: the credential
 * in the step's environment (inherited from the batch script or the
 * allocation, so the user could have changed it) must be a munge
 * credential that SlurmUser made for this job (map_cred.h).  The plain
 * copy beside it, when there, must say the same.  *map is malloc'd.
 */
static int signed_map(spank_t sp, uint32_t job_id, char **map)
{
	const slurm_conf_t *conf = dlh_stepd_conf();
	char *cred = malloc(MAP_CRED_MAX_LEN + 1), *plain = NULL;
	char socket[512];
	spank_err_t e;
	int rc = -1;

	*map = NULL;
	if (!cred) {
		dlh_err(&jp.error, "out of memory");
		goto out;
	}
	e = spank_getenv(sp, DLH_ENV_MAP_CRED, cred, MAP_CRED_MAX_LEN + 1);
	if (e == ESPANK_ENV_NOEXIST) {
		dlh_err(&jp.error,
			"no signed node -> chip map (%s) in the step's "
			"environment: was it removed, or is the job's "
			"SelectType not select/cons_tres_dlhetero?  (slurmctld's "
			"log says when it cannot sign a map)",
			DLH_ENV_MAP_CRED);
		goto out;
	}
	if (e != ESPANK_SUCCESS) {
		dlh_err(&jp.error, "%s: longer than %d bytes: refused",
			DLH_ENV_MAP_CRED, MAP_CRED_MAX_LEN);
		goto refused; /* slurmctld never makes one that long */
	}
	if (!conf) {
		dlh_err(&jp.error, "cannot read slurmstepd's configuration "
				   "(SlurmUser, AuthInfo)");
		goto out;
	}
	if (map_cred_socket(conf->authinfo, socket, sizeof(socket)) ||
	    map_cred_verify(socket, cred, conf->slurm_user_id, job_id, map,
			    &jp.error)) {
		if (!jp.error.text[0])
			dlh_err(&jp.error, "AuthInfo's socket= is too long");
		goto refused;
	}
	if (!(plain = malloc(MAP_CRED_MAX_LEN + 1))) {
		dlh_err(&jp.error, "out of memory");
		goto refused;
	}
	e = spank_getenv(sp, DLH_ENV_MAP, plain, MAP_CRED_MAX_LEN + 1);
	if (e != ESPANK_ENV_NOEXIST &&
	    (e != ESPANK_SUCCESS || strcmp(plain, *map))) {
		dlh_err(&jp.error, "%s differs from the map slurmctld signed",
			DLH_ENV_MAP);
		goto refused;
	}
	rc = 0;
	goto out;
refused:
	jp.map_refused = true;
	free(*map);
	*map = NULL;
out:
	free(plain);
	free(cred);
	return rc;
}

/*
 * A step plans for its own ranks: the job's map cut down to the step's
 * nodes and tasks.  The batch script, usually a launcher, gets the whole
 * job's plan.
 */
static int for_step(spank_t sp, struct hetero_node **nodes, size_t *n,
		    struct dlh_error *err)
{
	char *hosts = malloc(DLH_ENV_MAX), *tasks = malloc(DLH_ENV_MAX);
	struct hetero_node *mine;
	size_t n_mine;
	int rc = -1;

	if (!hosts || !tasks ||
	    spank_getenv(sp, "SLURM_STEP_NODELIST", hosts, DLH_ENV_MAX) ||
	    spank_getenv(sp, "SLURM_STEP_TASKS_PER_NODE", tasks, DLH_ENV_MAX)) {
		dlh_err(err, "no step node list in the environment");
	} else if (!hetero_map_for_step(*nodes, *n, hosts, tasks, &mine,
					&n_mine, err)) {
		free(*nodes);
		*nodes = mine;
		*n = n_mine;
		rc = 0;
	}
	free(hosts);
	free(tasks);
	return rc;
}

/* "0", "1", ... or the name of a special step: "batch", "extern", ... */
static const char *step_name(uint32_t id, char *buf, size_t len)
{
	switch (id) {
	case SLURM_BATCH_SCRIPT:
		return "batch";
	case SLURM_EXTERN_CONT:
		return "extern";
	case SLURM_INTERACTIVE_STEP:
		return "interactive";
	}
	snprintf(buf, len, "%u", id);
	return buf;
}

/*
 * The user's plan directory, /tmp/dlhetero-<uid>/<ClusterName> (if
 * another user took /tmp/dlhetero-<uid> first, a fresh private one
 * instead: see private_dir.h).  One folder per cluster, so that two
 * clusters on one host, whose job ids repeat, never share a plan file.
 */
static int plan_dir(uid_t uid, char *dir, size_t len)
{
	struct dlh_error why;
	char cluster[128];
	size_t used;

	if (private_dir_make("/tmp", uid, dir, len, &why)) {
		jp.error = why;
		return -1;
	}
	if (why.text[0])
		slurm_info("dlhetero: %s; plans of this step go to %s",
			   why.text, dir);
	if (dlh_cluster_name(cluster, sizeof(cluster)))
		strcpy(cluster, "cluster");
	used = strlen(dir);
	if (snprintf(dir + used, len - used, "/%s", cluster) >=
	    (int) (len - used))
		return dlh_err(&jp.error, "plan folder name too long");
	/* as the user, inside the user's own 0700 folder */
	if ((mkdir(dir, 0700) && errno != EEXIST) ||
	    private_dir_check(dir, uid))
		return dlh_err(&jp.error,
			       "%s is not a private folder of uid %u", dir,
			       (unsigned) uid);
	return 0;
}

/* dir/name into path (of path_len bytes), and text into that file */
static int write_file(char *path, size_t path_len, const char *dir,
		      const char *name, const char *text)
{
	snprintf(path, path_len, "%s/%s", dir, name);
	return dlh_file_replace(path, text, 0600);
}

/*
 * The plan's FlagScale YAML beside it (when the plan has one; otherwise
 * an old one goes, so that it never disagrees with the plan).
 */
static int write_flagscale(const char *dir, const char *name, const char *yaml)
{
	if (yaml)
		return write_file(jp.flagscale, sizeof(jp.flagscale), dir, name,
				  yaml);
	snprintf(jp.flagscale, sizeof(jp.flagscale), "%s/%s", dir, name);
	if (unlink(jp.flagscale) && errno != ENOENT)
		return -1;
	jp.flagscale[0] = '\0';
	return 0;
}

/*
 * As the user, in a child process: the resize watch runs as root in
 * slurmstepd, and the plan must stay a file of the user's, written with
 * the user's rights into the user's directory.  Only system calls between
 * fork and _exit: slurmstepd has other threads.  The result comes back
 * through a pipe, because slurmstepd reaps any child (wait3(-1)) and may
 * take the exit status first.
 */
static int write_as_user(const char *text, const char *yaml)
{
	int fds[2], rc = -1;
	char ok = 0;
	ssize_t r;
	pid_t pid;

	if (pipe2(fds, O_CLOEXEC))
		return -1;
	if ((pid = fork()) < 0) {
		close(fds[0]);
		close(fds[1]);
		return -1;
	}
	if (!pid) {
		close(fds[0]);
		if (!setgroups(0, NULL) &&
		    !setresgid(jp.kept.gid, jp.kept.gid, jp.kept.gid) &&
		    !setresuid(jp.kept.uid, jp.kept.uid, jp.kept.uid) &&
		    !private_dir_check(jp.kept.dir, jp.kept.uid) &&
		    !write_file(jp.path, sizeof(jp.path), jp.kept.dir,
				jp.kept.name, text) &&
		    !write_flagscale(jp.kept.dir, jp.kept.flagscale_name, yaml))
			ok = 1;
		if (write(fds[1], &ok, 1) != 1)
			_exit(1);
		_exit(0);
	}
	close(fds[1]);
	while ((r = read(fds[0], &ok, 1)) < 0 && errno == EINTR)
		;
	if (r == 1 && ok == 1)
		rc = 0;
	close(fds[0]);
	waitpid(pid, NULL, 0); /* ECHILD if slurmstepd reaped it */
	return rc;
}

/*
 * The rendezvous port of a grown job's generation: the same for the main
 * job's ranks and its parts', which are different Slurm jobs and steps.
 */
static unsigned grown_port(uint32_t main_job, unsigned generation)
{
	char cluster[128];

	if (dlh_cluster_name(cluster, sizeof(cluster)))
		cluster[0] = '\0';
	return dlh_master_port(cluster, main_job, 0x80000000u | generation);
}

/*
 * The nodes of the next plan: the grown job's, when slurmctld's growth
 * record has a map (hetero_growth_nodes()), else the step's nodes still in
 * the job.  *generation: slurmctld's count of the job's changes (0 when
 * the record has none), so that every step of the job and its parts
 * numbers the plan alike.
 */
static int next_nodes(const char *job_nodes, const char *record,
		      struct hetero_node **nodes, size_t *n,
		      unsigned *generation, bool *grown, struct dlh_error *err)
{
	struct hetero_growth g;
	int rc;

	if (hetero_growth_parse(record, &g, err))
		return -1;
	*grown = g.map != NULL;
	rc = *grown ? hetero_growth_nodes(&g, job_nodes, nodes, n, err)
		    : hetero_map_keep(jp.kept.nodes, jp.kept.n, job_nodes,
				      nodes, n, err);
	*generation = g.generation;
	hetero_growth_free(&g);
	return rc;
}

static bool same_nodes(const struct hetero_node *a, size_t n_a,
		       const struct hetero_node *b, size_t n_b)
{
	size_t i;

	if (n_a != n_b)
		return false;
	for (i = 0; i < n_a; i++)
		if (strcmp(a[i].name, b[i].name) ||
		    strcmp(a[i].type, b[i].type) || a[i].count != b[i].count)
			return false;
	return true;
}

int job_plan_replan(const char *job_nodes, const char *record,
		    const struct chip_catalog *chips, size_t *n_ranks,
		    struct dlh_error *err)
{
	struct model_catalog *models = NULL;
	struct hetero_node *nodes;
	struct dlh_error cat_err;
	char *json = NULL, *yaml = NULL;
	unsigned generation;
	size_t n, i;
	bool grown;
	int rc = -1;

	if (!jp.kept.nodes)
		return 0;
	if (next_nodes(job_nodes, record, &nodes, &n, &generation, &grown, err))
		return -1;
	for (i = 0; i < n && strcmp(nodes[i].name, jp.kept.node); i++)
		;
	/*
	 * Unchanged, or this node left the job: Slurm kills its tasks.  A
	 * part that leaves a grown job is not killed: its tasks get the plan
	 * without them, see that they are not in it, and end.
	 */
	if (same_nodes(nodes, n, jp.kept.nodes, jp.kept.n) ||
	    (i == n && !(grown && jp.kept.watch_job != jp.kept.own_job))) {
		free(nodes);
		return 0;
	}
	if (generation <= jp.kept.opts.generation) {
		if (generation)
			slurm_error(
				"dlhetero: job %u: slurmctld's plan generation %u is not past this step's %u",
				jp.kept.watch_job, generation,
				jp.kept.opts.generation);
		generation = jp.kept.opts.generation + 1;
	}
	jp.kept.opts.generation = generation;
	jp.kept.grown = grown;
	jp.kept.opts.master_port =
		grown ? grown_port(jp.kept.watch_job, generation) : 0;
	models = model_catalog_load(jp.kept.model_catalog, &cat_err);
	if (!models) {
		dlh_error("%s", cat_err.text);
		dlh_err(err, "cannot read the model catalog");
	} else if ((json = hetero_plan_json_ex(nodes, n, chips, models,
					       &jp.kept.opts, jp.kept.device,
					       &yaml, err))) {
		if (write_as_user(json, yaml))
			dlh_err(err, "cannot write %s/%s as uid %u",
				jp.kept.dir, jp.kept.name,
				(unsigned) jp.kept.uid);
		else
			rc = 1;
	}
	if (rc == 1) {
		free(jp.kept.nodes);
		jp.kept.nodes = nodes;
		jp.kept.n = n;
		/* jp.path is kept.dir/kept.name already: rewritten in place */
		for (*n_ranks = 0, i = 0; i < n; i++)
			*n_ranks += nodes[i].count;
	} else {
		free(nodes);
	}
	free(json);
	free(yaml);
	model_catalog_free(models);
	return rc;
}

bool job_plan_can_replan(void)
{
	return jp.kept.nodes != NULL;
}

const char *job_plan_node(void)
{
	return jp.kept.node;
}

const char *job_plan_path(void)
{
	return jp.path;
}

unsigned job_plan_generation(void)
{
	return jp.kept.opts.generation;
}

uint32_t job_plan_watch_job(void)
{
	return jp.kept.watch_job;
}

int job_plan_rank(int local_rank, uint32_t *rank, uint32_t *world,
		  unsigned *port, const char **first_node)
{
	uint32_t before = 0, total = 0;
	size_t i, me = jp.kept.n;

	if (!jp.kept.grown || !jp.kept.nodes)
		return -1;
	for (i = 0; i < jp.kept.n; i++) {
		if (!strcmp(jp.kept.nodes[i].name, jp.kept.node)) {
			me = i;
			before = total;
		}
		total += jp.kept.nodes[i].count;
	}
	if (me == jp.kept.n || local_rank < 0 ||
	    (unsigned) local_rank >= jp.kept.nodes[me].count)
		return -1;
	*rank = before + (uint32_t) local_rank;
	*world = total;
	*port = jp.kept.opts.master_port;
	*first_node = jp.kept.nodes[0].name;
	return 0;
}

void job_plan_clear(void)
{
	free(jp.kept.nodes);
	free(jp.kept.model_catalog);
	memset(&jp.kept, 0, sizeof(jp.kept));
}

/* Who and what the step is. */
struct step_ids {
	uid_t uid;
	gid_t gid;
	uint32_t job_id, step_id;
};

/*
 * The step's ids and its part of the job's node -> chip map into *nodes
 * (the caller frees it, also on failure), *n of them; -1 (why in
 * jp.error, when known) when there is none.
 */
static int step_map(spank_t sp, struct step_ids *id, struct hetero_node **nodes,
		    size_t *n)
{
	char *map = NULL;
	int rc = -1;

	if (spank_get_item(sp, S_JOB_UID, &id->uid) ||
	    spank_get_item(sp, S_JOB_GID, &id->gid) ||
	    spank_get_item(sp, S_JOB_ID, &id->job_id) ||
	    spank_get_item(sp, S_JOB_STEPID, &id->step_id) ||
	    signed_map(sp, id->job_id, &map))
		goto out;
	if (hetero_map_parse(map, nodes, n, &jp.error) ||
	    (id->step_id != SLURM_BATCH_SCRIPT &&
	     for_step(sp, nodes, n, &jp.error)))
		goto out;
	rc = 0;
out:
	free(map);
	return rc;
}

/*
 * The plan options: --dl-model and --dl-mode, else the job's environment
 * (into model and mode, of model_len and mode_len bytes), and the numbers
 * likewise.
 */
static void step_opts(spank_t sp, const struct dlh_config *cfg,
		      struct hetero_plan_opts *opts, char *model,
		      size_t model_len, char *mode, size_t mode_len)
{
	opts->model = dlh_opts.model;
	if (!opts->model && !dlh_job_var(sp, DLH_VAR_MODEL, model, model_len))
		opts->model = model;
	opts->mode = dlh_opts.mode;
	if (!opts->mode && !dlh_job_var(sp, DLH_VAR_MODE, mode, mode_len))
		opts->mode = mode;
	opts->global_batch = job_int(sp, dlh_opts.global_batch,
				     DLH_VAR_GLOBAL_BATCH,
				     PLAN_MAX_GLOBAL_BATCH);
	opts->seq_len = job_int(sp, dlh_opts.seq_len, DLH_VAR_SEQ_LEN,
				PLAN_MAX_SEQ_LEN);
	opts->inter_node_gbps = cfg ? cfg->default_inter_node_gbps : 0;
}

/*
 * Writes the plan into the user's plan directory as plan-JOB.STEP.json
 * (dir and name, of dir_len and name_len bytes, say where) and keeps its
 * hash; -1 with why in jp.error.
 */
static int write_plan(const struct step_ids *id, const char *json, char *dir,
		      size_t dir_len, char *name, size_t name_len)
{
	char step[16];

	if (plan_dir(id->uid, dir, dir_len))
		return -1;
	snprintf(name, name_len, "plan-%u.%s.json", id->job_id,
		 step_name(id->step_id, step, sizeof(step)));
	if (write_file(jp.path, sizeof(jp.path), dir, name, json)) {
		dlh_err(&jp.error, "cannot write %s/%s: %s", dir, name,
			strerror(errno));
		jp.path[0] = '\0';
		return -1;
	}
	plan_json_hash_hex(json, jp.hash);
	return 0;
}

/* Keeps what the plan was made from for job_plan_replan(), which takes
 * over *nodes when this node's name (here, NULL if unknown) and the catalog
 * path are kept too. */
static void keep_inputs(const char *here, const struct dlh_config *cfg,
			const struct hetero_plan_opts *opts,
			const struct step_ids *id, const char *dir,
			const char *name, struct hetero_node **nodes, size_t n)
{
	snprintf(jp.kept.model, sizeof(jp.kept.model), "%s",
		 opts->model ? opts->model : "");
	snprintf(jp.kept.mode, sizeof(jp.kept.mode), "%s",
		 opts->mode ? opts->mode : "");
	jp.kept.opts = *opts;
	jp.kept.opts.model = opts->model ? jp.kept.model : NULL;
	jp.kept.opts.mode = opts->mode ? jp.kept.mode : NULL;
	snprintf(jp.kept.dir, sizeof(jp.kept.dir), "%s", dir);
	snprintf(jp.kept.name, sizeof(jp.kept.name), "%s", name);
	/* per chip type: the YAML says which, and one host may be several
	 * nodes of a job (the test cluster: one /tmp) */
	snprintf(jp.kept.flagscale_name, sizeof(jp.kept.flagscale_name),
		 "%.*s.%s.flagscale.yaml", (int) strlen(name) - 5, name,
		 jp.kept.device[0] ? jp.kept.device : "any");
	jp.kept.uid = id->uid;
	jp.kept.gid = id->gid;
	if (here &&
	    (size_t) snprintf(jp.kept.node, sizeof(jp.kept.node), "%s", here) <
		    sizeof(jp.kept.node) &&
	    (jp.kept.model_catalog = strdup(dlh_config_model_catalog(cfg)))) {
		jp.kept.nodes = *nodes;
		jp.kept.n = n;
		*nodes = NULL;
	}
}

static void pre_free(void)
{
	free(jp.pre.comment);
	free(jp.pre.main_nodes);
	free(jp.pre.main_comment);
	memset(&jp.pre, 0, sizeof(jp.pre));
}

void job_plan_prefetch(spank_t sp)
{
	struct hetero_growth mine;
	char part[16], *nodes = NULL;
	uint32_t job_id;

	pre_free();
	if (dlh_job_var(sp, DLH_VAR_PART_OF, part, sizeof(part)) ||
	    spank_get_item(sp, S_JOB_ID, &job_id))
		return;
	if (dlh_job_record(job_id, &nodes, &jp.pre.comment)) {
		dlh_err(&jp.pre.error, "cannot read job %u from slurmctld: %s",
			job_id, slurm_strerror(errno));
		return;
	}
	free(nodes);
	if (hetero_growth_parse(jp.pre.comment, &mine, &jp.pre.error))
		return;
	jp.pre.main_job = mine.part_of;
	hetero_growth_free(&mine);
	if (jp.pre.main_job &&
	    dlh_job_record(jp.pre.main_job, &jp.pre.main_nodes,
			   &jp.pre.main_comment))
		dlh_err(&jp.pre.error, "cannot read job %u from slurmctld: %s",
			jp.pre.main_job, slurm_strerror(errno));
}

/*
 * A part of a grown job (--dl-part-of, dlhetero-grow) plans over the
 * whole grown job as slurmctld recorded it (read by job_plan_prefetch()):
 * its own comment names its main job, the main job's names the parts.
 * Only slurmctld (and admins) set admin comments, so neither can be
 * forged by the job's user.
 */
static int part_nodes(uint32_t job_id, struct hetero_node **nodes, size_t *n,
		      struct hetero_plan_opts *opts)
{
	struct hetero_growth g = { 0 };
	int rc = -1;

	if (jp.pre.error.text[0]) {
		jp.error = jp.pre.error;
		return -1;
	}
	if (!jp.pre.main_job)
		return dlh_err(
			&jp.error,
			"job %u is no part of a grown job: slurmctld has "
			"not linked it (see its log)",
			job_id);
	if (!jp.pre.main_comment)
		return dlh_err(&jp.error, "job %u's record was not read",
			       jp.pre.main_job);
	if (hetero_growth_parse(jp.pre.main_comment, &g, &jp.error))
		return -1;
	if (hetero_growth_find(&g, job_id) < 0) {
		dlh_err(&jp.error, "job %u has left job %u", job_id,
			jp.pre.main_job);
		goto out;
	}
	free(*nodes);
	*nodes = NULL;
	if (hetero_growth_nodes(&g, jp.pre.main_nodes, nodes, n, &jp.error))
		goto out;
	jp.kept.watch_job = jp.pre.main_job;
	jp.kept.grown = true;
	opts->generation = g.generation;
	opts->master_port = grown_port(jp.pre.main_job, g.generation);
	rc = 0;
out:
	hetero_growth_free(&g);
	return rc;
}

int job_plan_write(spank_t sp, const struct chip_catalog *chips,
		   const struct dlh_config *cfg)
{
	struct hetero_plan_opts opts = { 0 };
	struct hetero_node *nodes = NULL;
	struct model_catalog *models = NULL;
	char model[128], mode[16], dir[256], name[64], *json = NULL;
	char here[HETERO_MAP_NAME_LEN], *yaml = NULL, part[16];
	const char *device = NULL;
	struct dlh_error err;
	struct step_ids id;
	size_t n = 0, i;

	jp.path[0] = jp.hash[0] = jp.error.text[0] = jp.flagscale[0] = '\0';
	jp.map_refused = false;
	job_plan_clear();
	if (step_map(sp, &id, &nodes, &n))
		goto out;
	jp.kept.watch_job = jp.kept.own_job = id.job_id;
	if (!dlh_job_var(sp, DLH_VAR_PART_OF, part, sizeof(part)) &&
	    part_nodes(id.job_id, &nodes, &n, &opts))
		goto out;
	step_opts(sp, cfg, &opts, model, sizeof(model), mode, sizeof(mode));
	models = model_catalog_load(dlh_config_model_catalog(cfg), &err);
	if (!models)
		dlh_error("%s", err.text);
	if (!chips || !models) {
		dlh_err(&jp.error, "cannot read the chip or model catalog");
		goto out;
	}
	/* FlagScale's YAML names the chip type of the node reading it */
	if (node_name(sp, here, sizeof(here)))
		here[0] = '\0';
	for (i = 0; here[0] && i < n; i++)
		if (!strcmp(nodes[i].name, here)) {
			device = nodes[i].type;
			break;
		}
	json = hetero_plan_json_ex(nodes, n, chips, models, &opts, device,
				   &yaml, &jp.error);
	if (!json ||
	    write_plan(&id, json, dir, sizeof(dir), name, sizeof(name)))
		goto out;
	if (device && dlh_plain_name(device))
		snprintf(jp.kept.device, sizeof(jp.kept.device), "%s", device);
	keep_inputs(here[0] ? here : NULL, cfg, &opts, &id, dir, name, &nodes,
		    n);
	if (write_flagscale(dir, jp.kept.flagscale_name, yaml))
		slurm_error("dlhetero: cannot write %s: %s", jp.flagscale,
			    strerror(errno));
out:
	if (!jp.hash[0] && !jp.error.text[0])
		dlh_err(&jp.error, "planning failed");
	if (jp.error.text[0])
		slurm_error("dlhetero: no plan: %s", jp.error.text);
	pre_free(); /* read once, for this plan */
	free(json);
	free(yaml);
	free(nodes);
	model_catalog_free(models);
	return 0; /* a missing plan never stops the job */
}

int job_plan_setenv(spank_t sp)
{
	if (jp.path[0] && jp.hash[0]) {
		spank_setenv(sp, DLH_VAR_PLAN, jp.path, 1);
		spank_setenv(sp, DLH_VAR_PLAN_HASH, jp.hash, 1);
		if (jp.flagscale[0])
			spank_setenv(sp, DLH_VAR_PLAN_FLAGSCALE, jp.flagscale,
				     1);
		else
			spank_unsetenv(sp, DLH_VAR_PLAN_FLAGSCALE);
	} else {
		/* never leave a plan inherited from the batch script */
		spank_unsetenv(sp, DLH_VAR_PLAN);
		spank_unsetenv(sp, DLH_VAR_PLAN_HASH);
		spank_unsetenv(sp, DLH_VAR_PLAN_FLAGSCALE);
		spank_setenv(sp, DLH_VAR_PLAN_ERROR, jp.error.text, 1);
		/* task_init runs in the task: this is its stderr */
		if (jp.map_refused)
			fprintf(stderr,
				"dlhetero: node -> chip map refused, "
				"no plan: %s\n",
				jp.error.text);
	}
	return 0;
}
