/*
 * Remote context (slurmstepd on every node of the job): give each task of a
 * --dl-hetero job its rank, its rendezvous point, the communication settings
 * of its chip and the parallel plan.
 *
 * slurmstepd runs as root, but user_init and task_init run as the job's
 * user, so every file written here belongs to the user.  Everything read
 * from the job's environment was set or could have been changed by the
 * user: it is parsed as data and bounded, never used as a path.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "dlh_names.h"
#include "dlh_config.h"
#include "dlh_log.h"
#include "hetero_map.h"
#include "hetero_spec.h"

#include <slurm/slurm.h>

#include "spank_dlhetero.h"
#include "accel_bind.h"
#include "chip_catalog.h"
#include "dlh_paths.h"
#include "job_plan.h"
#include "resize_watch.h"
#include "rendezvous.h"

/*
 * The remote context's state, one per step (slurmstepd), read once in
 * user_init (before slurmstepd forks the tasks, so every task inherits
 * it): the chip catalog, this node's network and the job's checkpoint
 * folder.
 */
static struct {
	struct chip_catalog *chips;
	char tcp_ifname[64];
	char rdma_devices[512];
	char ckpt_dir[1024];
} remote;

/* A --dl-hetero job: the option came with this step, or the job has it. */
static bool is_hetero_job(spank_t sp)
{
	char buf[HETERO_SPEC_MAX_LEN + 1];

	if (dlh_opts.hetero)
		return true;
	return spank_getenv(sp, "SLURM_SPANK_" DLH_VAR_HETERO, buf,
			    sizeof(buf)) == ESPANK_SUCCESS;
}

static int set_u32(spank_t sp, const char *name, uint32_t val)
{
	char buf[16];

	snprintf(buf, sizeof(buf), "%u", val);
	return spank_setenv(sp, name, buf, 1) == ESPANK_SUCCESS ? 0 : -1;
}

/*
 * MASTER_ADDR is the first node of the step, as DIPU's own Slurm helper and
 * torchrun users expect.
 */
static int set_master_addr(spank_t sp)
{
	char first[HETERO_MAP_NAME_LEN];

	if (dlh_step_host(sp, 0, first, sizeof(first)))
		return -1;
	return spank_setenv(sp, "MASTER_ADDR", first, 1) == ESPANK_SUCCESS ? 0
									   : -1;
}

/*
 * The collective library of this task's chip talks over the node's TCP
 * interface; chips of different vendors talk over RDMA when the node has
 * RDMA NICs (DLSlime, FlagCX), else over TCP.  Values the user set
 * already are kept: they know their network better.
 */
static int set_transport(spank_t sp)
{
	char type[64];
	const struct chip_type *chip = NULL;
	const char *transport = remote.rdma_devices[0] ? "rdma" : "tcp";

	if (remote.chips &&
	    !spank_getenv(sp, DLH_VAR_CHIP_TYPE, type, sizeof(type)))
		chip = chip_catalog_find(remote.chips, type);
	if (chip && chip->ccl_ifname_env)
		spank_setenv(sp, chip->ccl_ifname_env, remote.tcp_ifname, 0);
	spank_setenv(sp, "GLOO_SOCKET_IFNAME", remote.tcp_ifname, 0);
	spank_setenv(sp, DLH_VAR_TRANSPORT, transport, 1);
	if (remote.rdma_devices[0]) {
		spank_setenv(sp, "SLIME_VISIBLE_DEVICES", remote.rdma_devices,
			     0);
		spank_setenv(sp, "FLAGCX_IB_HCA", remote.rdma_devices, 0);
	} else {
		spank_setenv(sp, "FLAGCX_SOCKET_IFNAME", remote.tcp_ifname, 0);
	}
	return 0;
}

/*
 * The job's checkpoint folder, the same after every requeue: the user's
 * --dl-checkpoint-dir, else <submit dir>/dlhetero-ckpt/<job id>.  Made
 * here, as the job's user, so it exists before the first task starts.
 */
static void make_ckpt_dir(spank_t sp, uint32_t job_id)
{
	char base[900], *p;

	remote.ckpt_dir[0] = '\0';
	if (dlh_opts.ckpt_dir)
		snprintf(remote.ckpt_dir, sizeof(remote.ckpt_dir), "%s",
			 dlh_opts.ckpt_dir);
	else if (!dlh_job_var(sp, DLH_VAR_CHECKPOINT_DIR, base, sizeof(base)))
		snprintf(remote.ckpt_dir, sizeof(remote.ckpt_dir), "%s", base);
	else if (!spank_getenv(sp, "SLURM_SUBMIT_DIR", base, sizeof(base)))
		/* a part of a grown job: its main job's folder */
		snprintf(remote.ckpt_dir, sizeof(remote.ckpt_dir),
			 "%s/dlhetero-ckpt/%u", base,
			 job_plan_watch_job() ? job_plan_watch_job() : job_id);
	if (remote.ckpt_dir[0] != '/') {
		remote.ckpt_dir[0] = '\0';
		return;
	}
	for (p = remote.ckpt_dir + 1; *p; p++) {
		if (*p != '/')
			continue;
		*p = '\0';
		mkdir(remote.ckpt_dir, 0700);
		*p = '/';
	}
	mkdir(remote.ckpt_dir, 0700);
}

