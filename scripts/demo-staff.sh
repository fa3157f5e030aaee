#!/usr/bin/env bash
# Creates the demo staff accounts (if missing) in $DATABASE_URL, all with the password
# $DEMO_STAFF_PASSWORD (default below). For demo and test databases only.
set -euo pipefail
cd "$(dirname "$0")/.."
PW=${DEMO_STAFF_PASSWORD:-demo-portal-2026}
add() { printf '%s\n' "$PW" | target/release/server user add --if-missing "$@"; }
add --email guancheng@demo.dg.gov.cn --name 莞城街道-张敏 --role town_staff --town guancheng
add --email humen@demo.dg.gov.cn --name 虎门镇-李强 --role town_staff --town humen
add --email dispatch@demo.dg.gov.cn --name 市民政局-陈静 --role dispatcher
add --email leader@demo.dg.gov.cn --name 市领导-王伟 --role leader
add --email admin@demo.dg.gov.cn --name 系统管理员 --role admin
