#!/usr/bin/env bash
# Installs the real Prometheus toolchain the tests run against: promtool + prometheus (Debian package
# `prometheus`) and amtool + alertmanager (`prometheus-alertmanager`). Installs only what is missing.
set -euo pipefail

missing=()
command -v promtool >/dev/null 2>&1 && command -v prometheus >/dev/null 2>&1 || missing+=(prometheus)
command -v amtool >/dev/null 2>&1 || missing+=(prometheus-alertmanager)
[ ${#missing[@]} -eq 0 ] && exit 0

if [ "$(id -u)" -eq 0 ] && command -v apt-get >/dev/null 2>&1; then
  echo "installing ${missing[*]} with apt-get" >&2
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
  # Debian's packages start services where systemd runs; the tests start their own on free ports.
  exit 0
fi
cat >&2 <<MSG
slogen needs ${missing[*]} (promtool, prometheus, amtool, alertmanager).
  Debian/Ubuntu:  sudo apt-get install prometheus prometheus-alertmanager
  elsewhere:      download them from https://prometheus.io/download/ and put them on PATH,
                  or set PROMTOOL=/path/to/promtool
MSG
exit 1
