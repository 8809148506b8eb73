/*
 * Option values of the dlhetero SPANK plugin and their checks.  Shared by
 * the allocator (where a bad value stops the submission) and the remote
 * context (where values are data from the user, never trusted blindly).
 */
#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "dlh_names.h"
#include "spank_dlhetero.h"
#include "plan.h"
#include "chip_catalog.h"
#include "dlh_paths.h"
#include "dlh_log.h"
#include "hetero_spec.h"
#include "model_catalog.h"

/*
 * The options state every context reads: what the user typed (set by
 * Slurm's option callbacks) and the plugin's conf= argument.
 */
struct dlh_opts dlh_opts;
char *dlh_conf_path;

/* Option values are bounded: they travel in environments and file names. */
#define DLH_OPT_MAX 256

static void spank_sink(enum dlh_log_level level, const char *msg)
{
	if (level == DLH_LOG_ERROR)
		slurm_error("dlhetero: %s", msg);
	else if (level == DLH_LOG_INFO)
		slurm_info("dlhetero: %s", msg);
	else
		slurm_debug("dlhetero: %s", msg);
}

void dlh_spank_log_init(void)
{
	dlh_log_set_sink(spank_sink);
}

static int set_str(char **dst, const char *arg, const char *opt)
{
	if (!arg || !*arg || strlen(arg) > DLH_OPT_MAX) {
		slurm_error("dlhetero: --%s needs a value of at most %d "
			    "characters",
			    opt, DLH_OPT_MAX);
		return -1;
	}
	free(*dst);
	*dst = strdup(arg);
	return *dst ? 0 : -1;
}

int dlh_opts_set(struct dlh_opts *o, int val, const char *arg, int remote)
{
	switch (val) {
	case DLH_OPT_HETERO:
		o->hetero = true;
		free(o->spec);
		o->spec = NULL;
		if (arg && *arg)
			return set_str(&o->spec, arg, "dl-hetero");
		return 0;
	case DLH_OPT_MODEL:
		return set_str(&o->model, arg, "dl-model");
	case DLH_OPT_MODE:
		return set_str(&o->mode, arg, "dl-mode");
	case DLH_OPT_GLOBAL_BATCH:
		return set_str(&o->global_batch, arg, "dl-global-batch");
	case DLH_OPT_SEQ_LEN:
		return set_str(&o->seq_len, arg, "dl-seq-len");
	case DLH_OPT_ON_FAILURE:
		return set_str(&o->on_failure, arg, "dl-on-failure");
	case DLH_OPT_CKPT_DIR:
		return set_str(&o->ckpt_dir, arg, "dl-checkpoint-dir");
	case DLH_OPT_PART_OF:
		return set_str(&o->part_of, arg, "dl-part-of");
	}
	return -1;
}

void dlh_opts_clear(struct dlh_opts *o)
{
	free(o->spec);
	free(o->model);
	free(o->mode);
	free(o->global_batch);
	free(o->seq_len);
	free(o->on_failure);
	free(o->ckpt_dir);
	free(o->part_of);
	memset(o, 0, sizeof(*o));
}

int dlh_plugin_args(int ac, char **av)
{
	int i;

	for (i = 0; i < ac; i++) {
		if (!strncmp(av[i], "conf=", 5)) {
			free(dlh_conf_path);
			dlh_conf_path = strdup(av[i] + 5);
		} else {
			slurm_error("dlhetero: unknown plugstack.conf argument "
				    "\"%s\" (known: conf=PATH)",
				    av[i]);
			return -1;
		}
	}
	return 0;
}

static int check_count(const char *val, const char *opt, long max)
{
	char *end;
	long n;

	if (!val)
		return 0;
	errno = 0;
	n = strtol(val, &end, 10);
	if (errno || *end || end == val || n < 1 || n > max) {
		slurm_error("dlhetero: --%s=%s: want a whole number in 1..%ld",
			    opt, val, max);
		return -1;
	}
	return 0;
}

static int check_model(const char *name, const char *path)
{
	struct model_catalog *models;
	struct dlh_error err;
	char *names;
	int rc = 0;

	if (!name)
		return 0;
	models = model_catalog_load(path, &err);
	if (!models) {
		dlh_error("%s", err.text);
		slurm_error("dlhetero: --dl-model: cannot read the model "
			    "catalog %s",
			    path);
		return -1;
	}
	if (!model_catalog_find(models, name)) {
		names = model_catalog_names(models);
		slurm_error("dlhetero: --dl-model: unknown model \"%s\"; "
			    "valid models: %s",
			    name, names ? names : "");
		free(names);
		rc = -1;
	}
	model_catalog_free(models);
	return rc;
}

