/*
 * The AutoDetect=hwloc check: the devices gres.conf declares against what
 * accel_detect() finds, one message per difference (gres.conf wins).
 *
 * hwloc is the heaviest library dlhetero uses, and gres/accel is loaded
 * into every step's slurmstepd, so the check lives in a module of its own,
 * dlhetero_detect.so (installed in pkglibdir), that gres/accel opens in
 * slurmd only when dlhetero.conf asks for the check (accel_devices.c).
 * No Slurm dependency.
 */
#ifndef DLH_DETECT_CHECK_H
#define DLH_DETECT_CHECK_H

#include <stddef.h>

#include "chip_catalog.h"
#include "dlh_log.h"

/* A device gres.conf declares: its Type (NULL: untyped) and File. */
struct detect_entry {
	const char *type, *path;
};

/*
 * Compares conf[0..n) with the devices of @cat found on this machine (or
 * in the hwloc XML at xml_path).  Returns 0 with *msgs a malloc'd array of
 * *n_msgs malloc'd messages (NULL and 0 when all agree), -1 with why in err
 * when detection fails.
 */
int accel_detect_compare(const struct chip_catalog *cat, const char *xml_path,
			 const struct detect_entry *conf, size_t n,
			 char ***msgs, size_t *n_msgs, struct dlh_error *err);
void accel_detect_msgs_free(char **msgs, size_t n);

/*
 * The module's one entry point, looked up by name with dlsym():
 * accel_detect_compare() for the catalog at catalog_path on this machine,
 * why it failed in err (err_len bytes).  abi must be DLHETERO_DETECT_ABI.
 */
#define DLHETERO_DETECT_ABI    1
#define DLHETERO_DETECT_SYMBOL "dlhetero_detect_check"
typedef int dlhetero_detect_check_fn(int abi, const char *catalog_path,
				     const struct detect_entry *conf, size_t n,
				     char ***msgs, size_t *n_msgs, char *err,
				     size_t err_len);

#endif
