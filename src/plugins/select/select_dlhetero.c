/*
 * select/cons_tres_dlhetero: select/cons_tres, plus one job across several
 * accelerator chip types.
 *
 * Every call goes to select/cons_tres, loaded by this plugin as a second
 * context.  Only job_test is looked at first: for a --dl-hetero job,
 * hetero_select.c narrows the candidate nodes to the placement chosen by the
 * core library, and cons_tres allocates there.  Ordinary jobs pass through
 * untouched, so they get exactly what cons_tres would give them.
 *
 * The name keeps "cons_tres" in it because slurmctld and slurmd enable some
 * features (heterogeneous GRES counts per node, dynamic nodes) by looking for
 * that substring in SelectType.
 */
#include "config.h"

#include "src/common/slurm_xlator.h"
#include "src/common/plugin.h"
#include "src/slurmctld/slurmctld.h"

#include "slurm_compat.h"
#include "hetero_select.h"

/*
 * job_test's last arguments: what reservations exclude (and, since 23.02,
 * the will-run data).  A wrong type here still compiles and breaks at run
 * time, so it is spelled once, from Slurm's own select_g_job_test.
 */
#if DLH_SLURM_AT_LEAST(24, 11)
#define JOB_TEST_TAIL_PARAMS  resv_exc_t *resv_exc, will_run_data_t *will_run
#define JOB_TEST_TAIL_ARGS(c) (c)->resv_exc, (c)->will_run
#else
#define JOB_TEST_TAIL_PARAMS  bitstr_t *exc_core_bitmap
#define JOB_TEST_TAIL_ARGS(c) (c)->exc_core_bitmap
#endif

const char plugin_name[] = "dlhetero select plugin (cons_tres + mixed chips)";
const char plugin_type[] = "select/cons_tres_dlhetero";
/* Slurm refuses ids below 100 and duplicates; cons_tres is 109. */
const uint32_t plugin_id = DLH_SELECT_PLUGIN_ID;
const uint32_t plugin_version = SLURM_VERSION_NUMBER;

/*
 * cons_tres's functions that this plugin forwards to.  Slurm's own table of
 * them is private since 23.02 and its set changes per release, so this is
 * our own: the names below and the struct fields are in the same order.
 */
#define CONS_TRES_COMMON_SYMS                                                  \
	"plugin_id", "select_p_node_init", "select_p_job_test",                \
		"select_p_job_begin", "select_p_job_ready",                    \
		"select_p_job_expand", "select_p_job_resized",                 \
		"select_p_job_fini", "select_p_job_suspend",                   \
		"select_p_job_resume", "select_p_select_nodeinfo_set_all",     \
		"select_p_select_nodeinfo_set", "select_p_reconfigure"

static const char *cons_tres_syms[] = {
	CONS_TRES_COMMON_SYMS,
#if !DLH_SLURM_AT_LEAST(26, 5)
	"select_p_state_save",
	"select_p_state_restore",
	"select_p_job_init",
	"select_p_step_pick_nodes",
	"select_p_step_start",
	"select_p_step_finish",
	"select_p_select_nodeinfo_pack",
	"select_p_select_nodeinfo_unpack",
	"select_p_select_nodeinfo_alloc",
	"select_p_select_nodeinfo_free",
	"select_p_select_nodeinfo_get",
	"select_p_select_jobinfo_alloc",
	"select_p_select_jobinfo_free",
	"select_p_select_jobinfo_set",
	"select_p_select_jobinfo_get",
	"select_p_select_jobinfo_copy",
	"select_p_select_jobinfo_pack",
	"select_p_select_jobinfo_unpack",
	"select_p_get_info_from_plugin",
#endif
#if !DLH_SLURM_AT_LEAST(24, 11)
	"select_p_job_signal",
	"select_p_select_jobinfo_sprint",
	"select_p_select_jobinfo_xstrdup",
	"select_p_update_node_config",
	"select_p_resv_test",
#endif
#if DLH_SLURM_AT_LEAST(26, 5)
	"select_p_job_mem_reduce",
#endif
};

