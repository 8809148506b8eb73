/*
 * What differs between the Slurm releases dlhetero's plugins build for:
 * 22.05 (Debian 12), 24.11 and 26.05.  Plugins include this header for
 * Slurm's gres, select and topology interfaces, write lists as list_t * and
 * host lists as struct hostlist *, and test DLH_SLURM_AT_LEAST() only where
 * a function or structure really differs.  configure refuses any other
 * release (see configure.ac), so nothing in between needs a case.
 */
#ifndef DLH_SLURM_COMPAT_H
#define DLH_SLURM_COMPAT_H

#include "slurm/slurm_version.h"

#define DLH_SLURM_AT_LEAST(major, minor)                                       \
	(SLURM_VERSION_NUMBER >= SLURM_VERSION_NUM(major, minor, 0))

#if DLH_SLURM_AT_LEAST(24, 11)
/* 23.02 moved the plugin interfaces to src/interfaces. */
#include "src/interfaces/gres.h"
#include "src/interfaces/select.h"
#include "src/interfaces/topology.h"
#else
#include "src/common/gres.h"
#include "src/common/select.h"
#include "src/common/slurm_topology.h"
/* 22.05's pointer typedefs List and ListIterator, under 23.02's names. */
typedef struct xlist list_t;
typedef struct listIterator list_itr_t;
/* The gres epilog hooks became the prep hooks (prolog and epilog). */
typedef gres_epilog_info_t gres_prep_t;
/* A node's topology address ("s0.s1.n1"), under its 23.02 name. */
#define topology_g_get_node_addr slurm_topo_get_node_addr
/* A job's details (slurmctld.h), under its later typedef name. */
typedef struct job_details job_details_t;
#endif

/*
 * The topology as `scontrol show topology` prints it (23.11+: the only
 * public view of topology/block's blocks).  DLH_HAVE_BLOCKS: the release
 * has topology/block.
 */
#if DLH_SLURM_AT_LEAST(26, 5)
#define DLH_HAVE_BLOCKS 1
#define dlh_topology_get(topoinfo)                                             \
	topology_g_get(TOPO_DATA_TOPOLOGY_PTR, NULL, (topoinfo))
#define dlh_topology_print(topoinfo, out)                                      \
	topology_g_topoinfo_print((topoinfo), NULL, NULL, (out))
#define dlh_topology_free(topoinfo) topology_g_topoinfo_free(topoinfo)
#elif DLH_SLURM_AT_LEAST(24, 11)
#define DLH_HAVE_BLOCKS 1
#define dlh_topology_get(topoinfo)                                             \
	topology_g_get(TOPO_DATA_TOPOLOGY_PTR, (topoinfo))
#define dlh_topology_print(topoinfo, out)                                      \
	topology_g_topology_print((topoinfo), NULL, (out))
#define dlh_topology_free(topoinfo) topology_g_topology_free(topoinfo)
#else
#define DLH_HAVE_BLOCKS 0
#endif

/*
 * An untyped per-job gres count, as a job_submit or select plugin writes
 * it in tres_per_job: 24.11 refuses 22.05's "gres:NAME:N" at submission.
 */
#if DLH_SLURM_AT_LEAST(24, 11)
#define DLH_TRES_PER_JOB(name) "gres/" name ":%u"
#else
#define DLH_TRES_PER_JOB(name) "gres:" name ":%u"
#endif

/*
 * 26.05 decides "cons_tres or not" by the select plugin's id alone and
 * loads one select plugin, so select/cons_tres_dlhetero must carry
 * cons_tres's id there.  Earlier releases load every select plugin and
 * refuse two with the same id.
 */
#if DLH_SLURM_AT_LEAST(26, 5)
#define DLH_SELECT_PLUGIN_ID SELECT_PLUGIN_CONS_TRES
#else
#define DLH_SELECT_PLUGIN_ID 19109
#endif

#endif
