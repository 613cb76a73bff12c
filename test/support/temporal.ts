/** Helpers shared by the Temporal-backed tests: one bundle per file, unique ids and task queues. */
import { randomUUID } from 'node:crypto';

import type { Connection } from '@temporalio/client';
import { SearchAttributeType } from '@temporalio/common';
import { msToTs } from '@temporalio/common/lib/time.js';
import proto from '@temporalio/proto';
import { bundleWorkflowCode, type WorkflowBundle } from '@temporalio/worker';

import { SEARCH_ATTRIBUTE_KEYS } from '../../contracts/search-attributes.js';

import { WORKFLOW_BUNDLE_OPTIONS } from '../../workers/help-desk-worker.js';

let bundle: Promise<WorkflowBundle> | null = null;

/** The workflow bundle, built once per test file. */
export function workflowBundle(): Promise<WorkflowBundle> {
  bundle ??= bundleWorkflowCode({ ...WORKFLOW_BUNDLE_OPTIONS, logger: quietLogger });
  return bundle;
}

const noop = () => undefined;
const quietLogger = { trace: noop, debug: noop, info: noop, warn: noop, error: console.error, log: noop };

/** A unique name for a workflow id or task queue. */
export function unique(prefix: string): string {
  return `${prefix}-${randomUUID().slice(0, 8)}`;
}

const INDEXED_TYPE: Record<string, number> = {
  [SearchAttributeType.TEXT]: proto.temporal.api.enums.v1.IndexedValueType.INDEXED_VALUE_TYPE_TEXT,
  [SearchAttributeType.KEYWORD]: proto.temporal.api.enums.v1.IndexedValueType.INDEXED_VALUE_TYPE_KEYWORD,
  [SearchAttributeType.INT]: proto.temporal.api.enums.v1.IndexedValueType.INDEXED_VALUE_TYPE_INT,
  [SearchAttributeType.DOUBLE]: proto.temporal.api.enums.v1.IndexedValueType.INDEXED_VALUE_TYPE_DOUBLE,
  [SearchAttributeType.BOOL]: proto.temporal.api.enums.v1.IndexedValueType.INDEXED_VALUE_TYPE_BOOL,
  [SearchAttributeType.DATETIME]: proto.temporal.api.enums.v1.IndexedValueType.INDEXED_VALUE_TYPE_DATETIME,
  [SearchAttributeType.KEYWORD_LIST]: proto.temporal.api.enums.v1.IndexedValueType.INDEXED_VALUE_TYPE_KEYWORD_LIST,
};

/**
 * Registers our search attributes on a server started without them (the time-skipping test
 * server rejects upserts of unknown attributes).
 */
export async function registerSearchAttributes(connection: Connection, namespace = 'default'): Promise<void> {
  const searchAttributes = Object.fromEntries(SEARCH_ATTRIBUTE_KEYS.map((key) => [key.name, INDEXED_TYPE[key.type]!]));
  await connection.operatorService.addSearchAttributes({ namespace, searchAttributes });
}

/**
 * A namespace of its own on the run's dev server, with tierflow's search attributes: for a test
 * that counts every request of its namespace (a report, a digest), so requests other test files
 * open at the same time on `default` never land in its figures.
 */
export async function freshNamespace(connection: Connection, prefix = 'tierflow-test'): Promise<string> {
  const namespace = unique(prefix);
  await connection.workflowService.registerNamespace({ namespace, workflowExecutionRetentionPeriod: msToTs('1 day') });
  // A namespace just registered takes a moment to reach the frontend's cache: retry until it takes the attributes.
  const deadline = Date.now() + 30_000;
  for (;;) {
    try {
      await registerSearchAttributes(connection, namespace);
      return namespace;
    } catch (err) {
      if (Date.now() > deadline) throw err;
      await new Promise((r) => setTimeout(r, 200));
    }
  }
}
