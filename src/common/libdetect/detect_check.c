/*
 * The AutoDetect=hwloc check: see detect_check.h.
 */
#define _GNU_SOURCE
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "accel_detect.h"
#include "detect_check.h"

static int add(char ***msgs, size_t *n, char *m)
{
	char **grown;

	if (!m || !(grown = realloc(*msgs, (*n + 1) * sizeof(*grown)))) {
		free(m);
		return -1;
	}
	*msgs = grown;
	(*msgs)[(*n)++] = m;
	return 0;
}

int accel_detect_compare(const struct chip_catalog *cat, const char *xml_path,
			 const struct detect_entry *conf, size_t n,
			 char ***msgs, size_t *n_msgs, struct dlh_error *err)
{
	struct accel_device *found = NULL;
	size_t n_found = 0, i, j;
	char *m;
	int rc = 0;

	*msgs = NULL;
	*n_msgs = 0;
	if (accel_detect(cat, xml_path, &found, &n_found, err))
		return -1;
	for (i = 0; i < n_found && !rc; i++) {
		for (j = 0; j < n; j++)
			if (conf[j].path &&
			    !strcmp(conf[j].path, found[i].dev_file))
				break;
		if (j == n) {
			if (asprintf(&m,
				     "AutoDetect=hwloc: found %s %s at %s but "
				     "gres.conf does not list it",
				     found[i].type->name, found[i].dev_file,
				     found[i].busid) < 0)
				m = NULL;
		} else if (!conf[j].type ||
			   strcmp(conf[j].type, found[i].type->name)) {
			if (asprintf(&m,
				     "AutoDetect=hwloc: gres.conf says %s is "
				     "%s, hwloc finds %s (%s); gres.conf wins",
				     found[i].dev_file,
				     conf[j].type ? conf[j].type : "untyped",
				     found[i].type->name, found[i].busid) < 0)
				m = NULL;
		} else {
			continue;
		}
		if (add(msgs, n_msgs, m))
			rc = dlh_err(err, "out of memory");
	}
	/* declared devices no accelerator of the catalog sits behind */
	for (j = 0; j < n && !rc; j++) {
		for (i = 0; conf[j].path && i < n_found; i++)
			if (!strcmp(conf[j].path, found[i].dev_file))
				break;
		if (!conf[j].path || i < n_found)
			continue;
		if (asprintf(&m,
			     "AutoDetect=hwloc: gres.conf lists %s, hwloc "
			     "finds no accelerator of the catalog there",
			     conf[j].path) < 0)
			m = NULL;
		if (add(msgs, n_msgs, m))
			rc = dlh_err(err, "out of memory");
	}
	accel_detect_free(found);
	if (rc) {
		accel_detect_msgs_free(*msgs, *n_msgs);
		*msgs = NULL;
		*n_msgs = 0;
	}
	return rc;
}

void accel_detect_msgs_free(char **msgs, size_t n)
{
	size_t i;

	for (i = 0; msgs && i < n; i++)
		free(msgs[i]);
	free(msgs);
}
