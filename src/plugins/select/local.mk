# select/cons_tres_dlhetero: needs Slurm's internal headers.
plugin_LTLIBRARIES += src/plugins/select/select_cons_tres_dlhetero.la
src_plugins_select_select_cons_tres_dlhetero_la_SOURCES = \
	src/plugins/select/select_dlhetero.c \
	src/plugins/select/hetero_select.c src/plugins/select/hetero_select.h \
	src/plugins/select/ctld_nodes.c src/plugins/select/ctld_nodes.h \
	src/plugins/select/ctld_env.c src/plugins/select/ctld_env.h \
	src/plugins/slurm_log_sink.c src/plugins/slurm_log_sink.h
src_plugins_select_select_cons_tres_dlhetero_la_CPPFLAGS = $(AM_CPPFLAGS) \
	$(SLURM_INTERNAL_CPPFLAGS) $(SLURM_CPPFLAGS) -I$(top_srcdir)/src/plugins
src_plugins_select_select_cons_tres_dlhetero_la_LIBADD = \
	src/common/libdlhetero_core.la
src_plugins_select_select_cons_tres_dlhetero_la_LDFLAGS = $(PLUGIN_LDFLAGS)

# job_submit/dlhetero: turns the --dl-hetero request into a gres request
# and refuses requests that can never run.
plugin_LTLIBRARIES += src/plugins/select/job_submit_dlhetero.la
src_plugins_select_job_submit_dlhetero_la_SOURCES = \
	src/plugins/select/job_submit_dlhetero.c \
	src/plugins/select/ctld_nodes.c src/plugins/select/ctld_nodes.h \
	src/plugins/select/ctld_env.c src/plugins/select/ctld_env.h \
	src/plugins/slurm_log_sink.c src/plugins/slurm_log_sink.h
src_plugins_select_job_submit_dlhetero_la_CPPFLAGS = $(AM_CPPFLAGS) \
	$(SLURM_INTERNAL_CPPFLAGS) $(SLURM_CPPFLAGS) -I$(top_srcdir)/src/plugins
src_plugins_select_job_submit_dlhetero_la_LIBADD = \
	src/common/libdlhetero_core.la
src_plugins_select_job_submit_dlhetero_la_LDFLAGS = $(PLUGIN_LDFLAGS)
