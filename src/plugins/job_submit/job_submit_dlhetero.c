/*
 * job_submit/dlhetero: turn a --dl-hetero request into something
 * select/cons_tres can allocate, or refuse it with a reason.
 *
 * The SPANK plugin already checked the request on the submit host, but
 * that check runs as the user and can be bypassed; this one runs in
 * slurmctld and is the one that counts.  A valid request becomes an untyped
 * per-job count of "accel" gres (tres_per_job=gres:accel:TOTAL); which
 * nodes, hence which chip types, is decided later by the select plugin.
 */
#include "config.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "src/common/slurm_xlator.h"
#include "src/common/xmalloc.h"
#include "src/common/list.h"
#include "src/common/xstring.h"
#include "src/slurmctld/slurmctld.h"

#include "slurm_compat.h"
#include "dlh_names.h"
#include "chip_catalog.h"
#include "ctld_nodes.h"
#include "dlh_paths.h"
#include "dlh_log.h"
#include "slurm_log_sink.h"
#include "hetero_growth.h"
#include "hetero_spec.h"

const char plugin_name[] = "dlhetero job_submit plugin";
const char plugin_type[] = "job_submit/dlhetero";
const uint32_t plugin_version = SLURM_VERSION_NUMBER;

static struct chip_catalog *chips;

extern int init(void)
{
	struct dlh_error err;

	dlh_slurm_log_init(plugin_type);
	chips = dlh_load_chip_catalog(NULL, &err);
	if (!chips) {
		dlh_error("%s", err.text);
		error("%s: no chip catalog: --dl-hetero jobs will be refused",
		      plugin_type);
	}
	return SLURM_SUCCESS;
}

extern int fini(void)
{
	chip_catalog_free(chips);
	chips = NULL;
	return SLURM_SUCCESS;
}

/* Accelerators of each requested type in the whole cluster. */
static int check_capacity(const struct hetero_spec *spec, char **err_msg)
{
	uint64_t have[HETERO_SPEC_MAX_TYPES] = { 0 }, any = 0, total, alloc;
	node_record_t *node_ptr;
	const char *type;
	size_t t;
	int i, k;

	for (i = 0; (node_ptr = next_node(&i)); i++) {
		if (!ctld_node_accel(node_ptr, &type, &total, &alloc))
			continue;
		k = hetero_spec_find(spec, type);
		if (k >= 0)
			have[k] += total;
		if (k >= 0 || (spec->is_auto && !spec->n))
			any += total;
	}
	if (spec->is_auto) {
		if (any >= spec->total)
			return 0;
		*err_msg = xstrdup_printf("--dl-hetero: needs %u accelerators "
					  "but the cluster has only %" PRIu64
					  " of the allowed types",
					  spec->total, any);
		return -1;
	}
	for (t = 0; t < spec->n; t++) {
		if (have[t] >= spec->item[t].count)
			continue;
		*err_msg = xstrdup_printf("--dl-hetero: needs %s:%u but the "
					  "cluster has only %" PRIu64 " %s",
					  spec->item[t].type,
					  spec->item[t].count, have[t],
					  spec->item[t].type);
		return -1;
	}
	return 0;
}

static int check_types(const struct hetero_spec *spec, char **err_msg)
{
	struct dlh_error err;

	if (!chips) {
		*err_msg = xstrdup("--dl-hetero: the chip catalog could not be "
				   "read on the controller; ask your admin");
		return -1;
	}
	if (chip_catalog_check_spec(chips, spec, &err)) {
		*err_msg = xstrdup_printf("--dl-hetero: %s", err.text);
		return -1;
	}
	return 0;
}

/*
 * --dl-on-failure: "requeue" (the default) lets slurmctld requeue the batch
 * job when one of its nodes fails, so it is placed again and restarts from
 * its checkpoint with a new plan; "continue" keeps it running on the
 * surviving nodes (--no-kill).  An explicit --requeue/--no-requeue wins.
 */
