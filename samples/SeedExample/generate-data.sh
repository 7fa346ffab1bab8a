#!/usr/bin/env bash
# Regenerates samples/data/seed from Debian packages: espeak-ng (Mandarin speech) and three fonts with animal glyphs.
# The output is committed, so the sample runs without these packages; run this only to change or reproduce the data.
set -euo pipefail
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
packages=(espeak-ng fonts-noto-color-emoji fonts-symbola fonts-unifont)
missing=()
for p in "${packages[@]}"; do dpkg -s "$p" >/dev/null 2>&1 || missing+=("$p"); done
if [ ${#missing[@]} -gt 0 ]; then
  if [ "$(id -u)" = 0 ]; then apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}";
  else echo "Install first: sudo apt-get install ${missing[*]}" >&2; exit 1; fi
fi
bash "$root/eng/ensure-prerequisites.sh"
rm -rf "$root/samples/data/seed"
dotnet run --project "$root/samples/SeedExample" -c Release -- generate-data --output "$root/samples/data/seed"
