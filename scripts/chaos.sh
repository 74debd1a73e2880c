#!/usr/bin/env bash
# Runs the whole chaos suite (docs/reliability.md) against the built image: every check of
# reliability-plan §7 that runs on one machine, the soak variants included (30 SIGKILL cycles,
# a 60 s seeded upstream-chaos soak). scripts/test.sh runs only the fast part (tag chaos, not soak).
# Options go to Maven, e.g. -Dchaos.kills=50 -Dchaos.soak.seconds=600. E5 (disk full) mounts a
# tmpfs and is skipped, saying so, when this user may not mount.
set -euo pipefail
cd "$(dirname "$0")/.."
. scripts/jdk.sh
exec ./mvnw -B -Pchaos -pl packaging -am verify -Dtest=none -Dsurefire.failIfNoSpecifiedTests=false \
    -Dit.test='ChaosIT' -Dfailsafe.failIfNoSpecifiedTests=false "$@"
