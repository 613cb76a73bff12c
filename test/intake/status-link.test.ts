import { createHmac, hkdfSync } from 'node:crypto';

import fc from 'fast-check';
import { describe, expect, it } from 'vitest';

import { DEFAULT_STATUS_LINK_TTL_MS, statusLinkFor, statusLinkKey, verifyStatusLink } from '../../intake/status-link.js';

const KEY = statusLinkKey('api-test-token');
/** 2024-03-04 10:00:00 UTC. */
const NOW = 1_709_546_400_000;
const ID = 'req-json-form-8812';
const DAY_MS = 86_400_000;

/** The `exp` and `sig` of a link, as a route receives them. */
function queryOf(link: string): { exp: string; sig: string } {
  const url = new URL(link);
  return { exp: url.searchParams.get('exp')!, sig: url.searchParams.get('sig')! };
}

const link = (id = ID, now = NOW, ttlMs?: number) =>
  statusLinkFor(id, { key: KEY, publicUrl: 'https://tierflow.example.com', now, ...(ttlMs ? { ttlMs } : {}) });

describe('statusLinkFor', () => {
  it('makes /status/<id>?exp=<unix s>&sig=<base64url HMAC-SHA256 of "<id>.<exp>"> under the public URL, good for 30 days', () => {
    const exp = (NOW + 30 * DAY_MS) / 1000;
    const sig = createHmac('sha256', KEY).update(`${ID}.${exp}`).digest('base64url');
    expect(link()).toBe(`https://tierflow.example.com/status/${ID}?exp=${exp}&sig=${sig}`);
    expect(DEFAULT_STATUS_LINK_TTL_MS).toBe(30 * DAY_MS);
  });

  it('honours another lifetime and drops a trailing slash of the public URL', () => {
    const made = statusLinkFor(ID, { key: KEY, publicUrl: 'https://tierflow.example.com/', now: NOW, ttlMs: DAY_MS });
    expect(made).toMatch(new RegExp(`^https://tierflow\\.example\\.com/status/${ID}\\?exp=${(NOW + DAY_MS) / 1000}&sig=[A-Za-z0-9_-]{43}$`));
  });

  it('derives the key from the API token with HKDF-SHA256 and the label "tierflow status link v1"', () => {
    expect(KEY.equals(Buffer.from(hkdfSync('sha256', 'api-test-token', Buffer.alloc(0), 'tierflow status link v1', 32)))).toBe(true);
    expect(KEY.equals(statusLinkKey('api-test-token-rotated'))).toBe(false);
    // The key is not the token, nor a plain hash of it.
    expect(KEY.toString('utf8')).not.toContain('api-test-token');
  });
});