/*
 * Each chip type of an explicit mix sits on its own nodes, so the job needs
 * as many nodes at least.  -N1, or -n1 on 23.02 and later (which derive the
 * largest node count from the task count), can never be met: say so now
 * rather than leave the job pending for good.
 */
static int check_node_limit(const struct hetero_spec *spec,
			    const job_desc_msg_t *job_desc, char **err_msg)
{
	if (spec->is_auto || spec->n < 2 || job_desc->max_nodes == NO_VAL ||
	    job_desc->max_nodes >= spec->n)
		return 0;
	*err_msg = xstrdup_printf(
		"--dl-hetero: %zu chip types need at least %zu nodes, one per "
		"type, but the job allows at most %u (-N, or -n without -N): "
		"raise -N/-n or leave them out",
		spec->n, spec->n, job_desc->max_nodes);
	return -1;
}

/*
 * --segment (24.05+) asks topology/block for groups of nodes, each inside
 * one base block; dlhetero's placement keeps the whole job inside one
 * block of the size it needs and does not split it into segments.
 */
static int check_segment(const job_desc_msg_t *job_desc, char **err_msg)
{
#if DLH_SLURM_AT_LEAST(24, 11)
	if (job_desc->segment_size && job_desc->segment_size != NO_VAL16) {
		*err_msg = xstrdup("--segment is not supported with "
				   "--dl-hetero: its placement keeps the job "
				   "inside one block of the topology");
		return -1;
	}
#endif
	return 0;
}

/*
 * --dl-on-failure=continue keeps a job on the nodes left after a node dies
 * (Slurm's --no-kill).  Slurm (22.05 to 26.05) then rebuilds the running
 * steps' per-type device arrays into one shared array and frees it twice
 * when a step holding two chip types ends: slurmctld aborts (24.11, 26.05)
 * or corrupts its heap (22.05).  Only a job of one chip type may continue.
 */
static int check_failure_policy(const struct hetero_spec *spec,
				const job_desc_msg_t *job_desc, char **err_msg)
{
	const char *mode = ctld_env_get(job_desc->spank_job_env,
					job_desc->spank_job_env_size,
					DLH_VAR_ON_FAILURE);

	if (!mode || strcmp(mode, "continue") || hetero_spec_one_type(spec))
		return 0;
	*err_msg = xstrdup(
		"--dl-on-failure=continue needs one chip type (a mixed job "
		"losing a node makes Slurm free its steps' devices twice, see "
		"doc/slurm-releases.md): use --dl-on-failure=requeue, or one "
		"type");
	return -1;
}

static void set_failure_policy(job_desc_msg_t *job_desc)
{
	const char *mode = ctld_env_get(job_desc->spank_job_env,
					job_desc->spank_job_env_size,
					DLH_VAR_ON_FAILURE);

	if (mode && !strcmp(mode, "continue")) {
		job_desc->kill_on_node_fail = 0;
		if (job_desc->requeue == NO_VAL16)
			job_desc->requeue = 0;
	} else if (job_desc->requeue == NO_VAL16) {
		job_desc->requeue = 1;
	}
}

/* --gres, --gpus* and the like, at submission or in an update */
static bool asks_for_gres(const job_desc_msg_t *job_desc)
{
	return job_desc->tres_per_job || job_desc->tres_per_node ||
	       job_desc->tres_per_socket || job_desc->tres_per_task;
}

/* Bare --dl-hetero: one accelerator per task (Slurm's unset values: 0). */
static uint64_t task_count(const job_desc_msg_t *job_desc)
{
	return hetero_spec_task_total(
		job_desc->num_tasks == NO_VAL ? 0 : job_desc->num_tasks,
		job_desc->ntasks_per_node == NO_VAL16
			? 0
			: job_desc->ntasks_per_node,
		job_desc->min_nodes == NO_VAL ? 0 : job_desc->min_nodes);
}

