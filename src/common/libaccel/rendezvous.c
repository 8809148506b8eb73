#include <dirent.h>
#include <ifaddrs.h>
#include <net/if.h>
#include <netinet/in.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "rendezvous.h"

uint16_t dlh_master_port(const char *cluster, uint32_t job_id, uint32_t step_id)
{
	/* FNV-1a over the name and the ids: spreads consecutive job ids. */
	uint32_t h = 2166136261u, v[2] = { job_id, step_id };
	const unsigned char *p = (const unsigned char *) v;
	size_t i;

	for (; cluster && *cluster; cluster++)
		h = (h ^ (unsigned char) *cluster) * 16777619u;
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

/*
 * RDMA devices are what the kernel lists in /sys/class/infiniband (the
 * same devices hwloc reports as OpenFabrics objects), read directly: the
 * SPANK plugin loads into every step's slurmstepd, and loading hwloc
 * there would cost every job on the cluster.
 */
int dlh_rdma_devices(const char *class_dir, char *buf, size_t len)
{
	char *names[64];
	size_t n = 0, used = 0, i, j;
	struct dirent *e;
	DIR *d;

	buf[0] = '\0';
	if (!(d = opendir(class_dir ? class_dir : DLH_RDMA_CLASS_DIR)))
		return errno == ENOENT && !class_dir ? 0 : -1;
	while ((e = readdir(d)) && n < sizeof(names) / sizeof(names[0])) {
		if (e->d_name[0] == '.' || !(names[n] = strdup(e->d_name)))
			continue;
		n++;
	}
	closedir(d);
	/* sorted: the same list on every node of one build */
	for (i = 1; i < n; i++)
		for (j = i; j > 0 && strcmp(names[j - 1], names[j]) > 0; j--) {
			char *t = names[j];

			names[j] = names[j - 1];
			names[j - 1] = t;
		}
	for (i = 0; i < n; i++) {
		if (used + strlen(names[i]) + 2 <= len)
			used += snprintf(buf + used, len - used, "%s%s",
					 used ? "," : "", names[i]);
		free(names[i]);
	}
	return 0;
}
