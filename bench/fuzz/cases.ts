/**
 * fast-check arbitraries of bad (and some good) input for one intake route: methods, path
 * parameters, query strings, content types and encodings, bodies (random JSON, mutated real
 * payloads, huge fields, deep nesting, invalid UTF-8, UTF-16, BOMs, raw bytes, forms) and
 * credentials (valid, wrong, malformed, stale, absent; for the JSON intake every way its
 * `t=…,v1=…` header can be wrong, secret rotation and bodies altered after signing).
 */
import { createHmac, hkdfSync } from 'node:crypto';

import fc from 'fast-check';

import { ACTIONS } from '../../domain/request-actions.js';
import { PRIORITIES, REQUEST_TYPES } from '../../domain/types.js';
import { authSchemeOf, type Route } from './routes.js';

/** The secrets and clock the fuzzed app is built with. */
export const FUZZ_SECRETS = {
  intake: 'fuzz-intake-secret',
  apiToken: 'fuzz-api-token',
  slack: 'fuzz-slack-signing-secret',
  gitlab: 'fuzz-gitlab-webhook-secret',
} as const;
/** The app's "now" (Slack and JSON intake timestamps are checked against it): Monday 2025-01-06 10:00 UTC. */
export const FUZZ_NOW_MS = Date.UTC(2025, 0, 6, 10);
export const FUZZ_HELP_CHANNEL = 'C0ITHELP';
export const FUZZ_TRACKER = 'gitlab-com/gl-security/corp/issue-tracker';

export interface FuzzCase {
  route: Route;
  method: string;
  url: string;
  headers: Record<string, string>;
  body: Buffer | undefined;
  /** How the case was built, for reports. */
  label: string;
}

const hmac = (secret: string, ...parts: Array<string | Buffer>) => {
  const h = createHmac('sha256', secret);
  for (const part of parts) h.update(part);
  return h.digest('hex');
};
const printable = (max = 60) => fc.string({ maxLength: max }).map((s) => s.replace(/[^\x20-\x7e]/g, 'x'));
const huge = fc.tuple(fc.constantFrom('a', 'é', '😀', '<!channel>', '\\u0000', '%'), fc.integer({ min: 1_000, max: 70_000 })).map(([c, n]) => c.repeat(n));

/** Mostly a valid value, sometimes anything: deep code gets reached, and its edges probed. */
const mostly = <T>(valid: fc.Arbitrary<T>) =>
  fc.oneof({ weight: 4, arbitrary: valid }, { weight: 1, arbitrary: fc.oneof(fc.jsonValue(), huge) as fc.Arbitrary<unknown> });
/** Optional: absent half the time. */
const maybe = <T>(value: fc.Arbitrary<T>) => fc.option(value, { nil: undefined, freq: 2 });