/*
 * One rank per accelerator the usual way: --ntasks-per-node=8 without -n
 * or -N, since placement decides the node count.  sbatch then asks for
 * ntasks-per-node x 1 node tasks; make it one task per accelerator of the
 * request, spread ntasks-per-node to a node as the user asked.  An
 * explicit -n or -N is the user's and stays.  sbatch also wrote its count
 * into the batch script's environment, where srun reads it.
 */
static void tasks_per_accelerator(job_desc_msg_t *job_desc, uint32_t total)
{
	static const char *vars[] = { "SLURM_NTASKS", "SLURM_NPROCS" };
	char val[16];
	size_t i;

	if (job_desc->ntasks_per_node == NO_VAL16 ||
	    !job_desc->ntasks_per_node || job_desc->min_nodes != NO_VAL ||
	    job_desc->num_tasks != job_desc->ntasks_per_node ||
	    total <= job_desc->num_tasks)
		return;
	debug("%s: --ntasks-per-node=%u without -n/-N: %u tasks, one per accelerator",
	      plugin_type, job_desc->ntasks_per_node, total);
	job_desc->num_tasks = total;
	snprintf(val, sizeof(val), "%u", total);
	for (i = 0; i < sizeof(vars) / sizeof(vars[0]); i++)
		if (ctld_env_get(job_desc->environment, job_desc->env_size,
				 vars[i]))
			ctld_env_set(&job_desc->environment,
				     &job_desc->env_size, vars[i], val);
}

/*
 * Names only slurmctld sets (the select plugin, at allocation): the node
 * -> chip map and its credential.  A user's copy, in any job and however
 * it came (the spank environment, the environment of sbatch, salloc or
 * srun, or a job submitted from inside a --dl-hetero job), is dropped:
 * the nodes refuse a map slurmctld did not sign anyway, but none should
 * travel with the job.
 */
static const char *const ctld_only[] = {
	DLH_VAR_HETERO_MAP,
	"SPANK_" DLH_VAR_HETERO_MAP,
	DLH_ENV_MAP,
	DLH_VAR_HETERO_MAP "_CRED",
	"SPANK_" DLH_VAR_HETERO_MAP "_CRED",
	DLH_ENV_MAP_CRED,
};

static void strip_ctld_only(job_desc_msg_t *job_desc, uint32_t submit_uid,
			    const char *when)
{
	uint32_t before_spank = job_desc->spank_job_env_size;
	uint32_t before_env = job_desc->env_size;
	size_t i;

	for (i = 0; i < sizeof(ctld_only) / sizeof(ctld_only[0]); i++) {
		ctld_env_unset(job_desc->spank_job_env,
			       &job_desc->spank_job_env_size, ctld_only[i]);
		ctld_env_unset(job_desc->environment, &job_desc->env_size,
			       ctld_only[i]);
	}
	if (job_desc->spank_job_env_size != before_spank ||
	    job_desc->env_size != before_env)
		info("%s: %s from uid %u: removed %u variable(s) only slurmctld sets (%s...)",
		     plugin_type, when, submit_uid,
		     before_spank + before_env - job_desc->spank_job_env_size -
			     job_desc->env_size,
		     DLH_VAR_HETERO_MAP);
}

/*
 * --dl-part-of=JOBID (dlhetero-grow): a part that grows a running
 * --dl-hetero job by more accelerators, as a job of its own.  Only the
 * job's owner (or root, SlurmUser) may grow it, by an explicit mix; the
 * part plans with the main job's options, and is never requeued: its
 * main job plans without it when it ends.
 */
static const char *const inherited[] = {
	DLH_VAR_MODEL,	 DLH_VAR_MODE,		 DLH_VAR_GLOBAL_BATCH,
	DLH_VAR_SEQ_LEN, DLH_VAR_CHECKPOINT_DIR,
};

