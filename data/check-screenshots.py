#!/usr/bin/env python3
# The metainfo's screenshots are the ones kept in data/screenshots: every <image> names a PNG
# there by its published URL, with the PNG's own width and height; every default screenshot has
# a caption, translated for each language that has its own image.
# Usage: check-screenshots.py METAINFO SCREENSHOTS_DIR URL
# SPDX-License-Identifier: GPL-3.0-or-later
import os
import struct
import sys
import xml.etree.ElementTree as ET

metainfo, folder, url = sys.argv[1], sys.argv[2], sys.argv[3].rstrip('/')
LANG = '{http://www.w3.org/XML/1998/namespace}lang'
fail = False
shots = ET.parse(metainfo).getroot().findall('./screenshots/screenshot')
if not shots:
    print('the metainfo has no screenshots', file=sys.stderr)
    sys.exit(1)
if sum(1 for s in shots if s.get('type') == 'default') != 1:
    print('the metainfo needs exactly one default screenshot', file=sys.stderr)
    fail = True
used = set()
for shot in shots:
    captions = {c.get(LANG) for c in shot.findall('caption')}
    if None not in captions:
        print('a screenshot has no caption', file=sys.stderr)
        fail = True
    for image in shot.findall('image'):
        src = image.text.strip()
        if not src.startswith(url + '/'):
            print(f'{src} is not under {url}', file=sys.stderr)
            fail = True
            continue
        name = src[len(url) + 1:]
        path = os.path.join(folder, name)
        used.add(name)
        lang = image.get(LANG)
        if lang is not None and lang.replace('-', '_') not in {c.replace('-', '_') for c in captions if c}:
            print(f'{name}: no caption translated for {lang}', file=sys.stderr)
            fail = True
        try:
            with open(path, 'rb') as f:
                head = f.read(24)
        except OSError as e:
            print(f'{name}: {e}', file=sys.stderr)
            fail = True
            continue
        if head[:8] != b'\x89PNG\r\n\x1a\n':
            print(f'{name} is not a PNG', file=sys.stderr)
            fail = True
            continue
        width, height = struct.unpack('>II', head[16:24])
        if (str(width), str(height)) != (image.get('width'), image.get('height')):
            print(f'{name} is {width}×{height}, the metainfo says '
                  f'{image.get("width")}×{image.get("height")}', file=sys.stderr)
            fail = True
unused = sorted(set(os.listdir(folder)) - used)
if unused:
    print(f'screenshots the metainfo does not show: {", ".join(unused)}', file=sys.stderr)
    fail = True
if not fail:
    print(f'{len(shots)} screenshots, {len(used)} images, all in data/screenshots')
sys.exit(1 if fail else 0)
