#!/usr/bin/env bash
# The prebuilt addons the package ships, in prebuilds/<platform>-<arch>/ where lib/loader.ts looks
# first and scripts/install.js tries them: linux-x64 built here, win32-x64 cross-built with
# MinGW-w64 (cmake/mingw-w64.cmake) against node.exe's Node-API, both through cmake-js so that
# they are made exactly like a build from source. Both are Node-API modules (no Node ABI in the
# name), so one file serves every Node and Electron version with Node-API 8.
# Build directories: build-prebuild-<platform>-<arch>/ (kept, so a second run only relinks).
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
cd "$root"
cmake_js="$root/node_modules/.bin/cmake-js"

# $1 platform-arch, $2 the file name in prebuilds/, $3 strip, then cmake-js arguments.
build_one() {
  local target=$1 name=$2 strip=$3
  shift 3
  local out="$root/build-prebuild-$target"
  echo "== prebuild $target"
  # Configure every time (seconds): `cmake-js compile` on an existing directory only builds, and
  # would ignore a changed option here.
  "$cmake_js" configure -O "$out" --CDAGORA_SIG_BUILD_TESTS=OFF --CDCMAKE_BUILD_TYPE=Release "$@"
  "$cmake_js" build -O "$out"
  mkdir -p "prebuilds/$target"
  rm -f "prebuilds/$target"/*.node
  # cmake-js points the library output at Release/; a DLL is a runtime output, left beside its target.
  local built="$out/Release/agora_sig_addon.node"
  [ "$target" = "${target#win32}" ] || built="$out/native/addon/agora_sig_addon.node"
  "$strip" --strip-unneeded -o "prebuilds/$target/$name" "$built"
  ls -l "prebuilds/$target/$name"
}

# The glibc tag keeps it from being tried on musl (Alpine), where it cannot load. The C++ runtime
# is linked in (and hidden: --exclude-libs), so a system with an older libstdc++ than this one's
# (RHEL 9's, GCC 11) loads it too; glibc 2.34 remains the floor.
build_one linux-x64 agora_sig_addon.napi.glibc.node strip \
  --CDCMAKE_SHARED_LINKER_FLAGS="-static-libstdc++ -static-libgcc"
build_one win32-x64 agora_sig_addon.napi.node x86_64-w64-mingw32-strip \
  --CDCMAKE_TOOLCHAIN_FILE="$root/cmake/mingw-w64.cmake"
