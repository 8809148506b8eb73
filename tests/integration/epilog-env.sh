#!/bin/bash
# Epilog of the test cluster: keep what gres/accel gave the epilog, so
# that tests can read it (SLURM_CONF is <prefix>/etc/slurm.conf).
out=$(dirname "$(dirname "$SLURM_CONF")")/work
env | grep -E '^(DL_[A-Z_]*|[A-Z_]*VISIBLE_DEVICES)=' | sort \
	> "$out/epilog-$SLURM_JOB_ID-$SLURMD_NODENAME.env"
exit 0
