/*
 * accel_detect: accelerators of a node from hwloc's PCI objects.
 */
#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <hwloc.h>

#include "accel_detect.h"
#include "dlh_log.h"

/* PCI classes an accelerator may report: VGA and 3D controllers (NVIDIA,
 * Moore Threads), other display controllers (AMD Instinct before MI300),
 * processing accelerators (Ascend, Cambricon, MI300). */
static bool is_accel_class(unsigned class_id)
{
	return class_id == 0x0300 || class_id == 0x0302 || class_id == 0x0380 ||
	       class_id == 0x1200;
}

static bool catalog_has_vendor(const struct chip_catalog *cat, unsigned vendor)
{
	size_t i;

	for (i = 0; i < cat->n_types; i++)
		if (cat->types[i].pci_vendor == vendor)
			return true;
	return false;
}

/* One accelerator-looking PCI function, known type or not. */
struct candidate {
	hwloc_obj_t obj;
	const struct chip_type *type; /* NULL: not in the catalog */
	unsigned vendor;
	unsigned domain, bus, dev, func;
};

static int candidate_cmp(const void *a, const void *b)
{
	const struct candidate *x = a, *y = b;

	if (x->vendor != y->vendor)
		return x->vendor < y->vendor ? -1 : 1;
	if (x->domain != y->domain)
		return x->domain < y->domain ? -1 : 1;
	if (x->bus != y->bus)
		return x->bus < y->bus ? -1 : 1;
	if (x->dev != y->dev)
		return x->dev < y->dev ? -1 : 1;
	if (x->func != y->func)
		return x->func < y->func ? -1 : 1;
	return 0;
}

/* Append "a" or "a-b" to a range list; false when it does not fit. */
static bool append_range(char *buf, size_t len, int first, int last)
{
	size_t used = strlen(buf);
	int n;

	if (first == last)
		n = snprintf(buf + used, len - used, "%s%d", used ? "," : "",
			     first);
	else
		n = snprintf(buf + used, len - used, "%s%d-%d", used ? "," : "",
			     first, last);
	return n >= 0 && (size_t) n < len - used;
}

/*
 * Logical indexes of the cores inside @cpuset as a range list.  Slurm's
 * Cores= counts cores, not hardware threads; on a topology without Core
 * objects, PUs stand for cores.
 */
static void format_cores(hwloc_topology_t topo, hwloc_const_cpuset_t cpuset,
			 char *buf, size_t len)
{
	hwloc_obj_type_t type = HWLOC_OBJ_CORE;
	hwloc_obj_t obj = NULL;
	int first = -1, last = -1;

	buf[0] = '\0';
	if (!cpuset || hwloc_bitmap_iszero(cpuset))
		return;
	if (hwloc_get_nbobjs_by_type(topo, HWLOC_OBJ_CORE) <= 0)
		type = HWLOC_OBJ_PU;
	while ((obj = hwloc_get_next_obj_inside_cpuset_by_type(topo, cpuset,
							       type, obj))) {
		int idx = (int) obj->logical_index;

		if (first >= 0 && idx == last + 1) {
			last = idx;
			continue;
		}
		if (first >= 0 && !append_range(buf, len, first, last))
			goto overflow;
		first = last = idx;
	}
	if (first >= 0 && !append_range(buf, len, first, last))
		goto overflow;
	return;
overflow:
	/* A partial list would bind tasks to the wrong cores; no list lets
	 * Slurm treat the device as local to every core. */
	dlh_debug("core list of a device does not fit %zu bytes; left out",
		  len);
	buf[0] = '\0';
}

/*
 * The device node hwloc saw under the PCI function, when the OS reports one
 * matching the catalog pattern (DRM "renderD129"): more exact than counting
 * from device_index_base, since other DRM devices (a BMC's VGA) also take
 * numbers.
 */
