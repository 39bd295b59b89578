#!/bin/bash
# Makes a demo organisation PKI: a root CA and a SoftHSM2 token holding certified signing keys.
# SPDX-License-Identifier: GPL-3.0-or-later
#
# Usage: inkan-demo-pki.sh [--label LABEL] [--pin PIN] [--so-pin SOPIN] DIR
#
# DIR receives:
#   softhsm2.conf, tokens/   a SoftHSM2 configuration and its token directory
#   root.pem, root-key.pem   the organisation root CA (software key, for tests only)
#   clerk.pem manager.pem second.pem expired.pem nousage.pem
#                            certificates of the keys generated on the token
#   pin                      the user PIN (mode 0600, no newline)
#   nssdb/                   an NSS sql database that trusts only the root
#   env                      KEY='VALUE' lines to source (SOFTHSM2_CONF, INKAN_*_URL, ...)
#   .complete                written last; when present the script does nothing
#
# Keys on the token (CKA_ID, label): 01 clerk RSA-2048, 02 manager RSA-2048, 03 second ECDSA P-256,
# 04 expired RSA-2048 (certificate valid 2020-01-01..2021-01-01 only), 05 nousage RSA-2048
# (keyUsage keyEncipherment only). The root certificate is on the token too, labelled "root".
#
# The default PIN 123456 and SO PIN 12345678 are demo PINs: this token protects nothing.

set -euo pipefail

label="Inkan Demo"
pin=123456
so_pin=12345678

usage ()
{
  echo "Usage: $0 [--label LABEL] [--pin PIN] [--so-pin SOPIN] DIR" >&2
  exit 2
}

while [ $# -gt 0 ]; do
  case "$1" in
    --label) [ $# -ge 2 ] || usage; label="$2"; shift 2 ;;
    --label=*) label="${1#*=}"; shift ;;
    --pin) [ $# -ge 2 ] || usage; pin="$2"; shift 2 ;;
    --pin=*) pin="${1#*=}"; shift ;;
    --so-pin) [ $# -ge 2 ] || usage; so_pin="$2"; shift 2 ;;
    --so-pin=*) so_pin="${1#*=}"; shift ;;
    -h|--help) usage ;;
    --) shift; break ;;
    -*) echo "$0: unknown option $1" >&2; usage ;;
    *) break ;;
  esac
done
[ $# -eq 1 ] || usage
if [ -z "$label" ] || [ -z "$pin" ] || [ -z "$so_pin" ]; then usage; fi

for tool in softhsm2-util p11tool certtool certutil; do
  if ! command -v "$tool" >/dev/null 2>&1; then
    echo "$0: $tool is missing; install softhsm2, gnutls-bin and libnss3-tools." >&2
    exit 1
  fi
done

mkdir -p -- "$1"
dir="$(cd -- "$1" && pwd)"

if [ -e "$dir/.complete" ]; then
  echo "Demo PKI already complete in $dir."
  exit 0
fi

# Everything the script may create; anything else in DIR is somebody else's and stops us.
own=(.complete .work env pin softhsm2.conf tokens nssdb root.pem root-key.pem
     clerk.pem manager.pem second.pem expired.pem nousage.pem)
shopt -s nullglob dotglob
for entry in "$dir"/*; do
  name="${entry##*/}"
  found=0
  for o in "${own[@]}"; do
    if [ "$name" = "$o" ]; then found=1; break; fi
  done
  if [ $found -eq 0 ]; then
    echo "$0: $dir holds $name, which this script did not make; choose an empty directory." >&2
    exit 1
  fi
done
shopt -u nullglob dotglob
for o in "${own[@]}"; do
  rm -rf -- "${dir:?}/$o"
done

umask 077
work="$dir/.work"
mkdir -- "$work" "$dir/tokens" "$dir/nssdb"

cat > "$dir/softhsm2.conf" <<EOF
directories.tokendir = $dir/tokens
objectstore.backend = file
log.level = ERROR
slots.removable = false
EOF
export SOFTHSM2_CONF="$dir/softhsm2.conf"
# p11tool reads the PIN from here, so it never appears on a command line.
export GNUTLS_PIN="$pin"
export GNUTLS_SO_PIN="$so_pin"

softhsm2-util --init-token --free --label "$label" --pin "$pin" --so-pin "$so_pin" >/dev/null

# The token's URL as GnuTLS prints it (serial included, so it names this token only).
token_url=""
url=""
while IFS= read -r line; do
  case "$line" in
    *"URL: "*) url="${line#*URL: }" ;;
    *"Label: "*)
      if [ "${line#*Label: }" = "$label" ] && [ -n "$url" ] && [ -z "$token_url" ]; then
        case "$url" in
          *"model=SoftHSM"*) token_url="$url" ;;
        esac
      fi ;;
  esac
done < <(p11tool --list-tokens 2>/dev/null)
if [ -z "$token_url" ]; then
  echo "$0: GnuTLS does not see the SoftHSM token \"$label\";" \
    "check that softhsm2's p11-kit module is installed." >&2
  exit 1
fi

# Dates for certtool, in UTC; a day of slack before "now" absorbs clock skew.
date_fmt='+%Y-%m-%d %H:%M:%S UTC'
start="$(date -u -d '-1 day' "$date_fmt")"
two_years="$(date -u -d '+2 years' "$date_fmt")"
ten_years="$(date -u -d '+10 years' "$date_fmt")"

