/*
 * Where the plugins and CLIs find their files: dlhetero.conf next to
 * slurm.conf, and the catalogs it names (or the installed defaults).
 */
#ifndef DLH_PATHS_H
#define DLH_PATHS_H

#include "dlh_config.h"

const char *dlh_config_chip_catalog(const struct dlh_config *cfg);
const char *dlh_config_model_catalog(const struct dlh_config *cfg);

#endif
