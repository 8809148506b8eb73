#include "chip_catalog.h"
#include "dlh_log.h"
#include "dlh_paths.h"
#include "model_catalog.h"

const char *dlh_config_chip_catalog(const struct dlh_config *cfg)
{
	if (cfg && cfg->chip_catalog)
		return cfg->chip_catalog;
	return chip_catalog_default_path();
}

const char *dlh_config_model_catalog(const struct dlh_config *cfg)
{
	if (cfg && cfg->model_catalog)
		return cfg->model_catalog;
	return model_catalog_default_path();
}

struct chip_catalog *dlh_load_chip_catalog(const char *conf_path,
					   struct dlh_error *err)
{
	struct dlh_error cfg_err;
	struct dlh_config *cfg = dlh_config_load(conf_path, &cfg_err);
	struct chip_catalog *cat;

	/* Gone on from: the default catalog is tried instead. */
	if (!cfg)
		dlh_error("%s", cfg_err.text);
	cat = chip_catalog_load(dlh_config_chip_catalog(cfg), err);
	dlh_config_free(cfg);
	return cat;
}
