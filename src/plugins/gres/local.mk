# gres/accel: needs Slurm's internal headers.
plugin_LTLIBRARIES += src/plugins/gres/gres_accel.la
src_plugins_gres_gres_accel_la_SOURCES = src/plugins/gres/gres_accel.c
src_plugins_gres_gres_accel_la_CPPFLAGS = $(AM_CPPFLAGS) \
	$(SLURM_INTERNAL_CPPFLAGS) $(SLURM_CPPFLAGS)
src_plugins_gres_gres_accel_la_LIBADD = src/common/libdlhetero_core.la
src_plugins_gres_gres_accel_la_LDFLAGS = $(PLUGIN_LDFLAGS)
