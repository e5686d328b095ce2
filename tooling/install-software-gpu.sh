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

# The Debian archive apt reads the release's own suite from (deb822 .sources files, then
# sources.list): the first URI of that suite that is a Debian archive, so that a third-party
# repository with a suite of the same name (Docker's, say) is never taken for it.
# Every candidate is listed first and then chosen from, with no pipe cut short (pipefail).
mirror_of() {
  local suite="$1" file uri candidates=""
  for file in /etc/apt/sources.list.d/*.sources; do
    [ -f "$file" ] || continue
    candidates+="$(awk -v suite="$suite" '
      function flush() { if (has) for (i = 1; i <= n; i++) print uris[i]; n = 0; has = 0 }
      /^[[:space:]]*$/ { flush(); next }
      /^URIs:/ { n = 0; for (i = 2; i <= NF; i++) uris[++n] = $i }
      /^Suites:/ { for (i = 2; i <= NF; i++) if ($i == suite) has = 1 }
      END { flush() }' "$file")"$'\n'
  done
  for file in /etc/apt/sources.list /etc/apt/sources.list.d/*.list; do
    [ -f "$file" ] || continue
    candidates+="$(awk -v suite="$suite" '$1 == "deb" { i = 2; if ($2 ~ /^\[/) { while ($i !~ /\]$/) i++; i++ } if ($(i + 1) == suite) print $i }' "$file")"$'\n'
  done
  # A host of debian.org, else any host's /debian (Docker's …/linux/debian is not one).
  while read -r uri; do
    case "${uri%/}" in *://*debian.org/*) echo "${uri%/}"; return 0 ;; esac
  done <<< "$candidates"
  while read -r uri; do
    if [[ "${uri%/}" =~ ^[a-z+]+://[^/]+/debian$ ]]; then echo "${uri%/}"; return 0; fi
  done <<< "$candidates"
  return 0
}

release=()
if [ "$codename" = bookworm ]; then
  if ! grep -rqs "bookworm-backports" /etc/apt/sources.list /etc/apt/sources.list.d/; then
    mirror="$(mirror_of bookworm)"
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
