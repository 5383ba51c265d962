# shellcheck shell=bash disable=SC2034  # variables for the scripts that source this
# build-aux/common.sh: what build-aux/test and build-aux/demo share.
#
# SPDX-License-Identifier: LGPL-2.1-or-later
#
# Sourced, not run. Everything here works on a fresh Debian 12 machine and is
# idempotent: what is already installed is left alone.

srcdir=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)

# What building the library needs.
CACHEIT_BUILD_PACKAGES=(
  meson ninja-build pkg-config gcc g++ gettext
  libglib2.0-dev libsoup-3.0-dev libjson-glib-dev libsimdjson-dev zlib1g-dev
  glib-networking
)

# What the demo needs: GTK 4 for its window (without a display it runs in
# the console, and it builds without GTK too).
CACHEIT_DEMO_PACKAGES=(
  "${CACHEIT_BUILD_PACKAGES[@]}"
  libgtk-4-dev
)

# What the tests and the bindings need on top: introspection for the Python
# and gjs tests, Vala for the .vapi, GTK 4 and a headless X server for the
# GTK examples, valgrind for `meson test --setup valgrind`, gi-docgen for the
# reference and its `gi-docgen check` test, gnome-desktop-testing for the
# installed tests (build-aux/test --installed).
CACHEIT_TEST_PACKAGES=(
  "${CACHEIT_BUILD_PACKAGES[@]}"
  gobject-introspection libgirepository1.0-dev gir1.2-soup-3.0 gir1.2-json-1.0
  python3-gi gjs valac libgtk-4-dev gir1.2-gtk-4.0 xvfb xauth valgrind gi-docgen
  gnome-desktop-testing
)

# The json-server of the integration test (tests/integration), installed with
# npm into an ignored folder of the source tree. 0.17.x is the last series of
# the classic json-server (1.x is a rewrite); it runs on Node.js 12 to 22.
JSON_SERVER_VERSION=0.17.4
CACHEIT_NPM_PREFIX="$srcdir/.cache/npm"
CACHEIT_JSON_SERVER="$CACHEIT_NPM_PREFIX/node_modules/.bin/json-server"

if [[ -t 1 ]]; then
  _bold=$'\e[1m' _red=$'\e[1;31m' _reset=$'\e[0m'
else
  _bold='' _red='' _reset=''
fi

log ()
{
  printf '%s==> %s%s\n' "$_bold" "$*" "$_reset"
}

die ()
{
  printf '%s==> error: %s%s\n' "$_red" "$*" "$_reset" >&2
  exit 1
}

# Runs a command as root: directly when we are root, else through sudo.
as_root ()
{
  if [[ $(id -u) -eq 0 ]]; then
    "$@"
  elif command -v sudo >/dev/null; then
    sudo "$@"
  else
    die "need root to run: $*"
  fi
}

_apt_updated=false

# Installs those of the given Debian packages that are not installed yet.
# Runs `apt-get update` at most once per run, and only when something is
# missing.
ensure_debian_packages ()
{
  local missing=() package

  if ! command -v dpkg-query >/dev/null; then
    log "not a Debian system: make sure these are installed: $*"
    return 0
  fi

  for package in "$@"; do
    if [[ $(dpkg-query -W -f='${db:Status-Status}' "$package" 2>/dev/null) != installed ]]; then
      missing+=("$package")
    fi
  done

  [[ ${#missing[@]} -eq 0 ]] && return 0

  log "installing ${missing[*]}"
  if ! $_apt_updated; then
    as_root env DEBIAN_FRONTEND=noninteractive apt-get update -q </dev/null
    _apt_updated=true
  fi
  as_root env DEBIAN_FRONTEND=noninteractive \
    apt-get install -y -q --no-install-recommends "${missing[@]}" </dev/null
}

# Node.js and npm may come from elsewhere (NodeSource, nvm): install Debian's
# only when the commands are missing.
ensure_node ()
{
  local packages=()

  command -v node >/dev/null || packages+=(nodejs)
  command -v npm >/dev/null || packages+=(npm)
  if [[ ${#packages[@]} -gt 0 ]]; then
    ensure_debian_packages "${packages[@]}"
  fi
}

# Installs json-server $JSON_SERVER_VERSION into $CACHEIT_NPM_PREFIX, unless
# it is there already. Without it the integration test is skipped, so a
# failure here only stops a CI run.
ensure_json_server ()
{
  local installed

  installed=$(node -p 'require(process.argv[1]).version' \
                 "$CACHEIT_NPM_PREFIX/node_modules/json-server/package.json" 2>/dev/null || true)
  if [[ $installed == "$JSON_SERVER_VERSION" && -x $CACHEIT_JSON_SERVER ]]; then
    return 0
  fi

  log "installing json-server@$JSON_SERVER_VERSION into ${CACHEIT_NPM_PREFIX#"$srcdir/"}"
  mkdir -p "$CACHEIT_NPM_PREFIX"
  if ! npm install --prefix "$CACHEIT_NPM_PREFIX" --no-audit --no-fund --loglevel=error \
         "json-server@$JSON_SERVER_VERSION" </dev/null; then
    if [[ ${CI:-} == true ]]; then
      die "npm could not install json-server"
    fi
    log "npm could not install json-server: the integration test will be skipped"
  fi
}

# Configures (or reconfigures) the build directory $1 with the meson options
# that follow, then builds it.
configure_and_build ()
{
  local builddir=$1
  shift

  if [[ -f $builddir/meson-private/coredata.dat ]]; then
    log "reconfiguring ${builddir#"$srcdir/"}"
    meson setup --reconfigure "$builddir" "$srcdir" "$@" ||
      die "meson failed; if ${builddir#"$srcdir/"} is stale, remove it and run again"
  else
    log "setting up ${builddir#"$srcdir/"}"
    rm -rf "$builddir"
    meson setup "$builddir" "$srcdir" "$@" || die "meson setup failed"
  fi

  log "building ${builddir#"$srcdir/"}"
  ninja -C "$builddir" || die "the build failed"
}
