/*
 * chip_catalog: what dlhetero knows about each accelerator type.
 *
 * The catalog is a JSON file (data/chips.json, installed in
 * $(pkgdatadir)) that admins may extend without a rebuild.  One entry per
 * chip type; the entry name is the gres Type used in gres.conf and in
 * --dl-hetero (a100, ascend910b, mlu590, ...).  No Slurm dependency.
 */
#ifndef DLH_CHIP_CATALOG_H
#define DLH_CHIP_CATALOG_H

#include <stdint.h>
#include <stddef.h>

#include "dlh_log.h"

struct chip_type {
	char *name;	       /* gres Type, lowercase: "ascend910b" */
	char *vendor;	       /* "huawei", "nvidia", ... */
	uint16_t pci_vendor;   /* 0x19e5 */
	uint16_t *pci_devices; /* device ids that are this chip */
	size_t n_pci_devices;
	char *device_file;     /* per-device node, printf pattern with one %d:
				 * "/dev/davinci%d" */
	int device_index_base; /* added to the runtime index to number the
				 * device file: 128 for /dev/dri/renderD%d */
	char **ctl_files; /* shared control nodes: "/dev/davinci_manager" */
	size_t n_ctl_files;
	char **visible_env; /* visible-devices variables, first is the
				 * process one: "ASCEND_RT_VISIBLE_DEVICES" */
	size_t n_visible_env;
	char *dipu_device;    /* DIPU build name ("ascend"), NULL if none */
	char *ccl;	      /* collective library: "hccl" */
	char *ccl_ifname_env; /* "HCCL_SOCKET_IFNAME" */
	char *link;	      /* intra-node link: "hccs" */
	double mem_gb;	      /* memory per device, GB */
	double tflops_bf16;   /* dense BF16 peak, TFLOPS */
	double mem_tbps;      /* memory bandwidth, TB/s */
	double link_gbps;     /* intra-node link bandwidth, GB/s */
	double efficiency;    /* achieved/peak matmul share (0..1] */
	char *source;	      /* where the figures come from */
};

struct chip_catalog {
	struct chip_type *types;
	size_t n_types;
	char *path; /* file it was read from */
};

/* Default location: $DLH_CHIP_CATALOG if set, else DLH_DATADIR/chips.json */
const char *chip_catalog_default_path(void);

/*
 * Load a catalog.  On any error (unreadable file, bad JSON, missing or
 * ill-typed field) returns NULL with the file and the line or the entry
 * and field at fault in err ("chips.json:3:14: bad JSON: ...",
 * "chips.json: chips[2] (\"a100\"): field \"mem_gb\": missing").  Never
 * aborts, never logs.
 */
struct chip_catalog *chip_catalog_load(const char *path, struct dlh_error *err);

/* Same as chip_catalog_load() on @len bytes of JSON held in memory; @name
 * stands for the file in messages and in cat->path. */
struct chip_catalog *chip_catalog_parse(const char *text, size_t len,
					const char *name,
					struct dlh_error *err);
void chip_catalog_free(struct chip_catalog *cat);

/* Lookups return NULL when nothing matches.  Names compare
 * case-insensitively. */
const struct chip_type *chip_catalog_find(const struct chip_catalog *cat,
					  const char *name);
const struct chip_type *chip_catalog_match_pci(const struct chip_catalog *cat,
					       uint16_t vendor,
					       uint16_t device);

/* Comma-separated list of all type names, for error messages; caller
 * frees. */
char *chip_catalog_names(const struct chip_catalog *cat);

struct hetero_spec;
/*
 * Every chip type of a --dl-hetero SPEC is in the catalog: 0, or -1 with
 * 'unknown chip type "X"; valid types: a100, ...' in err (the submit host
 * and slurmctld check alike).
 */
int chip_catalog_check_spec(const struct chip_catalog *cat,
			    const struct hetero_spec *spec,
			    struct dlh_error *err);

/*
 * Write the device file of runtime index @index of @type into @buf:
 * device_file with (device_index_base + index) for its %d.  Returns 0, or -1
 * when the index is negative or the result does not fit.
 */
int chip_type_device_path(const struct chip_type *type, int index, char *buf,
			  size_t len);

/* Limits the loader enforces; callers may size buffers with them. */
#define CHIP_NAME_MAX	  31   /* names and vendors: [a-z0-9_-] */
#define CHIP_PATH_MAX	  63   /* device and control file paths */
#define CHIP_ENV_NAME_MAX 63   /* variable names: [A-Z_][A-Z0-9_]* */
#define CHIP_STRING_MAX	  1023 /* free text: source */

#endif
