#!/usr/bin/env bash
# Installs, once, what the project needs on this machine: npm packages, the embedded Neo4j launcher (unless
# NEO4J_URI points elsewhere), and with --for-tests the redis-server binary (unless REDIS_URL is set) and the
# Chromium that the GraphiQL browser test drives (unless CHROMIUM_PATH is set).
# Run by `npm start` and `npm test` before anything else, so both work on a fresh clone.
set -euo pipefail
cd "$(dirname "$0")/.."

say() { printf '[setup] %s\n' "$*" >&2; }
fail() { printf '[setup] %s\n' "$*" >&2; exit 1; }

apt_install() {
  if [ "$(id -u)" != 0 ] || ! command -v apt-get >/dev/null; then
    fail "$1 is missing. Install it (Debian/Ubuntu: sudo apt-get install -y $2), or $3"
  fi
  say "installing $2 with apt-get..."
  if ! apt-get install -y -qq "$2" >/dev/null 2>&1; then
    apt-get update -qq >/dev/null
    apt-get install -y -qq "$2" >/dev/null
  fi
}

if [ ! -f node_modules/.package-lock.json ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then
  say "installing npm packages (npm ci)..."
  npm ci --no-audit --no-fund --loglevel=error
fi

if [ -z "${NEO4J_URI:-}" ] && [ ! -f tools/neo4j-local/target/neo4j-local.jar ]; then
  command -v java >/dev/null || apt_install "A Java 17+ runtime" openjdk-17-jdk-headless "set NEO4J_URI to a running Neo4j 5."
  command -v mvn >/dev/null || apt_install "Maven" maven "set NEO4J_URI to a running Neo4j 5."
  say "building the embedded Neo4j launcher (first run downloads ~120 MB of jars into ~/.m2)..."
  # Quiet unless it fails: Maven 3.8 writes ANSI resets (ESC[0m) even in batch mode with colours off.
  mvn_log=$(mktemp)
  if ! mvn -B -q -Dstyle.color=never -f tools/neo4j-local/pom.xml package >"$mvn_log" 2>&1; then
    sed 's/\x1b\[[0-9;]*m//g' "$mvn_log" >&2
    rm -f "$mvn_log"
    fail "the Maven build of tools/neo4j-local failed (its output is above); or set NEO4J_URI to a running Neo4j 5."
  fi
  rm -f "$mvn_log"
fi

if [ "${1:-}" = "--for-tests" ]; then
  if [ -z "${REDIS_URL:-}" ] && ! command -v redis-server >/dev/null; then
    apt_install "redis-server" redis-server "set REDIS_URL to a running Redis."
  fi
  if [ -z "${CHROMIUM_PATH:-}" ] && [ ! -x /usr/bin/chromium ]; then
    apt_install "Chromium (for the GraphiQL browser test)" chromium "set CHROMIUM_PATH to a Chromium or Chrome binary."
  fi
fi
