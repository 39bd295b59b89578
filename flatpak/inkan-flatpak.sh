#!/bin/sh
# The flatpak's entry point: registers the bundled OpenSC PKCS#11 module with p11-kit (USB keys
# and smart cards reach it through the host's pcscd, --socket=pcsc), then starts Inkan.
# p11-kit reads module files from $XDG_CONFIG_HOME/pkcs11/modules, which in the sandbox is the
# app's own ~/.var/app/org.inkan.Inkan/config; a file the user put there is never replaced.
# SPDX-License-Identifier: GPL-3.0-or-later
modules="${XDG_CONFIG_HOME:-$HOME/.config}/pkcs11/modules"
if [ ! -e "$modules/opensc.module" ] && [ -e /app/lib/opensc-pkcs11.so ]; then
  mkdir -p "$modules" && printf 'module: /app/lib/opensc-pkcs11.so\n' > "$modules/opensc.module"
fi
exec /app/bin/inkan "$@"
