/*
 * accel_detect: find the accelerators of a node from hwloc's PCI objects.
 *
 * Detection works from PCI vendor:device ids matched against the chip
 * catalog, so it needs no vendor library (NVML, DCMI, CNDev, ...) and works
 * on an exported XML topology as well as on the live machine.  No Slurm
 * dependency.
 */
#ifndef DLH_ACCEL_DETECT_H
#define DLH_ACCEL_DETECT_H

#include <stddef.h>

#include "chip_catalog.h"
#include "dlh_log.h"

struct accel_device {
	const struct chip_type *type; /* points into the catalog */
	char busid[16];		      /* PCI bus id: "0000:00:06.0" */
	int index;	   /* vendor runtime numbering: rank by PCI bus
				 * id among this vendor's accelerators */
	char dev_file[64]; /* per-device node: "/dev/nvidia0" */
	char cores[64];	   /* logical cores near the device, Slurm range
				 * list "0-15"; "" when hwloc does not know */
	int numa;	   /* OS index of the local NUMA node, -1 when
				 * the device is local to several or none */
};

/*
 * Detect the accelerators described by @cat.  @xml_path: an hwloc XML
 * export to read instead of this machine (NULL: this machine, which still
 * honours HWLOC_XMLFILE).  On success returns 0 and stores a malloc'd array
 * of *n devices ordered by vendor then PCI bus id (*out is NULL when *n is
 * 0).  On error returns -1 with why in err.
 *
 * A PCI function of a catalog vendor with an accelerator class (3D/VGA/
 * display controller, processing accelerator) whose device id is not in the
 * catalog is skipped with a debug message, but still takes its place in the
 * vendor numbering, as it does in the vendor runtime.  A device whose file
 * cannot be named is skipped with an error logged (detection goes on).
 */
int accel_detect(const struct chip_catalog *cat, const char *xml_path,
		 struct accel_device **out, size_t *n, struct dlh_error *err);
void accel_detect_free(struct accel_device *devs);

/*
 * gres.conf lines for @devs, one per device:
 *   "Name=accel Type=h200 File=/dev/nvidia0 Cores=0-15\n"
 * Cores= is left out when the locality is unknown.  Returns a malloc'd
 * string ("" for no device), NULL when out of memory.
 */
char *accel_gres_conf(const struct accel_device *devs, size_t n);

/* The gres name dlhetero registers with Slurm. */
#define ACCEL_GRES_NAME "accel"

#endif
