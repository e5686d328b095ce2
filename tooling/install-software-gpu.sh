#!/usr/bin/env bash
# Installs a software GPU for the webgpu backend's tests: the Vulkan loader (libvulkan1) and
# Mesa's lavapipe (mesa-vulkan-drivers), on Debian, as root. Dawn (the webgpu npm package) needs
# Mesa 24 or later: bookworm's own Mesa 22.3 lacks a feature it requires, so on bookworm Mesa comes
# from the bookworm-backports suite of the mirror apt already uses (added to apt's sources, once).
# Later Debian releases have a Mesa that is new enough in their own suite.
#
#   bash tooling/install-software-gpu.sh      exits 0 once both are installed, 1 (saying why) if not
#
# Slow (the GPU is emulated on the CPU): for correctness, not speed. Set XDG_RUNTIME_DIR to a
# writable folder where webgpu runs, or Mesa warns on every start.
set -euo pipefail

fail() { echo "install-software-gpu: $*" >&2; exit 1; }
[ "$(id -u)" = 0 ] || fail "needs root (apt-get)"
command -v apt-get >/dev/null || fail "needs apt-get (Debian or Ubuntu)"
. /etc/os-release
codename="${VERSION_CODENAME:-}"

# The first mirror apt reads the release's own suite from: deb822 .sources files, then sources.list.
mirror_of() {
  local suite="$1" file
  for file in /etc/apt/sources.list.d/*.sources; do
    [ -f "$file" ] || continue
    awk -v suite="$suite" '
      /^[[:space:]]*$/ { if (uri != "" && has) { print uri; exit } uri = ""; has = 0; next }
      /^URIs:/ { uri = $2 }
      /^Suites:/ { for (i = 2; i <= NF; i++) if ($i == suite) has = 1 }
      END { if (uri != "" && has) print uri }' "$file" | head -n 1
  done | head -n 1
  for file in /etc/apt/sources.list /etc/apt/sources.list.d/*.list; do
    [ -f "$file" ] || continue
    awk -v suite="$suite" '$1 == "deb" { i = 2; if ($2 ~ /^\[/) { while ($i !~ /\]$/) i++; i++ } if ($(i + 1) == suite) { print $i; exit } }' "$file"
  done | head -n 1
}

release=()
if [ "$codename" = bookworm ]; then
  if ! grep -rqs "bookworm-backports" /etc/apt/sources.list /etc/apt/sources.list.d/; then
    mirror="$(mirror_of bookworm | head -n 1)"
    [ -n "$mirror" ] || fail "found no mirror serving bookworm in apt's sources, to add bookworm-backports from"
    printf 'Types: deb\nURIs: %s\nSuites: bookworm-backports\nComponents: main\nSigned-By: /usr/share/keyrings/debian-archive-keyring.gpg\n' \
      "$mirror" > /etc/apt/sources.list.d/encoderless-bookworm-backports.sources
    echo "install-software-gpu: added bookworm-backports from $mirror"
  fi
  release=(-t bookworm-backports)
fi
apt-get update -q >/dev/null || fail "apt-get update failed (no Debian mirror reachable?)"
apt-get install -y -q libvulkan1 >/dev/null || fail "could not install libvulkan1"
apt-get install -y -q "${release[@]}" mesa-vulkan-drivers >/dev/null || fail "could not install mesa-vulkan-drivers ${release[*]}"
version="$(dpkg-query -W -f '${Version}' mesa-vulkan-drivers)"
case "$version" in
  2[4-9].*|[3-9][0-9].*) ;;
  *) fail "mesa-vulkan-drivers $version is installed; Dawn needs Mesa 24 or later" ;;
esac
echo "install-software-gpu: libvulkan1 $(dpkg-query -W -f '${Version}' libvulkan1), mesa-vulkan-drivers $version (lavapipe)"