static bool osdev_file(const struct chip_type *type, hwloc_obj_t pci, char *buf,
		       size_t len)
{
	const char *pattern = type->device_file;
	const char *base = strrchr(pattern, '/');
	const char *pct = strstr(pattern, "%d");
	size_t prefix_len, suffix_len;
	hwloc_obj_t child;

	if (!base || !pct || pct < base)
		return false;
	base++;
	prefix_len = pct - base;
	suffix_len = strlen(pct + 2);
	for (child = pci->io_first_child; child; child = child->next_sibling) {
		const char *name = child->name, *p;
		size_t name_len;
		int n;

		if (child->type != HWLOC_OBJ_OS_DEVICE || !name)
			continue;
		name_len = strlen(name);
		if (name_len <= prefix_len + suffix_len ||
		    strncmp(name, base, prefix_len) ||
		    strcmp(name + name_len - suffix_len, pct + 2))
			continue;
		for (p = name + prefix_len; p < name + name_len - suffix_len;
		     p++)
			if (*p < '0' || *p > '9')
				break;
		if (p != name + name_len - suffix_len)
			continue;
		n = snprintf(buf, len, "%.*s%s", (int) (base - pattern),
			     pattern, name);
		if (n > 0 && (size_t) n < len)
			return true;
	}
	return false;
}

/* Returns -1 (after logging: the device is skipped, detection goes on)
 * when the device file cannot be named. */
static int fill_device(hwloc_topology_t topo, const struct candidate *c,
		       int index, struct accel_device *d)
{
	hwloc_obj_t local = hwloc_get_non_io_ancestor_obj(topo, c->obj);

	memset(d, 0, sizeof(*d));
	d->type = c->type;
	d->index = index;
	snprintf(d->busid, sizeof(d->busid), "%04x:%02x:%02x.%01x",
		 c->domain & 0xffff, c->bus & 0xff, c->dev & 0x1f,
		 c->func & 0x7);
	if (!osdev_file(c->type, c->obj, d->dev_file, sizeof(d->dev_file)) &&
	    chip_type_device_path(c->type, index, d->dev_file,
				  sizeof(d->dev_file))) {
		dlh_error("PCI %s (%s): device file pattern \"%s\" gives no "
			  "path of under %zu bytes for index %d; skipped",
			  d->busid, c->type->name, c->type->device_file,
			  sizeof(d->dev_file), index);
		return -1;
	}
	d->numa = -1;
	if (local) {
		format_cores(topo, local->cpuset, d->cores, sizeof(d->cores));
		if (local->nodeset && hwloc_bitmap_weight(local->nodeset) == 1)
			d->numa = hwloc_bitmap_first(local->nodeset);
	}
	return 0;
}

static int load_topology(hwloc_topology_t *topo, const char *xml_path,
			 struct dlh_error *err)
{
	if (hwloc_topology_init(topo))
		return dlh_err(err, "hwloc: cannot initialise a topology");
	if (xml_path) {
		if (hwloc_topology_set_xml(*topo, xml_path)) {
			dlh_err(err,
				"%s: hwloc cannot use this XML topology: %s",
				xml_path, strerror(errno));
			goto fail;
		}
		/* Keep the support flags of the exporting machine instead
		 * of claiming none. */
		hwloc_topology_set_flags(*topo,
					 HWLOC_TOPOLOGY_FLAG_IMPORT_SUPPORT);
	}
	/* PCI objects are filtered out by default. */
	hwloc_topology_set_io_types_filter(*topo, HWLOC_TYPE_FILTER_KEEP_ALL);
	if (hwloc_topology_load(*topo)) {
		dlh_err(err, "%s: hwloc cannot load the topology",
			xml_path ? xml_path : "this machine");
		goto fail;
	}
	return 0;
fail:
	hwloc_topology_destroy(*topo);
	return -1;
}

/*
 * The PCI functions of the topology that look like accelerators: a type
 * of the catalog, or an accelerator class of a vendor the catalog knows.
 * Into *cands (the caller frees it, also on failure), *n of them.
 */
static int find_candidates(hwloc_topology_t topo,
			   const struct chip_catalog *cat,
			   struct candidate **cands, size_t *n,
			   struct dlh_error *err)
{
	hwloc_obj_t obj = NULL;
	size_t cap = 0;