static int check_part(const struct hetero_spec *spec, job_desc_msg_t *job_desc,
		      uint32_t submit_uid, char **err_msg)
{
	const char *val = ctld_env_get(job_desc->spank_job_env,
				       job_desc->spank_job_env_size,
				       DLH_VAR_PART_OF);
	uint32_t id = ctld_env_job_id(job_desc->spank_job_env,
				      job_desc->spank_job_env_size,
				      DLH_VAR_PART_OF);
	struct hetero_growth g;
	job_record_t *m;
	char name[64];
	size_t i;

	if (!val)
		return 0;
	if (!id) {
		*err_msg = xstrdup_printf("--dl-part-of=%.32s: want a job id",
					  val);
		return -1;
	}
	if (spec->is_auto) {
		*err_msg = xstrdup("--dl-part-of: a part asks for its "
				   "accelerators by type (TYPE:N)");
		return -1;
	}
	m = find_job_record(id);
	if (!m || (m->user_id != job_desc->user_id) ||
	    (submit_uid != m->user_id && submit_uid != 0 &&
	     submit_uid != slurm_conf.slurm_user_id)) {
		*err_msg = xstrdup_printf(
			"--dl-part-of=%u: no such job of yours", id);
		return -1;
	}
	if (!IS_JOB_RUNNING(m) ||
	    !ctld_env_get(m->spank_job_env, m->spank_job_env_size,
			  DLH_VAR_HETERO) ||
	    ctld_env_get(m->spank_job_env, m->spank_job_env_size,
			 DLH_VAR_PART_OF)) {
		*err_msg = xstrdup_printf(
			"--dl-part-of=%u: only a running --dl-hetero job "
			"that is not a part itself can grow",
			id);
		return -1;
	}
	/* slurmctld's copy, and the batch script's (sbatch put its own
	 * SLURM_SPANK_ variables there; steps inherit them) */
	if (hetero_growth_parse(m->admin_comment, &g, NULL) == 0 &&
	    g.n_parts >= HETERO_GROWTH_MAX_PARTS) {
		hetero_growth_free(&g);
		*err_msg = xstrdup_printf("--dl-part-of=%u: the job has %d "
					  "parts already, the most",
					  id, HETERO_GROWTH_MAX_PARTS);
		return -1;
	}
	hetero_growth_free(&g);
	for (i = 0; i < sizeof(inherited) / sizeof(inherited[0]); i++) {
		val = ctld_env_get(m->spank_job_env, m->spank_job_env_size,
				   inherited[i]);
		snprintf(name, sizeof(name), "SLURM_SPANK_%s", inherited[i]);
		if (val) {
			ctld_env_set(&job_desc->spank_job_env,
				     &job_desc->spank_job_env_size,
				     inherited[i], val);
			if (job_desc->environment)
				ctld_env_set(&job_desc->environment,
					     &job_desc->env_size, name, val);
		} else {
			ctld_env_unset(job_desc->spank_job_env,
				       &job_desc->spank_job_env_size,
				       inherited[i]);
			ctld_env_unset(job_desc->environment,
				       &job_desc->env_size, name);
		}
	}
	job_desc->requeue = 0;
	return 0;
}

