#!/usr/bin/env bash
# Sets up a Debian 12 machine for Inkan, builds it, then seals a demo document or runs the tests.
# SPDX-License-Identifier: GPL-3.0-or-later
#
# Usage: build-aux/setup.sh run|test
#   run   install what is missing, build, make the demo environment on first use, then seal a
#         sample document twice (an RSA seal with its image, an ECDSA signature), verify it with
#         inkan-cli verify and show pdfsig; then, on a desktop (DISPLAY or WAYLAND_DISPLAY set,
#         CI not true), start the Inkan application on a sample and the sealed document
#   test  install what is missing, build, make the demo environment, run the test suite, then
#         again under AddressSanitizer + UndefinedBehaviorSanitizer; exits non-zero on any failure
#
# Works from any directory, as root or as a user (sudo is used for apt-get only, and only when
# packages are missing). Under `sudo`, everything after apt-get runs as the invoking user, so
# the build and the demo do not end up owned by root. Never prompts.
#
# Environment:
#   INKAN_DEMO_DIR         the demo environment (default $XDG_DATA_HOME/inkan/demo)
#   INKAN_EXTRA_PACKAGES   more Debian packages to require (space-separated)
#   INKAN_SKIP_DEPS=1      do not look at Debian packages at all
#   INKAN_JOBS             parallel compile jobs (default: the number of processors)
#   INKAN_NO_APP=1         run: do not start the application at the end
#   CI=true                never prompt, never start the application (the default when not
#                          at a terminal)

set -eEuo pipefail

# Every Debian package Inkan needs to build, run the demo and run the tests: the one list.
PACKAGES=(
  # toolchain
  build-essential pkg-config meson ninja-build
  # libraries libinkan links
  libglib2.0-dev libgnutls28-dev libp11-kit-dev libtasn1-6-dev libtasn1-bin libqpdf-dev
  libcairo2-dev libpng-dev libpango1.0-dev libgdk-pixbuf-2.0-dev libjpeg62-turbo-dev zlib1g-dev libsqlite3-dev libqrencode-dev
  # the TSA client (libsoup 3) and GIO's TLS backend for https:// TSAs
  libsoup-3.0-dev glib-networking
  # tokens: SoftHSM2 (registered with p11-kit) and GnuTLS's p11tool and certtool
  softhsm2 gnutls-bin
  # external judges and demo tools
  libnss3-tools poppler-utils qpdf openssl jq
  # the sqlite3 shell: the store tests tamper with the audit trail the way a person would
  sqlite3
  # fuzzing: clang 14 with libFuzzer (it brings libclang-rt-14-dev), llvm-symbolizer for traces
  clang llvm
  # desktop integration validators (data/ tests) and the SVG renderer for icon checks
  desktop-file-utils appstream librsvg2-bin
  # the manual page test renders inkan-cli(1)
  man-db
  # translations: xgettext, msgfmt, msgmerge (meson's i18n module and the i18n tests); the tests
  # run in C.UTF-8 with LANGUAGE=zh_CN, and C.UTF-8 comes with libc-bin on every Debian 12
  gettext
  # the application: GTK 4, libadwaita, poppler's GLib binding; its tests: a private X server,
  # a private session bus, screenshots; CJK fonts for Chinese seals and documents
  libgtk-4-dev libadwaita-1-dev libpoppler-glib-dev xvfb xauth dbus imagemagick fonts-noto-cjk
)

prog=setup.sh
script="$(readlink -f "${BASH_SOURCE[0]}")"
cd "$(dirname "$script")/.."
src_dir="$PWD"

say () { printf '\n==> %s\n' "$*"; }
die () { printf '%s: %s\n' "$prog" "$*" >&2; exit 1; }
trap 'printf "%s: stopped because this command failed (line %s): %s\n" "$prog" "$LINENO" "$BASH_COMMAND" >&2' ERR

usage ()
{
  echo "Usage: $0 run|test" >&2
  echo "  run   build Inkan and seal a sample document with the demo token" >&2
  echo "  test  build Inkan and run the test suite, also under ASan and UBSan" >&2
  exit 64
}

[ $# -eq 1 ] || usage
mode="$1"
case "$mode" in
  run|test) ;;
  -h|--help) usage ;;
  *) echo "$prog: unknown command \"$mode\"." >&2; usage ;;
esac

