# select/cons_tres_dlhetero (slurmctld): cons_tres, plus the placement of
# --dl-hetero jobs.  Needs Slurm's internal headers.
plugin_LTLIBRARIES += src/plugins/select/select_cons_tres_dlhetero.la
src_plugins_select_select_cons_tres_dlhetero_la_SOURCES = \
	src/plugins/select/select_dlhetero.c \
	src/plugins/select/hetero_select.c src/plugins/select/hetero_select.h \
	$(CTLD_SOURCES)
src_plugins_select_select_cons_tres_dlhetero_la_CPPFLAGS = $(CTLD_CPPFLAGS)
src_plugins_select_select_cons_tres_dlhetero_la_LIBADD = $(DLH_PLANNER) \
	$(DLH_PLACEMENT) $(DLH_CRED) $(DLH_CONFIG) $(DLH_CATALOG) $(DLH_UTIL)
src_plugins_select_select_cons_tres_dlhetero_la_LDFLAGS = $(PLUGIN_LDFLAGS)
