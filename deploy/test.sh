#!/usr/bin/env bash
# The test command of the README: installs what a new Debian machine lacks for the tests (the
# Japanese font the PDF statements are typeset with, unless SANGO_PDF_FONT names one), then runs
# the whole workspace's tests on the embedded SQLite. Extra arguments go to `cargo test`.
set -euo pipefail
cd "$(dirname "$0")/.."

if [[ -z "${SANGO_PDF_FONT:-}" ]] && ! compgen -G "/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc" >/dev/null; then
  deploy/install-missing.sh fonts-noto-cjk
fi
cargo test --workspace "$@"
