#!/usr/bin/env bash
# Builds the HAPI FHIR validator tool with Maven (artefacts from Maven Central, cached in
# ~/.m2) unless the jar is newer than its sources; prints the Java classpath to run it with.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
jar="$here/target/fhir-validator-1.0.0.jar"
if [ ! -f "$jar" ] || [ ! -f "$here/target/classpath.txt" ] || [ -n "$(find "$here/pom.xml" "$here/src" -newer "$jar" -type f)" ]; then
    (cd "$here" && mvn -q -B package -DskipTests >&2)
fi
echo "$jar:$(cat "$here/target/classpath.txt")"
