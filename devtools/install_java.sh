#!/usr/bin/env bash
# Java for DynamoDB Local, `make run`'s engine: Debian's openjdk-17-jre-headless.
# Installs it when `java` is missing and this user may (root, apt-get); otherwise says
# in one line what to install (make run then stops with the same line).
set -euo pipefail
command -v java >/dev/null && exit 0
if [ "$(id -u)" -ne 0 ] || ! command -v apt-get >/dev/null; then
    echo "make run needs Java 17 for DynamoDB Local: sudo apt-get install openjdk-17-jre-headless (or any Java 17+)" >&2
    exit 0
fi
echo "installing openjdk-17-jre-headless for DynamoDB Local (make run)"
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq
apt-get install -y -qq --no-install-recommends openjdk-17-jre-headless >/dev/null
