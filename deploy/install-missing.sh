#!/usr/bin/env bash
# Installs Debian packages (the arguments) with apt-get, as root or through sudo. The callers
# decide what is missing; this only installs it.
set -euo pipefail
(($#)) || exit 0
echo "Installing from Debian: $*" >&2
sudo=()
if ((EUID != 0)); then
  command -v sudo >/dev/null || { echo "installing $* needs root (or sudo)" >&2; exit 1; }
  sudo=(sudo)
fi
"${sudo[@]}" apt-get update -qq
"${sudo[@]}" env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "$@" >/dev/null
