/*
 * A Slurm client linked with the public libslurm only (as pyslurm-based
 * tools and site portals are): submits one batch job and prints its id.
 * libslurm loads the configured select plugin to pack the request, so this
 * fails with "Can't find plugin" when a select plugin needs a symbol that
 * only slurmctld defines.
 *
 *   submit-client SCRIPT-TEXT [DL_HETERO-SPEC [spank:NAME=VALUE|env:NAME=VALUE...]]
 *
 * spank: and env: entries go into the request's spank environment and the
 * batch script's environment as given: what any client can send
 * (tests/integration/25-map-signed.t).  $DLH_CLIENT_OUT: the job's output
 * file (default /dev/null).
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
	char *env[16] = { "PATH=/usr/bin:/bin", NULL };
	char spec[256], *spank_env[16] = { spec, NULL };
	char cwd[4096];
	int i, n_env = 1, n_spank = 1;

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
	desc.std_out = getenv("DLH_CLIENT_OUT") ? getenv("DLH_CLIENT_OUT")
						: "/dev/null";
	for (i = 3; i < argc && n_env < 15 && n_spank < 15; i++) {
		if (!strncmp(argv[i], "spank:", 6))
			spank_env[n_spank++] = argv[i] + 6;
		else if (!strncmp(argv[i], "env:", 4))
			env[n_env++] = argv[i] + 4;
	}
	desc.environment = env;
	desc.env_size = n_env;
	if (argc > 2) {
		/* what the SPANK plugin's allocator side would add */
		snprintf(spec, sizeof(spec), "DL_HETERO=%s", argv[2]);
		desc.spank_job_env = spank_env;
		desc.spank_job_env_size = n_spank;
		desc.num_tasks = 1;
	}
	if (slurm_submit_batch_job(&desc, &resp) || !resp) {
		fprintf(stderr, "submit-client: %s\n", slurm_strerror(errno));
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