/** A real-looking payload per route family, so mutations reach deep code, not just the parser. */
function realistic(route: Route): fc.Arbitrary<unknown> {
  switch (authSchemeOf(route)) {
    case 'intake-hmac':
      return fc.record(
        {
          requester: mostly(
            fc.record(
              {
                email: mostly(fc.constantFrom('ada@example.com', 'x.y+z@sub.example.org')),
                name: maybe(fc.string({ minLength: 1 })),
                slackUserId: maybe(fc.constantFrom('U123ABC', 'u1')),
              },
              { requiredKeys: ['email'] },
            ),
          ),
          summary: mostly(fc.string({ minLength: 1, maxLength: 200 })),
          description: maybe(mostly(fc.string({ maxLength: 500 }))),
          system: maybe(mostly(fc.constantFrom('okta-sso', 'aws', 'unknown-system', 'OKTA'))),
          type: maybe(mostly(fc.constantFrom(...REQUEST_TYPES))),
          priority: maybe(mostly(fc.constantFrom(...PRIORITIES))),
          idempotencyKey: maybe(mostly(fc.string({ minLength: 1, maxLength: 40 }))),
        },
        { requiredKeys: ['requester', 'summary'] },
      );
    case 'bearer':
      return fc.record(
        {
          actor: mostly(fc.constantFrom('grace', 'ada@example.com', 'U123ABC')),
          note: maybe(mostly(fc.string({ minLength: 1, maxLength: 300 }))),
          priority: maybe(mostly(fc.constantFrom(...PRIORITIES))),
          system: maybe(mostly(fc.constantFrom('okta-sso', 'aws'))),
          reason: maybe(mostly(fc.string({ maxLength: 100 }))),
        },
        { requiredKeys: [] },
      );
    case 'slack-v0':
      return fc.oneof(
        fc.record({ type: fc.constant('url_verification'), challenge: mostly(fc.string()), token: fc.string() }),
        fc.record(
          {
            type: mostly(fc.constantFrom('event_callback', 'app_rate_limited')),
            event_id: mostly(fc.stringMatching(/^Ev[A-Z0-9]{6,12}$/)),
            event: mostly(
              fc.record(
                {
                  type: mostly(fc.constantFrom('message', 'app_mention', 'reaction_added')),
                  channel: mostly(fc.constantFrom(FUZZ_HELP_CHANNEL, 'C0OTHER')),
                  user: mostly(fc.constantFrom('U123ABC', 'U0TIERFLOW')),
                  text: mostly(fc.string()),
                  ts: mostly(fc.constantFrom('1736157600.000100', '1736157601.000200')),
                  thread_ts: maybe(mostly(fc.constantFrom('1736157600.000100'))),
                  subtype: maybe(fc.constantFrom('bot_message', 'message_changed', 'message_deleted', 'channel_join')),
                  bot_id: maybe(fc.constant('B0TIERFLOW')),
                },
                { requiredKeys: ['type'] },
              ),
            ),
          },
          { requiredKeys: ['type'] },
        ),
      );
    case 'gitlab-token':
      return fc.record(
        {
          object_kind: mostly(fc.constantFrom('issue', 'note', 'merge_request')),
          event_type: maybe(fc.constantFrom('issue', 'note', 'confidential_issue')),
          project: mostly(fc.record({ id: fc.integer({ min: 1, max: 2000 }), path_with_namespace: fc.constantFrom(FUZZ_TRACKER, 'other/project') })),
          object_attributes: mostly(
            fc.record(
              {
                iid: mostly(fc.integer({ min: 1, max: 50 })),
                action: maybe(fc.constantFrom('open', 'close', 'reopen', 'update')),
                state: maybe(fc.constantFrom('opened', 'closed')),
                description: maybe(mostly(fc.string())),
                note: maybe(mostly(fc.string())),
                noteable_type: maybe(fc.constantFrom('Issue', 'MergeRequest')),
                title: maybe(fc.string()),
              },
              { requiredKeys: [] },
            ),
          ),
          user: maybe(fc.record({ username: fc.constantFrom('grace', 'ada'), email: fc.constantFrom('grace@example.com') })),
          issue: maybe(fc.record({ iid: fc.integer({ min: 1, max: 50 }), description: fc.string() })),
        },
        { requiredKeys: ['object_kind'] },
      );
    default:
      return fc.jsonValue();
  }
}

/** Top-level keys replaced, removed or added at random. */
const mutated = (route: Route) =>
  fc
    .tuple(realistic(route), fc.string({ maxLength: 12 }), fc.oneof(fc.jsonValue(), fc.constant(undefined)))
    .map(([base, key, value]) => (base && typeof base === 'object' && !Array.isArray(base) ? { ...(base as object), [key || '__proto__']: value } : base));

const deep = fc.integer({ min: 100, max: 30_000 }).map((n) => '['.repeat(n) + ']'.repeat(n));

