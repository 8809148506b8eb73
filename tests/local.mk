# The test cluster loads our plugins from tests/plugins in the build tree
# (PluginDir accepts a list), so tests never need `make install`.
TEST_PLUGINS = gres_accel select_cons_tres_dlhetero job_submit_dlhetero \
	dlhetero
all-local: tests/plugins/.stamp
tests/plugins/.stamp: $(plugin_LTLIBRARIES)
	@mkdir -p tests/plugins
	@for p in $(TEST_PLUGINS); do \
		d=`find $(abs_top_builddir)/src/plugins -name "$$p.so" \
			-path '*/.libs/*' | head -n 1`; \
		ln -sf "$$d" tests/plugins/$$p.so; \
	done
	@touch $@
clean-local:
	rm -rf tests/plugins

# Integration tests: real jobs on the one-machine test cluster
# (tests/cluster/cluster.sh).  Each file starts the cluster it needs, or
# reuses the running one when its configuration is the one asked for (a
# test that asks for another restarts it), so each can run alone and in
# any order: `make check TESTS=tests/integration/NN-name.t`.  Not with -j:
# they share one cluster.  99-cluster-stop stops it.
INTEGRATION_TESTS = \
	tests/integration/01-cluster.t \
	tests/integration/02-plugins-load.t \
	tests/integration/03-accel-env.t \
	tests/integration/04-hetero-two-types.t \
	tests/integration/05-hetero-three-types.t \
	tests/integration/06-hetero-topology.t \
	tests/integration/07-hetero-refuse-wait.t \
	tests/integration/08-ordinary-jobs-env.t \
	tests/integration/09-ctld-restart.t \
	tests/integration/10-same-as-cons-tres.t \
	tests/integration/11-fault-recovery.t \
	tests/integration/12-shrink.t \
	tests/integration/13-resize.t \
	tests/integration/14-bad-catalog.t \
	tests/integration/15-chaos.t \
	tests/integration/16-continue-on-failure.t \
	tests/integration/17-requeue-other-type.t \
	tests/integration/18-libslurm-client.t \
	tests/integration/19-mail-env.t \
	tests/integration/20-modify-refused.t \
	tests/integration/21-resize-rpc-rate.t \
	tests/integration/22-ntasks-per-node.t \
	tests/integration/23-block-topology.t \
	tests/integration/24-tres-bind.t \
	tests/integration/25-map-signed.t \
	tests/integration/26-runtime-hetero.t \
	tests/integration/27-runtime-shrink.t \
	tests/integration/28-runtime-requeue.t \
	tests/integration/30-fast-recovery.t \
	tests/integration/31-grow.t \
	tests/integration/32-batch-host.t \
	tests/integration/99-cluster-stop.t
# The package test (a .deb for Debian's packaged Slurm, installed): once
# per contrib/run-tests.sh; `make check PACKAGE_TESTS=` leaves it out.
PACKAGE_TESTS = tests/integration/29-package-deb.t
# unit tests first: they need no cluster
TESTS += $(UNIT_TESTS) $(RUNTIME_TESTS) $(INTEGRATION_TESTS) $(PACKAGE_TESTS)
# the plugins must be in tests/plugins before any integration test runs
$(INTEGRATION_TESTS:.t=.log) $(PACKAGE_TESTS:.t=.log): tests/plugins/.stamp

EXTRA_DIST += tests/unit/dlh_test.h tests/unit/placement_oracle.c \
	tests/unit/placement_oracle.h
EXTRA_DIST += $(INTEGRATION_TESTS) $(PACKAGE_TESTS) tests/integration/lib.sh \
	tests/integration/task-env.sh tests/integration/epilog-env.sh \
	tests/integration/resize-task.sh tests/integration/chaos-lib.sh \
	tests/integration/flagscale-task.sh \
	tests/cluster

# A Slurm client linked with the public libslurm only (test 18).
check_PROGRAMS += tests/integration/submit-client
tests_integration_submit_client_SOURCES = tests/integration/submit-client.c
tests_integration_submit_client_CPPFLAGS = $(SLURM_CPPFLAGS)
tests_integration_submit_client_LDADD = $(SLURM_LIBS)
