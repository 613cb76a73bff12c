/**
 * Shapes of what the intake accepts, validated with zod. Unknown fields are rejected so a typo in a
 * sender's payload is an error that names the field, not silently dropped data.
 */
import { z } from 'zod';

import { neutraliseInvisible, plainLine } from '../domain/text-safety.js';
import { PRIORITIES, REQUEST_TYPES } from '../domain/types.js';

// Free text loses what hides or reorders it, and one-line fields stay one line (`domain/text-safety.ts`),
// before the length checks; `overwrite` keeps the accepted shape (and the JSON Schema) as it was.
const lineText = () => z.string().overwrite(plainLine);
const freeText = () => z.string().overwrite(neutraliseInvisible);

export const requesterSchema = z.strictObject({
  email: z.email(),
  name: lineText().min(1).max(200).optional(),
  slackUserId: z
    .string()
    .regex(/^[UW][A-Z0-9]{2,20}$/, 'a Slack user id like U123ABC')
    .optional(),
});

/** The JSON intake body of `POST /webhooks/requests` (DESIGN.md). */
export const helpRequestBodySchema = z.strictObject({
  requester: requesterSchema,
  summary: lineText().min(1).max(200),
  description: freeText().max(10_000).optional(),
  system: z
    .string()
    .trim()
    .regex(/^[a-z0-9][a-z0-9-]{0,63}$/, 'a registry system id like okta-sso')
    .optional(),
  type: z.enum(REQUEST_TYPES).optional(),
  priority: z.enum(PRIORITIES).optional(),
  idempotencyKey: z.string().min(1).max(200).optional(),
});

/** Body of `POST /requests/:id/<action>`. */
export const actionBodySchema = z.strictObject({
  actor: z.string().trim().min(1).max(200).default('api'),
  note: freeText().max(10_000).optional(),
  priority: z.enum(PRIORITIES).optional(),
  system: z
    .string()
    .trim()
    .regex(/^[a-z0-9][a-z0-9-]{0,63}$/, 'a registry system id like okta-sso')
    .optional(),
  reason: lineText().max(200).optional(),
});

export const requestIdSchema = z.string().regex(/^req-[A-Za-z0-9._-]{1,120}$/, 'a request id like req-json-…');

/** Formats zod issues as "field: problem" for the error body. */
export function describeIssues(error: z.ZodError): { error: string; details: Array<{ field: string; problem: string }> } {
  const details = error.issues.map((issue) => ({
    field: issue.path.length > 0 ? issue.path.join('.') : issue.code === 'unrecognized_keys' ? (issue as { keys: string[] }).keys.join(', ') : '(body)',
    problem: issue.message,
  }));
  return { error: `invalid request: ${details.map((d) => `${d.field}: ${d.problem}`).join('; ')}`, details };
}
