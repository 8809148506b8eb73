/*
 * dlhetero-detect: list the accelerators of this node (or of an hwloc XML
 * export) as gres.conf lines or as a table.
 */
#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include <getopt.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "accel_detect.h"
#include "chip_catalog.h"
#include "dlh_log.h"

#ifndef PACKAGE_VERSION
#define PACKAGE_VERSION "unknown"
#endif

enum output { OUTPUT_TABLE, OUTPUT_GRES_CONF };

static int verbose;

static void usage(FILE *f)
{
	fprintf(f,
		"Usage: dlhetero-detect [--catalog FILE] [--xml FILE] [--gres-conf|--table]\n"
		"                       [--verbose]\n"
		"List the AI accelerators of this node from their PCI ids.\n"
		"\n"
		"  -c, --catalog FILE  chip catalog (default: $DLH_CHIP_CATALOG, else\n"
		"                      %s)\n"
		"  -x, --xml FILE      read an hwloc XML topology instead of this machine\n"
		"  -g, --gres-conf     print gres.conf lines\n"
		"  -t, --table         print a table (default)\n"
		"  -v, --verbose       also say which PCI devices were skipped and why\n"
		"  -h, --help          show this help\n"
		"  -V, --version       show the version\n",
		chip_catalog_default_path());
}

/* stderr sink that shows debug lines only with --verbose. */
static void cli_sink(enum dlh_log_level level, const char *msg)
{
	if (level == DLH_LOG_DEBUG && !verbose)
		return;
	fprintf(stderr, "dlhetero-detect: %s%s\n",
		level == DLH_LOG_ERROR ? "error: " : "", msg);
}

static void print_table(const struct accel_device *devs, size_t n)
{
	size_t i;

	printf("%-11s %-10s %5s %-12s %-22s %4s %-15s %s\n", "TYPE", "VENDOR",
	       "INDEX", "PCI", "DEVICE_FILE", "NUMA", "CORES", "VISIBLE_VAR");
	for (i = 0; i < n; i++) {
		const struct accel_device *d = &devs[i];
		char numa[16];

		if (d->numa >= 0)
			snprintf(numa, sizeof(numa), "%d", d->numa);
		else
			snprintf(numa, sizeof(numa), "-");
		printf("%-11s %-10s %5d %-12s %-22s %4s %-15s %s\n",
		       d->type->name, d->type->vendor, d->index, d->busid,
		       d->dev_file, numa, d->cores[0] ? d->cores : "-",
		       d->type->visible_env[0]);
	}
}

struct args {
	const char *catalog_path, *xml_path;
	enum output output;
};

/* The command line into a; false when the program ends here, with its
 * exit status in *status (--help, --version, a bad command line). */
static bool parse_args(int argc, char **argv, struct args *a, int *status)
{
	static const struct option options[] = {
		{ "catalog", required_argument, NULL, 'c' },
		{ "xml", required_argument, NULL, 'x' },
		{ "gres-conf", no_argument, NULL, 'g' },
		{ "table", no_argument, NULL, 't' },
		{ "verbose", no_argument, NULL, 'v' },
		{ "help", no_argument, NULL, 'h' },
		{ "version", no_argument, NULL, 'V' },
		{ NULL, 0, NULL, 0 },
	};
	int opt;

	while ((opt = getopt_long(argc, argv, "c:x:gtvhV", options, NULL)) !=
	       -1) {
		switch (opt) {
		case 'c':
			a->catalog_path = optarg;
			break;
		case 'x':
			a->xml_path = optarg;
			break;
		case 'g':
			a->output = OUTPUT_GRES_CONF;
			break;
		case 't':
			a->output = OUTPUT_TABLE;
			break;
		case 'v':
			verbose = 1;
			break;
		case 'h':
			usage(stdout);
			*status = 0;
			return false;
		case 'V':
			printf("dlhetero-detect %s\n", PACKAGE_VERSION);
			*status = 0;
			return false;
		default:
			usage(stderr);
			*status = 2;
			return false;
		}
	}
	if (optind < argc) {
		fprintf(stderr, "dlhetero-detect: unexpected argument '%s'\n",
			argv[optind]);
		usage(stderr);
		*status = 2;
		return false;
	}
	return true;
}

/* The devices as gres.conf lines or a table; returns the exit status. */
static int print_devices(const struct accel_device *devs, size_t n,
			 enum output output)
{
	int rc = 0;

	if (output == OUTPUT_GRES_CONF) {
		char *conf = accel_gres_conf(devs, n);

		if (!conf) {
			fprintf(stderr, "dlhetero-detect: out of memory\n");
			rc = 1;
		} else {
			fputs(conf, stdout);
			free(conf);
		}
	} else if (n) {
		print_table(devs, n);
	}
	if (fflush(stdout) || ferror(stdout)) {
		fprintf(stderr, "dlhetero-detect: cannot write output\n");
		rc = 1;
	}
	return rc;
}

int main(int argc, char **argv)
{
	struct args a = { .output = OUTPUT_TABLE };
	struct chip_catalog *cat;
	struct dlh_error err;
	struct accel_device *devs;
	size_t n;
	int rc;

	if (!parse_args(argc, argv, &a, &rc))
		return rc;
	dlh_log_set_sink(cli_sink);
	if (!a.catalog_path)
		a.catalog_path = chip_catalog_default_path();

	cat = chip_catalog_load(a.catalog_path, &err);
	if (!cat) {
		dlh_error("%s", err.text);
		fprintf(stderr,
			"dlhetero-detect: cannot use chip catalog "
			"%s (see above)\n",
			a.catalog_path);
		return 1;
	}
	if (accel_detect(cat, a.xml_path, &devs, &n, &err)) {
		dlh_error("%s", err.text);
		fprintf(stderr, "dlhetero-detect: detection failed\n");
		chip_catalog_free(cat);
		return 1;
	}
	if (!n)
		fprintf(stderr,
			"dlhetero-detect: no accelerator of the "
			"catalog found%s\n",
			verbose ? "" : " (--verbose says what was skipped)");
	rc = print_devices(devs, n, a.output);
	accel_detect_free(devs);
	chip_catalog_free(cat);
	return rc;
}
