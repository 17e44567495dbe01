#!/usr/bin/env bash
# `npm start`: installs what is missing, makes PostgreSQL, NATS (JetStream) and Redis reachable,
# then hands over to the process manager (tools/dev/stack.ts), which creates the database, starts
# every service (each migrates its own schema), seeds the demo and stays up until Ctrl-C.
# Arguments go to the stack: `npm start -- --once` starts, seeds, checks and stops.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
cd "$SUPRA_ROOT"
bash tools/dev/ensure-deps.sh
bash tools/dev/ensure-infra.sh
exec node -r @swc-node/register tools/dev/stack.ts "$@"
