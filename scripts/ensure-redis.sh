#!/bin/sh
# redis-server for the distributed-crawl tests and for Redis-backed crawls on this machine.
# Idempotent: does nothing when redis-server is already on the PATH. Debian/Ubuntu (apt-get);
# elsewhere install Redis >= 6 by hand.
set -e
command -v redis-server >/dev/null 2>&1 && exit 0
if ! command -v apt-get >/dev/null 2>&1; then
    echo "ensure-redis: redis-server not found and no apt-get here: install Redis >= 6" >&2
    exit 1
fi
SUDO=""
[ "$(id -u)" -eq 0 ] || SUDO="sudo"
$SUDO apt-get update -qq
DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends redis-server >/dev/null
