import { describe, expect, it } from 'vitest';

import { requestIdFor } from '../../intake/request-id.js';
import { signBody, verifyBodySignature } from '../../intake/signature.js';

describe('intake signatures', () => {
  it('accepts the signature of the exact raw body and nothing else', () => {
    const body = Buffer.from('{"summary":"x"}');
    const header = signBody('s3cret', body);
    expect(header).toMatch(/^sha256=[0-9a-f]{64}$/);
    expect(verifyBodySignature('s3cret', body, header)).toBe(true);
    expect(verifyBodySignature('s3cret', Buffer.from('{"summary":"y"}'), header)).toBe(false);
    expect(verifyBodySignature('other', body, header)).toBe(false);
    expect(verifyBodySignature('s3cret', body, header.toUpperCase().replace('SHA256', 'sha256'))).toBe(true);
    expect(verifyBodySignature('s3cret', body, undefined)).toBe(false);
    expect(verifyBodySignature('s3cret', body, 'sha256=')).toBe(false);
  });
});

describe('request ids', () => {
  it.each([
    ['form-8812', 'req-json-form-8812'],
    ['A.b_c-9', 'req-json-A.b_c-9'],
  ])('keeps a readable key %s readable', (key, id) => {
    expect(requestIdFor('json', key)).toBe(id);
  });

  it('hashes keys with unsafe characters, stably', () => {
    const id = requestIdFor('json', 'a/b c?');
    expect(id).toMatch(/^req-json-h-[0-9a-f]{32}$/);
    expect(requestIdFor('json', 'a/b c?')).toBe(id);
  });
});