extern int job_submit(job_desc_msg_t *job_desc, uint32_t submit_uid,
		      char **err_msg)
{
	const char *val;
	struct hetero_spec spec;
	struct dlh_error err;
	char auto_spec[32];
	uint64_t tasks;

	strip_ctld_only(job_desc, submit_uid, "job submission");
	val = ctld_env_get(job_desc->spank_job_env,
			   job_desc->spank_job_env_size, DLH_VAR_HETERO);
	if (!val)
		return SLURM_SUCCESS;
	if (!strcmp(val, "auto")) {
		tasks = task_count(job_desc);
		if (!tasks || tasks > HETERO_SPEC_MAX_TOTAL) {
			*err_msg = xstrdup_printf(
				"--dl-hetero=auto needs a total of 1 to %u: "
				"auto:N, auto:N:TYPE+TYPE, or the task count "
				"(-n N)",
				HETERO_SPEC_MAX_TOTAL);
			return ESLURM_INVALID_GRES;
		}
		snprintf(auto_spec, sizeof(auto_spec), "auto:%" PRIu64, tasks);
		ctld_env_set(&job_desc->spank_job_env,
			     &job_desc->spank_job_env_size, DLH_VAR_HETERO,
			     auto_spec);
		val = auto_spec;
	}
	if (hetero_spec_parse(val, &spec, &err)) {
		*err_msg = xstrdup_printf("--dl-hetero: %s", err.text);
		return ESLURM_INVALID_GRES;
	}
	if (asks_for_gres(job_desc)) {
		*err_msg = xstrdup("--dl-hetero chooses the accelerators "
				   "itself: drop --gres/--gpus* from the job");
		return ESLURM_INVALID_GRES;
	}
	if (check_types(&spec, err_msg) || check_capacity(&spec, err_msg) ||
	    check_node_limit(&spec, job_desc, err_msg) ||
	    check_failure_policy(&spec, job_desc, err_msg) ||
	    check_segment(job_desc, err_msg))
		return ESLURM_INVALID_GRES;
	if (check_part(&spec, job_desc, submit_uid, err_msg))
		return ESLURM_INVALID_JOB_ID;
	set_failure_policy(job_desc);
	tasks_per_accelerator(job_desc, spec.total);
	job_desc->tres_per_job =
		xstrdup_printf(DLH_TRES_PER_JOB(DLH_GRES_NAME), spec.total);
	debug("%s: %s becomes tres_per_job=%s", plugin_type, val,
	      job_desc->tres_per_job);
	return SLURM_SUCCESS;
}

/*
 * The accelerators of a --dl-hetero job are the placement's: its untyped
 * count was checked at submission and the select plugin narrows it to the
 * requested mix.  A changed gres request would bypass both, and a changed
 * DL_ variable would change what the nodes plan for, so neither may be
 * updated; any other field goes through.  An update that adds DL_HETERO
 * to an ordinary job is refused too: submit it again instead.
 */
/*
 * Slurm (22.05 to 26.05) rebuilds a running step's per-type device arrays
 * into one shared array when its job loses nodes (gres_step_state_rebase
 * reuses one array across the step's gres entries) and frees it twice when
 * the step ends: slurmctld aborts, or on 22.05 corrupts its heap.  So a
 * job may not shrink while a step holding more than one gres entry (two
 * chip types) runs; any job, not only --dl-hetero ones.
 */
static bool shrink_with_mixed_step(job_desc_msg_t *job_desc,
				   job_record_t *job_ptr)
{
	step_record_t *step_ptr;
	list_itr_t *it;
	bool mixed = false;

	if (job_desc->min_nodes == NO_VAL || !IS_JOB_RUNNING(job_ptr) ||
	    job_desc->min_nodes >= job_ptr->node_cnt || !job_ptr->step_list)
		return false;
	it = list_iterator_create(job_ptr->step_list);
	while (!mixed && (step_ptr = list_next(it)))
		mixed = step_ptr->gres_list_alloc &&
			list_count(step_ptr->gres_list_alloc) > 1;
	list_iterator_destroy(it);
	return mixed;
}

/* A grown job shrinks by giving its parts back first (dlhetero-grow). */
static bool shrink_grown(job_desc_msg_t *job_desc, job_record_t *job_ptr)
{
	struct hetero_growth g;
	bool parts = false;
	size_t i;

	if (job_desc->min_nodes == NO_VAL || !IS_JOB_RUNNING(job_ptr) ||
	    job_desc->min_nodes >= job_ptr->node_cnt ||
	    hetero_growth_parse(job_ptr->admin_comment, &g, NULL))
		return false;
	for (i = 0; i < g.n_parts; i++)
		parts |= !g.part[i].leaving;
	hetero_growth_free(&g);
	return parts;
}

