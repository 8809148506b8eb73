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

EXTRA_DIST += tests/tap.sh tests/integration/lib.sh tests/cluster