static struct {
	const uint32_t *plugin_id;
	int (*node_init)(void);
	int (*job_test)(job_record_t *job_ptr, bitstr_t *bitmap,
			uint32_t min_nodes, uint32_t max_nodes,
			uint32_t req_nodes, uint16_t mode,
			list_t *preemptee_candidates,
			list_t **preemptee_job_list, JOB_TEST_TAIL_PARAMS);
	int (*job_begin)(job_record_t *job_ptr);
	int (*job_ready)(job_record_t *job_ptr);
	int (*job_expand)(job_record_t *from_job_ptr, job_record_t *to_job_ptr);
	int (*job_resized)(job_record_t *job_ptr, node_record_t *node_ptr);
	int (*job_fini)(job_record_t *job_ptr);
	int (*job_suspend)(job_record_t *job_ptr, bool indf_susp);
	int (*job_resume)(job_record_t *job_ptr, bool indf_susp);
	int (*nodeinfo_set_all)(void);
	int (*nodeinfo_set)(job_record_t *job_ptr);
	int (*reconfigure)(void);
#if !DLH_SLURM_AT_LEAST(26, 5)
	int (*state_save)(char *dir_name);
	int (*state_restore)(char *dir_name);
	int (*job_init)(list_t *job_list);
	bitstr_t *(*step_pick_nodes)(job_record_t *job_ptr,
				     select_jobinfo_t *jobinfo,
				     uint32_t node_count,
				     bitstr_t **avail_nodes);
	int (*step_start)(step_record_t *step_ptr);
	int (*step_finish)(step_record_t *step_ptr, bool killing_step);
	int (*nodeinfo_pack)(select_nodeinfo_t *nodeinfo, buf_t *buffer,
			     uint16_t protocol_version);
	int (*nodeinfo_unpack)(select_nodeinfo_t **nodeinfo, buf_t *buffer,
			       uint16_t protocol_version);
	select_nodeinfo_t *(*nodeinfo_alloc)(void);
	int (*nodeinfo_free)(select_nodeinfo_t *nodeinfo);
	int (*nodeinfo_get)(select_nodeinfo_t *nodeinfo,
			    enum select_nodedata_type dinfo,
			    enum node_states state, void *data);
	select_jobinfo_t *(*jobinfo_alloc)(void);
	int (*jobinfo_free)(select_jobinfo_t *jobinfo);
	int (*jobinfo_set)(select_jobinfo_t *jobinfo,
			   enum select_jobdata_type data_type, void *data);
	int (*jobinfo_get)(select_jobinfo_t *jobinfo,
			   enum select_jobdata_type data_type, void *data);
	select_jobinfo_t *(*jobinfo_copy)(select_jobinfo_t *jobinfo);
	int (*jobinfo_pack)(select_jobinfo_t *jobinfo, buf_t *buffer,
			    uint16_t protocol_version);
	int (*jobinfo_unpack)(select_jobinfo_t **jobinfo, buf_t *buffer,
			      uint16_t protocol_version);
	int (*get_info_from_plugin)(enum select_plugindata_info info,
				    job_record_t *job_ptr, void *data);
#endif
#if !DLH_SLURM_AT_LEAST(24, 11)
	int (*job_signal)(job_record_t *job_ptr, int signal);
	char *(*jobinfo_sprint)(select_jobinfo_t *jobinfo, char *buf,
				size_t size, int mode);
	char *(*jobinfo_xstrdup)(select_jobinfo_t *jobinfo, int mode);
	int (*update_node_config)(int index);
	bitstr_t *(*resv_test)(resv_desc_msg_t *resv_desc_ptr,
			       uint32_t node_cnt, bitstr_t *avail_bitmap,
			       bitstr_t **core_bitmap);
#endif
#if DLH_SLURM_AT_LEAST(26, 5)
	void (*job_mem_reduce)(job_record_t *job_ptr);
#endif
} ct;
static plugin_context_t *ct_context;

/*
 * The public libslurm loads the select plugin in every client that packs
 * a job request, and it exports neither running_in_slurmctld nor the log
 * functions under these names.  There the plugin only forwards to
 * cons_tres: nothing else of it runs, and it logs nothing.
 */
#if DLH_SLURM_AT_LEAST(26, 5)
/* 26.05: running_in_slurmctld() is a macro over run_in_daemon() */
#pragma weak run_in_daemon

static bool in_slurmctld(void)
{
	return run_in_daemon && run_in_daemon(IS_SLURMCTLD);
}
#else
#pragma weak running_in_slurmctld

static bool in_slurmctld(void)
{
	return running_in_slurmctld && running_in_slurmctld();
}
#endif

extern int init(void)
{
	ct_context = plugin_context_create("select", "select/cons_tres",
					   (void **) &ct, cons_tres_syms,
					   sizeof(cons_tres_syms));
	if (!ct_context) {
		if (in_slurmctld())
			error("%s: cannot load select/cons_tres", plugin_type);
		return SLURM_ERROR;
	}
	if (in_slurmctld()) {
		hetero_select_init();
		debug("%s: loaded, forwarding to select/cons_tres",
		      plugin_type);
	}
	return SLURM_SUCCESS;
}

