/**
 * Request-list filters: each field validated against a closed set or a strict pattern (the error
 * names the field), unknown fields refused, and the visibility query they make — nothing a caller
 * sends can break out of its quotes.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';

import { FilterError, parseRequestFilter, requestListQuery } from '../../contracts/request-list.js';

const fieldOf = (fn: () => unknown): string | null => {
  try {
    fn();
    return null;
  } catch (err) {
    return err instanceof FilterError ? err.field : `not a FilterError: ${String(err)}`;
  }
};

describe('request-list filters', () => {
  it('parses every field and makes the query', () => {
    const filter = parseRequestFilter({
      tier: '3',
      system: 'okta-sso',
      status: 'open',
      breached: 'true',
      priority: 'P1',
      type: 'access',
      since: '2026-11-01',
      until: '2026-12-01',
    });
    expect(filter).toEqual({
      tier: 3,
      system: 'okta-sso',
      status: 'open',
      breached: true,
      priority: 'P1',
      type: 'access',
      openedSince: Date.UTC(2026, 10, 1),
      openedBefore: Date.UTC(2026, 11, 1),
    });
    expect(requestListQuery(filter)).toBe(
      "WorkflowType = 'helpRequestWorkflow' AND ExecutionStatus != 'ContinuedAsNew' AND Tier = 3 AND System = 'okta-sso' AND RequestStatus = 'open' AND SlaBreached = true AND Priority = 'P1' AND RequestType = 'access' AND OpenedAt >= '2026-11-01T00:00:00.000Z' AND OpenedAt < '2026-12-01T00:00:00.000Z'",
    );
  });

  it('treats empty values as "any"', () => {
    expect(parseRequestFilter({ tier: '', system: '' })).toEqual({});
    expect(requestListQuery({})).toBe("WorkflowType = 'helpRequestWorkflow' AND ExecutionStatus != 'ContinuedAsNew'");
  });

  it.each([
    [{ tier: '6' }, 'tier'],
    [{ tier: '2 OR 1=1' }, 'tier'],
    [{ system: "okta' OR System != '" }, 'system'],
    [{ status: 'OPEN' }, 'status'],
    [{ breached: 'yes' }, 'breached'],
    [{ priority: 'P5' }, 'priority'],
    [{ type: 'incident' }, 'type'],
    [{ since: 'yesterday' }, 'since'],
    [{ since: '2026-12-01', until: '2026-11-01' }, 'until'],
    [{ tier: ['2', '3'] }, 'tier'],
    [{ teir: '2' }, 'teir'],
  ])('refuses %j naming %s', (raw, field) => {
    expect(fieldOf(() => parseRequestFilter(raw))).toBe(field);
  });

  it('never lets a value out of its quotes (any string for system is refused or a plain id)', () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 80 }), (system) => {
        let query: string;
        try {
          query = requestListQuery(parseRequestFilter({ system }));
        } catch (err) {
          return err instanceof FilterError;
        }
        const quoted = query.match(/'[^']*'/g) ?? [];
        return quoted.length === (system === '' ? 2 : 3) && !/[\s'"\\]/.test(system);
      }),
    );
  });

  it('refuses a filter built in code with a hostile value too', () => {
    expect(fieldOf(() => requestListQuery({ system: "x' OR '1'='1" }))).toBe('system');
    expect(fieldOf(() => requestListQuery({ openedSince: Number.NaN }))).toBe('since');
  });
});