# CI=true unless said otherwise; whether to start the application is decided from what the
# caller said, with "not at a terminal" counting as CI.
ci_given="${CI:-}"
if [ -z "$ci_given" ] && ! [ -t 0 ]; then ci_given=true; fi
export CI="${CI:-true}"
export DEBIAN_FRONTEND=noninteractive
jobs="${INKAN_JOBS:-$(nproc 2>/dev/null || echo 2)}"

install_packages ()
{
  local missing=() pkg status
  local -a wanted=("${PACKAGES[@]}")
  local -a sudo=()

  # shellcheck disable=SC2206 # word splitting is the point
  [ -z "${INKAN_EXTRA_PACKAGES:-}" ] || wanted+=(${INKAN_EXTRA_PACKAGES})
  for pkg in "${wanted[@]}"; do
    status="$(dpkg-query -W -f='${db:Status-Status}' "$pkg" 2>/dev/null || true)"
    [ "$status" = installed ] || missing+=("$pkg")
  done
  if [ ${#missing[@]} -eq 0 ]; then
    echo "All ${#wanted[@]} Debian packages Inkan needs are installed."
    return
  fi

  say "Installing ${#missing[@]} missing Debian packages: ${missing[*]}"
  if [ "$(id -u)" -ne 0 ]; then
    command -v sudo >/dev/null 2>&1 ||
      die "these packages are missing and you are not root: run this script as root, or install them: apt-get install ${missing[*]}"
    # No password prompt unless someone is at a terminal to answer it.
    if [ -t 0 ] && [ "$CI" != true ]; then sudo=(sudo); else sudo=(sudo -n); fi
  fi
  # An interrupted dpkg run makes apt-get refuse everything until it is finished.
  if [ -n "$(ls -A /var/lib/dpkg/updates 2>/dev/null)" ] || [ -n "$(dpkg --audit 2>/dev/null)" ]; then
    echo "Finishing an interrupted package installation first (dpkg --configure -a)."
    "${sudo[@]}" env DEBIAN_FRONTEND=noninteractive dpkg --configure -a --force-confdef \
      --force-confold || die "dpkg --configure -a failed: the system's packages need repair first."
  fi
  "${sudo[@]}" env DEBIAN_FRONTEND=noninteractive apt-get update ||
    die "apt-get update failed: check the network and /etc/apt/sources.list."
  "${sudo[@]}" env DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends \
    -o Dpkg::Options::=--force-confdef -o Dpkg::Options::=--force-confold "${missing[@]}" ||
    die "apt-get could not install: ${missing[*]}. Is this Debian 12 (bookworm)?"
}

# meson setup DIR [OPTIONS...]: a new build directory, or the existing one brought up to date
# with the same options.
configure ()
{
  local dir="$1"
  shift
  if [ -f "$dir/meson-private/coredata.dat" ]; then
    meson setup --reconfigure "$dir" "$@"
  else
    meson setup "$dir" "$@"
  fi
}

build ()
{
  local dir="$1"
  shift
  say "Building in $dir"
  configure "$dir" "$@" || die "meson could not configure $dir; its messages are above."
  ninja -C "$dir" -j "$jobs" || die "the build in $dir failed; the compiler's messages are above."
}

demo_dir="${INKAN_DEMO_DIR:-${XDG_DATA_HOME:-$HOME/.local/share}/inkan/demo}"

make_demo ()
{
  local mkassets="$src_dir/build/build-aux/inkan-mkassets" kind real

  # Generated keys and documents have no place in the source tree.
  real="$(readlink -m "$demo_dir")"
  case "$real/" in
    "$src_dir"/*) die "the demo directory $demo_dir is inside the source tree; set INKAN_DEMO_DIR to a folder outside it." ;;
  esac
  demo_dir="$real"
  mkdir -p "$demo_dir"
  if [ -e "$demo_dir/.complete" ]; then
    echo "Demo environment: $demo_dir (already made)"
    return
  fi

  say "Making the demo environment in $demo_dir"
  # The PKI script finishes or wipes its own directory; the assets are simply made again.
  "$src_dir/build-aux/inkan-demo-pki.sh" "$demo_dir/pki" ||
    die "the demo PKI could not be made in $demo_dir/pki; the reason is above."
  "$mkassets" seal "$demo_dir/seal.png"
  mkdir -p "$demo_dir/samples" "$demo_dir/sealed"
  for kind in one-page many-pages form; do
    "$mkassets" pdf "$demo_dir/samples/$kind.pdf" --kind "$kind"
  done
  : > "$demo_dir/.complete"
  echo "Demo environment ready: $demo_dir"
}

# The seal registry: users, two seals and their grants on first use; then, every run, a clerk
# asks for the Contract seal, the manager approves with their key, the clerk seals, and the
# sealed file carries the approval for anyone to check.
run_registry_demo ()
{
  local cli="$src_dir/build/src/cli/inkan-cli"
  local db="$demo_dir/inkan.db" id sealed

  # The registry's seals are drawn the way Chinese seals look (inkan-cli seal draw).
  if [ ! -e "$demo_dir/contract-seal.png" ] || [ ! -e "$demo_dir/official-seal.png" ]; then
    "$cli" seal draw --kind round --name "Inkan示例科技有限公司" --purpose "合同专用章" \
      -o "$demo_dir/contract-seal.png" &&
      "$cli" seal draw --kind round --name "Inkan示例科技有限公司" --code "9111010800000000XX" \
        -o "$demo_dir/official-seal.png" ||
      die "the demo seals could not be drawn; the message is above."
  fi
  if [ ! -e "$db" ]; then
    say "Making the demo seal registry $db"
    "$cli" --db "$db" user add admin --role admin --cert "$INKAN_SECOND_PEM" &&
      "$cli" --db "$db" --as admin user add clerk --role clerk --cert "$INKAN_CLERK_PEM" &&
      "$cli" --db "$db" --as admin user add manager --role approver --cert "$INKAN_MANAGER_PEM" &&
      "$cli" --db "$db" --as admin user add auditor --role auditor --cert "$INKAN_NOUSAGE_PEM" &&
      "$cli" --db "$db" --as admin seal create Contract --kind contract \
        --image "$demo_dir/contract-seal.png" --cert "$INKAN_SECOND_PEM" \
        --key "$INKAN_SECOND_KEY_URL" --approval approver --pin-file "$INKAN_PIN_FILE" &&
      "$cli" --db "$db" --as admin seal create Official --kind official \
        --image "$demo_dir/official-seal.png" --cert "$INKAN_CLERK_PEM" \
        --key "$INKAN_CLERK_KEY_URL" --approval none --pin-file "$INKAN_PIN_FILE" &&
      "$cli" --db "$db" --as admin grant add Contract --role clerk >/dev/null &&
      "$cli" --db "$db" --as admin grant add Official --user clerk >/dev/null ||
      { rm -f "$db" "$db-wal" "$db-shm"; die "the demo seal registry could not be made; the message is above."; }
  fi

  # The admin (the seal maker) signs the seal records with their own token; a registry made
  # before records were is bound on the next run.
  for seal in Contract Official; do
    if "$cli" --db "$db" --as admin seal show "$seal" | grep -q '^binding: not bound'; then
      "$cli" --db "$db" --as admin seal rebind "$seal" --pin-file "$INKAN_PIN_FILE" ||
        die "the $seal seal could not be bound; the message is above."
    fi
  done

  say "The clerk asks for the Contract seal on samples/one-page.pdf"
  id="$("$cli" --db "$db" --as clerk request create Contract "$demo_dir/samples/one-page.pdf" \
        --reason "Demo supply contract" --page 1 --rect 380,60,150,150)" ||
    die "the request could not be made; the message is above."
  say "The manager approves request $id with their own key"
  "$cli" --db "$db" --as manager approve "$id" --key "$INKAN_MANAGER_KEY_URL" \
    --pin-file "$INKAN_PIN_FILE" --comment "Approved for the demo" ||
    die "the approval failed; the message is above."
  sealed="$demo_dir/sealed/one-page-contract-$id.pdf"
  say "The clerk seals it under request $id"
  "$cli" --db "$db" --as clerk sign "$demo_dir/samples/one-page.pdf" -o "$sealed" \
    --seal Contract --request "$id" --pin-file "$INKAN_PIN_FILE" ||
    die "sealing under the request failed; the message is above."
  "$cli" verify --trust "$INKAN_ROOT_PEM" "$sealed" ||
    die "inkan-cli verify did not find the contract valid; its report is above."
  "$cli" --db "$db" --as auditor audit verify ||
    die "the audit trail does not verify; the message is above."
}

run_demo ()
{
  local cli="$src_dir/build/src/cli/inkan-cli"
  local once="$demo_dir/sealed/one-page-sealed.pdf"
  local twice="$demo_dir/sealed/one-page-sealed-twice.pdf"

  # KEY='VALUE' lines; exported so that inkan-cli sees SOFTHSM2_CONF.
  set -a
  # shellcheck source=/dev/null
  . "$demo_dir/pki/env"
  set +a
  mkdir -p "$demo_dir/sealed"

  say "Sealing $demo_dir/samples/one-page.pdf with the clerk's RSA key and the seal image"
  "$cli" sign "$demo_dir/samples/one-page.pdf" -o "$once" \
    --key "$INKAN_CLERK_KEY_URL" --pin-file "$INKAN_PIN_FILE" \
    --image "$demo_dir/seal.png" --page 1 --rect 380,60,150,150 \
    --reason "Demo seal" --location "Inkan demo" ||
    die "inkan-cli could not seal the sample; its message is above."

  say "Adding a second signature with the ECDSA key"
  "$cli" sign "$once" -o "$twice" \
    --key "$INKAN_SECOND_KEY_URL" --pin-file "$INKAN_PIN_FILE" \
    --reason "Second signature" --location "Inkan demo" ||
    die "inkan-cli could not add the second signature; its message is above."

  say "Inkan's verdict, trusting only the demo root CA"
  "$cli" verify --trust "$INKAN_ROOT_PEM" "$once" "$twice" ||
    die "inkan-cli verify did not find both documents valid; its report is above."

  say "pdfsig's verdict, trusting only the demo root CA"
  pdfsig -nssdir "$INKAN_NSSDB" "$twice"

  run_registry_demo

  cat <<EOF

Done. The files are in $demo_dir:
  seal.png                          the seal image
  contract-seal.png, official-seal.png
                                    the registry's seals, drawn by inkan-cli seal draw
  samples/                          unsigned sample documents
  sealed/one-page-sealed.pdf        sealed once (RSA key, with the seal image)
  sealed/one-page-sealed-twice.pdf  and signed again (ECDSA key)
  sealed/one-page-contract-N.pdf    sealed with the Contract seal under request N, approved
                                    by the manager (the approval travels inside the file)
  inkan.db                          the seal registry: users admin, clerk, manager, auditor;
                                    seals Contract (needs approval) and Official
  pki/                              the SoftHSM2 token, the root CA and its NSS database
Open them with any PDF viewer, or check them again with:
  $cli verify --trust '$INKAN_ROOT_PEM' '$twice'
  pdfsig -nssdir '$INKAN_NSSDB' '$twice'
EOF

  local app="$src_dir/build/src/app/inkan"
  if [ "${INKAN_NO_APP:-0}" != 1 ] && [ "$ci_given" != true ] &&
     [ -n "${DISPLAY:-}${WAYLAND_DISPLAY:-}" ]; then
    # The demo registry and its clerk: drag the Official seal onto a page and apply it with the
    # token's PIN ($INKAN_PIN_FILE), or request the Contract seal for the manager's approval.
    say "Starting Inkan as the clerk on samples/one-page.pdf, samples/many-pages.pdf and sealed/one-page-sealed-twice.pdf"
    echo "(close its window to finish; INKAN_NO_APP=1 skips this step; the token's PIN is in $INKAN_PIN_FILE)"
    INKAN_DB="$demo_dir/inkan.db" INKAN_USER=clerk INKAN_TRUST="$INKAN_ROOT_PEM" \
      "$app" "$demo_dir/samples/one-page.pdf" "$demo_dir/samples/many-pages.pdf" "$twice" ||
      echo "$prog: the application ended with status $?." >&2
  else
    echo
    echo "Not starting the application (no DISPLAY or WAYLAND_DISPLAY, CI=true, or INKAN_NO_APP=1)."
    echo "On a desktop, stamp a document as the clerk with:"
    echo "  INKAN_DB='$demo_dir/inkan.db' INKAN_USER=clerk INKAN_TRUST='$INKAN_ROOT_PEM' $app '$demo_dir/samples/one-page.pdf'"
  fi
}

# meson test in one build directory; its exit status says whether everything passed.
run_tests ()
{
  local dir="$1"
  shift
  say "Testing $dir"
  meson test -C "$dir" --print-errorlogs "$@"
}

# Sanitizer reports can hide in a test that still passed (a leak in a child process, say).
sanitizer_reports ()
{
  local log="$1/meson-logs/testlog.txt"
  [ -f "$log" ] || return 0
  grep -c -E 'ERROR: AddressSanitizer|runtime error:|ERROR: LeakSanitizer' "$log" || true
}

# The libFuzzer binary of tests/fuzz, built with clang, runs every seed once (-runs=0): the
# corpus and the crash files, under ASan and UBSan. The meson tests replay the same seeds with
# gcc; this keeps the clang build of the fuzz target working. Non-zero on any failure.
fuzz_replay ()
{
  local dir=build-fuzz scratch rc=0
  say "Replaying the fuzz seeds with libFuzzer in $dir"
  ( export CC=clang CXX=clang++; configure "$dir" -Dfuzzing=true \
      -Db_sanitize=address,undefined -Db_lundef=false -Dc_args=-fsanitize=fuzzer-no-link \
      -Dcpp_args=-fsanitize=fuzzer-no-link ) || return 1
  ninja -C "$dir" -j "$jobs" tests/fuzz/fuzz-verify || return 1
  # libFuzzer writes new inputs into its first directory: a scratch one, never the corpus.
  scratch="$(mktemp -d "${TMPDIR:-/tmp}/inkan-fuzz.XXXXXX")"
  LSAN_OPTIONS="suppressions=$src_dir/tests/lsan.supp:print_suppressions=0" \
    UBSAN_OPTIONS=halt_on_error=1:abort_on_error=1:print_stacktrace=1 \
    "$dir/tests/fuzz/fuzz-verify" -runs=0 -timeout=60 -artifact_prefix="$scratch/" \
    "$scratch" "$src_dir/../shared/corpus" "$src_dir/tests/fuzz/crashes" || rc=$?
  rm -rf -- "$scratch"
  if [ "$rc" -ne 0 ]; then
    echo "$prog: the fuzz target failed on a seed (exit status $rc); its report is above." >&2
  fi
  return "$rc"
}

# "NAME: N tests, N ok, N failed, N skipped" from meson's JSON log; non-zero when any failed.
summarize ()
{
  local dir="$1" json="$1/meson-logs/testlog.json" counts total ok skipped failed reports
  if [ ! -s "$json" ]; then
    echo "$dir: no test results (meson-logs/testlog.json is missing)"
    return 1
  fi
  counts="$(jq -rs '[length,
                      (map(select(.result == "OK" or .result == "EXPECTEDFAIL")) | length),
                      (map(select(.result == "SKIP")) | length)] | @tsv' "$json")"
  read -r total ok skipped <<< "$counts"
  failed=$((total - ok - skipped))
  reports="$(sanitizer_reports "$dir")"
  printf '%s: %d tests, %d ok, %d failed, %d skipped, %d sanitizer reports\n' \
    "$dir" "$total" "$ok" "$failed" "$skipped" "$reports"
  [ "$failed" -eq 0 ] && [ "$reports" -eq 0 ]
}

if [ "${INKAN_SKIP_DEPS:-0}" != 1 ]; then
  say "Checking Debian packages"
  install_packages
fi

# Under sudo, the rest belongs to the user who asked, not to root.
if [ "$(id -u)" -eq 0 ] && [ -n "${SUDO_USER:-}" ] && [ "$SUDO_USER" != root ]; then
  say "Continuing as $SUDO_USER"
  user_env=(INKAN_SKIP_DEPS=1 "CI=${ci_given:-false}")
  [ -z "${DISPLAY:-}" ] || user_env+=("DISPLAY=$DISPLAY")
  [ -z "${WAYLAND_DISPLAY:-}" ] || user_env+=("WAYLAND_DISPLAY=$WAYLAND_DISPLAY")
  [ -z "${INKAN_NO_APP:-}" ] || user_env+=("INKAN_NO_APP=$INKAN_NO_APP")
  [ -z "${INKAN_DEMO_DIR:-}" ] || user_env+=("INKAN_DEMO_DIR=$INKAN_DEMO_DIR")
  [ -z "${INKAN_JOBS:-}" ] || user_env+=("INKAN_JOBS=$INKAN_JOBS")
  exec sudo -u "$SUDO_USER" -H env "${user_env[@]}" "$script" "$mode"
fi

build build
make_demo

case "$mode" in
  run)
    run_demo
    ;;
  test)
    status=0
    run_tests build || status=1
    build build-asan -Db_sanitize=address,undefined -Db_lundef=false
    run_tests build-asan --timeout-multiplier 3 || status=1
    fuzz_status="all seeds ran clean"
    fuzz_replay || { status=1; fuzz_status="FAILED"; }

    say "Summary"
    summarize build || status=1
    summarize build-asan || status=1
    echo "build-fuzz: libFuzzer replay of the corpus and tests/fuzz/crashes: $fuzz_status"
    if [ "$status" -ne 0 ]; then
      echo "$prog: some tests failed or a sanitizer reported a problem; see the logs above and" \
        "build*/meson-logs/testlog.txt." >&2
      exit 1
    fi
    echo "All tests passed in both builds."
    ;;
esac
