#!/bin/sh
# One-shot: registers the namespace tierflow runs in (the temporalio/server image, unlike the
# deprecated auto-setup image, creates none). Mirrors temporalio/samples-server's
# compose/scripts/create-namespace.sh; idempotent (describe first, create only if missing).
set -eu
. "$(dirname "$0")/lib.sh"

NAMESPACE=${TEMPORAL_NAMESPACE:-default}
RETENTION=${NAMESPACE_RETENTION:-30d}

wait_for_temporal

if temporal operator namespace describe --namespace "${NAMESPACE}" --address "${RESOLVED_ADDRESS}" >/dev/null 2>&1; then
  echo "Namespace '${NAMESPACE}' already exists"
else
  echo "Creating namespace '${NAMESPACE}' (retention ${RETENTION})..."
  temporal operator namespace create --namespace "${NAMESPACE}" --retention "${RETENTION}" --address "${RESOLVED_ADDRESS}"
fi
