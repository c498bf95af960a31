#!/usr/bin/env bash
# Fetches Fabric's protos (npm fabric-protos, pinned) into the build tree.
# Usage: scripts/fetch-protos.sh [DEST_DIR]   (default: build/_deps/fabric-protos-2.2.20)
# The tarball's SHA-512 must match the value below; the .proto files are never
# committed to git. A second run with the files in place does nothing.
set -euo pipefail

version=2.2.20
# sha512 of fabric-protos-2.2.20.tgz as published on the npm registry
# (dist.integrity sha512-fTBpmR0RorMNX29Ks1I/1vpB3ktW1ooDV6mFUiPzaZTk60tpi9YVfPUIIYb3vtPxYSdjD1MZkUaxsMzujDwRoA==).
expected_sha512=7d3069991d11a2b30d5f6f4ab3523fd6fa41de4b56d68a0357a9855223f36994e4eb4b698bd6157cf5082186f7bed3f16127630f53199146b1b0ccee8c3c11a0

root=$(cd "$(dirname "$0")/.." && pwd)
dest=${1:-"$root/build/_deps/fabric-protos-$version"}
stamp="$dest/.verified-$expected_sha512"

if [ -f "$stamp" ]; then
  exit 0
fi

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

echo "fetch-protos: npm pack fabric-protos@$version" >&2
(cd "$work" && npm pack --silent "fabric-protos@$version" >/dev/null)
tarball="$work/fabric-protos-$version.tgz"
if [ ! -f "$tarball" ]; then
  echo "fetch-protos: npm pack did not produce $tarball" >&2
  exit 1
fi
actual=$(sha512sum "$tarball" | cut -d' ' -f1)
if [ "$actual" != "$expected_sha512" ]; then
  echo "fetch-protos: integrity check failed for fabric-protos@$version" >&2
  echo "  expected sha512 $expected_sha512" >&2
  echo "  got      sha512 $actual" >&2
  exit 1
fi

mkdir -p "$work/unpacked"
tar -xzf "$tarball" -C "$work/unpacked"
# Replace atomically-ish: unpack next to the destination, then rename.
rm -rf "$dest.tmp"
mkdir -p "$(dirname "$dest")"
mv "$work/unpacked/package" "$dest.tmp"
rm -rf "$dest"
mv "$dest.tmp" "$dest"
touch "$stamp"
echo "fetch-protos: fabric-protos@$version verified and unpacked into $dest" >&2
