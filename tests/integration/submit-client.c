/*
 * A Slurm client linked with the public libslurm only (as pyslurm-based
 * tools and site portals are): submits one batch job and prints its id.
 * libslurm loads the configured select plugin to pack the request, so this
 * fails with "Can't find plugin" when a select plugin needs a symbol that
 * only slurmctld defines.
 *
 *   submit-client SCRIPT-TEXT [DL_HETERO-SPEC]
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <slurm/slurm.h>
#include <slurm/slurm_errno.h>

extern char **environ;

int main(int argc, char **argv)
{
	job_desc_msg_t desc;
	submit_response_msg_t *resp = NULL;
	char *env[] = { "PATH=/usr/bin:/bin", NULL };
	char spec[256], *spank_env[] = { spec, NULL };
	char cwd[4096];

	if (argc < 2) {
		fprintf(stderr, "usage: %s SCRIPT-TEXT [DL_HETERO-SPEC]\n",
			argv[0]);
		return 2;
	}
	slurm_init(NULL);
	slurm_init_job_desc_msg(&desc);
	desc.name = "libslurm-client";
	desc.script = argv[1];
	desc.min_nodes = 1;
	desc.user_id = getuid();
	desc.group_id = getgid();
	desc.work_dir = getcwd(cwd, sizeof(cwd)) ? cwd : "/tmp";
	desc.std_out = "/dev/null";
	desc.environment = env;
	desc.env_size = 1;
	if (argc > 2) {
		/* what the SPANK plugin's allocator side would add */
		snprintf(spec, sizeof(spec), "DL_HETERO=%s", argv[2]);
		desc.spank_job_env = spank_env;
		desc.spank_job_env_size = 1;
		desc.num_tasks = 1;
	}
	if (slurm_submit_batch_job(&desc, &resp) || !resp) {
		fprintf(stderr, "submit-client: %s\n",
			slurm_strerror(errno));
		return 1;
	}
#if SLURM_VERSION_NUMBER >= SLURM_VERSION_NUM(26, 5, 0)
	printf("%u\n", resp->step_id.job_id);
#else
	printf("%u\n", resp->job_id);
#endif
	slurm_free_submit_response_response_msg(resp);
	slurm_fini();
	return 0;
}