/* An absolute path of printable characters, without "..". */
static int check_path(const char *path, const char *opt)
{
	const char *p;

	if (!path)
		return 0;
	for (p = path; *p; p++)
		if (!isprint((unsigned char) *p))
			break;
	if (path[0] != '/' || *p || strstr(path, "/..")) {
		slurm_error("dlhetero: --%s=%s: want an absolute path without "
			    "\"..\"",
			    opt, path);
		return -1;
	}
	return 0;
}

/* --dl-on-failure, --dl-checkpoint-dir */
static int check_failure_opts(const struct dlh_opts *o)
{
	if (o->on_failure && strcmp(o->on_failure, "requeue") &&
	    strcmp(o->on_failure, "continue")) {
		slurm_error("dlhetero: --dl-on-failure=%s: want requeue or "
			    "continue",
			    o->on_failure);
		return -1;
	}
	return check_path(o->ckpt_dir, "dl-checkpoint-dir");
}

/* --dl-model, --dl-mode, --dl-global-batch, --dl-seq-len */
static int check_plan_opts(const struct dlh_opts *o)
{
	struct dlh_config *cfg;
	struct dlh_error err;
	int rc;

	if (o->mode && strcmp(o->mode, "train") && strcmp(o->mode, "infer")) {
		slurm_error("dlhetero: --dl-mode=%s: want train or infer",
			    o->mode);
		return -1;
	}
	if (check_count(o->global_batch, "dl-global-batch",
			PLAN_MAX_GLOBAL_BATCH) ||
	    check_count(o->seq_len, "dl-seq-len", PLAN_MAX_SEQ_LEN))
		return -1;
	if (!o->model)
		return 0;
	cfg = dlh_config_load(dlh_conf_path, &err);
	if (!cfg)
		dlh_error("%s", err.text);
	rc = check_model(o->model, dlh_config_model_catalog(cfg));
	dlh_config_free(cfg);
	return rc;
}

int dlh_opts_check(const struct dlh_opts *o, char **canon)
{
	struct dlh_config *cfg;
	struct chip_catalog *chips = NULL;
	struct hetero_spec spec;
	struct dlh_error err;
	char buf[1024];
	int rc = -1;

	*canon = NULL;
	if (!o->hetero) {
		/* srun inside a --dl-hetero job may re-plan its own step */
		if (getenv("SLURM_SPANK_" DLH_VAR_HETERO))
			return check_plan_opts(o);
		if (o->model || o->mode || o->global_batch || o->seq_len ||
		    o->on_failure || o->ckpt_dir || o->part_of) {
			slurm_error("dlhetero: --dl-model, --dl-mode, "
				    "--dl-global-batch, --dl-seq-len, "
				    "--dl-on-failure, --dl-checkpoint-dir and "
				    "--dl-part-of "
				    "need --dl-hetero");
			return -1;
		}
		return 0;
	}
	/*
	 * A bare --dl-hetero (or =auto) takes its total from the job's task
	 * count, one rank per accelerator: job_submit/dlhetero knows it.
	 */
	if (check_failure_opts(o) ||
	    check_count(o->part_of, "dl-part-of", 4294967295L))
		return -1;
	if (!o->spec || !strcmp(o->spec, "auto")) {
		if (check_plan_opts(o))
			return -1;
		*canon = strdup("auto");
		return *canon ? 0 : -1;
	}
	if (hetero_spec_parse(o->spec, &spec, &err)) {
		slurm_error("dlhetero: --dl-hetero=%s: %s; want "
			    "TYPE:N[,TYPE:N...], auto:N or auto:N:TYPE+TYPE",
			    o->spec, err.text);
		return -1;
	}
	if (check_plan_opts(o))
		return -1;

	cfg = dlh_config_load(dlh_conf_path, &err);
	if (!cfg)
		dlh_error("%s", err.text);
	chips = chip_catalog_load(dlh_config_chip_catalog(cfg), &err);
	if (!chips) {
		dlh_error("%s", err.text);
		slurm_error("dlhetero: --dl-hetero: cannot read the chip "
			    "catalog %s",
			    dlh_config_chip_catalog(cfg));
		goto out;
	}
	if (chip_catalog_check_spec(chips, &spec, &err)) {
		slurm_error("dlhetero: --dl-hetero: %s", err.text);
		goto out;
	}
	if (hetero_spec_format(&spec, buf, sizeof(buf)) < 0)
		goto out;
	*canon = strdup(buf);
	rc = *canon ? 0 : -1;
out:
	chip_catalog_free(chips);
	dlh_config_free(cfg);
	return rc;
}
