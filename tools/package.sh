#!/usr/bin/env bash
# What analysts install, from the release builds:
#   target/dist/entitle_<version>-1_amd64.deb        (cargo-deb; Debian, Ubuntu)
#   target/dist/entitle-<version>-windows-x86_64.zip (entitle.exe, README, CHANGELOG, licences)
#   target/dist/entitle-<version>-linux-x86_64.tar.gz (the binary, .desktop file, icons)
#
#   cargo build --release && cargo build --release --target x86_64-pc-windows-gnu
#   tools/package.sh [OUT_DIR]
# Needs cargo-deb (`cargo install cargo-deb`) and dpkg-dev for the .deb.
set -euo pipefail
cd "$(dirname "$0")/.."
out=${1:-target/dist}
version=$(grep -m1 '^version' Cargo.toml | cut -d'"' -f2)
mkdir -p "$out"
# --no-strip: the binary keeps its symbols (useful backtraces); it has no DWARF.
cargo deb --no-build --no-strip --output "$out/"
exe=target/x86_64-pc-windows-gnu/release/entitle.exe
stage=$(mktemp -d)
win="$stage/entitle-$version-windows-x86_64"
mkdir -p "$win"
cp "$exe" README.md CHANGELOG.md LICENSE-MIT LICENSE-APACHE "$win/"
(cd "$stage" && python3 -m zipfile -c "entitle-$version-windows-x86_64.zip" "entitle-$version-windows-x86_64")
mv "$stage/entitle-$version-windows-x86_64.zip" "$out/"
lin="$stage/entitle-$version-linux-x86_64"
mkdir -p "$lin/icons"
cp target/release/entitle assets/entitle.desktop README.md CHANGELOG.md LICENSE-MIT LICENSE-APACHE "$lin/"
cp assets/icons/entitle.svg assets/icons/entitle-*.png "$lin/icons/"
tar -C "$stage" -czf "$out/entitle-$version-linux-x86_64.tar.gz" "entitle-$version-linux-x86_64"
rm -rf "$stage"
ls -l "$out"