org="Inkan Demo Organisation"

cat > "$work/root.tmpl" <<EOF
cn = "Inkan Demo Root CA"
organization = "$org"
country = CN
ca
path_len = 1
cert_signing_key
crl_signing_key
activation_date = "$start"
expiration_date = "$ten_years"
EOF
certtool --generate-privkey --key-type=rsa --bits=2048 --no-text \
  --outfile "$dir/root-key.pem" 2>/dev/null
certtool --generate-self-signed --load-privkey "$dir/root-key.pem" --template "$work/root.tmpl" \
  --hash=SHA256 --no-text --outfile "$dir/root.pem" 2>/dev/null
p11tool --batch --login --write --mark-ca --label=root --load-certificate="$dir/root.pem" \
  "$token_url" >/dev/null

# name id type common-name usage not-before not-after
make_key ()
{
  local name="$1" id="$2" type="$3" cn="$4" usage="$5" from="$6" to="$7"
  if [ "$type" = ecdsa ]; then
    p11tool --batch --login --generate-privkey=ecdsa --curve=secp256r1 --label="$name" \
      --id="$id" --outfile="$work/$name.pub" "$token_url" 2>/dev/null
  else
    p11tool --batch --login --generate-privkey=rsa --bits=2048 --label="$name" --id="$id" \
      --outfile="$work/$name.pub" "$token_url" 2>/dev/null
  fi
  {
    echo "cn = \"$cn\""
    echo "organization = \"$org\""
    echo "country = CN"
    echo "activation_date = \"$from\""
    echo "expiration_date = \"$to\""
    for u in $usage; do echo "$u"; done
  } > "$work/$name.tmpl"
  certtool --generate-certificate --load-pubkey "$work/$name.pub" \
    --load-ca-privkey "$dir/root-key.pem" --load-ca-certificate "$dir/root.pem" \
    --template "$work/$name.tmpl" --hash=SHA256 --no-text --outfile "$dir/$name.pem" 2>/dev/null
  p11tool --batch --login --write --label="$name" --id="$id" \
    --load-certificate="$dir/$name.pem" "$token_url" >/dev/null
}

signing="signing_key non_repudiation"
make_key clerk 01 rsa "Li Wei (Clerk)" "$signing" "$start" "$two_years"
make_key manager 02 rsa "Wang Fang (Manager)" "$signing" "$start" "$two_years"
make_key second 03 ecdsa "Zhang Min (Second Signatory)" "$signing" "$start" "$two_years"
make_key expired 04 rsa "Chen Jie (Expired)" "$signing" \
  "2020-01-01 00:00:00 UTC" "2021-01-01 00:00:00 UTC"
make_key nousage 05 rsa "Liu Yang (Encryption Only)" "encryption_key" "$start" "$two_years"

printf '%s' "$pin" > "$dir/pin"

certutil -N -d "sql:$dir/nssdb" --empty-password
certutil -A -d "sql:$dir/nssdb" -n "Inkan Demo Root CA" -t "CT,C,C" -i "$dir/root.pem"

# Every URL written to env must name exactly one object as GnuTLS lists them. One listing of the
# whole token is checked instead of one p11tool run per URL, which would double the run time.
listing="$(p11tool --batch --login --list-all "$token_url" 2>/dev/null | grep 'URL: ' || true)"
check_url ()
{
  local rest="${1#"$token_url";}" n
  n="$(grep -F -e "$token_url;${rest%%;*};" <<< "$listing" | grep -c -e ";${rest##*;}\$" || true)"
  if [ "$n" != 1 ]; then
    echo "$0: $1 names $n objects on the token instead of one." >&2
    exit 1
  fi
}

quote ()
{
  local v="$1"
  printf "'%s'" "${v//\'/\'\\\'\'}"
}

{
  echo "SOFTHSM2_CONF=$(quote "$dir/softhsm2.conf")"
  echo "INKAN_PIN=$(quote "$pin")"
  echo "INKAN_PIN_FILE=$(quote "$dir/pin")"
  echo "INKAN_TOKEN_URL=$(quote "$token_url")"
  echo "INKAN_ROOT_PEM=$(quote "$dir/root.pem")"
  echo "INKAN_ROOT_KEY=$(quote "$dir/root-key.pem")"
  echo "INKAN_NSSDB=$(quote "sql:$dir/nssdb")"
  for entry in clerk:01 manager:02 second:03 expired:04 nousage:05; do
    name="${entry%%:*}"
    id="${entry##*:}"
    upper="$(echo "$name" | tr '[:lower:]' '[:upper:]')"
    key_url="$token_url;id=%$id;type=private"
    check_url "$key_url"
    echo "INKAN_${upper}_KEY_URL=$(quote "$key_url")"
    case "$name" in
      clerk|manager|second)
        cert_url="$token_url;id=%$id;type=cert"
        check_url "$cert_url"
        echo "INKAN_${upper}_CERT_URL=$(quote "$cert_url")" ;;
    esac
    echo "INKAN_${upper}_PEM=$(quote "$dir/$name.pem")"
  done
} > "$work/env"
mv -- "$work/env" "$dir/env"

rm -rf -- "$work"
: > "$dir/.complete"
echo "Demo PKI ready in $dir (token \"$label\"); source $dir/env to use it."
