# Sourced by scripts/run and scripts/test: keeps Trunk offline and puts npm's wasm-opt first on PATH.
export PATH="$PWD/node_modules/.bin:$HOME/.cargo/bin:$PATH"
export TRUNK_OFFLINE=true
export TRUNK_SKIP_VERSION_CHECK=true
