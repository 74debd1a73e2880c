#!/usr/bin/env bash
# JMH micro-benchmarks of hot-path pieces (bench/jmh/README section in bench/README.md).
#   bench/jmh/run.sh                 build, then run every benchmark (about 2 minutes)
#   bench/jmh/run.sh Session -prof gc   any JMH arguments (a regex selects benchmarks)
# Builds through bench/jmh/pom.xml, its own reactor of the needed project modules: nothing is
# installed into ~/.m2 and the main build is untouched.
set -euo pipefail
cd "$(dirname "$0")/../.."
. scripts/jdk.sh
./mvnw -B -q -f bench/jmh/pom.xml -Dmaven.test.skip=true package
mkdir -p bench/out
cp="$(cat bench/jmh/benchmarks/target/classpath.txt):bench/jmh/benchmarks/target/classes"
exec "$JAVA_HOME/bin/java" -cp "$cp" org.openjdk.jmh.Main -rf text -rff bench/out/jmh-latest.txt "$@"
