# Sourced by the project's scripts: puts Node.js 22 first on PATH and offers ensure_dependencies.
# NestJS 12's dependencies (@nats-io/nuid, cookie, file-type…) require Node >= 22 and the
# machines may have Node 20, so a Node 22 build is installed from the npm registry
# (package node-linux-<arch>) into a cache outside the repo, once.
CRM_HOME="${CRM_HOME:-$HOME/.cache/pharmacy-crm}"
CRM_NODE_VERSION="${CRM_NODE_VERSION:-22.23.3}"

ensure_node() {
  local major
  major=$(node -p 'process.versions.node.split(".")[0]' 2>/dev/null || echo 0)
  if [ "$major" -ge 22 ]; then return 0; fi
  local arch dir
  case "$(uname -m)" in x86_64) arch=x64 ;; aarch64 | arm64) arch=arm64 ;; *) arch=$(uname -m) ;; esac
  dir="$CRM_HOME/node-$CRM_NODE_VERSION"
  if [ ! -x "$dir/node_modules/node-linux-$arch/bin/node" ]; then
    echo "[node] installing Node.js $CRM_NODE_VERSION from the npm registry into $dir (found Node $(node --version 2>/dev/null || echo none))…"
    mkdir -p "$dir"
    npm install --prefix "$dir" --no-save --no-audit --no-fund --loglevel=error "node-linux-$arch@$CRM_NODE_VERSION" >/dev/null
  fi
  export PATH="$dir/node_modules/node-linux-$arch/bin:$PATH"
  echo "[node] using $(node --version) from $dir"
}

ensure_node

# Installs the npm dependencies when they are missing or older than the lockfile.
ensure_dependencies() {
  if [ ! -d node_modules ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then
    echo "[deps] installing npm dependencies…"
    npm install --no-audit --no-fund --loglevel=error
  fi
}
