#!/usr/bin/env bash
# Builds the runtime image (no tests) and starts the daemon from it on the embedded SQLite default.
# Extra arguments go to the daemon, e.g. scripts/run.sh --port 8081
set -euo pipefail
cd "$(dirname "$0")/.."
. scripts/jdk.sh
./mvnw -B -q -DskipTests package
version=$(sed -n 's:.*<version>\(.*\)</version>.*:\1:p' pom.xml | head -1)
exec "packaging/target/ccflare-$version/bin/ccflare" "$@"
