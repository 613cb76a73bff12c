/**
 * The parts of Slack's payloads the intake reads (Events API envelopes and `message` events, slash
 * commands, `block_actions` and `view_submission` interactions), validated with zod. Slack adds fields over time,
 * so unknown fields are dropped, not rejected; the fields we use are checked strictly, since they
 * become workflow ids, update ids and search-attribute queries.
 */
import { z } from 'zod';

/** A Slack timestamp, `seconds.micros`. */
export const slackTs = z.string().regex(/^\d{1,12}\.\d{1,9}$/, 'a Slack timestamp like 1700000000.123456');
/** A conversation id: public channel `C…`, private `G…`, direct message `D…`. */
export const slackChannelId = z.string().regex(/^[CGD][A-Z0-9]{2,30}$/, 'a Slack conversation id like C0ITHELP');
/** A user id. */
export const slackUserId = z.string().regex(/^[UW][A-Z0-9]{2,30}$/, 'a Slack user id like U123ABC');
/** A Slack trigger id (valid for 3 seconds: what `views.open` needs to show a modal). */
export const slackTriggerId = z.string().regex(/^[A-Za-z0-9._-]{1,120}$/, 'a Slack trigger id');

/** `url_verification`: Slack checks the Request URL once, when it is saved. */
export const urlVerificationSchema = z.object({
  type: z.literal('url_verification'),
  challenge: z.string().min(1).max(500),
});

/** `event_callback`: one event, delivered at least once (retries keep the `event_id`). */
export const eventCallbackSchema = z.object({
  type: z.literal('event_callback'),
  event_id: z.string().regex(/^[A-Za-z0-9]{4,64}$/, 'a Slack event id like Ev0PV52K21'),
  team_id: z.string().max(40).optional(),
  event: z.looseObject({ type: z.string().min(1).max(100) }),
  authorizations: z.array(z.looseObject({ user_id: z.string().optional(), is_bot: z.boolean().optional() })).optional(),
});

/**
 * What Bolt itself reads of an event to route it, before any listener runs: present, these must be
 * objects (or strings), never `null` or a number, or Bolt would throw instead of our 400.
 */
export const boltRoutedEventSchema = z.looseObject({
  user: z.union([z.string(), z.looseObject({})]).optional(),
  channel: z.union([z.string(), z.looseObject({})]).optional(),
  item: z.looseObject({}).optional(),
  subteam: z.looseObject({}).optional(),
});

/** The envelope types we know; anything else is acknowledged and ignored. */
export const envelopeTypeSchema = z.object({ type: z.string().min(1).max(100) });

/** What decides whether a `message` event is a person's message (checked before the strict shape). */
export const messageKindSchema = z.object({
  subtype: z.string().max(100).optional(),
  bot_id: z.string().max(100).optional(),
  hidden: z.boolean().optional(),
  user: z.string().max(100).optional(),
  channel_type: z.string().max(20).optional(),
});

/** A person's message: top level, in a thread, or in a direct message to the app. */
export const humanMessageSchema = z.object({
  type: z.literal('message'),
  channel: slackChannelId,
  user: slackUserId,
  text: z.string().max(40_000).default(''),
  ts: slackTs,
  thread_ts: slackTs.optional(),
  channel_type: z.enum(['channel', 'group', 'im', 'mpim', 'app_home']).optional(),
});

/** Message subtypes written by people (the rest are edits, deletions, joins, bots, …). */
export const HUMAN_SUBTYPES: ReadonlySet<string> = new Set(['file_share', 'thread_broadcast']);

/** A slash command (form fields). */
export const slashCommandSchema = z.object({
  command: z.string().regex(/^\/[a-z0-9_-]{1,32}$/i, 'a command like /it-help'),
  text: z.string().max(4_000).default(''),
  user_id: slackUserId,
  user_name: z.string().max(200).optional(),
  channel_id: slackChannelId,
  trigger_id: slackTriggerId,
  team_id: z.string().max(40).optional(),
  response_url: z.string().max(500).optional(),
});
export type SlashCommand = z.infer<typeof slashCommandSchema>;

/** The kind of an interaction payload; `block_actions` and `view_submission` are handled. */
export const interactionKindSchema = z.object({ type: z.string().min(1).max(100) });

/** A button click (or other Block Kit action). */
export const blockActionsSchema = z.object({
  type: z.literal('block_actions'),
  user: z.looseObject({ id: slackUserId, username: z.string().max(200).optional() }),
  response_url: z.string().max(500).optional(),
  trigger_id: slackTriggerId.optional(),
  channel: z.looseObject({ id: slackChannelId }).optional(),
  actions: z
    .array(
      z.looseObject({
        action_id: z.string().min(1).max(255),
        value: z.string().max(2_000).optional(),
        action_ts: slackTs,
      }),
    )
    .min(1)
    .max(25),
});
export type BlockActions = z.infer<typeof blockActionsSchema>;

/** One input's state in a submitted view: a text input's `value` or a select's `selected_option`. */
const inputStateSchema = z.looseObject({
  type: z.string().max(100),
  value: z.string().max(10_000).nullable().optional(),
  selected_option: z
    .looseObject({ value: z.string().max(150) })
    .nullable()
    .optional(),
});

/** A modal submission (`view_submission`): who submitted which view, with its inputs' state. */
export const viewSubmissionSchema = z.object({
  type: z.literal('view_submission'),
  user: z.looseObject({ id: slackUserId, username: z.string().max(200).optional(), name: z.string().max(200).optional() }),
  view: z.looseObject({
    id: z.string().regex(/^V[A-Z0-9]{2,30}$/, 'a Slack view id like V0123ABCD'),
    callback_id: z.string().max(255),
    private_metadata: z.string().max(3_000).default(''),
    state: z.object({ values: z.record(z.string().max(255), z.record(z.string().max(255), inputStateSchema)) }).default({ values: {} }),
  }),
});
export type ViewSubmission = z.infer<typeof viewSubmissionSchema>;