	while ((obj = hwloc_get_next_pcidev(topo, obj))) {
		const struct hwloc_pcidev_attr_s *pci = &obj->attr->pcidev;
		const struct chip_type *type;

		type = chip_catalog_match_pci(cat, pci->vendor_id,
					      pci->device_id);
		if (!type && !(is_accel_class(pci->class_id) &&
			       catalog_has_vendor(cat, pci->vendor_id)))
			continue;
		if (*n == cap) {
			size_t new_cap = cap ? 2 * cap : 16;
			struct candidate *grown;

			grown = realloc(*cands, new_cap * sizeof(**cands));
			if (!grown)
				return dlh_err(err,
					       "accel_detect: out of memory");
			*cands = grown;
			cap = new_cap;
		}
		(*cands)[(*n)++] = (struct candidate){
			.obj = obj,
			.type = type,
			.vendor = pci->vendor_id,
			.domain = pci->domain,
			.bus = pci->bus,
			.dev = pci->dev,
			.func = pci->func,
		};
	}
	return 0;
}

/*
 * The devices of the candidates (sorted by bus id) into devs, indexed per
 * vendor as the runtimes number them: a candidate not in the catalog, or
 * whose device file cannot be named, is skipped but keeps its index.
 * Returns how many.
 */
static size_t number_devices(hwloc_topology_t topo,
			     const struct candidate *cands, size_t n_cands,
			     struct accel_device *devs)
{
	size_t i, n_devs = 0;
	unsigned vendor = 0;
	int index = 0;

	for (i = 0; i < n_cands; i++) {
		const struct candidate *c = &cands[i];

		if (i == 0 || c->vendor != vendor) {
			vendor = c->vendor;
			index = 0;
		}
		if (!c->type) {
			dlh_debug("PCI %04x:%02x:%02x.%x [%04x:%04x] looks "
				  "like an accelerator but is not in the "
				  "catalog; skipped (it keeps index %d)",
				  c->domain, c->bus, c->dev, c->func, c->vendor,
				  c->obj->attr->pcidev.device_id, index);
			index++;
			continue;
		}
		if (!fill_device(topo, c, index, &devs[n_devs]))
			n_devs++;
		index++;
	}
	return n_devs;
}

int accel_detect(const struct chip_catalog *cat, const char *xml_path,
		 struct accel_device **out, size_t *n, struct dlh_error *err)
{
	struct candidate *cands = NULL;
	struct accel_device *devs = NULL;
	size_t n_cands = 0, n_devs = 0;
	hwloc_topology_t topo;

	if (!cat || !out || !n)
		return dlh_err(err, "accel_detect: missing argument");
	*out = NULL;
	*n = 0;
	if (load_topology(&topo, xml_path, err))
		return -1;
	if (find_candidates(topo, cat, &cands, &n_cands, err))
		goto fail;
	if (n_cands) {
		/* hwloc lists PCI objects in topology order (by locality
		 * first); runtimes number by bus id. */
		qsort(cands, n_cands, sizeof(*cands), candidate_cmp);
		devs = calloc(n_cands, sizeof(*devs));
		if (!devs) {
			dlh_err(err, "accel_detect: out of memory");
			goto fail;
		}
		n_devs = number_devices(topo, cands, n_cands, devs);
	}
	free(cands);
	hwloc_topology_destroy(topo);
	if (!n_devs) {
		free(devs);
		devs = NULL;
	}
	*out = devs;
	*n = n_devs;
	return 0;
fail:
	free(cands);
	free(devs);
	hwloc_topology_destroy(topo);
	return -1;
}

void accel_detect_free(struct accel_device *devs)
{
	free(devs);
}

char *accel_gres_conf(const struct accel_device *devs, size_t n)
{
	/* Each line is bounded by the fixed-size fields it prints. */
	size_t line_max = 64 + CHIP_NAME_MAX + sizeof(devs->dev_file) +
			  sizeof(devs->cores);
	char *buf, *p;
	size_t i;

	buf = malloc(n * line_max + 1);
	if (!buf)
		return NULL;
	p = buf;
	*p = '\0';
	for (i = 0; i < n; i++) {
		const struct accel_device *d = &devs[i];
		int len;

		len = snprintf(p, line_max, "Name=%s Type=%s File=%s%s%s\n",
			       ACCEL_GRES_NAME, d->type->name, d->dev_file,
			       d->cores[0] ? " Cores=" : "", d->cores);
		if (len < 0 || (size_t) len >= line_max) {
			free(buf);
			return NULL;
		}
		p += len;
	}
	return buf;
}
