/**
 * Grouping resolved requests into automation candidates, for random requests over a small
 * vocabulary (so summaries do overlap): the result does not depend on the order the requests come
 * in, a request is in at most one group, a candidate reaches the threshold, its count, ids and
 * coverage time agree, and two requests of one group are linked by a chain of similar summaries.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';

import { findAutomationCandidates, groupSimilarRequests, jaccard, summaryWords, type ResolvedRequestRow } from '../../domain/automation-candidates.js';
import { propertyRuns } from './support/property-runs.js';

const RUNS = propertyRuns(500);

const WORDS = ['okta', 'mfa', 'reset', 'resets', 'zoom', 'license', 'vpn', 'drops', 'please', 'my', 'for', 'laptop', 'password', '1234', 'Okta!'];
const SYSTEMS = ['okta-sso', 'zoom', null] as const;

const rowsArb = fc
  .uniqueArray(
    fc.record({
      id: fc.stringMatching(/^req-[a-z0-9]{1,6}$/),
      system: fc.constantFrom(...SYSTEMS),
      summary: fc.option(
        fc.array(fc.constantFrom(...WORDS), { minLength: 1, maxLength: 5 }).map((w) => w.join(' ')),
        { nil: null, freq: 10 },
      ),
      resolutionSeconds: fc.option(fc.integer({ min: 0, max: 100_000 }), { nil: null, freq: 10 }),
      resolvedAt: fc.option(
        fc.integer({ min: Date.parse('2026-10-01T00:00:00Z'), max: Date.parse('2026-12-01T00:00:00Z') }).map((t) => new Date(t).toISOString()),
        { nil: null, freq: 10 },
      ),
    }),
    { selector: (r) => r.id, maxLength: 40 },
  )
  .map((rows): ResolvedRequestRow[] => rows);

const policyArb = fc.record({ minRequests: fc.integer({ min: 2, max: 5 }), similarity: fc.double({ min: 0.05, max: 1, noNaN: true }) });

describe('automation candidates (property)', () => {
  it('do not depend on the order of the requests', () => {
    fc.assert(
      fc.property(rowsArb, policyArb, fc.func(fc.integer()), (rows, policy, key) => {
        const shuffled = rows
          .map((row, i) => ({ row, k: key(i) }))
          .sort((a, b) => a.k - b.k)
          .map((x) => x.row);
        expect(findAutomationCandidates(shuffled, policy)).toEqual(findAutomationCandidates(rows, policy));
        expect(findAutomationCandidates([...rows].reverse(), policy)).toEqual(findAutomationCandidates(rows, policy));
      }),
      { numRuns: RUNS },
    );
  });

  it('put every request in at most one group, and only resolved requests with a meaningful summary', () => {
    fc.assert(
      fc.property(rowsArb, policyArb, (rows, policy) => {
        const groups = groupSimilarRequests(rows, policy);
        const ids = groups.flatMap((g) => g.members.map((m) => m.id));
        expect(new Set(ids).size).toBe(ids.length);
        const groupable = rows.filter((r) => r.resolvedAt !== null && r.summary !== null && summaryWords(r.summary).length > 0);
        expect(ids.slice().sort()).toEqual(groupable.map((r) => r.id).sort());
      }),
      { numRuns: RUNS },
    );
  });

  it('reach the threshold, with count, ids and coverage time that agree, largest first', () => {
    fc.assert(
      fc.property(rowsArb, policyArb, (rows, policy) => {
        const candidates = findAutomationCandidates(rows, policy);
        const byId = new Map(rows.map((r) => [r.id, r]));
        for (const c of candidates) {
          expect(c.count).toBeGreaterThanOrEqual(policy.minRequests);
          expect(c.requestIds).toHaveLength(c.count);
          expect(c.requestIds.every((id) => (byId.get(id)?.system ?? 'unknown') === c.system)).toBe(true);
          expect(c.coverageSeconds).toBe(c.requestIds.reduce((sum, id) => sum + (byId.get(id)?.resolutionSeconds ?? 0), 0));
          expect(c.summary).not.toBe('');
        }
        expect(candidates.map((c) => c.count)).toEqual(candidates.map((c) => c.count).sort((a, b) => b - a));
      }),
      { numRuns: RUNS },
    );
  });

  it('link two requests of one group by a chain of similar summaries, and keep similar requests of a system together', () => {
    fc.assert(
      fc.property(rowsArb, policyArb, (rows, policy) => {
        const groups = groupSimilarRequests(rows, policy);
        const stems = new Map(rows.map((r) => [r.id, new Set(summaryWords(r.summary ?? '').map((w) => w.stem))]));
        const groupOf = new Map(groups.flatMap((g, i) => g.members.map((m) => [m.id, i] as const)));
        const system = new Map(groups.flatMap((g) => g.members.map((m) => [m.id, g.system] as const)));
        // Similar requests of one system are in one group.
        for (const [a, i] of groupOf) {
          for (const [b, j] of groupOf) {
            if (system.get(a) === system.get(b) && jaccard(stems.get(a)!, stems.get(b)!) >= policy.similarity) expect(i).toBe(j);
          }
        }
        // And every group is connected through similar pairs.
        for (const g of groups) {
          const reached = new Set([g.members[0]!.id]);
          for (let grew = true; grew;) {
            grew = false;
            for (const m of g.members) {
              if (reached.has(m.id)) continue;
              if ([...reached].some((r) => jaccard(stems.get(r)!, stems.get(m.id)!) >= policy.similarity)) {
                reached.add(m.id);
                grew = true;
              }
            }
          }
          expect(reached.size).toBe(g.members.length);
        }
      }),
      { numRuns: RUNS },
    );
  });
});
