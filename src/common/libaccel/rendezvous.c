#include <ifaddrs.h>
#include <net/if.h>
#include <netinet/in.h>
#include <stdio.h>
#include <string.h>

#include <hwloc.h>

#include "rendezvous.h"

uint16_t dlh_master_port(uint32_t job_id, uint32_t step_id)
{
	/* FNV-1a over the two ids: spreads consecutive job ids. */
	uint32_t h = 2166136261u, v[2] = { job_id, step_id };
	const unsigned char *p = (const unsigned char *) v;
	size_t i;

	for (i = 0; i < sizeof(v); i++)
		h = (h ^ p[i]) * 16777619u;
	return DLH_PORT_BASE + h % DLH_PORT_SPAN;
}

int dlh_tcp_ifname(char *buf, size_t len)
{
	struct ifaddrs *ifs, *i;
	int found = 0;

	snprintf(buf, len, "lo");
	if (getifaddrs(&ifs))
		return -1;
	for (i = ifs; i && !found; i = i->ifa_next) {
		if (!i->ifa_addr || i->ifa_addr->sa_family != AF_INET ||
		    !(i->ifa_flags & IFF_UP) || (i->ifa_flags & IFF_LOOPBACK))
			continue;
		snprintf(buf, len, "%s", i->ifa_name);
		found = 1;
	}
	freeifaddrs(ifs);
	return 0;
}

int dlh_rdma_devices(const char *xml_path, char *buf, size_t len)
{
	hwloc_topology_t topo;
	hwloc_obj_t obj = NULL;
	size_t used = 0;

	buf[0] = '\0';
	if (hwloc_topology_init(&topo))
		return -1;
	hwloc_topology_set_io_types_filter(topo, HWLOC_TYPE_FILTER_KEEP_ALL);
	if ((xml_path && hwloc_topology_set_xml(topo, xml_path)) ||
	    hwloc_topology_load(topo)) {
		hwloc_topology_destroy(topo);
		return -1;
	}
	while ((obj = hwloc_get_next_osdev(topo, obj))) {
		if (obj->attr->osdev.type != HWLOC_OBJ_OSDEV_OPENFABRICS ||
		    !obj->name)
			continue;
		if (used + strlen(obj->name) + 2 > len)
			break;
		used += snprintf(buf + used, len - used, "%s%s",
				 used ? "," : "", obj->name);
	}
	hwloc_topology_destroy(topo);
	return 0;
}
