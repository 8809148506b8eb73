/*
 * Job script context (the SPANK prolog and epilog, run as root by slurmd on
 * every node of a job before its first step there and after it ends).
 *
 * slurmctld's node -> chip map (DL_HETERO_MAP, recorded by the select
 * plugin at allocation) reaches the nodes only in the prolog's environment,
 * not in the tasks'.  The prolog stores it in a root-owned file,
 * <StateDir>/job-<id>.<node>.map, which the job's tasks can read but not
 * forge; the epilog removes it.  The node's name is in the file name so
 * that several slurmd on one host (and a node leaving a job) never touch
 * another node's copy.
 */
#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "dlh_names.h"
#include "spank_dlhetero.h"
#include "dlh_config.h"
#include "dlh_log.h"
#include "hetero_map.h"
#include "private_dir.h"

/* SLURM_JOB_ID from slurmd: digits only. */
static int job_id(unsigned long *id)
{
	const char *s = getenv("SLURM_JOB_ID");
	char *end;

	if (!s || !*s)
		return -1;
	*id = strtoul(s, &end, 10);
	return *end ? -1 : 0;
}

int dlh_state_path(const char *state_dir, unsigned long id, const char *node,
		   const char *ext, char *buf, size_t len)
{
	int n;
	const char *p;

	/* a node name from the environment becomes part of a path */
	for (p = node; p && *p; p++)
		if (!isalnum((unsigned char) *p) && !strchr("._-", *p))
			return -1;
	if (!node || !*node || p - node >= HETERO_MAP_NAME_LEN)
		return -1;
	n = snprintf(buf, len, "%s/job-%lu.%s.%s",
		     state_dir ? state_dir : DLH_DEFAULT_STATE_DIR, id, node,
		     ext);
	return (n < 0 || (size_t) n >= len) ? -1 : 0;
}

int dlh_map_path(const char *state_dir, unsigned long id, const char *node,
		 char *buf, size_t len)
{
	return dlh_state_path(state_dir, id, node, "map", buf, len);
}

/* A directory that only root can change, created if missing. */
static int root_dir(const char *dir)
{
	if ((mkdir(dir, 0755) && errno != EEXIST) ||
	    dlh_dir_owned(dir, 0, 022)) {
		slurm_error("dlhetero: %s must be a directory of root, not "
			    "writable by others",
			    dir);
		return -1;
	}
	return 0;
}

int dlh_job_script_prolog(spank_t sp)
{
	struct dlh_config *cfg;
	struct hetero_node *nodes;
	const char *map = getenv("SPANK_" DLH_VAR_HETERO_MAP);
	char path[1024];
	struct dlh_error err;
	unsigned long id;
	size_t n;

	if (!map)
		return 0; /* not a --dl-hetero job */
	if (job_id(&id)) {
		slurm_error("dlhetero: prolog: no job id in SLURM_JOB_ID; "
			    "the job's map is not stored");
		return 0;
	}
	if (hetero_map_parse(map, &nodes, &n, &err)) {
		slurm_error("dlhetero: prolog: ignoring the job's map: %s",
			    err.text);
		return 0;
	}
	free(nodes);
	cfg = dlh_config_load(dlh_conf_path, &err);
	if (!cfg)
		dlh_error("%s", err.text);
	if (dlh_map_path(cfg ? cfg->state_dir : NULL, id,
			 getenv("SLURMD_NODENAME"), path, sizeof(path)) ||
	    root_dir(cfg && cfg->state_dir ? cfg->state_dir
					   : DLH_DEFAULT_STATE_DIR)) {
		dlh_config_free(cfg);
		return 0;
	}
	dlh_config_free(cfg);
	/* several slurmd may share a host: written aside, renamed in place */
	if (dlh_file_replace(path, map, 0644))
		slurm_error("dlhetero: prolog: cannot write %s: %m", path);
	return 0; /* the job runs; its tasks are told why there is no plan */
}

int dlh_job_script_epilog(spank_t sp)
{
	struct dlh_config *cfg;
	struct dlh_error err;
	char path[1024];
	unsigned long id;

	if (!getenv("SPANK_" DLH_VAR_HETERO_MAP) || job_id(&id))
		return 0;
	cfg = dlh_config_load(dlh_conf_path, &err);
	if (!cfg)
		dlh_error("%s", err.text);
	if (!dlh_map_path(cfg ? cfg->state_dir : NULL, id,
			  getenv("SLURMD_NODENAME"), path, sizeof(path)))
		unlink(path);
	/* the resize watch's shared answer (resize_watch.c) */
	if (!dlh_state_path(cfg ? cfg->state_dir : NULL, id,
			    getenv("SLURMD_NODENAME"), "nodes", path,
			    sizeof(path)))
		unlink(path);
	dlh_config_free(cfg);
	return 0;
}
