/**
 * Workflow ids from business keys, so a redelivery finds the same workflow instead of a second one.
 */
import { createHash, randomUUID } from 'node:crypto';

// No `--`: ids travel inside HTML comments (GitLab markers), where `--` is not allowed.
const READABLE = /^(?!.*--)[A-Za-z0-9._-]{1,64}$/;

/**
 * @example requestIdFor('json', 'form-8812') // 'req-json-form-8812'
 * @example requestIdFor('json', 'a/b c')     // 'req-json-h-<32 hex>'
 */
export function requestIdFor(source: string, key: string | undefined): string {
  if (key === undefined) return `req-${source}-${randomUUID()}`;
  if (READABLE.test(key)) return `req-${source}-${key}`;
  return `req-${source}-h-${createHash('sha256').update(key).digest('hex').slice(0, 32)}`;
}
