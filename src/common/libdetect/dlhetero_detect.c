/*
 * dlhetero_detect.so: the AutoDetect=hwloc check as a module, so that only
 * the slurmd that asks for it loads hwloc (detect_check.h).
 */
#include <stdio.h>

#include "chip_catalog.h"
#include "detect_check.h"

dlhetero_detect_check_fn dlhetero_detect_check;

int dlhetero_detect_check(int abi, const char *catalog_path,
			  const struct detect_entry *conf, size_t n,
			  char ***msgs, size_t *n_msgs, char *err,
			  size_t err_len)
{
	struct chip_catalog *cat;
	struct dlh_error why;
	int rc;

	*msgs = NULL;
	*n_msgs = 0;
	if (abi != DLHETERO_DETECT_ABI) {
		snprintf(err, err_len,
			 "dlhetero_detect.so speaks ABI %d, "
			 "not %d: install matching versions",
			 DLHETERO_DETECT_ABI, abi);
		return -1;
	}
	if (!(cat = chip_catalog_load(catalog_path, &why))) {
		snprintf(err, err_len, "%s", why.text);
		return -1;
	}
	rc = accel_detect_compare(cat, NULL, conf, n, msgs, n_msgs, &why);
	if (rc)
		snprintf(err, err_len, "%s", why.text);
	chip_catalog_free(cat);
	return rc;
}
