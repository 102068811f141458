#!/usr/bin/env bash
# CPack's .deb: built from the build folder, named and versioned as the project, holding the
# installed files, and depending on the package of every shared library the binary loads (found
# here with ldd and dpkg -S, independently of the dpkg-shlibdeps run CPack makes).
# Usage: tests/package_test.sh path/to/build/stacklint
set -u
bin=$(realpath "$1")
build=$(dirname "$bin")
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
source "$(dirname "$0")/lib/checks.sh"

version=$(sed -n 's/^project(stacklint VERSION \([0-9.]*\).*/\1/p' CMakeLists.txt)
arch=$(dpkg --print-architecture)
deb="$tmp/stacklint_${version}_${arch}.deb"
cpack --config "$build/CPackConfig.cmake" -G DEB -B "$tmp" >"$tmp/cpack.log" 2>&1
check "cpack -G DEB builds stacklint_${version}_${arch}.deb" [ -s "$deb" ]
[ -s "$deb" ] || { cat "$tmp/cpack.log"; finish; exit 1; }

field() { dpkg-deb -f "$deb" "$1"; }
check "Package is stacklint" [ "$(field Package)" = stacklint ]
check "Version is the project's" [ "$(field Version)" = "$version" ]
check "Architecture is this machine's" [ "$(field Architecture)" = "$arch" ]
depends=$(field Depends)
echo "Depends: $depends"
depends_names=$(tr ',' '\n' <<<"$depends" | awk '{ print $1 }')
libraries=$(ldd "$bin" | awk '$2 == "=>" && $3 ~ /^\// { print $3 }')
check "the binary links shared libraries" [ -n "$libraries" ]
for library in $libraries; do
  package=$(dpkg -S "$(realpath "$library")" 2>/dev/null | head -1 | cut -d: -f1)
  [ -n "$package" ] || package=$(dpkg -S "$library" 2>/dev/null | head -1 | cut -d: -f1)
  check "Depends names $package (for $(basename "$library"))" \
    grep -qxF "$package" <<<"$depends_names"
done
for must in libyaml-cpp libre2; do
  check "Depends names a $must runtime package" grep -q "$must" <<<"$depends"
done

contents=$(dpkg-deb -c "$deb" | awk '{ print $6 }')
for path in ./usr/bin/stacklint ./usr/share/man/man1/stacklint.1 \
  ./usr/share/bash-completion/completions/stacklint ./usr/share/zsh/vendor-completions/_stacklint \
  ./usr/share/fish/vendor_completions.d/stacklint.fish ./usr/share/doc/stacklint/README.md \
  ./usr/share/doc/stacklint/CHANGELOG.md; do
  check "the package holds $path" grep -qx "$path" <<<"$contents"
done
dpkg-deb -x "$deb" "$tmp/root"
check "the packaged binary is stripped" bash -c '! readelf -S "$1" | grep -q "\.symtab"' _ "$tmp/root/usr/bin/stacklint"
check "the packaged binary runs" [ "$("$tmp/root/usr/bin/stacklint" --version)" = "stacklint $version" ]
finish
