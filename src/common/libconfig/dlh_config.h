/*
 * dlh_config: dlhetero.conf, the plugins' own configuration file.
 *
 * It lives next to slurm.conf: dirname($SLURM_CONF, or
 * /etc/slurm/slurm.conf)/dlhetero.conf.  See doc/dlhetero.conf.5.
 *
 *   # comment
 *   ChipCatalog=/etc/slurm/dlhetero/chips.json
 *   ModelCatalog=/etc/slurm/dlhetero/models
 *   DefaultInterNodeGBps=25
 *   ResizeCheckInterval=2
 *   ResizeSignal=WINCH
 *   DeadPeerChecks=3
 *   RequeueHold=5
 *   Domain=ascend Nodes=a[001-064] InterDomainGBps=12.5
 *   Domain=nvidia Nodes=g[1-32],h5
 *
 * Bad lines (unknown key, bad number, over-long line, bad hostlist, ...)
 * are logged through dlh_error("dlhetero.conf:LINE: ...; line ignored"),
 * counted in n_errors and otherwise ignored, so one typo never takes the
 * scheduler down: they are problems the loader goes on from, not errors
 * it returns (see dlh_log.h).  A missing file means all defaults.  No
 * Slurm dependency.
 */
#ifndef DLH_CONFIG_H
#define DLH_CONFIG_H

#include <stdbool.h>
#include <stddef.h>

#include "dlh_log.h"

#define DLH_CONFIG_FILE			   "dlhetero.conf"
#define DLH_CONFIG_MAX_LINE		   4096	  /* longer lines are ignored */
#define DLH_HOSTLIST_MAX_HOSTS		   100000 /* per hostlist expression */
#define DLH_HOSTLIST_MAX_LEN		   (1 << 20) /* bytes of one expression */
#define DLH_CONFIG_MAX_DOMAINS		   256
#define DLH_CONFIG_MAX_NODES		   1000000 /* over all Domain lines */
#define DLH_CONFIG_DEFAULT_INTER_NODE_GBPS 25.0
/* How often a running step asks slurmctld whether its job was resized. */
#define DLH_RESIZE_CHECK_DEFAULT	   2 /* seconds; 0: never */
#define DLH_RESIZE_CHECK_MAX		   3600
/*
 * A node of a running --dl-hetero job whose slurmd refuses the connections
 * of its neighbour's watch this many checks in a row (one per
 * ResizeCheckInterval) is set DOWN (doc/dlhetero.conf.5 says the rule).
 */
#define DLH_DEAD_PEER_CHECKS_DEFAULT	   3 /* 0: never */
#define DLH_DEAD_PEER_CHECKS_MAX	   100
/*
 * Seconds a requeued --dl-hetero job waits before it may start again,
 * instead of Slurm's cred_expire (120 s by default).  At least 2: the new
 * launch credential's time stamp (seconds) must be later than the revoke.
 */
#define DLH_REQUEUE_HOLD_DEFAULT	   5 /* 0: Slurm's own hold */
#define DLH_REQUEUE_HOLD_MIN		   2
#define DLH_REQUEUE_HOLD_MAX		   3600
/* Root-owned run-time files (each job's node -> chip map). */
#define DLH_DEFAULT_STATE_DIR		   "/run/dlhetero"

/*
 * Domain 0 is the implicit "default" domain: every node that no Domain line
 * names.  Domain lines are numbered from 1 in file order.
 */
struct dlh_domain {
	char *name;
	double inter_domain_gbps; /* 0: not given */
	size_t n_nodes;		  /* nodes the line named */
};

struct dlh_config {
	char *path;	     /* file read (or looked for) */
	char *chip_catalog;  /* NULL: chip_catalog_default_path() */
	char *model_catalog; /* NULL: built-in default */
	double default_inter_node_gbps;
	char *state_dir;	    /* NULL: DLH_DEFAULT_STATE_DIR */
	int resize_check_interval;  /* seconds, 0: no resize watch */
	int resize_signal;	    /* told to the tasks after a resize */
	int dead_peer_checks;	    /* 0: never set a peer DOWN */
	int requeue_hold;	    /* seconds, 0: Slurm's own */
	bool autodetect_hwloc;	    /* AutoDetect=hwloc: gres/accel
					 * checks gres.conf against hwloc */
	struct dlh_domain *domains; /* [0] is "default" */
	size_t n_domains;	    /* >= 1 */
	size_t n_errors;	    /* lines reported and ignored */

	/* node name -> domain, sorted by name for bsearch */
	struct dlh_node_domain {
		char *name;
		size_t domain;
	} * nodes;
	size_t n_nodes;
};

/*
 * Writes dirname($SLURM_CONF or /etc/slurm/slurm.conf)/dlhetero.conf into
 * buf.  Returns 0, or -1 if it does not fit.
 */
int dlh_config_default_path(char *buf, size_t len);

/*
 * Loads path (NULL: the default path).  A missing file gives the defaults
 * and is not an error.  Returns NULL only when out of memory, with
 * "dlhetero.conf: out of memory" in err.
 */
struct dlh_config *dlh_config_load(const char *path, struct dlh_error *err);

/* Domain index of a node (see above): 0 when no Domain line names it. */
size_t dlh_config_domain_of(const struct dlh_config *cfg, const char *nodename);

void dlh_config_free(struct dlh_config *cfg);

/*
 * ResizeSignal names: "WINCH", "SIGWINCH", "usr2", ... -> the signal
 * number, or -1 for a name not in the allowed set.  dlh_signal_name() is
 * the reverse ("WINCH" for an unknown number).
 */
int dlh_signal_parse(const char *name);
const char *dlh_signal_name(int sig);

/*
 * Expands a Slurm-style hostlist: comma-separated names, each with
 * optional [RANGES] groups, RANGES being comma-separated N or N-M;
 * zero-padding of N is kept ("n[01-10]" -> n01..n10); several groups
 * multiply ("r[1-2]n[1-2]" -> r1n1 r1n2 r2n1 r2n2).  Host names use
 * [A-Za-z0-9._-].  At most max_hosts names (0: DLH_HOSTLIST_MAX_HOSTS).
 * Returns 0 with a malloc'ed array in *hosts (free with
 * dlh_hostlist_free()), or -1 with a message in err.
 */
int dlh_hostlist_expand(const char *expr, size_t max_hosts, char ***hosts,
			size_t *n_hosts, struct dlh_error *err);
void dlh_hostlist_free(char **hosts, size_t n_hosts);

/*
 * The reverse, in the given order: runs of names that differ only in a
 * trailing number become one prefix[RANGES] term ("n1 n2 n3 n5 m1" ->
 * "n[1-3,5],m1"), keeping zero padding, so that dlh_hostlist_expand()
 * gives back exactly hosts[0..n).  Returns a malloc'd string ("" for no
 * hosts), or NULL when out of memory.
 */
char *dlh_hostlist_compress(char *const *hosts, size_t n);

#endif
