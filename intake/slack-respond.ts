/**
 * Answers through a Slack `response_url` (an ephemeral message to the person who clicked), sent
 * after Slack already has its 200: intake never makes Slack wait on this. Only URLs under the
 * configured base are called (Slack's own `https://hooks.slack.com/`; tests point it at a local
 * server), so a payload cannot make the intake call an arbitrary address.
 */

/** Slack's base of `response_url`s. */
export const SLACK_RESPONSE_URL_BASE = 'https://hooks.slack.com/';

/** An ephemeral reply as `response_url` accepts it. */
export interface EphemeralReply {
  response_type: 'ephemeral';
  replace_original: false;
  text: string;
}

/** Posts a reply to a `response_url`; resolves when Slack accepted it, rejects otherwise. */
export type SlackResponder = (responseUrl: string, reply: EphemeralReply) => Promise<void>;

/** Escapes text for Slack mrkdwn (`&`, `<`, `>`), so a reason can never mention or link. */
export function escapeMrkdwn(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

/**
 * True when `url` is an http(s) URL under `base` (same origin, path prefix).
 * @example isUnderBase('https://hooks.slack.com/actions/T1/2/x', SLACK_RESPONSE_URL_BASE) // true
 */
export function isUnderBase(url: string, base: string): boolean {
  try {
    const target = new URL(url);
    const root = new URL(base);
    return (target.protocol === 'https:' || target.protocol === 'http:') && target.origin === root.origin && target.pathname.startsWith(root.pathname);
  } catch {
    return false;
  }
}

/**
 * The default responder: a plain `fetch`, bounded by `timeoutMs`, refusing URLs outside `base`.
 * @example await fetchResponder(SLACK_RESPONSE_URL_BASE)(url, { response_type: 'ephemeral', replace_original: false, text: 'hi' })
 */
export function fetchResponder(base: string, timeoutMs = 5_000): SlackResponder {
  return async (responseUrl, reply) => {
    if (!isUnderBase(responseUrl, base)) throw new Error(`response_url is not under ${base}`);
    const res = await fetch(responseUrl, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(reply),
      signal: AbortSignal.timeout(timeoutMs),
    });
    if (!res.ok) throw new Error(`response_url answered HTTP ${res.status}`);
  };
}
