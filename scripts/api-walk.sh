#!/usr/bin/env bash
# The API walk drill: every operation of /api/v1/openapi.json as every role, with random and
# boundary inputs, on SQLite and (with TREEM_TEST_DATABASE_URL) PostgreSQL; fails on any 500,
# dropped connection, undocumented status or answer outside the role's scope (tests/it/walk.rs).
#   scripts/api-walk.sh [CASES] [SEED]    default 100 requests per operation and role, a random seed
# (`cargo test` walks with seed 2026 and 3 requests per operation and role).
set -euo pipefail
cd "$(dirname "$0")/.."
export TREEM_WALK_CASES=${1:-100}
export TREEM_WALK_SEED=${2:-random}
exec cargo test --test it walk::every_operation -- --nocapture
