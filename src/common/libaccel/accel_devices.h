/*
 * accel_devices: one node's accelerators in gres bitmap order, as gres/accel
 * sees them, and the task environment for any subset of them.
 * No Slurm dependency: the gres plugin adapts Slurm's bitmaps to indexes.
 */
#ifndef DLH_ACCEL_DEVICES_H
#define DLH_ACCEL_DEVICES_H

#include <stddef.h>

#include "chip_catalog.h"
#include "dlh_log.h"

struct accel_device_entry {
	char *type;  /* gres Type (chip name) or NULL */
	char *path;  /* device file, NULL for a count-only line */
	int dev_num; /* vendor runtime index: the file's number */
};

struct accel_devices;

/* catalog_path NULL: the one dlhetero.conf names.  The catalog is read
 * when first needed (accel_devices_env(), or accel_devices_load_catalog()
 * to read it now); one that cannot be read is logged (why, then what it
 * costs) and devices are still counted.  NULL when out of memory. */
struct accel_devices *accel_devices_new(const char *catalog_path);
void accel_devices_load_catalog(struct accel_devices *d);
void accel_devices_free(struct accel_devices *d);

void accel_devices_add(struct accel_devices *d, const char *type,
		       const char *path);
void accel_devices_add_count(struct accel_devices *d, const char *type,
			     unsigned long count);
size_t accel_devices_count(const struct accel_devices *d);
const struct accel_device_entry *
accel_devices_get(const struct accel_devices *d, size_t i);
const char *accel_devices_catalog_path(const struct accel_devices *d);

/*
 * When dlhetero.conf has AutoDetect=hwloc: compare the configured devices
 * with what hwloc finds and log every difference (gres.conf wins), or why
 * detection failed.  A check that only logs: nothing is returned.
 */
void accel_devices_check_detected(struct accel_devices *d);

struct accel_env_list {
	size_t n_set;
	char **name, **value; /* variables to set */
	size_t n_unset;
	char **unset; /* other vendors' variables to remove */
};

/* Variables for the devices at gres indexes idx[0..n-1]; NULL with
 * err->text empty when there is nothing to set (no catalog, unknown type:
 * logged, the other types still get theirs), NULL with why in err on
 * failure (out of memory).  Free with accel_env_list_free(). */
struct accel_env_list *accel_devices_env(const struct accel_devices *d,
					 const int *idx, int n,
					 struct dlh_error *err);
void accel_env_list_free(struct accel_env_list *l);

#endif
