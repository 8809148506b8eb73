/*
 * gres/accel: one gres plugin for every vendor's accelerator.
 *
 * slurmd reads the node's "Name=accel Type=<chip> File=..." lines (and,
 * when dlhetero.conf says AutoDetect=hwloc, what hwloc finds); this plugin
 * keeps a table of the node's devices in gres bitmap order and, for each
 * job, step, task and epilog, turns the allocated bits into the vendor's
 * visible-devices variables and DL_CHIP_TYPE/DL_DEVICE/DL_CCL, through the
 * core library's chip catalog.  With no catalog the plugin still counts
 * devices, so a broken catalog never takes a node down.
 */
#include "config.h"

#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>

#include "src/common/slurm_xlator.h"
#include "src/common/env.h"
#include "src/common/hostlist.h"
#include "src/common/list.h"
#include "src/common/pack.h"
#include "src/common/xmalloc.h"
#include "src/common/xstring.h"

#include "slurm_compat.h"
#include "dlh_names.h"
#include "accel_devices.h"
#include "slurm_log_sink.h"

const char plugin_name[] = "Gres accel plugin (dlhetero)";
const char plugin_type[] = "gres/accel";
const uint32_t plugin_version = SLURM_VERSION_NUMBER;

static char *gres_name = DLH_GRES_NAME;
static struct accel_devices *devices; /* this node's devices */
static list_t *gres_devices;	      /* the same, for Slurm's cgroups */

extern int init(void)
{
	dlh_slurm_log_init(plugin_type);
	debug("%s: loaded", plugin_type);
	return SLURM_SUCCESS;
}

extern int fini(void)
{
	accel_devices_free(devices);
	devices = NULL;
	FREE_NULL_LIST(gres_devices);
	return SLURM_SUCCESS;
}

static void add_gres_device(int index, const struct accel_device_entry *d)
{
	gres_device_t *gd = xmalloc(sizeof(*gd));
	struct stat st;

	gd->index = index;
	gd->dev_num = d->dev_num;
	gd->path = xstrdup(d->path);
	gd->dev_desc.type = DEV_TYPE_CHAR;
	if (!stat(d->path, &st)) {
		gd->dev_desc.major = major(st.st_rdev);
		gd->dev_desc.minor = minor(st.st_rdev);
	}
	list_append(gres_devices, gd);
}

static void free_gres_device(void *x)
{
	gres_device_t *gd = x;

	xfree(gd->path);
	xfree(gd->unique_id);
	xfree(gd);
}

/* One gres.conf record: expand its File= expression into devices. */
static int add_conf_record(void *x, void *arg)
{
	gres_slurmd_conf_t *rec = x;
	struct hostlist *hl;
	char *path;

	if (xstrcmp(rec->name, gres_name))
		return 0;
	if (!rec->file) {
		accel_devices_add_count(devices, rec->type_name, rec->count);
		return 0;
	}
	if (!(hl = hostlist_create(rec->file))) {
		error("%s: gres.conf: cannot read File=%s", plugin_type,
		      rec->file);
		return 0;
	}
	while ((path = hostlist_shift(hl))) {
		accel_devices_add(devices, rec->type_name, path);
		free(path);
	}
	hostlist_destroy(hl);
	return 0;
}

extern int gres_p_node_config_load(list_t *gres_conf_list,
				   node_config_load_t *node_config)
{
	const struct accel_device_entry *d;
	size_t i;

	accel_devices_free(devices);
	FREE_NULL_LIST(gres_devices);
	devices = accel_devices_new(NULL);
	/* slurmd: a bad catalog is said at start, not at the first job */
	if (node_config && node_config->in_slurmd)
		accel_devices_load_catalog(devices);
	if (gres_conf_list)
		list_for_each(gres_conf_list, add_conf_record, NULL);
	if (node_config && node_config->in_slurmd)
		accel_devices_check_detected(devices);

	gres_devices = list_create(free_gres_device);
	for (i = 0; (d = accel_devices_get(devices, i)); i++) {
		if (d->path)
			add_gres_device(i, d);
		debug("%s: device %zu: type %s file %s runtime index %d",
		      plugin_type, i, d->type, d->path ? d->path : "-",
		      d->dev_num);
	}
	return SLURM_SUCCESS;
}

/* The indexes of the bits set in a gres bitmap; caller xfree()s. */
static int *set_bits(bitstr_t *bits, int *count)
{
	int n = bits ? bit_size(bits) : 0, b;
	int *idx = xcalloc(n + 1, sizeof(int));

	*count = 0;
	for (b = 0; b < n; b++)
		if (bit_test(bits, b))
			idx[(*count)++] = b;
	return idx;
}

/*
 * Write the variables for the given devices into *env.  Other vendors'
 * visible-devices variables inherited from the submission environment are
 * removed: a task sees one vendor's view.
 */
static void set_env_idx(char ***env, const int *idx, int count)
{
	struct dlh_error err;
	struct accel_env_list *vars =
		accel_devices_env(devices, idx, count, &err);
	size_t i;

	if (!vars) {
		if (err.text[0])
			dlh_error("%s", err.text);
		return;
	}
	for (i = 0; i < vars->n_unset; i++)
		unsetenvp(*env, vars->unset[i]);
	for (i = 0; i < vars->n_set; i++)
		env_array_overwrite(env, vars->name[i], vars->value[i]);
	accel_env_list_free(vars);
}

