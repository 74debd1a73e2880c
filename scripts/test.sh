#!/usr/bin/env bash
# Runs every test: unit and integration tests of each module, then builds the runtime image and
# launches it (the only proof that the module descriptors are right).
set -euo pipefail
cd "$(dirname "$0")/.."
. scripts/jdk.sh
exec ./mvnw -B verify "$@"
