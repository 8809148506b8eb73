/*
 * The signed node -> chip map: see map_cred.h.
 */
#define _GNU_SOURCE
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <munge.h>

#include "map_cred.h"

char *map_cred_payload(uint32_t job_id, const char *map)
{
	char *s;

	if (asprintf(&s, MAP_CRED_MAGIC " job=%" PRIu32 "\n%s", job_id,
		     map ? map : "") < 0)
		return NULL;
	return s;
}

int map_cred_payload_parse(const char *payload, size_t len, uint32_t job_id,
			   char **map, struct dlh_error *err)
{
	char head[64];
	int n;

	*map = NULL;
	n = snprintf(head, sizeof(head), MAP_CRED_MAGIC " job=%" PRIu32 "\n",
		     job_id);
	if (!payload || len < sizeof(MAP_CRED_MAGIC) ||
	    strncmp(payload, MAP_CRED_MAGIC " ", sizeof(MAP_CRED_MAGIC)))
		return dlh_err(err, "the credential carries no dlhetero map");
	if (len < (size_t) n || strncmp(payload, head, n))
		return dlh_err(err, "the signed map belongs to another job");
	if (memchr(payload, '\0', len))
		return dlh_err(err, "the signed map holds a NUL byte");
	if (!(*map = strndup(payload + n, len - n)))
		return dlh_err(err, "out of memory");
	return 0;
}

int map_cred_socket(const char *authinfo, char *buf, size_t len)
{
	const char *p = authinfo, *end;
	size_t n;

	buf[0] = '\0';
	while (p && *p) {
		end = strchrnul(p, ',');
		if (!strncmp(p, "socket=", 7)) {
			n = end - p - 7;
			if (n >= len)
				return -1;
			memcpy(buf, p + 7, n);
			buf[n] = '\0';
			return 0;
		}
		p = *end ? end + 1 : end;
	}
	return 0;
}

static munge_ctx_t context(const char *socket, struct dlh_error *err)
{
	munge_ctx_t ctx = munge_ctx_create();

	if (!ctx) {
		dlh_err(err, "munge: out of memory");
		return NULL;
	}
	if (socket && *socket &&
	    munge_ctx_set(ctx, MUNGE_OPT_SOCKET, socket) != EMUNGE_SUCCESS) {
		dlh_err(err, "munge: socket %s: %s", socket,
			munge_ctx_strerror(ctx));
		munge_ctx_destroy(ctx);
		return NULL;
	}
	return ctx;
}

int map_cred_sign(const char *socket, uint32_t job_id, const char *map,
		  char **cred, struct dlh_error *err)
{
	char *payload = map_cred_payload(job_id, map);
	munge_ctx_t ctx;
	munge_err_t e;
	int rc = -1;

	*cred = NULL;
	if (!payload)
		return dlh_err(err, "out of memory");
	if ((ctx = context(socket, err))) {
		e = munge_encode(cred, ctx, payload, strlen(payload));
		if (e != EMUNGE_SUCCESS)
			dlh_err(err, "munge_encode: %s", munge_strerror(e));
		else
			rc = 0;
		munge_ctx_destroy(ctx);
	}
	free(payload);
	return rc;
}

/*
 * Expired and replayed credentials are accepted, and only here: the map's
 * credential is a statement by slurmctld that stays true for the whole
 * allocation (hours or days after it was made, past any munge TTL), and
 * every step on every node decodes the same one, so all but the first
 * decode on a host are replays by design.  Neither weakens it: munge has
 * still checked the MAC and tells the encoder's uid, and the payload names
 * its job, so an old or copied credential can only repeat what slurmctld
 * said about this job.  Every other munge error refuses the map.
 */
int map_cred_accept(int e, const char *munge_msg, uid_t uid, uid_t signer,
		    struct dlh_error *err)
{
	if (e != EMUNGE_SUCCESS && e != EMUNGE_CRED_EXPIRED &&
	    e != EMUNGE_CRED_REPLAYED)
		return dlh_err(err, "munge refuses the map's credential: %s",
			       munge_msg ? munge_msg : "?");
	if (uid != signer)
		return dlh_err(err,
			       "the map was signed by uid %u, not by SlurmUser "
			       "(uid %u): a forged map",
			       (unsigned) uid, (unsigned) signer);
	return 0;
}

int map_cred_verify(const char *socket, const char *cred, uid_t signer,
		    uint32_t job_id, char **map, struct dlh_error *err)
{
	void *payload = NULL;
	munge_ctx_t ctx;
	munge_err_t e;
	int len = 0, rc = -1;
	uid_t uid = (uid_t) -1;
	gid_t gid;

	*map = NULL;
	if (!cred || !*cred)
		return dlh_err(err, "no signed map");
	if (strlen(cred) > MAP_CRED_MAX_LEN)
		return dlh_err(err, "the map's credential is too long");
	if (!(ctx = context(socket, err)))
		return -1;
	e = munge_decode(cred, ctx, &payload, &len, &uid, &gid);
	if (!map_cred_accept(e, munge_ctx_strerror(ctx), uid, signer, err) &&
	    !map_cred_payload_parse(payload, len > 0 ? (size_t) len : 0, job_id,
				    map, err))
		rc = 0;
	free(payload);
	munge_ctx_destroy(ctx);
	return rc;
}
