/*
 * rendezvous: how the ranks of a step find each other and talk.
 * No Slurm dependency.
 */
#ifndef DLH_RENDEZVOUS_H
#define DLH_RENDEZVOUS_H

#include <stddef.h>
#include <stdint.h>

/* The MASTER_PORT range: above torchrun's 29500 default and below Linux's
 * default ephemeral range (32768-60999), so no client socket sits on it. */
#define DLH_PORT_BASE 29600
#define DLH_PORT_SPAN 3000

/*
 * MASTER_PORT of a step: the same on every node (computed from the cluster
 * name and the ids, no communication), different for concurrent steps of
 * a job and, very likely, for jobs sharing a node, also jobs of two
 * clusters whose job ids repeat (test clusters on one host).  cluster may
 * be NULL.
 */
uint16_t dlh_master_port(const char *cluster, uint32_t job_id,
			 uint32_t step_id);

/*
 * The TCP interface for collective libraries: the first interface that is
 * up, not loopback and has an IPv4 address, else "lo".
 */
int dlh_tcp_ifname(char *buf, size_t len);

/*
 * RDMA devices (such as mlx5_0), comma separated and sorted, as listed in
 * class_dir (NULL: DLH_RDMA_CLASS_DIR, whose absence means none).  Empty
 * when there is none.  Returns 0, or -1 when class_dir cannot be read.
 */
#define DLH_RDMA_CLASS_DIR "/sys/class/infiniband"
int dlh_rdma_devices(const char *class_dir, char *buf, size_t len);

#endif
