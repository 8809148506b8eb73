/*
 * The peer watch (remote context, in slurmstepd, from the resize watch's
 * thread: the job's extern step's with PrologFlags=Contain, else its
 * steps'): a node of a running --dl-hetero job that dies is noticed by the
 * node before it in the job's node list within seconds, instead of after
 * Slurm's SlurmdTimeout (300 s by default), and set DOWN with the evidence
 * as reason; slurmctld then requeues the job (--dl-on-failure=requeue) or
 * takes the node out of it (continue), its own way.
 *
 * The rule, alive unless proven gone: once per ResizeCheckInterval the
 * watch connects to the next node's slurmd port.
 *   - The connection is accepted: alive, even if that slurmd answers
 *     nothing (a stalled slurmd's listening socket still accepts).
 *   - Refused (nothing listens on the port: slurmd is gone), or the host
 *     or its network unreachable (the network says the host is gone): one
 *     check of evidence.
 *   - No answer within a second: no evidence either way (a slow host, a
 *     congested link); Slurm's own timeout decides.
 * DeadPeerChecks checks of evidence in a row (3 by default, 4 s or more
 * apart in all) set the node DOWN.  Any accepted connection in between
 * starts the count again.
 *
 * One probe per node and interval: the extern step's watch, or, without
 * one, only the step's watch that asked slurmctld for the job's nodes this
 * interval (job_nodes() in resize_watch.c); each node probes one other, so
 * a job of N nodes makes N connections per interval in all.  Without an
 * extern step a dead batch host goes unnoticed: its death ends the batch
 * script, srun and so every step, and their watches, on the other nodes.
 */
#include <errno.h>
#include <fcntl.h>
#include <netdb.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include <slurm/slurm.h>

#include "dlh_config.h"
#include "peer_watch.h"
#include "spank_dlhetero.h"

#define PROBE_TIMEOUT_MS 1000

/* What the watch knows of the node it probes. */
static struct {
	char name[256], addr[256];
	uint16_t port;
	int gone;	/* checks of evidence in a row */
	time_t first;	/* when the first of them was */
	bool reported;	/* set DOWN (or tried): never again */
	int last_errno; /* of the last check of evidence */
} peer;

static int needed = DLH_DEAD_PEER_CHECKS_DEFAULT;
static int interval = DLH_RESIZE_CHECK_DEFAULT;

void peer_watch_configure(const struct dlh_config *cfg)
{
	needed = cfg ? cfg->dead_peer_checks : DLH_DEAD_PEER_CHECKS_DEFAULT;
	interval = cfg ? cfg->resize_check_interval : DLH_RESIZE_CHECK_DEFAULT;
	memset(&peer, 0, sizeof(peer));
}

/* The node after self in the job's node list (cyclic); -1 if none. */
static int next_node(const char *self, const char *job_nodes, char *buf,
		     size_t len)
{
	char **hosts = NULL;
	size_t n = 0, i;
	int rc = -1;

	if (dlh_hostlist_expand(job_nodes, DLH_HOSTLIST_MAX_HOSTS, &hosts, &n,
				NULL))
		return -1;
	for (i = 0; i < n && strcmp(hosts[i], self); i++)
		;
	if (n > 1 && i < n &&
	    (size_t) snprintf(buf, len, "%s", hosts[(i + 1) % n]) < len)
		rc = 0;
	dlh_hostlist_free(hosts, n);
	return rc;
}

/* The slurmd address and port of node name, from slurmctld. */
static int look_up(const char *name)
{
	node_info_msg_t *msg = NULL;
	node_info_t *ni;
	int rc = -1;

	if (slurm_load_node_single(&msg, (char *) name, SHOW_ALL) || !msg ||
	    msg->record_count < 1) {
		slurm_debug("dlhetero: peer %s: no node info: %s", name,
			    slurm_strerror(errno));
	} else {
		ni = &msg->node_array[0];
		snprintf(peer.addr, sizeof(peer.addr), "%s",
			 ni->node_addr ? ni->node_addr : name);
		peer.port = ni->port;
		rc = peer.port ? 0 : -1;
	}
	slurm_free_node_info_msg(msg);
	return rc;
}

/*
 * 1: evidence that nothing is there (refused, unreachable); 0: alive or
 * no answer (not evidence).  *err: the errno of the evidence.
 */
static int probe(int *err)
{
	struct addrinfo hints = { .ai_socktype = SOCK_STREAM }, *ai = NULL;
	struct pollfd pfd;
	char port[8];
	socklen_t elen = sizeof(*err);
	int fd, rc = 0;

	snprintf(port, sizeof(port), "%u", (unsigned) peer.port);
	if (getaddrinfo(peer.addr, port, &hints, &ai) || !ai)
		return 0; /* name service trouble is no evidence */
	fd = socket(ai->ai_family, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC,
		    0);
	*err = 0;
	if (fd < 0)
		goto out;
	if (connect(fd, ai->ai_addr, ai->ai_addrlen)) {
		if (errno != EINPROGRESS) {
			*err = errno;
		} else {
			pfd.fd = fd;
			pfd.events = POLLOUT;
			if (poll(&pfd, 1, PROBE_TIMEOUT_MS) == 1 &&
			    getsockopt(fd, SOL_SOCKET, SO_ERROR, err, &elen))
				*err = 0;
		}
	}
	rc = *err == ECONNREFUSED || *err == EHOSTUNREACH ||
	     *err == ENETUNREACH;
	close(fd);
out:
	freeaddrinfo(ai);
	return rc;
}

static void set_down(uint32_t job_id, const char *self)
{
	update_node_msg_t msg;
	char reason[512];

	snprintf(reason, sizeof(reason),
		 "dlhetero: slurmd unreachable from %s, %d checks in %ld s "
		 "(%s), job %u",
		 self, peer.gone, (long) (time(NULL) - peer.first),
		 strerror(peer.last_errno), job_id);
	slurm_init_update_node_msg(&msg);
	msg.node_names = peer.name;
	msg.node_state = NODE_STATE_DOWN;
	msg.reason = reason;
	peer.reported = true;
	if (slurm_update_node(&msg))
		slurm_error("dlhetero: cannot set %s DOWN (%s): %s", peer.name,
			    reason, slurm_strerror(errno));
	else
		slurm_info("dlhetero: set %s DOWN: %s", peer.name, reason);
}

void peer_watch_check(uint32_t job_id, const char *self, const char *job_nodes)
{
	char next[sizeof(peer.name)];
	int err;

	if (needed <= 0 || !self || !job_nodes ||
	    next_node(self, job_nodes, next, sizeof(next)))
		return;
	if (strcmp(next, peer.name)) { /* first check, or the job shrank */
		memset(&peer, 0, sizeof(peer));
		snprintf(peer.name, sizeof(peer.name), "%s", next);
		if (look_up(next))
			peer.name[0] = '\0'; /* ask again next time */
		return;
	}
	if (peer.reported)
		return;
	if (!probe(&err)) {
		peer.gone = 0;
		return;
	}
	if (!peer.gone++)
		peer.first = time(NULL);
	peer.last_errno = err;
	slurm_debug("dlhetero: peer %s (%s:%u): %s, %d of %d", peer.name,
		    peer.addr, (unsigned) peer.port, strerror(err), peer.gone,
		    needed);
	if (peer.gone >= needed &&
	    time(NULL) - peer.first >= (long) (needed - 1) * interval)
		set_down(job_id, self);
}
