#!/usr/bin/env bash
# Regenerates samples/data/seed/speech and samples/data/seed/images from Debian packages: espeak-ng (Mandarin speech),
# Chinese and emoji fonts (see INVENTORY.md), and two emoji designs taken from packages that are downloaded and unpacked
# into a temporary folder, not installed: Twemoji Mozilla (the font firefox-esr ships) and EmojiOne's pictures (from
# ruby-gemojione) and Font Awesome Free's solid icons (node-fortawesome-fontawesome-free), plus public-domain animal drawings from openclipart-png. samples/data/seed/split.json (the held-out fonts, voices and noise) is read, not written.
# The output is committed, so the sample runs without these packages; run this only to change or reproduce the data.
# Usage: generate-data.sh [images|speech]   (regenerate only the pictures or only the clips)
set -euo pipefail
case "${1:-}" in "" | images | speech) ;; *) echo "usage: generate-data.sh [images|speech]" >&2; exit 2 ;; esac
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

assets=$(mktemp -d)
trap 'rm -rf "$assets"' EXIT
downloads=(firefox-esr ruby-gemojione node-fortawesome-fontawesome-free openclipart-png)
# apt-get download warns that root downloads unsandboxed into a folder _apt cannot write; that warning is dropped.
(cd "$assets" && apt-get download "${downloads[@]}" 2>&1 >/dev/null | grep -v 'unsandboxed' >&2) || true
for p in "${downloads[@]}"; do
  compgen -G "$assets/${p}_*.deb" >/dev/null || { echo "generate-data.sh: could not download $p (apt-get download $p)" >&2; exit 1; }
done
dpkg-deb --fsys-tarfile "$assets"/firefox-esr_*.deb | tar -x -O ./usr/lib/firefox-esr/fonts/TwemojiMozilla.ttf > "$assets/TwemojiMozilla.ttf"
mkdir -p "$assets/gemojione"
dpkg-deb -x "$assets"/ruby-gemojione_*.deb "$assets/gemojione"
mv "$assets"/gemojione/usr/share/rubygems-integration/all/gems/gemojione-*/assets/png "$assets/emojione-png"
dpkg-deb --fsys-tarfile "$assets"/node-fortawesome-fontawesome-free_*.deb | tar -x -O ./usr/share/nodejs/@fortawesome/fontawesome-free/webfonts/fa-solid-900.ttf > "$assets/fa-solid-900.ttf"
mkdir -p "$assets/clipart"
dpkg-deb --fsys-tarfile "$assets"/openclipart-png_*.deb | tar -x -C "$assets/clipart" ./usr/share/openclipart/png/animals
mv "$assets/clipart/usr/share/openclipart/png/animals" "$assets/openclipart"

case "${1:-}" in
  images | speech) rm -rf "${root:?}/samples/data/seed/$1" ;;
  "") rm -rf "$root/samples/data/seed/speech" "$root/samples/data/seed/images" ;;
esac
dotnet run --project "$root/samples/SeedExample" -c Release -- generate-data --output "$root/samples/data/seed" --assets "$assets" ${1:+--only "$1"}
