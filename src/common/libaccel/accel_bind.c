#include <stdlib.h>
#include <string.h>

#include "dlh_names.h"
#include "accel_bind.h"
#include "accel_env.h"

int accel_bind_parse_list(const char *s, int *out, size_t max, size_t *n)
{
	const char *p = s;
	char *end;
	long v;

	*n = 0;
	if (!s || !*s)
		return -1;
	while (*p) {
		if (*p < '0' || *p > '9' || *n == max)
			return -1;
		v = strtol(p, &end, 10);
		if (v > 65535 || (*end && *end != ','))
			return -1;
		out[(*n)++] = (int) v;
		if (*end == ',' && !end[1])
			return -1;
		p = *end ? end + 1 : end;
	}
	return 0;
}

/* --gpu-bind=per_task:N: task i gets devices [i*N, i*N+N), wrapping. */
static void per_task(const int *devs, size_t n, long k, int local_rank,
		     int *out, size_t *n_out)
{
	size_t i;

	if (k > (long) n)
		k = n;
	for (i = 0; i < (size_t) k; i++)
		out[i] = devs[((size_t) local_rank * k + i) % n];
	*n_out = k;
}

/* --gpu-bind=map_gpu:L: task i gets device L[i % len]; an id the step
 * does not hold binds to the first device, as Slurm does for GPUs. */
static int map_gpu(const int *devs, size_t n, const char *list, int local_rank,
		   int *out, size_t *n_out)
{
	int ids[ACCEL_BIND_MAX];
	size_t len, i;
	int want;

	if (accel_bind_parse_list(list, ids, ACCEL_BIND_MAX, &len))
		return -1;
	want = ids[(size_t) local_rank % len];
	out[0] = devs[0];
	for (i = 0; i < n; i++)
		if (devs[i] == want)
			out[0] = want;
	*n_out = 1;
	return 0;
}

int accel_bind_select(const int *devs, size_t n, const char *tres_bind,
		      int local_rank, int local_world, bool per_rank, int *out,
		      size_t *n_out)
{
	const char *req = tres_bind ? strstr(tres_bind, "gpu:") : NULL;
	char *end;
	long k;

	*n_out = 0;
	if (!n || n > ACCEL_BIND_MAX || local_rank < 0 || local_world < 1 ||
	    local_rank >= local_world)
		return -1;
	/* Slurm (23.02 and later) bound accel itself: devs is the share */
	if (tres_bind && strstr(tres_bind, "gres/" DLH_GRES_NAME ":"))
		return 0;
	if (req) {
		req += 4;
		if (!strncmp(req, "verbose,", 8))
			req += 8;
		if (!strncmp(req, "per_task:", 9)) {
			k = strtol(req + 9, &end, 10);
			if (k < 1 || (*end && *end != ','))
				return -1;
			per_task(devs, n, k, local_rank, out, n_out);
			return 1;
		}
		if (!strncmp(req, "map_gpu:", 8))
			return map_gpu(devs, n, req + 8, local_rank, out, n_out)
				       ? -1
				       : 1;
	}
	if (!per_rank)
		return 0;
	return accel_env_task_share(devs, n, local_rank, local_world, out,
				    n_out)
		       ? -1
		       : 1;
}
