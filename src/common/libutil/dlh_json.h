/*
 * dlh_json: reading the JSON catalogs (chips, models), which admins edit
 * and slurmd, slurmctld and slurmstepd read as root: bounded file reads and
 * strict parsing, every error reported as "FILE:LINE:COLUMN: ..." in err
 * (see dlh_log.h).
 * No Slurm dependency.
 */
#ifndef DLH_JSON_H
#define DLH_JSON_H

#include <stddef.h>

#include <json-c/json.h>

#include "dlh_log.h"

/*
 * The whole file, NUL-terminated, at most max bytes; NULL with
 * "<path>: cannot open <what>: ..." or "<path>: <what> larger than ..."
 * in err.
 */
char *dlh_read_file(const char *path, size_t max, const char *what, size_t *len,
		    struct dlh_error *err);

/*
 * One JSON document of buf[0..len), nested at most max_depth deep, with
 * nothing but white space after it.  NULL with the file, line and column
 * at fault in err (an empty text, a NUL byte, a truncated or bad document,
 * trailing text).
 */
json_object *dlh_json_parse(const char *path, const char *buf, size_t len,
			    int max_depth, const char *what,
			    struct dlh_error *err);

/*
 * The names of a catalog's entries, "a,b,c" (malloc'd; "" for none, NULL
 * when out of memory): n items of item_size bytes from items, each with a
 * "char *" name at name_offset (offsetof(struct chip_type, name)).
 */
char *dlh_catalog_names(const void *items, size_t n, size_t item_size,
			size_t name_offset);

#endif