extern int fini(void)
{
	int rc = SLURM_SUCCESS;

	hetero_select_fini();
	if (ct_context)
		rc = plugin_context_destroy(ct_context);
	ct_context = NULL;
	return rc;
}

/* select_p_job_test's arguments that hetero_select.c passes on unread. */
struct job_test_call {
	list_t *preemptee_candidates;
	list_t **preemptee_job_list;
#if DLH_SLURM_AT_LEAST(24, 11)
	resv_exc_t *resv_exc;
	will_run_data_t *will_run;
#else
	bitstr_t *exc_core_bitmap;
#endif
};

/* cons_tres's job_test on exactly the nodes of t->node_bitmap. */
static int cons_tres_on(const struct hetero_job_test *t, uint32_t nodes)
{
	const struct job_test_call *c = t->call;

	return ct.job_test(t->job_ptr, t->node_bitmap, nodes, nodes, nodes,
			   t->mode, c->preemptee_candidates,
			   c->preemptee_job_list, JOB_TEST_TAIL_ARGS(c));
}

extern int select_p_job_test(job_record_t *job_ptr, bitstr_t *node_bitmap,
			     uint32_t min_nodes, uint32_t max_nodes,
			     uint32_t req_nodes, uint16_t mode,
			     list_t *preemptee_candidates,
			     list_t **preemptee_job_list, JOB_TEST_TAIL_PARAMS)
{
	struct job_test_call c = {
		.preemptee_candidates = preemptee_candidates,
		.preemptee_job_list = preemptee_job_list,
#if DLH_SLURM_AT_LEAST(24, 11)
		.resv_exc = resv_exc,
		.will_run = will_run,
#else
		.exc_core_bitmap = exc_core_bitmap,
#endif
	};
	struct hetero_job_test t = {
		.job_ptr = job_ptr,
		.node_bitmap = node_bitmap,
		.mode = mode,
		.cons_tres_on = cons_tres_on,
		.call = &c,
	};

	if (!hetero_select_is_hetero_job(job_ptr))
		return ct.job_test(job_ptr, node_bitmap, min_nodes, max_nodes,
				   req_nodes, mode, preemptee_candidates,
				   preemptee_job_list, JOB_TEST_TAIL_ARGS(&c));
	return hetero_select_job_test(&t);
}

/* Everything below is plain forwarding. */

extern int select_p_node_init(void)
{
	return ct.node_init();
}

extern int select_p_job_begin(job_record_t *job_ptr)
{
	return ct.job_begin(job_ptr);
}

extern int select_p_job_ready(job_record_t *job_ptr)
{
	return ct.job_ready(job_ptr);
}

/* Slurm 22.05 grows a job by merging another job into it. */
extern int select_p_job_expand(job_record_t *from_job_ptr,
			       job_record_t *to_job_ptr)
{
	int rc = ct.job_expand(from_job_ptr, to_job_ptr);

	if (rc == SLURM_SUCCESS && in_slurmctld())
		hetero_select_job_allocated(to_job_ptr);
	return rc;
}

extern int select_p_job_resized(job_record_t *job_ptr, node_record_t *node_ptr)
{
	int rc = ct.job_resized(job_ptr, node_ptr);

	if (rc == SLURM_SUCCESS && in_slurmctld())
		hetero_select_node_removed(job_ptr, node_ptr->name);
	return rc;
}

extern int select_p_job_fini(job_record_t *job_ptr)
{
	if (in_slurmctld())
		hetero_select_job_fini(job_ptr);
	return ct.job_fini(job_ptr);
}

extern int select_p_job_suspend(job_record_t *job_ptr, bool indf_susp)
{
	return ct.job_suspend(job_ptr, indf_susp);
}

extern int select_p_job_resume(job_record_t *job_ptr, bool indf_susp)
{
	return ct.job_resume(job_ptr, indf_susp);
}

extern int select_p_select_nodeinfo_set_all(void)
{
	return ct.nodeinfo_set_all();
}

extern int select_p_select_nodeinfo_set(job_record_t *job_ptr)
{
	int rc = ct.nodeinfo_set(job_ptr);

	if (rc == SLURM_SUCCESS && in_slurmctld())
		hetero_select_job_allocated(job_ptr);
	return rc;
}

extern int select_p_reconfigure(void)
{
	if (in_slurmctld())
		hetero_select_reconfigure();
	return ct.reconfigure();
}

#if DLH_SLURM_AT_LEAST(26, 5)
extern void select_p_job_mem_reduce(job_record_t *job_ptr)
{
	ct.job_mem_reduce(job_ptr);
}
#else
/* 26.05 keeps state, select data and step picks out of select plugins. */

