/* The --dl-hetero part of select/cons_tres_dlhetero (slurmctld only). */
#ifndef DLH_HETERO_SELECT_H
#define DLH_HETERO_SELECT_H

#include <stdbool.h>

#include "src/slurmctld/slurmctld.h"

#include "slurm_compat.h"

/* One select_p_job_test call of a --dl-hetero job. */
struct hetero_job_test {
	job_record_t *job_ptr;
	bitstr_t *node_bitmap; /* candidates in, the placement out */
	uint16_t mode;	       /* SELECT_MODE_* */
	/* cons_tres's job_test on exactly node_bitmap's nodes, with the
	 * call's other arguments (release-specific, in call) */
	int (*cons_tres_on)(const struct hetero_job_test *t, uint32_t nodes);
	const void *call;
};

void hetero_select_init(void);
void hetero_select_fini(void);
void hetero_select_reconfigure(void);

/* The job was submitted with --dl-hetero. */
bool hetero_select_is_hetero_job(job_record_t *job_ptr);

/*
 * Place the job with the core library, narrow the candidate nodes to the
 * placement and let cons_tres allocate there.
 */
int hetero_select_job_test(struct hetero_job_test *t);

/*
 * Once cons_tres has given the job its gres (select_p_select_nodeinfo_set,
 * before launch; again when slurmctld restarts): record the node -> chip
 * map in the job (signed, in its supplemental environment; a summary in its
 * admin comment).  Recording the same allocation twice changes nothing.
 */
void hetero_select_job_allocated(job_record_t *job_ptr);

/*
 * A node left the job (node failure with --no-kill, or a shrink with
 * scontrol update NumNodes=): drop it from the job's map and summary.
 */
void hetero_select_node_removed(job_record_t *job_ptr, const char *node);

/*
 * The job's resources are being freed (select_p_job_fini): if it is a
 * --dl-hetero batch job that may be requeued, hold a requeue RequeueHold
 * seconds (dlhetero.conf) rather than Slurm's cred_expire.
 */
void hetero_select_job_fini(job_record_t *job_ptr);

#endif
