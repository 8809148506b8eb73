/*
 * accel_bind: which of a node's allocated devices one task keeps.
 *
 * Slurm 22.05 binds tasks to devices (--gpu-bind) only for gres "gpu", so
 * the SPANK plugin applies the same requests to "accel" devices itself.
 * Since 23.02 --tres-bind=gres/accel:... binds any gres: Slurm then hands
 * each task its share and the request is left to it.
 * No Slurm dependency.
 */
#ifndef DLH_ACCEL_BIND_H
#define DLH_ACCEL_BIND_H

#include <stdbool.h>
#include <stddef.h>

#define ACCEL_BIND_MAX 256 /* devices per node considered */

/*
 * devs[0..n) are the vendor indexes the step holds on the node, in order.
 * tres_bind is SLURMD_TRES_BIND ("gpu:per_task:2", "gpu:map_gpu:0,2";
 * "gres/gpu:..." since 23.02), NULL or unsupported: then, when per_rank is
 * set (a --dl-hetero job), the task gets its even share by local rank,
 * otherwise nothing is chosen.  When it binds "gres/accel:", Slurm chose
 * the task's devices (devs already is its share): returns 0.
 * Returns 1 with the task's devices in out/n_out, 0 when the task keeps
 * all of them, -1 on bad input.
 */
int accel_bind_select(const int *devs, size_t n, const char *tres_bind,
		      int local_rank, int local_world, bool per_rank, int *out,
		      size_t *n_out);

/* "0,3,5" -> {0,3,5}; at most max entries of 0..65535.  -1 if malformed. */
int accel_bind_parse_list(const char *s, int *out, size_t max, size_t *n);

#endif