static int modify_refused(job_desc_msg_t *job_desc, job_record_t *job_ptr,
			  const char **why)
{
	bool hetero = ctld_env_get(job_ptr->spank_job_env,
				   job_ptr->spank_job_env_size,
				   DLH_VAR_HETERO) != NULL;
	uint32_t i;

	for (i = 0; job_desc->spank_job_env && i < job_desc->spank_job_env_size;
	     i++) {
		if (job_desc->spank_job_env[i] &&
		    (!strncmp(job_desc->spank_job_env[i], "DL_", 3) ||
		     !strncmp(job_desc->spank_job_env[i], "SPANK_DL_", 9))) {
			*why = "--dl-hetero options cannot be changed after submission";
			return ESLURM_NOT_SUPPORTED;
		}
	}
	if (hetero && asks_for_gres(job_desc)) {
		*why = "--dl-hetero chooses the accelerators itself, its gres cannot be changed";
		return ESLURM_INVALID_GRES;
	}
	if (shrink_grown(job_desc, job_ptr)) {
		*why = "the job has grown parts: give them back first (dlhetero-grow --shrink JOBID)";
		return ESLURM_NOT_SUPPORTED;
	}
	if (shrink_with_mixed_step(job_desc, job_ptr)) {
		*why = "a step holding two accelerator types runs: end it before shrinking the job (Slurm frees its devices twice, doc/slurm-releases.md)";
		return ESLURM_NOT_SUPPORTED;
	}
	return SLURM_SUCCESS;
}

/*
 * A part asked to leave its grown job (dlhetero-grow --shrink sets its
 * Comment to DLH_LEAVE_COMMENT): marked "leaving" in the main job's
 * growth record, as the next plan generation, which plans without it.
 * Its ranks see they are not in it and end at a step boundary, after the
 * job's checkpoint; then the part ends and leaves the record.
 */
#define DLH_LEAVE_COMMENT "dlhetero:leave"

static void part_leaves(job_desc_msg_t *job_desc, job_record_t *job_ptr)
{
	struct hetero_growth g;
	struct dlh_error err;
	job_record_t *m;
	uint32_t main_id;
	char *text;

	if (!job_desc->comment ||
	    strcmp(job_desc->comment, DLH_LEAVE_COMMENT) ||
	    !IS_JOB_RUNNING(job_ptr) ||
	    !(main_id = ctld_env_job_id(job_ptr->spank_job_env,
					job_ptr->spank_job_env_size,
					DLH_VAR_PART_OF)) ||
	    !(m = find_job_record(main_id)) || m->user_id != job_ptr->user_id)
		return;
	if (hetero_growth_parse(m->admin_comment, &g, &err)) {
		error("%s: %pJ: admin comment: %s", plugin_type, m, err.text);
		return;
	}
	if (hetero_growth_leave(&g, job_ptr->job_id)) {
		g.generation++;
		if ((text = hetero_growth_comment(m->admin_comment, &g))) {
			xfree(m->admin_comment);
			m->admin_comment = xstrdup(text);
			free(text);
			info("%s: %pJ leaves %pJ: plan generation %u without it",
			     plugin_type, job_ptr, m, g.generation);
		}
	}
	hetero_growth_free(&g);
}

/* Slurm 22.05's job_modify has no message to return: the log has it. */
#if DLH_SLURM_AT_LEAST(24, 11)
extern int job_modify(job_desc_msg_t *job_desc, job_record_t *job_ptr,
		      uint32_t submit_uid, char **err_msg)
#else
extern int job_modify(job_desc_msg_t *job_desc, job_record_t *job_ptr,
		      uint32_t submit_uid)
#endif
{
	const char *why = NULL;
	int rc;

	strip_ctld_only(job_desc, submit_uid, "job update");
	rc = modify_refused(job_desc, job_ptr, &why);

	if (rc == SLURM_SUCCESS) {
		part_leaves(job_desc, job_ptr);
		return rc;
	}
	info("%s: %pJ: update refused: %s", plugin_type, job_ptr, why);
#if DLH_SLURM_AT_LEAST(24, 11)
	*err_msg = xstrdup(why);
#endif
	return rc;
}
