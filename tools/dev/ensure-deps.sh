#!/usr/bin/env bash
# Makes the Node dependencies and the Debian tools the tests call (xsltproc, xmllint, pdftotext)
# present. Idempotent and quiet when nothing is missing.
#   node_modules: `npm ci` when missing or stale. Stale = package-lock.json differs from the one
#   recorded at the last install (a hash in node_modules/.supra-lock.sha256), so a `git pull` that
#   changes dependencies reinstalls them and nothing else does.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
cd "$SUPRA_ROOT"

command -v node >/dev/null 2>&1 || die "node is not installed (Node.js >= 20.19 is required)"
command -v npm >/dev/null 2>&1 || die "npm is not installed"

lock_hash() { sha256sum package-lock.json | cut -d' ' -f1; }
marker=node_modules/.supra-lock.sha256

needs_install=""
if [ ! -d node_modules ] || [ ! -e node_modules/.package-lock.json ]; then
  needs_install="node_modules missing"
elif [ -f "$marker" ]; then
  [ "$(cat "$marker")" = "$(lock_hash)" ] || needs_install="package-lock.json changed since the last install"
elif [ package-lock.json -nt node_modules/.package-lock.json ]; then
  needs_install="package-lock.json is newer than node_modules"
fi

if [ -n "$needs_install" ]; then
  say "installing Node dependencies ($needs_install): npm ci"
  mkdir -p .supra
  if ! npm ci --no-audit --no-fund --loglevel=error </dev/null >.supra/npm-ci.log 2>&1; then
    # npm 11's ci refuses a lock file that lacks other platforms' optional packages (e.g.
    # @swc/core-darwin-*), which npm install accepts as is. Install from the same lock without
    # rewriting it, and say so: the lock should be regenerated with a full `npm install`.
    grep -E '^npm error' .supra/npm-ci.log | grep -v '^npm error *$' | head -4 >&2 || true
    warn "npm ci failed (full output: .supra/npm-ci.log); installing from the same lock file with npm install --no-save"
    npm install --no-save --no-audit --no-fund --loglevel=error </dev/null || die "npm install failed"
  fi
fi
# Installed by someone else (or just now) and up to date: remember which lock file it matches.
[ -d node_modules ] && lock_hash >"$marker"

# Debian tools used by tests (CFDI cadena original via SAT's XSLT, XML schema checks, PDF text).
missing=()
command -v xsltproc  >/dev/null 2>&1 || missing+=(xsltproc)
command -v xmllint   >/dev/null 2>&1 || missing+=(libxml2-utils)
command -v pdftotext >/dev/null 2>&1 || missing+=(poppler-utils)
if [ ${#missing[@]} -gt 0 ]; then
  if is_root && is_debian; then
    apt_install "${missing[@]}"
  else
    warn "missing Debian packages: ${missing[*]} (install them: sudo apt-get install ${missing[*]}); tests that need them will fail"
  fi
fi
