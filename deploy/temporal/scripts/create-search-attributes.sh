#!/bin/sh
# One-shot: creates tierflow's custom search attributes in the namespace, so that ops can filter
# requests in the Temporal UI. With SQL visibility (PostgreSQL)
# search attributes belong to a namespace, hence --namespace.
# Idempotent: the CLI skips an attribute that already exists with the same type, and fails if one
# exists with another type (which needs a human decision, not a silent overwrite).
# test/deploy checks this list against the names and types tierflow expects.
set -eu
. "$(dirname "$0")/lib.sh"

NAMESPACE=${TEMPORAL_NAMESPACE:-default}

wait_for_temporal

# A namespace created a moment ago can take a few seconds to reach every frontend's cache, so
# "not found" and connection errors are retried; any other error (e.g. an attribute that exists with
# another type) stops at once.
attempt=0
while :; do
  if output=$(temporal operator search-attribute create --namespace "${NAMESPACE}" --address "${RESOLVED_ADDRESS}" \
    --name Tier --type Int \
    --name System --type Keyword \
    --name Status --type Keyword \
    --name Priority --type Keyword \
    --name RequestType --type Keyword \
    --name SlaBreached --type Bool \
    --name SlaDueAt --type Datetime \
    --name SlackThread --type Keyword \
    --name TrackerIssue --type Keyword \
    --name OpenedAt --type Datetime \
    --name ResolvedAt --type Datetime \
    --name FirstResponseSeconds --type Double \
    --name FirstResponseMet --type Bool \
    --name ResolutionSeconds --type Double \
    --name ResolutionMet --type Bool \
    --name Escalations --type Int \
    --name Reopens --type Int \
    --name RequestStatus --type Keyword 2>&1); then
    echo "${output}"
    break
  fi
  echo "${output}" >&2
  case "${output}" in
    *"not found"* | *"navailable"* | *"eadline exceeded"* | *"onnection refused"*) ;;
    *) echo "Search attribute setup failed; not retrying." >&2; exit 1 ;;
  esac
  attempt=$((attempt + 1))
  if [ "$attempt" -ge 15 ]; then
    echo "Could not create the search attributes in '${NAMESPACE}' after $attempt attempts" >&2
    exit 1
  fi
  sleep 2
done

temporal operator search-attribute list --namespace "${NAMESPACE}" --address "${RESOLVED_ADDRESS}"
