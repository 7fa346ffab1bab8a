#!/usr/bin/env bash
# Installs what the benchmark's peers need on Debian: PyTorch with OpenBLAS (the training peer) and scikit-learn
# (the L2,1 peer). Without root it prints the command and the benchmarks run without the peer columns.
set -euo pipefail

packages=()
/usr/bin/python3 -c "import torch" >/dev/null 2>&1 || packages+=(python3-torch)
# Debian's python3-torch uses the system BLAS; with netlib's reference BLAS it is about 15x slower than with OpenBLAS.
dpkg -s libopenblas0-pthread >/dev/null 2>&1 || packages+=(libopenblas0-pthread)
/usr/bin/python3 -c "import sklearn" >/dev/null 2>&1 || packages+=(python3-sklearn)

if [ ${#packages[@]} -eq 0 ]; then
  echo "benchmark peers: python3-torch, OpenBLAS and scikit-learn present (ok)"
  exit 0
fi

if [ "$(id -u)" -ne 0 ] || ! command -v apt-get >/dev/null 2>&1; then
  echo "benchmark peers: missing ${packages[*]}; the peer columns will say n/a. To compare with PyTorch and scikit-learn, run as root:" >&2
  echo "  apt-get install -y ${packages[*]}" >&2
  exit 0
fi

echo "benchmark peers: installing ${packages[*]}"
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq >/dev/null 2>&1 || true
apt-get install -y -qq "${packages[@]}" >/dev/null