/** Body bytes and the content type they are sent with. */
function bodyFor(route: Route): fc.Arbitrary<{ body: Buffer | undefined; contentType: string | undefined; kind: string }> {
  const form = route.path === '/slack/commands' || route.path === '/slack/interactions';
  const natural = form ? 'application/x-www-form-urlencoded' : 'application/json';
  const json = (kind: string, value: fc.Arbitrary<unknown>) => value.map((v) => ({ text: JSON.stringify(v) ?? 'null', kind }));
  const text = fc.oneof(
    { weight: 4, arbitrary: json('realistic', realistic(route)) },
    { weight: 3, arbitrary: json('mutated', mutated(route)) },
    { weight: 2, arbitrary: json('random-json', fc.jsonValue({ maxDepth: 4 })) },
    { weight: 1, arbitrary: deep.map((t) => ({ text: t, kind: 'deep-nesting' })) },
    { weight: 1, arbitrary: fc.string().map((t) => ({ text: t, kind: 'random-text' })) },
    {
      weight: 1,
      arbitrary: fc
        .constantFrom(
          '',
          'null',
          '[]',
          '{}',
          '{"a":1,"a":2}',
          '1e400',
          '{"__proto__":{"polluted":1}}',
          '{"constructor":{"prototype":{"x":1}}}',
          '{"summary":',
          '"\\ud800"',
          '{"requester":{"email":"a@b.c"},"summary":"\\u0000"}',
        )
        .map((t) => ({ text: t, kind: 'edge-json' })),
    },
    {
      weight: 1,
      arbitrary: fc
        .dictionary(
          fc.string({ maxLength: 12 }),
          fc.oneof(
            fc.string(),
            realistic(route).map((v) => JSON.stringify(v) ?? ''),
          ),
        )
        .map((d) => ({ text: new URLSearchParams(d).toString(), kind: 'form' })),
    },
    {
      weight: form ? 3 : 0,
      arbitrary: json('payload-form', realistic(route)).map(({ text: t }) => ({
        text: new URLSearchParams({
          payload: t,
          command: '/it-help',
          text: 'help',
          user_id: 'U123',
          channel_id: FUZZ_HELP_CHANNEL,
          response_url: 'https://hooks.slack.com/x',
          trigger_id: 't',
        }).toString(),
        kind: 'payload-form',
      })),
    },
  );
  const encoded = fc
    .tuple(text, fc.constantFrom('utf8', 'utf8', 'utf8', 'utf8', 'bom', 'utf16le', 'latin1', 'truncated', 'invalid-utf8'))
    .map(([{ text: t, kind }, enc]) => {
      let body: Buffer;
      if (enc === 'bom') body = Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from(t)]);
      else if (enc === 'utf16le' || enc === 'latin1') body = Buffer.from(t, enc);
      else if (enc === 'truncated') body = Buffer.from(t).subarray(0, Math.floor(Buffer.byteLength(t) / 2));
      else if (enc === 'invalid-utf8')
        body = Buffer.concat([
          Buffer.from(t.slice(0, t.length >> 1)),
          Buffer.from([0xc3, 0x28, 0xe2, 0x82, 0xff, 0xc0, 0xaf]),
          Buffer.from(t.slice(t.length >> 1)),
        ]);
      else body = Buffer.from(t);
      return { body, kind: enc === 'utf8' ? kind : `${kind}/${enc}` };
    });
  const bytes = fc.uint8Array({ maxLength: 1024 }).map((b) => ({ body: Buffer.from(b), kind: 'raw-bytes' }));
  const none = fc.constant({ body: undefined, kind: 'no-body' });
  const contentType = fc.oneof(
    { weight: 6, arbitrary: fc.constant(natural) },
    {
      weight: 3,
      arbitrary: fc.constantFrom(
        'application/json',
        'application/json; charset=utf-8',
        'application/json; charset=utf-16',
        'APPLICATION/JSON',
        'application/x-www-form-urlencoded',
        'text/plain',
        'multipart/form-data; boundary=x',
        'application/json, text/plain',
        '',
        'application/vnd.api+json',
        '*/*',
      ),
    },
    { weight: 1, arbitrary: fc.constant(undefined) },
    { weight: 1, arbitrary: printable(40) },
  );
  return fc
    .tuple(fc.oneof({ weight: 8, arbitrary: encoded }, { weight: 1, arbitrary: bytes }, { weight: 1, arbitrary: none }), contentType)
    .map(([b, ct]) => ({ body: b.body, contentType: ct, kind: b.kind }));
}

