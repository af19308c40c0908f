#!/usr/bin/env bash
# Writes a GitHub Actions log of about BYTES bytes, as a wrangler step with
# many retries would leave it: GitHub timestamps on every line, ANSI colours,
# warning boxes with indented notes, D1 migrations tables, deploy upload
# lines, and one failure near the end (D1 query refused, [code: 7403]).
# A block of real wrangler 4.86.0 text is doubled to 1 MiB and concatenated,
# so 1 GiB takes a few seconds.
# SHAPE is the prefix on every line: `github` (default) for the timestamps of
# GitHub's web log, `dashboard` for Cloudflare's build log ("10:15:02.104 | ").
# Usage: bench/make_log.sh BYTES OUT [SHAPE]
set -euo pipefail
(($# == 2 || $# == 3)) || { echo "usage: bench/make_log.sh BYTES OUT [github|dashboard]" >&2; exit 2; }
bytes=$1 out=$2 shape=${3:-github}
case $shape in
  github) prefix='2026-11-27T10:15:02.1234567Z ' ;;
  dashboard) prefix='10:15:02.104 | ' ;;
  *) echo "bench/make_log.sh: SHAPE must be github or dashboard, not '$shape'" >&2; exit 2 ;;
esac
tmp=$(mktemp -d "${TMPDIR:-/tmp}/make_log.XXXXXX")
trap 'rm -rf "$tmp"' EXIT

e=$'\e'
rule='────────────────────────────────────────────'
row() { printf '│ %-40s │ %s     │\n' "$1" "$2"; }
table() {  # the migrations table wrangler reprints after each migration
  printf '┌%s┬────────┐\n│ %-40s │ status │\n├%s┼────────┤\n' "$rule" name "$rule"
  row 0001_create_users.sql ✅
  printf '├%s┼────────┤\n' "$rule"
  row 0002_audit_7403_authentication_error.sql "$1"
  printf '└%s┴────────┘\n' "$rule"
}
warning() {
  printf '%s[33m▲ %s[43;33m[%s[43;30mWARNING%s[43;33m]%s[0m %s[1m%s%s[0m\n\n' \
    "$e" "$e" "$e" "$e" "$e" "$e" "$1" "$e"
}
stamp() { sed "s/^/$prefix/"; }

# shellcheck disable=SC2016  # the backticks are wrangler's own text
{
  printf '##[group]Run npx wrangler d1 migrations apply lab-db --remote\n'
  printf 'npx wrangler d1 migrations apply lab-db --remote\n'
  printf 'shell: /usr/bin/bash -e {0}\n##[endgroup]\n'
  printf '\n ⛅️ wrangler 4.86.0\n───────────────────\nResource location: remote \n\n'
  warning 'Multiple environments are defined in the Wrangler configuration file, but no target environment was specified for the d1 migrations apply command.'
  printf '  To avoid unintentional changes to the wrong environment, it is recommended to explicitly specify the target environment using the `-e|--env` flag.\n'
  printf '  If your intention is to use the top-level environment of your configuration simply pass an empty string to the flag to target such environment. For example `--env=""`.\n\n\n'
  printf '? About to apply 2 migration(s)\n'
  printf 'Your database may not be available to serve requests during the migration, continue?\n'
  printf '🤖 Using fallback value in non-interactive context: yes\n'
  printf '🌀 Executing on remote database lab-db (00000000-0000-4000-8000-000000000001):\n'
  printf '🌀 To execute on your local development database, remove the --remote flag from your wrangler command.\n'
  printf '🚣 Executed 1 command in 0.25ms\n'
  table ✅
  printf '##[group]Run npx wrangler deploy\n##[endgroup]\n'
  warning 'The version of Wrangler you are using is now out-of-date.'
  printf '  Please update to the latest version to prevent critical errors.\n'
  printf '  Run `npm install --save-dev wrangler@4` to update to the latest version.\n\n\n'
  printf 'Total Upload: 0.26 KiB / gzip: 0.21 KiB\n'
  printf 'Your Worker has access to the following bindings:\n'
  printf 'Binding              Resource         \nenv.DB (lab-db)      D1 Database      \n\n'
  printf '%s[2mUploaded lab-worker (0.19 sec)%s[0m\n' "$e" "$e"
  printf 'Deployed lab-worker triggers (0.06 sec)\n  https://lab-worker.lab-sub.workers.dev\n'
  printf 'Current Version ID: 11111111-2222-4333-8444-555555555555\n'
} | stamp >"$tmp/block"

{
  printf '🌀 Executing on remote database lab-db (00000000-0000-4000-8000-000000000001):\n'
  printf '%s[31m✘ %s[41;31m[%s[41;97mERROR%s[41;31m]%s[0m %s[1mA request to the Cloudflare API ' \
    "$e" "$e" "$e" "$e" "$e" "$e"
  printf '(/accounts/0123456789abcdef0123456789abcdef/d1/database/00000000-0000-4000-8000-000000000001/query) failed.%s[0m\n\n' "$e"
  printf '  The given account is not valid or is not authorized to access this service [code: 7403]\n  \n'
  printf '  If you think this is a bug, please open an issue at: %s[4mhttps://github.com/cloudflare/workers-sdk/issues/new/choose%s[0m\n\n\n' "$e" "$e"
  printf '🪵  Logs were written to "/home/runner/.config/.wrangler/logs/wrangler.log"\n'
  printf '##[error]Process completed with exit code 1.\n'
} | stamp >"$tmp/tail"

while (($(stat -c %s "$tmp/block") < 1048576)); do
  cat "$tmp/block" "$tmp/block" >"$tmp/next" && mv "$tmp/next" "$tmp/block"
done
chunk=$(stat -c %s "$tmp/block")
want=$(((bytes - $(stat -c %s "$tmp/tail")) / chunk))
copies=()
for ((i = 0; i < want; i++)); do copies+=("$tmp/block"); done
# The last copy is cut at a line end so the log comes within a chunk of BYTES.
rest=$((bytes - want * chunk - $(stat -c %s "$tmp/tail")))
head -c "$((rest > 0 ? rest : 0))" "$tmp/block" | sed '$d' >"$tmp/part"
cat "${copies[@]}" "$tmp/part" "$tmp/tail" >"$out"
