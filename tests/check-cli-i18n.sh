#!/bin/sh
# inkan-cli speaks Simplified Chinese with LANGUAGE=zh_CN: the verdict on an unsigned document,
# a refusal from the core (a missing file) and a usage error, each with its usual exit status.
# Usage: check-cli-i18n.sh INKAN_CLI INKAN_MKASSETS LOCALEDIR
# SPDX-License-Identifier: GPL-3.0-or-later
set -u
cli="$1" mkassets="$2"
tmp="$(mktemp -d "${TMPDIR:-/tmp}/inkan-cli-i18n-XXXXXX")"
trap 'rm -rf "$tmp"' EXIT
"$mkassets" pdf "$tmp/unsigned.pdf" --kind one-page >/dev/null || exit 1
fail=0

# C.UTF-8 is on every Debian 12 system and is not "C", so gettext honours LANGUAGE.
expect () # NAME WANTED_STATUS STATUS OUTPUT_FILE CHINESE ENGLISH
{
  if [ "$3" -ne "$2" ]; then
    echo "$1: exit status $3, expected $2" >&2; fail=1
  fi
  if ! grep -qF "$5" "$4"; then
    echo "$1: no “$5” in:" >&2; cat "$4" >&2; fail=1
  fi
  if grep -qF "$6" "$4"; then
    echo "$1: still in English (“$6”)" >&2; fail=1
  fi
}

run () # LOCALEDIR ARGS...: output to $tmp/out, status in $status
{
  dir="$1"; shift
  LC_ALL=C.UTF-8 LANGUAGE=zh_CN INKAN_LOCALEDIR="$dir" "$cli" "$@" >"$tmp/out" 2>&1
  status=$?
}

run "$3" verify "$tmp/unsigned.pdf"
expect "verify an unsigned file" 3 "$status" "$tmp/out" "未签章" "NOT SIGNED"
run "$3" verify "$tmp/missing.pdf"
expect "verify a missing file" 66 "$status" "$tmp/out" "无法" "Cannot"
run "$3" frobnicate
expect "an unknown command" 64 "$status" "$tmp/out" "用法：" "Usage:"

# Without LANGUAGE the same binary stays in English: the catalogue is chosen, not forced.
LC_ALL=C.UTF-8 INKAN_LOCALEDIR="$3" "$cli" verify "$tmp/unsigned.pdf" >"$tmp/out" 2>&1
grep -qF "NOT SIGNED" "$tmp/out" || { echo "English run: no NOT SIGNED in:" >&2; cat "$tmp/out" >&2; fail=1; }

[ "$fail" -eq 0 ] && echo "inkan-cli answers in Chinese under LANGUAGE=zh_CN"
exit "$fail"