function paramValue(name: string): fc.Arbitrary<string> {
  const junk = fc.oneof(
    { weight: 3, arbitrary: fc.string({ maxLength: 40 }).map(encodeURIComponent) },
    { weight: 3, arbitrary: fc.constantFrom('%', '%zz', '%E0%A4%A', '..%2F..%2Fetc%2Fpasswd', '%00', '%F0%9F%98%80', '__proto__', 'constructor', ' ', '%20') },
    { weight: 1, arbitrary: fc.integer({ min: 130, max: 8_000 }).map((n) => `req-${'a'.repeat(n)}`) },
  );
  if (name === 'id')
    return fc.oneof(
      { weight: 3, arbitrary: fc.constant('req-json-fuzz-1') },
      { weight: 3, arbitrary: fc.stringMatching(/^req-[A-Za-z0-9._-]{1,30}$/) },
      { weight: 2, arbitrary: junk },
    );
  if (name === 'action') return fc.oneof({ weight: 6, arbitrary: fc.constantFrom(...ACTIONS) }, { weight: 2, arbitrary: junk });
  return fc.oneof(fc.string({ maxLength: 20 }).map(encodeURIComponent), junk);
}

/**
 * How a JSON intake case signs (`X-Tierflow-Signature: t=…,v1=…`): validly (at any time inside the
 * window, with rotated secrets, upper-case hex, elements reordered) or not (another secret, an
 * altered body, outside the window either way, at the window's edge, the retired body-only form,
 * and malformed headers).
 */
export const INTAKE_CREDENTIAL_MODES = [
  'valid',
  'valid',
  'valid',
  'rotated',
  'upper',
  'reordered',
  'edge',
  'wrong',
  'other-body',
  'stale',
  'future',
  'sha256',
  'missing-t',
  'missing-v1',
  'non-hex',
  'duplicate-t',
  'huge-t',
  'huge-v1',
  'too-many-v1',
  'ms-t',
  'spaced',
  'none',
] as const;
const COMMON_CREDENTIAL_MODES = ['valid', 'valid', 'valid', 'upper', 'wrong', 'other-body', 'malformed', 'stale', 'none', 'none'] as const;

/** `X-Tierflow-Signature` for `raw` in `mode`; `skew` (any natural number) varies times and positions. */
function intakeSignature(raw: Buffer, mode: string, skew: number): string | undefined {
  const nowS = Math.floor(FUZZ_NOW_MS / 1000);
  const ts = { stale: nowS - 301 - skew, future: nowS + 301 + skew, edge: nowS + [-301, -300, 300, 301][skew % 4]! }[mode] ?? nowS + (skew % 601) - 300;
  const v1 = (secret: string = FUZZ_SECRETS.intake, t: number | string = ts, body: Buffer = raw) => hmac(secret, `${t}.`, body);
  const good = `t=${ts},v1=${v1()}`;
  switch (mode) {
    case 'none':
      return undefined;
    case 'rotated': {
      const entries = [v1('retired-secret-1'), v1('retired-secret-2'), v1('retired-secret-3')];
      entries[skew % 3] = v1();
      return `t=${ts},${entries.map((e) => `v1=${e}`).join(',')}`;
    }
    case 'upper':
      return `t=${ts},v1=${v1().toUpperCase()}`;
    case 'reordered':
      return `v1=${v1()},t=${ts}`;
    case 'wrong':
      return `t=${ts},v1=${v1('not-the-secret')}`;
    case 'other-body':
      return `t=${ts},v1=${v1(FUZZ_SECRETS.intake, ts, Buffer.concat([raw, Buffer.from(' ')]))}`;
    case 'sha256':
      return `sha256=${hmac(FUZZ_SECRETS.intake, raw)}`;
    case 'missing-t':
      return `v1=${v1()}`;
    case 'missing-v1':
      return `t=${ts}`;
    case 'non-hex':
      return `t=${ts},v1=${v1().slice(0, 63)}g`;
    case 'duplicate-t':
      return skew % 2 ? `${good},t=${ts}` : `t=${ts - 1000},${good}`;
    case 'huge-t':
      return `t=${'9'.repeat(13 + (skew % 2_000))},v1=${v1()}`;
    case 'huge-v1':
      return `${good}${'0'.repeat(1 + (skew % 6_000))}`;
    case 'too-many-v1':
      return `t=${ts}${`,v1=${v1()}`.repeat(9 + (skew % 20))}`;
    case 'ms-t':
      return `t=${ts * 1000},v1=${v1(FUZZ_SECRETS.intake, ts * 1000)}`;
    case 'spaced':
      return `t=${ts}, v1=${v1()}`;
    default:
      return good;
  }
}

