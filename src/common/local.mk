# libdlhetero_core: the logic shared by the plugins and the CLIs.  It has no
# Slurm dependency (never include a Slurm header here), so that it can be
# unit-tested quickly.  Parts add their sources with +=.
noinst_LTLIBRARIES += src/common/libdlhetero_core.la
src_common_libdlhetero_core_la_SOURCES = \
	src/common/dlh_log.c src/common/dlh_log.h \
	src/common/dlh_paths.c src/common/dlh_paths.h \
	src/common/private_dir.c src/common/private_dir.h \
	src/common/sched_budget.c src/common/sched_budget.h \
	src/common/dlh_json.c src/common/dlh_json.h \
	src/common/rendezvous.c src/common/rendezvous.h \
	src/common/accel_devices.c src/common/accel_devices.h \
	src/common/hetero_map.c src/common/hetero_map.h \
	src/common/accel_bind.c src/common/accel_bind.h
src_common_libdlhetero_core_la_CFLAGS = $(AM_CFLAGS) \
	$(HWLOC_CFLAGS) $(JSONC_CFLAGS)
src_common_libdlhetero_core_la_LIBADD = $(HWLOC_LIBS) $(JSONC_LIBS) -lm
