#include "config.h"

#include "src/common/slurm_xlator.h"
#include "src/common/log.h"

#include "dlh_log.h"
#include "slurm_log_sink.h"

static const char *prefix = "dlhetero";

static void sink(enum dlh_log_level level, const char *msg)
{
	if (level == DLH_LOG_ERROR)
		error("%s: %s", prefix, msg);
	else if (level == DLH_LOG_INFO)
		info("%s: %s", prefix, msg);
	else
		debug("%s: %s", prefix, msg);
}

void dlh_slurm_log_init(const char *plugin_type)
{
	prefix = plugin_type;
	dlh_log_set_sink(sink);
}
