# The dlhetero SPANK plugin: public slurm.h and spank.h only.
plugin_LTLIBRARIES += src/plugins/spank/dlhetero.la
src_plugins_spank_dlhetero_la_SOURCES = \
	src/plugins/spank/dlhetero.c src/plugins/spank/spank_dlhetero.h \
	src/plugins/spank/options.c src/plugins/spank/allocator.c \
	src/plugins/spank/remote.c src/plugins/spank/spank_env.c \
	src/plugins/spank/job_plan.c \
	src/plugins/spank/job_plan.h \
	src/plugins/spank/resize_watch.c src/plugins/spank/resize_watch.h \
	src/plugins/spank/peer_watch.c src/plugins/spank/peer_watch.h
src_plugins_spank_dlhetero_la_CPPFLAGS = $(AM_CPPFLAGS) $(SLURM_CPPFLAGS)
src_plugins_spank_dlhetero_la_LIBADD = $(DLH_PLANNER) $(DLH_ACCEL) \
	$(DLH_CRED) $(DLH_CONFIG) $(DLH_CATALOG) $(DLH_UTIL) -lpthread
src_plugins_spank_dlhetero_la_LDFLAGS = $(PLUGIN_LDFLAGS)
dist_man_MANS += doc/dlhetero.8
