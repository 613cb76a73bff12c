/**
 * Slack request signatures (v0): `X-Slack-Signature: v0=<hex HMAC-SHA256 of "v0:<ts>:<raw body>">`
 * with the app's signing secret, and `X-Slack-Request-Timestamp` within 5 minutes of now.
 *
 * The HMAC and its constant-time compare are `@slack/bolt`'s maintained `verifySlackRequest`; this
 * wrapper adds what it leaves out: well-formed headers before it runs (it throws a TypeError on a
 * missing signature), a timestamp too far in the *future* (bolt only rejects old ones), and an
 * injectable clock so tests control "now".
 */
import { createHmac } from 'node:crypto';

import { verifySlackRequest } from '@slack/bolt';

/** Greatest allowed difference between Slack's timestamp and our clock. */
export const SLACK_MAX_SKEW_SECONDS = 5 * 60;

/** Why a Slack request was refused: the metrics reason and a message for the 401 body. */
export interface SlackSignatureProblem {
  reason: 'bad_signature' | 'stale_timestamp';
  message: string;
}

/**
 * Checks a Slack request; null when it is authentic and fresh.
 * @param nowMs our clock, epoch milliseconds
 */
export function checkSlackSignature(opts: {
  signingSecret: string;
  rawBody: Buffer;
  signature: string | string[] | undefined;
  timestamp: string | string[] | undefined;
  nowMs: number;
}): SlackSignatureProblem | null {
  const { signature, timestamp } = opts;
  if (typeof timestamp !== 'string' || !/^\d{1,12}$/.test(timestamp)) {
    return { reason: 'bad_signature', message: 'missing or malformed X-Slack-Request-Timestamp (expected Unix seconds)' };
  }
  if (typeof signature !== 'string' || !/^v0=[0-9a-f]{64}$/i.test(signature)) {
    return { reason: 'bad_signature', message: 'missing or malformed X-Slack-Signature (expected v0=<hex HMAC-SHA256>)' };
  }
  const skew = Math.abs(Math.floor(opts.nowMs / 1000) - Number(timestamp));
  if (skew > SLACK_MAX_SKEW_SECONDS) {
    return { reason: 'stale_timestamp', message: `X-Slack-Request-Timestamp is ${skew} s away from our clock (at most ${SLACK_MAX_SKEW_SECONDS} s allowed)` };
  }
  try {
    verifySlackRequest({
      signingSecret: opts.signingSecret,
      // Slack signs the bytes it sent; its bodies are UTF-8 (JSON or form-encoded ASCII).
      body: opts.rawBody.toString('utf8'),
      headers: { 'x-slack-signature': signature.toLowerCase(), 'x-slack-request-timestamp': Number(timestamp) },
      nowMilliseconds: opts.nowMs,
    });
    return null;
  } catch {
    return { reason: 'bad_signature', message: 'X-Slack-Signature does not match the body (signed with another secret, or altered)' };
  }
}

/**
 * The headers Slack would send for `body` at `timestampSeconds` (for tests and local tools).
 * @example slackSignatureHeaders('secret', '{}', 1_700_000_000) // { 'x-slack-signature': 'v0=…', 'x-slack-request-timestamp': '1700000000' }
 */
export function slackSignatureHeaders(signingSecret: string, body: string | Buffer, timestampSeconds: number): Record<string, string> {
  const hmac = createHmac('sha256', signingSecret).update(`v0:${timestampSeconds}:`).update(body).digest('hex');
  return { 'x-slack-signature': `v0=${hmac}`, 'x-slack-request-timestamp': String(timestampSeconds) };
}
