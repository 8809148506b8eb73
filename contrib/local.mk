# What admins get beside the programs: the job examples and configuration
# examples (under $(docdir)/examples), the SPANK plugin's plugstack.conf
# line, and the package recipes (debian/, contrib/rpm).
examplesdir = $(docdir)/examples
dist_examples_DATA = contrib/jobs/runtime-hetero.sbatch \
	contrib/jobs/torchrun-hetero.sbatch contrib/jobs/dipu-hetero.sbatch \
	contrib/config/dlhetero.conf.example contrib/config/gres.conf.example \
	contrib/config/slurm.conf.snippet

# off until an admin links it into plugstack.conf.d (as a package leaves it)
pkgdata_DATA = plugstack.conf
CLEANFILES += plugstack.conf
plugstack.conf: Makefile
	printf '%s\n' \
		'# dlhetero: --dl-hetero for sbatch, salloc and srun.  Enable:' \
		'#   ln -s $(pkgdatadir)/plugstack.conf $(sysconfdir)/plugstack.conf.d/dlhetero.conf' \
		'required $(plugindir)/dlhetero.so' > $@

EXTRA_DIST += contrib/config/plugstack.conf.example debian contrib/rpm
