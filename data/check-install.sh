#!/bin/sh
# `meson install` into a temporary prefix puts binaries, desktop data, icons, the schema, the
# D-Bus service and the manual page where the desktop looks for them, and nothing outside it.
# SPDX-License-Identifier: GPL-3.0-or-later
set -eu
build="$1" prefix="$2" bindir="$3" datadir="$4" mandir="$5" localedir="$6"
dest="$(mktemp -d)"
trap 'rm -rf "$dest"' EXIT
meson install -C "$build" --no-rebuild --quiet --destdir "$dest" >"$dest.log" 2>&1 ||
  { cat "$dest.log" >&2; rm -f "$dest.log"; exit 1; }
rm -f "$dest.log"
root="$dest$prefix"
fail=0
expect () { [ -e "$root/$1" ] || { echo "not installed: $prefix/$1" >&2; fail=1; }; }
expect "$bindir/inkan"
expect "$bindir/inkan-cli"
expect "$datadir/applications/org.inkan.Inkan.desktop"
expect "$datadir/metainfo/org.inkan.Inkan.metainfo.xml"
expect "$datadir/glib-2.0/schemas/org.inkan.Inkan.gschema.xml"
expect "$datadir/icons/hicolor/scalable/apps/org.inkan.Inkan.svg"
expect "$datadir/icons/hicolor/symbolic/apps/org.inkan.Inkan-symbolic.svg"
expect "$datadir/dbus-1/services/org.inkan.Inkan.service"
expect "$mandir/man1/inkan-cli.1"
expect "$localedir/zh_CN/LC_MESSAGES/inkan.mo"
expect "$datadir/inkan/screenshots/zh_CN-sealed.png"
[ -x "$root/$bindir/inkan" ] && [ -x "$root/$bindir/inkan-cli" ] || { echo "binaries not executable" >&2; fail=1; }
# Nothing outside the prefix.
outside="$(cd "$dest" && find . -type f | grep -v "^\.$prefix/" || true)"
[ -z "$outside" ] || { echo "installed outside $prefix: $outside" >&2; fail=1; }
# The service starts the installed binary; the installed schema compiles; the page renders.
grep -qx "Exec=$prefix/$bindir/inkan --gapplication-service" \
  "$root/$datadir/dbus-1/services/org.inkan.Inkan.service" ||
  { echo "the D-Bus service does not start $prefix/$bindir/inkan" >&2; fail=1; }
glib-compile-schemas --strict --dry-run "$root/$datadir/glib-2.0/schemas" ||
  { echo "the installed schema does not compile" >&2; fail=1; }
MANWIDTH=80 man -l "$root/$mandir/man1/inkan-cli.1" | grep -q 'inkan-cli token list' ||
  { echo "the installed manual page does not render" >&2; fail=1; }
# The catalogue holds the Chinese translation; desktop entry and metainfo carry theirs.
mo="$root/$localedir/zh_CN/LC_MESSAGES/inkan.mo"
[ ! -f "$mo" ] || msgunfmt "$mo" | grep -q '^msgstr "打开 PDF 文档"$' ||
  { echo "the installed zh_CN catalogue lacks the Chinese strings" >&2; fail=1; }
grep -qx 'GenericName\[zh_CN\]=电子印章' "$root/$datadir/applications/org.inkan.Inkan.desktop" ||
  { echo "the installed desktop entry is not translated" >&2; fail=1; }
grep -q '<summary xml:lang="zh_CN">' "$root/$datadir/metainfo/org.inkan.Inkan.metainfo.xml" ||
  { echo "the installed metainfo is not translated" >&2; fail=1; }
[ "$fail" -eq 0 ] && echo "installed $(cd "$dest" && find . -type f | wc -l) files under $prefix"
exit "$fail"
