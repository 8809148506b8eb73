/*
 * map_cred: the node -> chip map of a job, signed by slurmctld with munge.
 *
 * slurmctld (the select plugin, running as SlurmUser) puts the map of a
 * --dl-hetero job into a munge credential at allocation; every step on
 * every node decodes it and plans only from a map that (1) munge vouches
 * for, (2) was encoded by SlurmUser and (3) names this job.  Anyone can
 * encode a munge credential, but munged writes the encoder's real uid
 * into it, so a user's forgery carries the user's uid; an altered
 * credential fails munge's MAC.  No Slurm dependency (libmunge only).
 */
#ifndef DLH_MAP_CRED_H
#define DLH_MAP_CRED_H

#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "dlh_log.h"

/* The payload's first line: what it is, and the job it belongs to. */
#define MAP_CRED_MAGIC "dlhetero-map/1"

/* Longest credential the jobs' environment carries (the kernel takes one
 * environment string of at most 128 KiB; leave room for the rest). */
#define MAP_CRED_MAX_LEN (64 * 1024)

/* "dlhetero-map/1 job=ID\nMAP" (malloc'd), NULL when out of memory. */
char *map_cred_payload(uint32_t job_id, const char *map);

/*
 * The map of a payload of len bytes that names job_id, malloc'd into
 * *map; -1 with why in err for anything else.
 */
int map_cred_payload_parse(const char *payload, size_t len, uint32_t job_id,
			   char **map, struct dlh_error *err);

/*
 * The socket of Slurm's AuthInfo ("socket=PATH" among its comma-separated
 * options) into buf, or "" for munge's default; -1 when it does not fit.
 */
int map_cred_socket(const char *authinfo, char *buf, size_t len);

/*
 * Encodes the map of job_id with munged at socket ("" or NULL: munge's
 * default), *cred malloc'd; -1 with why in err.
 */
int map_cred_sign(const char *socket, uint32_t job_id, const char *map,
		  char **cred, struct dlh_error *err);

/*
 * Decodes cred with munged at socket and returns the map it carries in
 * *map (malloc'd) when it was encoded by uid signer for job_id; -1 with
 * why in err (a forged, altered or foreign credential) otherwise.
 */
int map_cred_verify(const char *socket, const char *cred, uid_t signer,
		    uint32_t job_id, char **map, struct dlh_error *err);

/*
 * The decision of map_cred_verify() on what munge answered (munge's error
 * number e, 0 for success, and the encoder's uid): 0 to go on, -1 with why
 * in err.  Apart so that it is tested without munged.
 */
int map_cred_accept(int e, const char *munge_msg, uid_t uid, uid_t signer,
		    struct dlh_error *err);

#endif