/* DL_RESTART_COUNT: how often Slurm has requeued the job (0 at first). */
static int set_restart_vars(spank_t sp)
{
	char count[16];

	if (spank_getenv(sp, "SLURM_RESTART_COUNT", count, sizeof(count)) ||
	    !count[0] || strspn(count, "0123456789") != strlen(count))
		strcpy(count, "0");
	spank_setenv(sp, DLH_VAR_RESTART_COUNT, count, 1);
	if (remote.ckpt_dir[0])
		spank_setenv(sp, DLH_VAR_CHECKPOINT_DIR, remote.ckpt_dir, 1);
	return 0;
}

void dlh_remote_exit(void)
{
	chip_catalog_free(remote.chips);
	remote.chips = NULL;
}

int dlh_remote_user_init(spank_t sp)
{
	struct dlh_config *cfg;
	struct dlh_error err;
	uint32_t job_id;

	if (!is_hetero_job(sp))
		return 0;
	cfg = dlh_config_load(dlh_conf_path, &err);
	if (!cfg)
		dlh_error("%s", err.text);
	remote.chips = chip_catalog_load(dlh_config_chip_catalog(cfg), &err);
	if (!remote.chips)
		dlh_error("%s", err.text);
	dlh_tcp_ifname(remote.tcp_ifname, sizeof(remote.tcp_ifname));
	if (dlh_rdma_devices(NULL, remote.rdma_devices,
			     sizeof(remote.rdma_devices)))
		remote.rdma_devices[0] = '\0';
	job_plan_write(sp, remote.chips, cfg);
	if (!spank_get_item(sp, S_JOB_ID, &job_id)) {
		resize_watch_configure(job_id, remote.chips, cfg);
		make_ckpt_dir(sp, job_id);
	}
	dlh_config_free(cfg);
	return 0;
}

/*
 * A task's share of the node's devices, in every visible-devices variable
 * of its chip (gres/accel wrote the step's whole list there): one device
 * per rank for --dl-hetero jobs, and what --gpu-bind=per_task:N or
 * map_gpu:... asks for on any job (Slurm 22.05 binds only gres "gpu").
 */
static int bind_devices(spank_t sp, int local_rank, uint32_t local_world,
			bool per_rank)
{
	const struct chip_type *chip;
	char type[64], list[1024], bind[256], out[1024];
	int devs[ACCEL_BIND_MAX], mine[ACCEL_BIND_MAX];
	size_t n, n_mine, i, used = 0;

	if (!remote.chips ||
	    spank_getenv(sp, DLH_VAR_CHIP_TYPE, type, sizeof(type)) ||
	    !(chip = chip_catalog_find(remote.chips, type)) ||
	    !chip->n_visible_env ||
	    spank_getenv(sp, chip->visible_env[0], list, sizeof(list)) ||
	    accel_bind_parse_list(list, devs, ACCEL_BIND_MAX, &n))
		return 0; /* no accelerator, or several types here */
	if (spank_getenv(sp, "SLURMD_TRES_BIND", bind, sizeof(bind)))
		bind[0] = '\0';
	if (accel_bind_select(devs, n, bind, local_rank, local_world, per_rank,
			      mine, &n_mine) != 1)
		return 0;
	out[0] = '\0';
	for (i = 0; i < n_mine; i++)
		used += snprintf(out + used, sizeof(out) - used, "%s%d",
				 i ? "," : "", mine[i]);
	for (i = 0; i < chip->n_visible_env; i++)
		spank_setenv(sp, chip->visible_env[i], out, 1);
	return 0;
}

/*
 * --dl-on-failure=continue keeps the job (sbatch --no-kill), but a node
 * failure still kills every task of a step not started with srun
 * --no-kill; SLURM_NO_KILL gives that to the batch script's steps, unless
 * the user chose otherwise.  Only for a job of one chip type: a step that
 * holds two types of one gres and outlives a node crashes slurmctld
 * (Slurm 22.05 to 26.05 rebuild the step's per-type device arrays into one
 * shared array, freed twice when the step ends; doc/slurm-releases.md).
 * A mixed job's running step ends with the node, the job goes on, and its
 * next step is planned for the nodes left.
 */
