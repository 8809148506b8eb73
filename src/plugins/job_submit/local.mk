# job_submit/dlhetero (slurmctld): turns the --dl-hetero request into a
# gres request and refuses requests that can never run.
plugin_LTLIBRARIES += src/plugins/job_submit/job_submit_dlhetero.la
src_plugins_job_submit_job_submit_dlhetero_la_SOURCES = \
	src/plugins/job_submit/job_submit_dlhetero.c $(CTLD_SOURCES)
src_plugins_job_submit_job_submit_dlhetero_la_CPPFLAGS = $(CTLD_CPPFLAGS)
src_plugins_job_submit_job_submit_dlhetero_la_LIBADD = $(DLH_PLANNER) \
	$(DLH_CONFIG) $(DLH_CATALOG) $(DLH_UTIL)
src_plugins_job_submit_job_submit_dlhetero_la_LDFLAGS = $(PLUGIN_LDFLAGS)
