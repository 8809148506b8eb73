#!/bin/bash
# The admin's route: the Debian package of this tree (contrib/build-deb.sh:
# dpkg-buildpackage in a clean copy) is lintian-clean, pins the Slurm
# release it was built for (apt refuses it next to another), installs with
# dpkg -i, runs the test cluster from the installed files (plugins in
# Slurm's plugin directory, catalogs in /usr/share/dlhetero, the installed
# runtime and job example) with a --dl-hetero job and a plain job, keeps an
# edited dlhetero.conf across an upgrade, and leaves nothing behind when
# removed.  The RPM recipe builds the same content for the RPM layout.
# Runs once, against Debian's packaged Slurm (contrib/run-tests.sh).
. "${DLH_SRCDIR:-$(dirname "$0")/../..}/tests/integration/lib.sh"

[ "$(id -u)" -eq 0 ] || skip_all "installs a package: needs root"
[ "${DLH_SLURM_PREFIX:-/usr}" = /usr ] ||
	skip_all "the .deb is built for Debian's packaged Slurm, this build for $DLH_SLURM_PREFIX"
plan 26

pkgdir=/usr/lib/x86_64-linux-gnu/slurm-wlm
ours="dlhetero.so gres_accel.so job_submit_dlhetero.so select_cons_tres_dlhetero.so"
out=$(mktemp -d /var/tmp/dlh-package.XXXXXX)
cleanup() {
	dpkg -P slurm-dlhetero >/dev/null 2>&1
	rm -rf "$out"
}
trap cleanup EXIT
dpkg -P slurm-dlhetero >/dev/null 2>&1	# a run killed halfway

deb=$(DEB_BUILD_OPTIONS=nocheck DLH_SLURM_SOURCE=$DLH_SLURM_SOURCE \
	bash "$DLH_SRCDIR/contrib/build-deb.sh" "$out" 2>"$out/build.err" | tail -n 1)
ok "[ -f '$deb' ]" "dpkg-buildpackage built $(basename "$deb")" ||
	bail_out "no package: $(tail -n 5 "$out/build.err")"
lint=$(lintian --allow-root "$deb" 2>&1 | grep -v 'running with root' || true)
is "$(echo "$lint" | grep -c '^[EW]:')" 0 "lintian: no errors, no warnings"
[ -z "$lint" ] || diag "lintian: $lint"
slurm=$(dpkg-query -W -f '${Version}' slurm-wlm-basic-plugins)
slurm=${slurm%%-*}
like "$(dpkg-deb -f "$deb" Depends)" \
	"slurm-wlm-basic-plugins \\(>= $slurm~\\), slurm-wlm-basic-plugins \\(<< [0-9.]+~\\)" \
	"it depends on this Slurm release, $slurm, and no other"

# the same package built for another Slurm release: apt refuses it here
mkdir "$out/other"
dpkg-deb -R "$deb" "$out/other/x"
sed -i 's/slurm-wlm-basic-plugins (>= [^)]*), slurm-wlm-basic-plugins (<< [^)]*)/slurm-wlm-basic-plugins (>= 24.11.5~), slurm-wlm-basic-plugins (<< 24.11.6~)/' \
	"$out/other/x/DEBIAN/control"
dpkg-deb -b "$out/other/x" "$out/other/other.deb" >/dev/null
like "$(apt-get install --simulate "$out/other/other.deb" 2>&1)" \
	'slurm-wlm-basic-plugins \(>= 24.11.5~\) but 22.05' \
	"a package built for 24.11 is refused next to Slurm $slurm"

ok "dpkg -i '$deb' >'$out/install.log' 2>&1" "dpkg -i installs it"
for f in $ours; do
	[ -f "$pkgdir/$f" ] || missing+=" $f"
done
is "${missing:-}" "" "the four plugins are in Slurm's plugin directory"
ok "[ -x /usr/bin/dlhetero-plan ] && [ -x /usr/bin/dlhetero-runtime ] && [ -x /usr/bin/dlhetero-detect ]" \
	"the commands are in /usr/bin"
is "$(dpkg-query -W -f '${Conffiles}' slurm-dlhetero | awk '{print $1}' | tr -d '\n')" \
	/etc/slurm/dlhetero.conf "dlhetero.conf is a conffile"
like "$(dlhetero-plan --model llama2-7b --chips a100:8,ascend910b:8 2>&1)" \
	'a100' "the installed dlhetero-plan reads the installed catalogs"

# the test cluster from the installed files: plugins from Slurm's plugin
# directory, catalogs from /usr/share/dlhetero (dlhetero.conf's defaults)
export DLH_PLUGIN_DIR=$pkgdir
eval "$(bash "$DLH_CLUSTER_SH" env)"
export DLH_CONF_EXTRA="StateDir=$DLH_CLUSTER_DIR/run/dlhetero"
cluster_up
like "$(scontrol show config | grep '^PluginDir')" "= $pkgdir:" \
	"slurmctld loads the installed plugins"
