/* The peer watch: a dead node of a --dl-hetero job set DOWN in seconds. */
#ifndef DLH_PEER_WATCH_H
#define DLH_PEER_WATCH_H

#include <stdint.h>

struct dlh_config;

/* DeadPeerChecks and ResizeCheckInterval; forgets the last peer. */
void peer_watch_configure(const struct dlh_config *cfg);

/*
 * One check of the node after self in job_nodes (the job's node list, as
 * slurmctld gave it this interval): see peer_watch.c for the rule.
 */
void peer_watch_check(uint32_t job_id, const char *self, const char *job_nodes);

#endif
