/**
 * The parts of GitLab's Issue Hook and Note Hook payloads the intake reads, validated with zod.
 * GitLab adds fields over time, so unknown fields are dropped, not rejected.
 */
import { z } from 'zod';

const user = z.looseObject({
  username: z.string().regex(/^[A-Za-z0-9_.-]{1,255}$/, 'a GitLab username'),
  name: z.string().max(255).optional(),
  // GitLab.com sends "[REDACTED]" here; a self-managed instance may send the address.
  email: z.string().max(255).optional().nullable(),
});

const project = z.looseObject({
  id: z.number().int().positive(),
  path_with_namespace: z.string().min(1).max(500),
  web_url: z.string().max(2_000).optional(),
});

/** Which hook a payload is: anything but `issue` and `note` is acknowledged and ignored. */
export const hookKindSchema = z.object({ object_kind: z.string().min(1).max(100) });

/** `Issue Hook` (and `Confidential Issue Hook`): an issue opened, closed, reopened or updated. */
export const issueHookSchema = z.object({
  object_kind: z.literal('issue'),
  user,
  project,
  object_attributes: z.looseObject({
    iid: z.number().int().positive(),
    title: z.string().max(1_000),
    description: z.string().max(1_048_576).nullable().optional(),
    url: z.string().max(2_000),
    action: z.string().max(50).optional(),
    state: z.string().max(50).optional(),
  }),
  labels: z.array(z.looseObject({ title: z.string().max(255) })).optional(),
});
export type IssueHook = z.infer<typeof issueHookSchema>;

/** `Note Hook`: a comment; only comments on issues are handled. */
export const noteHookSchema = z.object({
  object_kind: z.literal('note'),
  user,
  project,
  object_attributes: z.looseObject({
    note: z.string().max(1_048_576),
    noteable_type: z.string().max(50),
    system: z.boolean().optional(),
  }),
  issue: z
    .looseObject({
      iid: z.number().int().positive(),
      description: z.string().max(1_048_576).nullable().optional(),
    })
    .optional(),
});
export type NoteHook = z.infer<typeof noteHookSchema>;
