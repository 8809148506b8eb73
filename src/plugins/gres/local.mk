# gres/accel: needs Slurm's internal headers.
plugin_LTLIBRARIES += src/plugins/gres/gres_accel.la
src_plugins_gres_gres_accel_la_SOURCES = src/plugins/gres/gres_accel.c \
	src/plugins/slurm_log_sink.c src/plugins/slurm_log_sink.h
src_plugins_gres_gres_accel_la_CPPFLAGS = $(AM_CPPFLAGS) \
	$(SLURM_INTERNAL_CPPFLAGS) $(SLURM_CPPFLAGS) -I$(top_srcdir)/src/plugins
src_plugins_gres_gres_accel_la_LIBADD = $(DLH_ACCEL) $(DLH_CONFIG) \
	$(DLH_CATALOG) $(DLH_UTIL)
src_plugins_gres_gres_accel_la_LDFLAGS = $(PLUGIN_LDFLAGS)