/** The credential headers for a case, valid or deliberately not. */
export function credentialHeaders(route: Route, body: Buffer | undefined, mode: string, skewSeconds: number): Record<string, string> {
  const raw = body ?? Buffer.alloc(0);
  const nowS = Math.floor(FUZZ_NOW_MS / 1000);
  const wrongBody = Buffer.concat([raw, Buffer.from(' ')]);
  if (mode === 'none') return {};
  switch (authSchemeOf(route)) {
    case 'intake-hmac': {
      const value = intakeSignature(raw, mode, skewSeconds);
      return value === undefined ? {} : { 'x-tierflow-signature': value };
    }
    case 'bearer':
      return {
        authorization:
          {
            valid: `Bearer ${FUZZ_SECRETS.apiToken}`,
            upper: `bearer ${FUZZ_SECRETS.apiToken}`,
            wrong: 'Bearer wrong-token',
            'other-body': `Basic ${Buffer.from('a:b').toString('base64')}`,
            malformed: 'Bearer',
            stale: `Bearer ${FUZZ_SECRETS.apiToken}x`,
          }[mode] ?? '',
      };
    case 'slack-v0': {
      const ts = mode === 'stale' ? nowS - 301 - skewSeconds : nowS + (skewSeconds % 300);
      const secret = mode === 'wrong' ? 'not-the-secret' : FUZZ_SECRETS.slack;
      const signed = mode === 'other-body' ? wrongBody : raw;
      const signature = mode === 'malformed' ? 'v0=nothex' : `v0=${hmac(secret, `v0:${ts}:`, signed)}`;
      return { 'x-slack-signature': mode === 'upper' ? signature.toUpperCase().replace('V0=', 'v0=') : signature, 'x-slack-request-timestamp': String(ts) };
    }
    case 'gitlab-token':
      return {
        'x-gitlab-token':
          {
            valid: FUZZ_SECRETS.gitlab,
            upper: FUZZ_SECRETS.gitlab.toUpperCase(),
            wrong: 'not-the-token',
            'other-body': `${FUZZ_SECRETS.gitlab} `,
            malformed: '',
            stale: FUZZ_SECRETS.intake,
          }[mode] ?? '',
      };
    default:
      return {};
  }
}

/**
 * The query of the requester's link to `/status/<rawId>` in `mode` (the credential travels in the
 * query, not a header): signed for the decoded id like the intake signs, or wrong in one way.
 */