describe('verifyStatusLink', () => {
  it('accepts the link it made, for its request, until it expires', () => {
    const query = queryOf(link());
    expect(verifyStatusLink(ID, query, { key: KEY, now: NOW })).toEqual({ ok: true, exp: (NOW + 30 * DAY_MS) / 1000 });
  });

  it('says expired from the second of exp on, and not a millisecond before', () => {
    const query = queryOf(link());
    const expMs = Number(query.exp) * 1000;
    expect(verifyStatusLink(ID, query, { key: KEY, now: expMs - 1 }).ok).toBe(true);
    expect(verifyStatusLink(ID, query, { key: KEY, now: expMs })).toEqual({ ok: false, reason: 'expired' });
    expect(verifyStatusLink(ID, query, { key: KEY, now: expMs + 365 * DAY_MS })).toEqual({ ok: false, reason: 'expired' });
  });

  it('refuses the link for another request, even one whose id differs by a character', () => {
    const query = queryOf(link());
    for (const other of ['req-json-form-8813', 'req-json-form-881', `${ID}.`, ID.toUpperCase()]) {
      expect(verifyStatusLink(other, query, { key: KEY, now: NOW })).toEqual({ ok: false, reason: 'invalid' });
    }
  });

  it('refuses a link signed with a key from another API token (rotation revokes links)', () => {
    const query = queryOf(link());
    expect(verifyStatusLink(ID, query, { key: statusLinkKey('api-test-token-rotated'), now: NOW })).toEqual({ ok: false, reason: 'invalid' });
  });

  it('refuses a later exp under the old signature: a tampered expiry is invalid, not a longer life', () => {
    const { exp, sig } = queryOf(link());
    for (const forged of [String(Number(exp) + 1), String(Number(exp) + 86_400 * 365), String(Number(exp) - 1)]) {
      expect(verifyStatusLink(ID, { exp: forged, sig }, { key: KEY, now: NOW })).toEqual({ ok: false, reason: 'invalid' });
    }
  });

  it('says invalid, never expired, for a forged link whose time has passed', () => {
    const { exp } = queryOf(link());
    expect(verifyStatusLink(ID, { exp, sig: 'A'.repeat(43) }, { key: KEY, now: Number(exp) * 1000 + 1 })).toEqual({ ok: false, reason: 'invalid' });
  });

  it('refuses every single-character change of the signature', () => {
    const { exp, sig } = queryOf(link());
    const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_';
    fc.assert(
      fc.property(fc.nat(sig.length - 1), fc.constantFrom(...alphabet), (at, c) => {
        fc.pre(sig[at] !== c);
        const tampered = sig.slice(0, at) + c + sig.slice(at + 1);
        expect(verifyStatusLink(ID, { exp, sig: tampered }, { key: KEY, now: NOW })).toEqual({ ok: false, reason: 'invalid' });
      }),
    );
  });

  it.each([
    ['no exp', (q: { exp: string; sig: string }) => ({ sig: q.sig })],
    ['no sig', (q: { exp: string; sig: string }) => ({ exp: q.exp })],
    ['nothing', () => ({})],
    ['a repeated exp (an array)', (q: { exp: string; sig: string }) => ({ exp: [q.exp, q.exp], sig: q.sig })],
    ['a repeated sig (an array)', (q: { exp: string; sig: string }) => ({ exp: q.exp, sig: [q.sig] })],
    ['an exp with a leading zero', (q: { exp: string; sig: string }) => ({ exp: `0${q.exp}`, sig: q.sig })],
    ['an exp with a sign', (q: { exp: string; sig: string }) => ({ exp: `+${q.exp}`, sig: q.sig })],
    ['an exp in milliseconds', (q: { exp: string; sig: string }) => ({ exp: `${q.exp}000`, sig: q.sig })],
    ['an exp with a fraction', (q: { exp: string; sig: string }) => ({ exp: `${q.exp}.5`, sig: q.sig })],
    ['an empty exp', (q: { exp: string; sig: string }) => ({ exp: '', sig: q.sig })],
    ['a padded sig', (q: { exp: string; sig: string }) => ({ exp: q.exp, sig: `${q.sig}=` })],
    ['a base64 (not base64url) sig', (q: { exp: string; sig: string }) => ({ exp: q.exp, sig: Buffer.from(q.sig, 'base64url').toString('base64') })],
    ['a hex sig', (q: { exp: string; sig: string }) => ({ exp: q.exp, sig: Buffer.from(q.sig, 'base64url').toString('hex') })],
    ['a truncated sig', (q: { exp: string; sig: string }) => ({ exp: q.exp, sig: q.sig.slice(0, 42) })],
  ])('refuses %s as invalid', (_name, tamper) => {
    const query = tamper(queryOf(link())) as { exp?: unknown; sig?: unknown };
    expect(verifyStatusLink(ID, query, { key: KEY, now: NOW })).toEqual({ ok: false, reason: 'invalid' });
  });

  it('accepts a link at any instant of its life and refuses it after, for any id and lifetime', () => {
    fc.assert(
      fc.property(
        fc.stringMatching(/^req-[A-Za-z0-9._-]{1,120}$/),
        fc.integer({ min: 1_000, max: 400 * DAY_MS }),
        fc.integer({ min: 0, max: 399 * DAY_MS }),
        (id, ttlMs, after) => {
          const query = queryOf(link(id, NOW, ttlMs));
          const expMs = Number(query.exp) * 1000;
          const at = NOW + after;
          expect(verifyStatusLink(id, query, { key: KEY, now: at }).ok).toBe(at < expMs);
        },
      ),
    );
  });
});
