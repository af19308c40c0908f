#!/bin/sh
# Runs a test program in a private network namespace where only loopback
# exists, so nothing a test starts (wrangler included) can reach another
# host. Needs root; elsewhere the program runs as it is.
set -eu
if [ "$(id -u)" = 0 ] && command -v unshare >/dev/null && command -v ip >/dev/null; then
  exec unshare -n -- sh -c 'ip link set lo up && exec "$@"' in-netns "$@"
fi
exec "$@"
