#!/usr/bin/env bash
# Regenerates samples/data/seed/speech and samples/data/seed/images from Debian packages: espeak-ng (Mandarin speech)
# and Chinese and emoji fonts (see INVENTORY.md). samples/data/seed/split.json (the held-out fonts, voices and noise) is
# read, not written.
# The output is committed, so the sample runs without these packages; run this only to change or reproduce the data.
set -euo pipefail
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
packages=(espeak-ng fonts-noto-cjk fonts-noto-cjk-extra fonts-arphic-ukai fonts-arphic-uming fonts-arphic-gkai00mp
  fonts-arphic-gbsn00lp fonts-wqy-zenhei fonts-wqy-microhei fonts-droid-fallback fonts-lxgw-wenkai fonts-smiley-sans
  fonts-hanazono fonts-cns11643-kai fonts-cns11643-sung fonts-unifont fonts-noto-color-emoji fonts-symbola fonts-noto-core)
missing=()
for p in "${packages[@]}"; do dpkg -s "$p" >/dev/null 2>&1 || missing+=("$p"); done
if [ ${#missing[@]} -gt 0 ]; then
  if [ "$(id -u)" = 0 ]; then apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}";
  else echo "Install first: sudo apt-get install ${missing[*]}" >&2; exit 1; fi
fi
bash "$root/eng/ensure-prerequisites.sh"
rm -rf "$root/samples/data/seed/speech" "$root/samples/data/seed/images"
dotnet run --project "$root/samples/SeedExample" -c Release -- generate-data --output "$root/samples/data/seed"
