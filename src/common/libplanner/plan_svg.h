/*
 * plan_svg: a picture of a plan.  Training: the pipeline left to right,
 * one box per stage (width by layer count, colour by chip type) labelled
 * with its layer range, and under it the nodes that run it.  Inference:
 * one row per chip group with its replicas and their stages.
 */
#ifndef DLH_PLAN_SVG_H
#define DLH_PLAN_SVG_H

#include "plan.h"

/* SVG document text; caller frees.  NULL on allocation failure. */
char *plan_to_svg(const struct plan *p);

/* Write plan_to_svg() to path.  0, or -1 with why in err. */
int plan_write_svg(const struct plan *p, const char *path,
		   struct dlh_error *err);

#endif
