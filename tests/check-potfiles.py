#!/usr/bin/env python3
# Every source, UI and data file with translatable strings is listed in po/POTFILES.in (else its
# strings never reach the translators), every file listed there exists, and no translatable
# string hides a GLib format macro from xgettext.
# Usage: check-potfiles.py SOURCE_ROOT
# SPDX-License-Identifier: GPL-3.0-or-later
import os
import re
import sys

root = sys.argv[1]
# _( N_( C_( NC_( ngettext( g_dngettext( … in C; translatable="yes" in GtkBuilder files; the
# desktop entry and the metainfo are translated whole (i18n.merge_file), so they count too.
C_MARK = re.compile(r'(?<![A-Za-z0-9_])(_|N_|C_|NC_|ngettext|g_dngettext|g_dgettext|'
                    r'g_dpgettext2|g_dcgettext)\s*\(')
UI_MARK = re.compile(r'translatable\s*=\s*"(yes|true|1)"')
MERGED = ('.desktop.in', '.metainfo.xml.in', '.appdata.xml.in')
SCANNED = ('src', 'ui', 'data')


def strip_c_comments(text):
    return re.sub(r'/\*.*?\*/|//[^\n]*', ' ', text, flags=re.S)


def translatable(path):
    with open(os.path.join(root, path), encoding='utf-8') as f:
        text = f.read()
    if path.endswith(('.c', '.h')):
        return C_MARK.search(strip_c_comments(text)) is not None
    if path.endswith('.ui'):
        return UI_MARK.search(text) is not None
    return path.endswith(MERGED)


listed = set()
with open(os.path.join(root, 'po', 'POTFILES.in'), encoding='utf-8') as f:
    for line in f:
        line = line.strip()
        if line and not line.startswith('#'):
            listed.add(line)

found = set()
for top in SCANNED:
    for dirpath, dirnames, filenames in os.walk(os.path.join(root, top)):
        dirnames.sort()
        for name in sorted(filenames):
            path = os.path.relpath(os.path.join(dirpath, name), root)
            if path.endswith(('.c', '.h', '.ui') + MERGED) and translatable(path):
                found.add(path)

# xgettext does not expand GLib's format macros: in _("Request %" G_GINT64_FORMAT " …") it sees
# only "Request %", and the sentence is never translated. PRId64/PRIu64 (it knows them) or %zu.
SPLIT = re.compile(r'(?<![A-Za-z0-9_])(?:_|N_|C_|NC_|ngettext|g_dngettext)\s*\((?:\s*"(?:[^"\\\n]|\\.)*"'
                   r'|\s*[A-Za-z_][A-Za-z0-9_]*|\s*,)*?\s*G_G[A-Z0-9]*_FORMAT')
split = []
for path in sorted(p for p in found if p.endswith(('.c', '.h'))):
    with open(os.path.join(root, path), encoding='utf-8') as f:
        text = strip_c_comments(f.read())
    for m in SPLIT.finditer(text):
        split.append(f'{path}:{text.count(chr(10), 0, m.start()) + 1}')
for where in split:
    print(f'{where}: a G_G*_FORMAT macro inside a translatable string; use PRId64, PRIu64 or %zu',
          file=sys.stderr)

missing = sorted(found - listed)
gone = sorted(p for p in listed if not os.path.isfile(os.path.join(root, p)))
for path in missing:
    print(f'{path} has translatable strings but is not in po/POTFILES.in', file=sys.stderr)
for path in gone:
    print(f'po/POTFILES.in lists {path}, which does not exist', file=sys.stderr)
if missing or gone or split:
    sys.exit(1)
print(f'{len(found)} files with translatable strings, all in po/POTFILES.in')
