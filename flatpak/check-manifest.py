#!/usr/bin/env python3
# Checks the flatpak manifest's structure (it cannot be built here: no network for the runtime):
# valid JSON, the app-id of the desktop files, the GNOME runtime and SDK, the command the build
# installs, every module's sources pinned, the runtime's missing libraries bundled, Inkan built
# from the local tree with its tests run, and only justified sandbox holes.
# SPDX-License-Identifier: GPL-3.0-or-later
import json
import re
import sys

# Each permission Inkan may ask for, and why.
JUSTIFIED = {
    '--share=ipc': 'X11 shared memory (GTK under Xwayland)',
    '--socket=wayland': 'the window',
    '--socket=fallback-x11': 'the window on X11 sessions',
    '--device=dri': 'GTK\'s GL renderer',
    '--share=network': 'the timestamp authority, OCSP responders and CRLs',
    '--socket=pcsc': 'USB keys and smart cards through the host\'s pcscd',
}
# Modules the GNOME runtime does not carry and Inkan needs.
REQUIRED_MODULES = ['qpdf', 'poppler', 'opensc', 'pcsc-lite']
BUILDSYSTEMS = {'meson', 'cmake', 'cmake-ninja', 'autotools', 'simple', 'qmake'}

errors = []


def fail(message):
    errors.append(message)


def check_source(module, source):
    kind = source.get('type')
    name = module.get('name', '?')
    if kind in ('archive', 'file'):
        if not str(source.get('url', '')).startswith('https://'):
            fail(f'module {name}: {kind} source without an https URL')
        if not re.fullmatch(r'[0-9a-f]{64}', str(source.get('sha256', ''))):
            fail(f'module {name}: {kind} source not pinned by sha256')
    elif kind == 'git':
        if not re.fullmatch(r'[0-9a-f]{40}', str(source.get('commit', ''))):
            fail(f'module {name}: git source not pinned by commit')
        if 'tag' not in source:
            fail(f'module {name}: git source without its tag')
    elif kind == 'dir':
        if name != 'inkan':
            fail(f'module {name}: only Inkan itself is built from the local tree')
    else:
        fail(f'module {name}: unexpected source type {kind!r}')


def main(manifest_path, desktop_path, metainfo_path, launcher_path):
    try:
        with open(manifest_path, encoding='utf-8') as f:
            manifest = json.load(f)
    except (OSError, json.JSONDecodeError) as e:
        print(f'{manifest_path}: not valid JSON: {e}', file=sys.stderr)
        return 1

    app_id = manifest.get('app-id') or manifest.get('id')
    if app_id != 'org.inkan.Inkan':
        fail(f'app-id is {app_id!r}, not org.inkan.Inkan')
    if not desktop_path.endswith(f'/{app_id}.desktop'):
        fail(f'the desktop file {desktop_path} is not named after the app-id')
    with open(metainfo_path, encoding='utf-8') as f:
        if f'<id>{app_id}</id>' not in f.read():
            fail('the metainfo does not carry the app-id')
    if manifest.get('runtime') != 'org.gnome.Platform' or manifest.get('sdk') != 'org.gnome.Sdk':
        fail('the runtime is not the GNOME platform and SDK')
    if not re.fullmatch(r'\d+', str(manifest.get('runtime-version', ''))):
        fail('runtime-version is not a GNOME release number')
    if manifest.get('command') != 'inkan-flatpak':
        fail('command is not inkan-flatpak (the launcher that registers OpenSC)')
    with open(launcher_path, encoding='utf-8') as f:
        if 'exec /app/bin/inkan' not in f.read():
            fail('the launcher does not start /app/bin/inkan')

    for arg in manifest.get('finish-args', []):
        if arg not in JUSTIFIED:
            fail(f'finish-arg {arg} is not justified in check-manifest.py')

    modules = manifest.get('modules', [])
    if not modules or not all(isinstance(m, dict) for m in modules):
        fail('modules must be a non-empty list of objects')
        modules = []
    names = [m.get('name') for m in modules]
    for required in REQUIRED_MODULES:
        if required not in names:
            fail(f'module {required} is missing')
    if names and names[-1] != 'inkan':
        fail('Inkan is not the last module')
    for module in modules:
        if module.get('buildsystem') not in BUILDSYSTEMS:
            fail(f'module {module.get("name")}: unknown buildsystem')
        if not module.get('sources'):
            fail(f'module {module.get("name")}: no sources')
        for source in module.get('sources', []):
            check_source(module, source)
    inkan = modules[-1] if modules else {}
    if inkan.get('buildsystem') != 'meson':
        fail('Inkan is not built with meson')
    if '-Dflatpak=true' not in inkan.get('config-opts', []):
        fail('Inkan is not configured with -Dflatpak=true (the launcher)')
    if inkan.get('sources') != [{'type': 'dir', 'path': '..'}]:
        fail('Inkan is not built from the local tree (a dir source "..")')
    if inkan.get('run-tests') is not True or not inkan.get('test-commands'):
        fail('Inkan\'s tests are not run in the build')

    for e in errors:
        print(f'{manifest_path}: {e}', file=sys.stderr)
    if not errors:
        print(f'{manifest_path}: {len(modules)} modules, {len(manifest.get("finish-args", []))} '
              'finish-args, all pinned and justified')
    return 1 if errors else 0


if __name__ == '__main__':
    if len(sys.argv) != 5:
        print('Usage: check-manifest.py MANIFEST DESKTOP METAINFO LAUNCHER', file=sys.stderr)
        sys.exit(2)
    sys.exit(main(*sys.argv[1:]))