static bool keep_steps_on_node_loss(spank_t sp)
{
	char val[HETERO_SPEC_MAX_LEN];
	struct hetero_spec spec;

	return !dlh_job_var(sp, DLH_VAR_ON_FAILURE, val, sizeof(val)) &&
	       !strcmp(val, "continue") &&
	       spank_getenv(sp, "SLURM_NO_KILL", val, sizeof(val)) ==
		       ESPANK_ENV_NOEXIST &&
	       !dlh_job_var(sp, DLH_VAR_HETERO, val, sizeof(val)) &&
	       !hetero_spec_parse(val, &spec, NULL) &&
	       hetero_spec_one_type(&spec);
}

/*
 * A part of a grown job (dlhetero-grow) runs the ranks after its main
 * job's: the rank, world and rendezvous are the plan's, not Slurm's
 * numbering of this job's tasks.
 */
static int set_grown_rank(spank_t sp, int local_rank)
{
	uint32_t rank, world;
	unsigned port;
	const char *first;

	if (job_plan_rank(local_rank, &rank, &world, &port, &first))
		return 0;
	return (set_u32(sp, "RANK", rank) || set_u32(sp, "WORLD_SIZE", world) ||
		set_u32(sp, "MASTER_PORT", port) ||
		spank_setenv(sp, "MASTER_ADDR", first, 1) != ESPANK_SUCCESS)
		       ? -1
		       : 0;
}

/* Rank variables for --dl-hetero jobs; device binding for every job. */
int dlh_remote_task_init(spank_t sp)
{
	uint32_t job_id, step_id, rank, world, node_rank, local_world;
	int local_rank;
	char type[16], cluster[128];
	struct dlh_error err;

	if (!is_hetero_job(sp)) {
		/* SLURMD_TRES_BIND is only in the task's environment: the
		 * catalog is read here, only for steps that ask to bind */
		if (spank_getenv(sp, "SLURMD_TRES_BIND", type, sizeof(type)) ==
			    ESPANK_ENV_NOEXIST ||
		    spank_get_item(sp, S_TASK_ID, &local_rank) ||
		    spank_get_item(sp, S_JOB_LOCAL_TASK_COUNT, &local_world))
			return 0;
		if (!remote.chips) {
			remote.chips =
				dlh_load_chip_catalog(dlh_conf_path, &err);
			if (!remote.chips)
				dlh_error("%s", err.text);
		}
		return bind_devices(sp, local_rank, local_world, false);
	}
	if (spank_get_item(sp, S_JOB_ID, &job_id) ||
	    spank_get_item(sp, S_JOB_STEPID, &step_id) ||
	    spank_get_item(sp, S_TASK_GLOBAL_ID, &rank) ||
	    spank_get_item(sp, S_JOB_TOTAL_TASK_COUNT, &world) ||
	    spank_get_item(sp, S_TASK_ID, &local_rank) ||
	    spank_get_item(sp, S_JOB_LOCAL_TASK_COUNT, &local_world) ||
	    spank_get_item(sp, S_JOB_NODEID, &node_rank)) {
		slurm_error("dlhetero: cannot read the task's ids");
		return -1;
	}
	if (dlh_cluster_name(cluster, sizeof(cluster)))
		cluster[0] = '\0';
	if (set_u32(sp, "RANK", rank) || set_u32(sp, "WORLD_SIZE", world) ||
	    set_u32(sp, "LOCAL_RANK", (uint32_t) local_rank) ||
	    set_u32(sp, "LOCAL_WORLD_SIZE", local_world) ||
	    set_u32(sp, "NODE_RANK", node_rank) ||
	    set_u32(sp, "MASTER_PORT",
		    dlh_master_port(cluster, job_id, step_id)) ||
	    set_master_addr(sp) || set_grown_rank(sp, local_rank)) {
		slurm_error("dlhetero: cannot set the rank variables");
		return -1;
	}
	/*
	 * The batch script inherits the job's per-job gres request (the
	 * whole mix, from job_submit/dlhetero) as SLURM_TRES_PER_JOB, which
	 * srun would turn into an impossible request for a step on part of
	 * the allocation; without it a step gets the job's gres on its nodes.
	 */
	if (step_id == SLURM_BATCH_SCRIPT)
		spank_unsetenv(sp, "SLURM_TRES_PER_JOB");
	if (step_id == SLURM_BATCH_SCRIPT && keep_steps_on_node_loss(sp))
		spank_setenv(sp, "SLURM_NO_KILL", "set", 0);
	if (bind_devices(sp, local_rank, local_world, true) ||
	    set_transport(sp) || set_restart_vars(sp) || job_plan_setenv(sp))
		return -1;
	resize_watch_setenv(sp);
	return 0;
}
