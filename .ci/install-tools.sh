#!/usr/bin/env bash
# Installs the real toolchain the tests run against: promtool + prometheus (Debian package `prometheus`),
# amtool + alertmanager (`prometheus-alertmanager`) and victoria-metrics + vmalert (`victoria-metrics`, for
# the vmalert e2e suite), and chromium + chromedriver (`chromium`, `chromium-driver`: the `slogen serve` browser
# tests drive Debian's build, never a downloaded one). Installs only what is missing.
set -euo pipefail

missing=()
command -v promtool >/dev/null 2>&1 && command -v prometheus >/dev/null 2>&1 || missing+=(prometheus)
command -v amtool >/dev/null 2>&1 || missing+=(prometheus-alertmanager)
command -v victoria-metrics >/dev/null 2>&1 && command -v vmalert >/dev/null 2>&1 || missing+=(victoria-metrics)
command -v chromium >/dev/null 2>&1 && command -v chromedriver >/dev/null 2>&1 || missing+=(chromium chromium-driver)
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
slogen needs ${missing[*]} (promtool, prometheus, amtool, alertmanager, victoria-metrics, vmalert, chromium,
chromedriver).
  Debian/Ubuntu:  sudo apt-get install prometheus prometheus-alertmanager victoria-metrics chromium chromium-driver
  elsewhere:      download them from https://prometheus.io/download/ and
                  https://github.com/VictoriaMetrics/VictoriaMetrics/releases and put them on PATH,
                  or set PROMTOOL=/path/to/promtool (VICTORIA_METRICS=..., VMALERT=... for the others)
MSG
exit 1