function statusLinkQuery(rawId: string, mode: string, skew: number): string | null {
  let id: string;
  try {
    id = decodeURIComponent(rawId);
  } catch {
    id = rawId;
  }
  const key = Buffer.from(hkdfSync('sha256', mode === 'wrong' ? 'not-the-token' : FUZZ_SECRETS.apiToken, Buffer.alloc(0), 'tierflow status link v1', 32));
  const nowS = Math.floor(FUZZ_NOW_MS / 1000);
  const exp = mode === 'stale' ? nowS - (skew % 86_400) : nowS + 1 + (skew % (30 * 86_400));
  const sig = createHmac('sha256', key)
    .update(`${mode === 'other-body' ? `${id}x` : id}.${exp}`)
    .digest('base64url');
  switch (mode) {
    case 'none':
      return null;
    case 'malformed':
      return `?exp=${exp}.0&sig=${sig}=`;
    case 'upper':
      return `?exp=${exp}&sig=${sig.toUpperCase()}`;
    default:
      return `?exp=${exp}&sig=${sig}`;
  }
}

/** Cases for one route. */
export function casesFor(route: Route): fc.Arbitrary<FuzzCase> {
  const params = [...route.path.matchAll(/:(\w+)/g)].map((m) => m[1]!);
  const method = fc.oneof(
    { weight: 9, arbitrary: fc.constant(route.method) },
    { weight: 1, arbitrary: fc.constantFrom('GET', 'POST', 'PUT', 'DELETE', 'PATCH', 'OPTIONS') },
  );
  const query = fc.oneof(
    { weight: 6, arbitrary: fc.constant('') },
    { weight: 1, arbitrary: fc.constantFrom('?x=1', `?${'a'.repeat(5_000)}=1`, '?%zz', '?__proto__[x]=1', '?a=1&a=2', '?') },
  );
  const credential = fc.constantFrom<string>(...(authSchemeOf(route) === 'intake-hmac' ? INTAKE_CREDENTIAL_MODES : COMMON_CREDENTIAL_MODES));
  const extra = fc.dictionary(
    fc.constantFrom(
      'idempotency-key',
      'x-forwarded-for',
      'content-encoding',
      'transfer-encoding-x',
      'x-slack-retry-num',
      'x-gitlab-event',
      'accept',
      'x-request-id',
      'cookie',
    ),
    fc.oneof(
      printable(),
      fc.integer({ min: 1_000, max: 8_000 }).map((n) => 'h'.repeat(n)),
      fc.constantFrom('gzip', 'br', 'identity', 'Issue Hook', '1'),
    ),
    { maxKeys: 3 },
  );
  return fc
    .tuple(method, fc.tuple(...params.map(paramValue)), query, bodyFor(route), credential, fc.nat(1_000_000), extra)
    .map(([m, values, q, { body, contentType, kind }, mode, skew, extraHeaders]) => {
      let i = 0;
      const path = route.path.replace(/:(\w+)/g, () => values[i++] ?? 'x');
      const link = authSchemeOf(route) === 'status-link' ? statusLinkQuery(values[0] ?? '', mode, skew) : null;
      const url = path + (link ?? q);
      const headers: Record<string, string> = {
        ...extraHeaders,
        ...(contentType !== undefined ? { 'content-type': contentType } : {}),
        ...credentialHeaders(route, body, mode, skew),
      };
      return {
        route,
        method: m,
        url,
        headers,
        body: m === 'GET' || m === 'HEAD' ? undefined : body,
        label: `${m} ${route.path} body=${kind} credential=${mode}`,
      };
    });
}

/** Paths no route serves (they must answer 404, not 5xx). */
export const strayCases: fc.Arbitrary<FuzzCase> = fc
  .tuple(
    fc.constantFrom('GET', 'POST', 'PUT', 'DELETE'),
    fc.oneof(fc.webPath(), fc.constantFrom('/%', '//', '/webhooks/requests/../../x', '/requests', '/slack', '/.env')),
    fc.option(fc.uint8Array({ maxLength: 256 })),
  )
  .map(([method, path, bytes]) => ({
    route: { method, path: '(no route)' },
    method,
    url: path.startsWith('/') ? path : `/${path}`,
    headers: { 'content-type': 'application/json' },
    body: method === 'GET' || !bytes ? undefined : Buffer.from(bytes),
    label: `${method} (no route)`,
  }));
