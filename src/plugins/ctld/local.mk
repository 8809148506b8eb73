# What the two plugins inside slurmctld (select, job_submit) share:
# a node's accelerator gres and a job's environment arrays.  Compiled into
# each of them, with Slurm's internal headers.
CTLD_SOURCES = \
	src/plugins/ctld/ctld_nodes.c src/plugins/ctld/ctld_nodes.h \
	src/plugins/ctld/ctld_env.c src/plugins/ctld/ctld_env.h \
	src/plugins/slurm_log_sink.c src/plugins/slurm_log_sink.h
CTLD_CPPFLAGS = $(AM_CPPFLAGS) $(SLURM_INTERNAL_CPPFLAGS) $(SLURM_CPPFLAGS) \
	-I$(top_srcdir)/src/plugins -I$(top_srcdir)/src/plugins/ctld

# The environment helpers with Slurm's own xmalloc from the public
# libslurm; USE_ALIAS: Slurm's names as libslurm exports them
# (slurm_xmalloc, ...).
if HAVE_CMOCKA
UNIT_TESTS += src/plugins/ctld/test/test_ctld_env
check_PROGRAMS += src/plugins/ctld/test/test_ctld_env
src_plugins_ctld_test_test_ctld_env_SOURCES = \
	src/plugins/ctld/test/test_ctld_env.c \
	src/plugins/ctld/ctld_env.c src/plugins/ctld/ctld_env.h
src_plugins_ctld_test_test_ctld_env_CPPFLAGS = $(CTLD_CPPFLAGS) -DUSE_ALIAS=1
src_plugins_ctld_test_test_ctld_env_CFLAGS = $(UNIT_CFLAGS)
src_plugins_ctld_test_test_ctld_env_LDADD = $(UNIT_LIBS) $(SLURM_LIBS)
endif
