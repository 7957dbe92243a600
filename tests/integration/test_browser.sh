#!/bin/sh
# The web console end to end in headless Chromium (see tests/browser/run.sh:
# it installs Debian's chromium and playwright-core itself, or skips when it
# cannot). Part of `make test` so tests/run.sh's summary counts its checks.
here=$(cd "$(dirname "$0")" && pwd)
exec sh "$here/../browser/run.sh" "${GW_BUILD:-$here/../../build/test}"
