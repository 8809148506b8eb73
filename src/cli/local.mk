# The command-line tools: what hwloc finds on a node, and a plan for a chip
# mix before submitting.
bin_PROGRAMS += src/cli/dlhetero-detect src/cli/dlhetero-plan
src_cli_dlhetero_detect_SOURCES = src/cli/dlhetero-detect.c
src_cli_dlhetero_detect_LDADD = $(DLH_DETECT) $(DLH_CONFIG) $(DLH_CATALOG) \
	$(DLH_UTIL)
src_cli_dlhetero_plan_SOURCES = src/cli/dlhetero-plan.c
src_cli_dlhetero_plan_CFLAGS = $(AM_CFLAGS) $(JSONC_CFLAGS)
src_cli_dlhetero_plan_LDADD = $(DLH_PLANNER) $(DLH_CONFIG) $(DLH_CATALOG) \
	$(DLH_UTIL)
dist_man_MANS += doc/dlhetero-detect.1 doc/dlhetero-plan.1 doc/dlhetero-grow.1
# dlhetero-grow: a shell script around sbatch --dl-part-of and scontrol
dist_bin_SCRIPTS = src/cli/dlhetero-grow
