/*
 * Where the plugins and CLIs find their files: dlhetero.conf next to
 * slurm.conf, and the catalogs it names (or the installed defaults).
 */
#ifndef DLH_PATHS_H
#define DLH_PATHS_H

#include "dlh_config.h"

const char *dlh_config_chip_catalog(const struct dlh_config *cfg);
const char *dlh_config_model_catalog(const struct dlh_config *cfg);

struct chip_catalog;
/*
 * The chip catalog named by the dlhetero.conf at conf_path (NULL: the one
 * next to slurm.conf), for callers that need nothing else from it.  NULL
 * with why in err when it cannot be read.  Bad dlhetero.conf lines are
 * logged as dlh_config_load() does; a dlhetero.conf that cannot be loaded
 * at all (out of memory) is logged too, and the default catalog tried.
 */
struct chip_catalog *dlh_load_chip_catalog(const char *conf_path,
					   struct dlh_error *err);

#endif