extern int select_p_state_save(char *dir_name)
{
	return ct.state_save(dir_name);
}

extern int select_p_state_restore(char *dir_name)
{
	return ct.state_restore(dir_name);
}

extern int select_p_job_init(list_t *job_list)
{
	return ct.job_init(job_list);
}

extern bitstr_t *select_p_step_pick_nodes(job_record_t *job_ptr,
					  select_jobinfo_t *jobinfo,
					  uint32_t node_count,
					  bitstr_t **avail_nodes)
{
	return ct.step_pick_nodes(job_ptr, jobinfo, node_count, avail_nodes);
}

extern int select_p_step_start(step_record_t *step_ptr)
{
	return ct.step_start(step_ptr);
}

extern int select_p_step_finish(step_record_t *step_ptr, bool killing_step)
{
	return ct.step_finish(step_ptr, killing_step);
}

extern int select_p_select_nodeinfo_pack(select_nodeinfo_t *nodeinfo,
					 buf_t *buffer,
					 uint16_t protocol_version)
{
	return ct.nodeinfo_pack(nodeinfo, buffer, protocol_version);
}

extern int select_p_select_nodeinfo_unpack(select_nodeinfo_t **nodeinfo,
					   buf_t *buffer,
					   uint16_t protocol_version)
{
	return ct.nodeinfo_unpack(nodeinfo, buffer, protocol_version);
}

extern select_nodeinfo_t *select_p_select_nodeinfo_alloc(void)
{
	return ct.nodeinfo_alloc();
}

extern int select_p_select_nodeinfo_free(select_nodeinfo_t *nodeinfo)
{
	return ct.nodeinfo_free(nodeinfo);
}

extern int select_p_select_nodeinfo_get(select_nodeinfo_t *nodeinfo,
					enum select_nodedata_type dinfo,
					enum node_states state, void *data)
{
	return ct.nodeinfo_get(nodeinfo, dinfo, state, data);
}

extern select_jobinfo_t *select_p_select_jobinfo_alloc(void)
{
	return ct.jobinfo_alloc();
}

extern int select_p_select_jobinfo_free(select_jobinfo_t *jobinfo)
{
	return ct.jobinfo_free(jobinfo);
}

extern int select_p_select_jobinfo_set(select_jobinfo_t *jobinfo,
				       enum select_jobdata_type data_type,
				       void *data)
{
	return ct.jobinfo_set(jobinfo, data_type, data);
}

extern int select_p_select_jobinfo_get(select_jobinfo_t *jobinfo,
				       enum select_jobdata_type data_type,
				       void *data)
{
	return ct.jobinfo_get(jobinfo, data_type, data);
}

extern select_jobinfo_t *select_p_select_jobinfo_copy(select_jobinfo_t *jobinfo)
{
	return ct.jobinfo_copy(jobinfo);
}

extern int select_p_select_jobinfo_pack(select_jobinfo_t *jobinfo,
					buf_t *buffer,
					uint16_t protocol_version)
{
	return ct.jobinfo_pack(jobinfo, buffer, protocol_version);
}

extern int select_p_select_jobinfo_unpack(select_jobinfo_t **jobinfo,
					  buf_t *buffer,
					  uint16_t protocol_version)
{
	return ct.jobinfo_unpack(jobinfo, buffer, protocol_version);
}

extern int select_p_get_info_from_plugin(enum select_plugindata_info info,
					 job_record_t *job_ptr, void *data)
{
	return ct.get_info_from_plugin(info, job_ptr, data);
}
#endif

#if !DLH_SLURM_AT_LEAST(24, 11)
extern int select_p_job_signal(job_record_t *job_ptr, int signal)
{
	return ct.job_signal(job_ptr, signal);
}

extern char *select_p_select_jobinfo_sprint(select_jobinfo_t *jobinfo,
					    char *buf, size_t size, int mode)
{
	return ct.jobinfo_sprint(jobinfo, buf, size, mode);
}

extern char *select_p_select_jobinfo_xstrdup(select_jobinfo_t *jobinfo,
					     int mode)
{
	return ct.jobinfo_xstrdup(jobinfo, mode);
}

extern int select_p_update_node_config(int index)
{
	return ct.update_node_config(index);
}

extern bitstr_t *select_p_resv_test(resv_desc_msg_t *resv_desc_ptr,
				    uint32_t node_cnt, bitstr_t *avail_bitmap,
				    bitstr_t **core_bitmap)
{
	return ct.resv_test(resv_desc_ptr, node_cnt, avail_bitmap, core_bitmap);
}
#endif
