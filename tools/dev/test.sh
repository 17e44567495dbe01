#!/usr/bin/env bash
# `npm test`: the same set-up as `npm start` (dependencies, Debian tools, PostgreSQL, NATS with
# JetStream, Redis), then lint, type check and every project's Jest tests. Every phase runs even
# when an earlier one fails, so one run shows every problem; the exit status is non-zero if any
# phase failed. Arguments are passed to Jest (`npm test -- apps/customer`).
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
cd "$SUPRA_ROOT"
exec </dev/null # CI has no stdin; nothing here may wait for input

t_start=$(date +%s)
timed "dependencies" bash tools/dev/ensure-deps.sh

if timed "infrastructure" bash tools/dev/ensure-infra.sh; then
  # The test helper (libs/platform/testing) uses these when set, testcontainers otherwise.
  export SUPRA_TEST_DATABASE_URL="${SUPRA_TEST_DATABASE_URL:-postgres://postgres@127.0.0.1:5432/postgres}"
  export SUPRA_TEST_NATS_URL="${SUPRA_TEST_NATS_URL:-nats://127.0.0.1:4222}"
  export SUPRA_TEST_REDIS_URL="${SUPRA_TEST_REDIS_URL:-redis://127.0.0.1:6379}"
elif command -v docker >/dev/null 2>&1 && docker info >/dev/null 2>&1; then
  warn "local infrastructure unavailable: integration tests will start containers (testcontainers)"
else
  die "no PostgreSQL/NATS/Redis and no Docker: integration tests cannot run (see the messages above)"
fi

node -r @swc-node/register tools/dev/clean-test-streams.ts
# Streams created from here on are this run's: removed at the end even though they are recent.
run_started_ms=$(( $(date +%s) * 1000 ))

failed=()
# The Nx lint rules read a cached project graph; a clean clone has none (the rule would be skipped
# with a warning, failing --max-warnings 0), and a stale one misses new projects: compute it first.
NX_DAEMON=false npx nx show projects >/dev/null || warn "could not compute the Nx project graph"
timed "lint" npx eslint --max-warnings 0 apps libs tools || failed+=(lint)
timed "typecheck" npx tsc -p tsconfig.json --noEmit || failed+=(typecheck)

# Two workers for the two cores; integration specs boot Nest apps against real PostgreSQL and NATS,
# hence the generous per-test timeout. --forceExit: a handle left open by one spec must not hang CI
# for its whole time budget (find such leaks with `npx jest --detectOpenHandles <path>`); the outer
# timeout is a last guard below CI's 90 minutes.
mkdir -p .supra/test-results
results=.supra/test-results/jest.json
rm -f "$results"
timed "jest" timeout --kill-after=30s "${SUPRA_TEST_TIMEOUT:-75m}" \
  npx jest --ci --maxWorkers=2 --testTimeout=60000 --forceExit --json --outputFile="$results" "$@" \
  || failed+=(jest)

SUPRA_TEST_RUN_STARTED_MS="$run_started_ms" node -r @swc-node/register tools/dev/clean-test-streams.ts

# One plain closing line with the counts (Jest's own summary is above it).
if [ -s "$results" ]; then
  node -e '
    const r = require(process.argv[1]);
    const skipped = r.numPendingTests + r.numTodoTests;
    const failed = r.numFailedTests + r.numRuntimeErrorTestSuites; // a suite that cannot load counts too
    console.log(`${r.numPassedTests} passed, ${failed} failed` + (skipped ? `, ${skipped} skipped` : ""));
  ' "$PWD/$results" || true
fi

say "total: $(($(date +%s) - t_start))s"
if [ ${#failed[@]} -gt 0 ]; then
  say "FAILED: ${failed[*]}"
  exit 1
fi
say "all checks passed"
