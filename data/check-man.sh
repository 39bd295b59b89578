#!/bin/sh
# inkan-cli(1) renders without a groff warning and documents every command and option that
# inkan-cli --help lists.
# SPDX-License-Identifier: GPL-3.0-or-later
set -eu
page="$1" cli="$2"
out="$(mktemp)" err="$(mktemp)"
trap 'rm -f "$out" "$err"' EXIT
MANWIDTH=200 LC_ALL=C.UTF-8 man --warnings -l "$page" >"$out" 2>"$err"
if [ -s "$err" ]; then echo "man reports:" >&2; cat "$err" >&2; exit 1; fi
grep -q '^INKAN-CLI(1)' "$out" || { echo "no INKAN-CLI(1) header" >&2; exit 1; }
missing=0
for cmd in "token list" "token certs" "sign" "verify" "user add" "seal create" "seal draw" \
           "seal import-image" "grant add" \
           "request create" "approve" "reject" "audit export"; do
  "$cli" $cmd --help | sed -n 's/^  *\(-[a-z], \)\{0,1\}\(--[a-z-]*\).*/\2/p' | while read -r opt; do
    grep -q -- "$opt" "$out" || { echo "inkan-cli $cmd $opt is not in the manual page" >&2; exit 1; }
  done || missing=1
  grep -q "inkan-cli $cmd" "$out" || { echo "inkan-cli $cmd is not in the manual page" >&2; missing=1; }
done
exit "$missing"
