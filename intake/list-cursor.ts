/**
 * The cursor `GET /requests` hands out: Temporal's visibility page token, sealed with an HMAC over
 * the filter it belongs to, under a key derived from `API_TOKEN`. A cursor this service did not
 * give out, or one used with another filter, is refused before Temporal sees it (a page token the
 * server cannot read makes some servers answer "something went wrong" slowly, not "bad argument").
 */
import { createHmac, hkdfSync } from 'node:crypto';

import type { RequestFilter } from '../contracts/request-list.js';
import { secretEquals } from './constant-time.js';

const LABEL = 'tierflow request list cursor v1';

/** The cursor key of an API token (rotating the token voids every cursor, as it does every status link). */
export function listCursorKey(apiToken: string): Buffer {
  return Buffer.from(hkdfSync('sha256', apiToken, Buffer.alloc(0), LABEL, 32));
}

const mac = (key: Buffer, filter: RequestFilter, token: string) =>
  createHmac('sha256', key)
    .update(`${JSON.stringify(filter)}\n${token}`)
    .digest('base64url');

/**
 * The cursor of a page token for `filter`, or null on the last page.
 * @example sealCursor(key, { tier: 3 }, 'CiQ…') // 'CiQ….Xw3…'
 */
export function sealCursor(key: Buffer, filter: RequestFilter, token: string | null): string | null {
  return token === null ? null : `${token}.${mac(key, filter, token)}`;
}

/**
 * The page token inside a cursor handed out for `filter`, or null when it is not one.
 * @example openCursor(key, { tier: 3 }, sealCursor(key, { tier: 3 }, 'CiQ…')!) // 'CiQ…'
 */
export function openCursor(key: Buffer, filter: RequestFilter, cursor: string): string | null {
  const dot = cursor.lastIndexOf('.');
  if (dot <= 0) return null;
  const token = cursor.slice(0, dot);
  return secretEquals(cursor.slice(dot + 1), mac(key, filter, token)) ? token : null;
}