work=$DLH_CLUSTER_DIR/work
rm -rf "$work"/29-*
id=$(DLH_RUNTIME="dlhetero-runtime --global-batch 8 --seq-len 16 --master-addr 127.0.0.1" \
	sbatch --parsable -o "$work/29-run.txt" --dl-hetero=a100:2,ascend910b:2 \
	--dl-model=llama2-7b -N2 -n4 --dl-checkpoint-dir="$work/29-ckpt" \
	/usr/share/doc/slurm-dlhetero/examples/runtime-hetero.sbatch \
	--steps 2 --out "$work/29-out.json")
is "$(submit_wait "$id" 400)" COMPLETED \
	"a --dl-hetero job runs the installed runtime with the installed example"
ok "same_as_single '$work/29-out.json' >'$work/29.cmp'" \
	"its losses are the single process's"
like "$(job_comment "$id")" '^dlhetero a100:2\(n[0-9]+\) ascend910b:2\(n[0-9]+\)$' \
	"the installed select plugin recorded its map"
like "$(sacct_field "$id" AllocTRES)" 'gres/accel:a100=2.*gres/accel:ascend910b=2' \
	"sacct has it per chip type"
plain=$(sbatch --parsable -o "$work/29-plain.txt" -N1 --gres=accel:a100:1 \
	--wrap 'echo "CUDA_VISIBLE_DEVICES=$CUDA_VISIBLE_DEVICES"')
is "$(submit_wait "$plain" 120)" COMPLETED "a plain gres job runs"
is "$(cat "$work/29-plain.txt")" "CUDA_VISIBLE_DEVICES=0" \
	"and gets its device from the installed gres/accel"
bash "$DLH_CLUSTER_SH" stop >/dev/null 2>&1

# upgrade over it: the admin's edit of dlhetero.conf stays
echo "# edited by the admin" >> /etc/slurm/dlhetero.conf
rm -rf "$out/new"
dpkg-deb -R "$deb" "$out/new"
sed -i 's/^Version: .*/&+1/' "$out/new/DEBIAN/control"
dpkg-deb -b "$out/new" "$out/new.deb" >/dev/null
ok "dpkg -i '$out/new.deb' >'$out/upgrade.log' 2>&1" "a newer build installs over it"
like "$(dpkg-query -W -f '${Version}' slurm-dlhetero)" '\+1$' "the newer one is installed"
is "$(tail -n 1 /etc/slurm/dlhetero.conf)" "# edited by the admin" \
	"the edited dlhetero.conf is kept"

ok "dpkg -r slurm-dlhetero >'$out/remove.log' 2>&1" "dpkg -r removes it"
left=$(cd "$pkgdir" && ls $ours 2>/dev/null; ls /usr/bin/dlhetero-* \
	/usr/lib/x86_64-linux-gnu/dlhetero /usr/share/dlhetero 2>/dev/null)
is "$left" "" "nothing of it is left in the plugin directory, /usr/bin, /usr/lib, /usr/share"
ok "dpkg -P slurm-dlhetero >/dev/null 2>&1 && [ ! -e /etc/slurm/dlhetero.conf ]" \
	"purging removes dlhetero.conf too"

# the RPM recipe: same content, RPM layout, the same Slurm release
rpm=$(DLH_RPM_NOCHECK=1 DLH_SLURM_SOURCE=$DLH_SLURM_SOURCE \
	bash "$DLH_SRCDIR/contrib/build-rpm.sh" "$out" 2>"$out/rpm.err" | tail -n 1)
ok "[ -f '$rpm' ]" "rpmbuild built $(basename "$rpm")"
is "$(rpm -qpl "$rpm" 2>/dev/null | grep -c '^/usr/lib64/slurm/')" 4 \
	"its four plugins are in /usr/lib64/slurm"
like "$(rpm -qpR "$rpm" 2>/dev/null | tr '\n' ' ')" "slurm = $slurm " \
	"it requires Slurm $slurm"
# rpmlint: no errors but two that a local build on Debian always has: the
# package is not signed (sites sign their builds), and rpmlint 2.4 wants
# section-5 pages in a "manconf" folder (man(1) looks in man5)
lint=$(rpmlint "$rpm" 2>&1)
is "$(echo "$lint" | grep ': E: ' | grep -v ': E: no-signature$' |
	grep -v ': E: bad-manual-page-folder /usr/share/man/man5/')" "" \
	"rpmlint: no errors but an unsigned local build's"
while read -r l; do diag "rpmlint: $l"; done <<<"$lint"
