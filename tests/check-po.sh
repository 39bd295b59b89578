#!/bin/sh
# Every message of the current sources is translated in each language of po/LINGUAS: the
# template is made again from POTFILES.in (what `ninja inkan-pot` does: meson's "glib" xgettext
# preset), each .po is merged with it in a scratch file, and no entry may be untranslated or
# fuzzy; msgfmt --check must accept the catalogue (printf placeholders, plural forms, header).
# Usage: check-po.sh SOURCE_ROOT
# SPDX-License-Identifier: GPL-3.0-or-later
set -eu
src="$1"
tmp="$(mktemp -d "${TMPDIR:-/tmp}/inkan-po-XXXXXX")"
trap 'rm -rf "$tmp"' EXIT

grep -v '^#' "$src/po/POTFILES.in" | grep -v '^[[:space:]]*$' > "$tmp/files"
(cd "$src" && xgettext --package-name=inkan --directory="$src" --files-from="$tmp/files" \
  --output="$tmp/inkan.pot" --from-code=UTF-8 --add-comments=Translators \
  --keyword=_ --keyword=N_ --keyword=C_:1c,2 --keyword=NC_:1c,2 --keyword=g_dcgettext:2 \
  --keyword=g_dngettext:2,3 --keyword=g_dpgettext2:2c,3 \
  --flag=N_:1:pass-c-format --flag=C_:2:pass-c-format --flag=NC_:2:pass-c-format \
  --flag=g_dngettext:2:pass-c-format --flag=g_strdup_printf:1:c-format \
  --flag=g_string_printf:2:c-format --flag=g_string_append_printf:2:c-format \
  --flag=g_error_new:3:c-format --flag=g_set_error:4:c-format --flag=g_print:1:c-format \
  --flag=g_printerr:1:c-format)
total="$(msgattrib --no-obsolete "$tmp/inkan.pot" | grep -c '^msgid ' || true)"
# The header is one msgid; a template with almost nothing in it means xgettext saw no sources.
[ "$total" -gt 100 ] || { echo "the regenerated template has only $total messages" >&2; exit 1; }

fail=0
for lang in $(grep -v '^#' "$src/po/LINGUAS"); do
  po="$src/po/$lang.po"
  [ -f "$po" ] || { echo "$lang is in LINGUAS but $po is missing" >&2; fail=1; continue; }
  msgmerge --quiet --previous "$po" "$tmp/inkan.pot" -o "$tmp/$lang.po"
  untranslated="$(msgattrib --untranslated --no-obsolete "$tmp/$lang.po")"
  fuzzy="$(msgattrib --only-fuzzy --no-obsolete "$tmp/$lang.po")"
  if [ -n "$untranslated" ]; then
    echo "$lang: untranslated messages (run ninja inkan-update-po, then translate):" >&2
    printf '%s\n' "$untranslated" | grep -A3 '^#:' | head -60 >&2
    fail=1
  fi
  if [ -n "$fuzzy" ]; then
    echo "$lang: fuzzy messages (the English changed; check and unmark them):" >&2
    printf '%s\n' "$fuzzy" | grep -A4 '^#,' | head -60 >&2
    fail=1
  fi
  msgfmt --check --statistics -o "$tmp/$lang.mo" "$tmp/$lang.po" ||
    { echo "$lang: msgfmt --check refuses the catalogue" >&2; fail=1; }
  # The catalogue in the tree needs no merge to be complete either.
  msgfmt --check -o /dev/null "$po" || { echo "$lang: msgfmt --check refuses $po" >&2; fail=1; }
done
[ "$fail" -eq 0 ] && echo "all $((total - 1)) messages translated in: $(grep -v '^#' "$src/po/LINGUAS" | tr '\n' ' ')"
exit "$fail"
