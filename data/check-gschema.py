#!/usr/bin/env python3
# Every GSettings key must have a non-empty summary and description (STYLE.md, issue 8).
# SPDX-License-Identifier: GPL-3.0-or-later
import sys
import xml.etree.ElementTree as ET

bad = 0
keys = 0
for schema in ET.parse(sys.argv[1]).getroot().iter('schema'):
    for key in schema.iter('key'):
        keys += 1
        for part in ('summary', 'description'):
            node = key.find(part)
            if node is None or not (node.text or '').strip():
                print(f"{schema.get('id')}: key “{key.get('name')}” has no {part}")
                bad += 1
print(f'{keys} keys checked')
sys.exit(1 if bad or keys == 0 else 0)
