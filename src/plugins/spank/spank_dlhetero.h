/* Shared state of the dlhetero SPANK plugin's context files. */
#ifndef DLH_SPANK_DLHETERO_H
#define DLH_SPANK_DLHETERO_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <slurm/slurm.h>
#include <slurm/spank.h>

/* Longest environment value read from a step (a node list) */
#define DLH_ENV_MAX 65536

enum dlh_opt {
	DLH_OPT_HETERO = 1,
	DLH_OPT_MODEL,
	DLH_OPT_MODE,
	DLH_OPT_GLOBAL_BATCH,
	DLH_OPT_SEQ_LEN,
	DLH_OPT_ON_FAILURE,
	DLH_OPT_CKPT_DIR,
	DLH_OPT_PART_OF,
};

/* Option values as the user typed them; checked in dlh_opts_check(). */
struct dlh_opts {
	bool hetero; /* --dl-hetero given */
	char *spec;  /* its SPEC, NULL means "auto" */
	char *model;
	char *mode;
	char *global_batch;
	char *seq_len;
	char *on_failure; /* requeue (default) or continue */
	char *ckpt_dir;
	char *part_of; /* dlhetero-grow: the job this one extends */
};

extern struct dlh_opts dlh_opts;
/* dlhetero.conf given as "conf=PATH" in plugstack.conf, or NULL */
extern char *dlh_conf_path;

int dlh_opts_set(struct dlh_opts *o, int val, const char *arg, int remote);
void dlh_opts_clear(struct dlh_opts *o);
int dlh_plugin_args(int ac, char **av);
void dlh_spank_log_init(void);

/*
 * Check the options against the catalogs.  On success fills *canon with
 * the canonical SPEC (malloc'd) and returns 0; otherwise prints a message
 * that lists the valid values and returns -1.
 */
int dlh_opts_check(const struct dlh_opts *o, char **canon);

int dlh_allocator_post_opt(spank_t sp);
int dlh_remote_user_init(spank_t sp);
/* spank_env.c: a job variable set with spank_job_control_setenv() at
 * submission: 0 and its value in buf, or -1. */
int dlh_job_var(spank_t sp, const char *name, char *buf, size_t len);
/* spank_env.c: host k of the step's node list (the job's when the step has
 * none) in buf: 0, or -1. */
int dlh_step_host(spank_t sp, uint32_t k, char *buf, size_t len);
int dlh_remote_task_init(spank_t sp);
void dlh_remote_exit(void);

/*
 * spank_env.c, remote context only: slurmstepd's own configuration (the
 * slurm_conf of the libslurmfull it runs on: SlurmUser, AuthInfo,
 * ClusterName), or NULL elsewhere.
 */
const slurm_conf_t *dlh_stepd_conf(void);
/* spank_env.c: s is a plain file name component: [A-Za-z0-9._-], not
 * empty, no leading '.' (a node or cluster name in a path). */
bool dlh_plain_name(const char *s);
/*
 * spank_env.c: a job's node list ("" when it has none) and admin comment
 * ("" when none) from slurmctld, malloc'd, in one job-info request: 0, or
 * -1 (errno as Slurm set it).
 */
int dlh_job_record(uint32_t job_id, char **nodes, char **comment);
/* spank_env.c: ClusterName as a file name component into buf: 0, or -1. */
int dlh_cluster_name(char *buf, size_t len);

#endif