static void set_env(char ***env, bitstr_t *alloc)
{
	int count;
	int *idx = set_bits(alloc, &count);

	set_env_idx(env, idx, count);
	xfree(idx);
}

extern void gres_p_job_set_env(char ***job_env_ptr, bitstr_t *gres_bit_alloc,
			       uint64_t gres_cnt, gres_internal_flags_t flags)
{
	set_env(job_env_ptr, gres_bit_alloc);
}

extern void gres_p_step_set_env(char ***step_env_ptr, bitstr_t *gres_bit_alloc,
				uint64_t gres_cnt, gres_internal_flags_t flags)
{
	set_env(step_env_ptr, gres_bit_alloc);
}

/*
 * slurmstepd calls this for a task only when the step asked for binding,
 * and Slurm 22.05 computes the bound set (usable_gres) for gres "gpu" and
 * "nic" only: for "accel" it never calls it with one.  So tasks get their
 * share of the node's devices from the SPANK plugin (per rank for
 * --dl-hetero, and for --gpu-bind=per_task:N or map_gpu:...), which reads
 * the list written here.
 */
extern void gres_p_task_set_env(char ***step_env_ptr, bitstr_t *gres_bit_alloc,
				uint64_t gres_cnt, bitstr_t *usable_gres,
				gres_internal_flags_t flags)
{
	set_env(step_env_ptr, usable_gres ? usable_gres : gres_bit_alloc);
}

/* slurmstepd does not read gres.conf: slurmd sends it the device table. */
extern void gres_p_send_stepd(buf_t *buffer)
{
	const struct accel_device_entry *d;
	uint32_t n = accel_devices_count(devices);
	size_t i;

	packstr((char *) accel_devices_catalog_path(devices), buffer);
	pack32(n, buffer);
	for (i = 0; (d = accel_devices_get(devices, i)); i++) {
		packstr(d->type, buffer);
		packstr(d->path, buffer);
	}
}

extern void gres_p_recv_stepd(buf_t *buffer)
{
	char *catalog = NULL, *type = NULL, *path = NULL;
	uint32_t n, i, len;

	safe_unpackstr_xmalloc(&catalog, &len, buffer);
	accel_devices_free(devices);
	devices = accel_devices_new(catalog);
	xfree(catalog);
	safe_unpack32(&n, buffer);
	for (i = 0; i < n; i++) {
		safe_unpackstr_xmalloc(&type, &len, buffer);
		safe_unpackstr_xmalloc(&path, &len, buffer);
		if (path)
			accel_devices_add(devices, type, path);
		else
			accel_devices_add_count(devices, type, 1);
		xfree(type);
		xfree(path);
	}
	return;
unpack_error:
	xfree(catalog);
	xfree(type);
	xfree(path);
	error("%s: cannot read the device table from slurmd", plugin_type);
}

extern list_t *gres_p_get_devices(void)
{
	return gres_devices;
}

extern void gres_p_step_hardware_init(bitstr_t *usable, char *settings)
{
}

extern void gres_p_step_hardware_fini(void)
{
}

/*
 * slurmctld keeps each node's allocated bits for the node's epilog (and,
 * since 23.02, its prolog): the hooks are called prep there.
 */
static gres_prep_t *prep_build_env(gres_job_state_t *gres_js)
{
	gres_prep_t *ei = xmalloc(sizeof(*ei));
	uint32_t i;

	ei->node_cnt = gres_js->node_cnt;
	ei->gres_bit_alloc = xcalloc(ei->node_cnt, sizeof(bitstr_t *));
	for (i = 0; i < ei->node_cnt; i++)
		if (gres_js->gres_bit_alloc && gres_js->gres_bit_alloc[i])
			ei->gres_bit_alloc[i] =
				bit_copy(gres_js->gres_bit_alloc[i]);
	return ei;
}

static void prep_set_env(char ***env_ptr, gres_prep_t *ei, int node_inx)
{
	if (!ei || node_inx < 0 || node_inx >= (int) ei->node_cnt)
		return;
	set_env(env_ptr,
		ei->gres_bit_alloc ? ei->gres_bit_alloc[node_inx] : NULL);
}

#if DLH_SLURM_AT_LEAST(24, 11)
extern gres_prep_t *gres_p_prep_build_env(gres_job_state_t *gres_js)
{
	return prep_build_env(gres_js);
}

extern void gres_p_prep_set_env(char ***prep_env_ptr, gres_prep_t *gres_prep,
				int node_inx)
{
	prep_set_env(prep_env_ptr, gres_prep, node_inx);
}
#else
extern gres_prep_t *gres_p_epilog_build_env(gres_job_state_t *gres_js)
{
	return prep_build_env(gres_js);
}

extern void gres_p_epilog_set_env(char ***epilog_env_ptr, gres_prep_t *ei,
				  int node_inx)
{
	prep_set_env(epilog_env_ptr, ei, node_inx);
}

/* 22.05 asks every gres plugin for these; accel has nothing to add. */
extern int gres_p_get_job_info(gres_job_state_t *gres_js, uint32_t node_inx,
			       enum gres_job_data_type data_type, void *data)
{
	return EINVAL;
}

extern int gres_p_get_step_info(gres_step_state_t *gres_ss, uint32_t node_inx,
				enum gres_step_data_type data_type, void *data)
{
	return EINVAL;
}
#endif
