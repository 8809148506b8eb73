/* The resize watch of a --dl-hetero step (see resize_watch.c). */
#ifndef DLH_RESIZE_WATCH_H
#define DLH_RESIZE_WATCH_H

#include <stdint.h>
#include <slurm/spank.h>

#include "chip_catalog.h"
#include "dlh_config.h"

/* user_init: what to watch; chips must outlive resize_watch_stop(). */
void resize_watch_configure(uint32_t job_id, const struct chip_catalog *chips,
			    const struct dlh_config *cfg);
/* task_init: DL_RESIZE_SIGNAL=WINCH (the signal's name) when watched */
void resize_watch_setenv(spank_t sp);
/* task_post_fork / task_exit, in slurmstepd */
void resize_watch_task_forked(spank_t sp);
void resize_watch_task_exited(spank_t sp);
/* init_post_opt, as root: the extern step's peer watch, if it is one */
void resize_watch_start_extern(spank_t sp);
/* slurm_spank_exit: join the thread, forget everything */
void resize_watch_stop(void);

#endif
