#!/bin/sh
# Shared by the one-shot Temporal setup scripts (sourced, not run). Waits until the frontend at
# TEMPORAL_ADDRESS answers a health check and sets RESOLVED_ADDRESS to its IPv4 address, as
# temporalio/samples-server's compose/scripts/create-namespace.sh does (the CLI can otherwise pick an
# address it cannot reach inside the compose network).

TEMPORAL_ADDRESS=${TEMPORAL_ADDRESS:-temporal:7233}
TEMPORAL_HOST=${TEMPORAL_ADDRESS%:*}
TEMPORAL_PORT=${TEMPORAL_ADDRESS##*:}

wait_for_temporal() {
  echo "Waiting for the Temporal frontend at ${TEMPORAL_ADDRESS}..."
  attempt=0
  until nc -z -w 5 "${TEMPORAL_HOST}" "${TEMPORAL_PORT}"; do
    attempt=$((attempt + 1))
    if [ "$attempt" -ge 60 ]; then
      echo "Temporal port did not open after $attempt attempts" >&2
      exit 1
    fi
    sleep 2
  done

  TEMPORAL_IP=$(getent ahosts "${TEMPORAL_HOST}" | grep STREAM | head -1 | awk '{print $1}')
  RESOLVED_ADDRESS="${TEMPORAL_IP:-$TEMPORAL_HOST}:${TEMPORAL_PORT}"
  echo "Resolved ${TEMPORAL_ADDRESS} to ${RESOLVED_ADDRESS}"

  attempt=0
  until temporal operator cluster health --address "${RESOLVED_ADDRESS}"; do
    attempt=$((attempt + 1))
    if [ "$attempt" -ge 30 ]; then
      echo "Temporal did not report healthy after $attempt attempts" >&2
      exit 1
    fi
    echo "Server not ready yet (attempt $attempt)"
    sleep 2
  done
}
