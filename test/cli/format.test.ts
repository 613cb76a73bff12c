/**
 * The CLI's pure building blocks: tables, CSV, instants and relative times, colour, exit codes,
 * where Temporal is, and how option values are validated (naming the option).
 */
import { describe, expect, it } from 'vitest';

import { GatewayError } from '../../intake/temporal-gateway.js';
import { actionArgs, listFilter, wholeNumber } from '../../cli/commands/requests.js';
import { reportRange } from '../../cli/commands/report.js';
import { parseAt } from '../../cli/commands/oncall.js';
import { temporalTarget } from '../../cli/connection.js';
import { CliError, cliErrorOf, EXIT } from '../../cli/errors.js';
import { colourFor, csvLine, formatWhen, paint, printable, relativeTime, table, truncate, unpainted, visibleWidth } from '../../cli/format.js';

const NOW = Date.UTC(2026, 11, 1, 10, 0);

describe('format', () => {
  it('pads a table by visible width, numbers right-aligned, no trailing blanks', () => {
    const lines = table(
      [{ header: 'ID' }, { header: 'TIER', align: 'right' }, { header: 'SUMMARY' }],
      [
        ['req-1', '2', 'short'],
        ['req-json-22', '3', ''],
      ],
      { colour: true },
    );
    expect(lines.map(unpainted)).toEqual(['ID           TIER  SUMMARY', 'req-1           2  short', 'req-json-22     3']);
    expect(lines[0]).toContain('\u001b[1mID\u001b[22m');
    expect(visibleWidth(paint('yes', 'red', true))).toBe(3);
  });

  it.each([
    [['plain', 'a,b', 'say "hi"'], 'plain,"a,b","say ""hi"""'],
    [['=HYPERLINK("x")', '+1', '-2', '@me', 'ok'], `"'=HYPERLINK(""x"")",'+1,'-2,'@me,ok`],
    [[null, 3, true], ',3,true'],
    [['two\nlines'], '"two\nlines"'],
  ])('writes the CSV record of %j', (cells, line) => {
    expect(csvLine(cells)).toBe(line);
  });

  it('truncates to one line with an ellipsis', () => {
    expect(truncate('Locked out of Okta after the MFA reset', 20)).toBe('Locked out of Okta …');
    expect(truncate('  two\n lines ', 20)).toBe('two lines');
    expect(truncate('exactly ten', 11)).toBe('exactly ten');
  });

  it.each([
    [NOW + 2 * 3_600_000, 'in 2h'],
    [NOW + 3 * 3_600_000 + 20 * 60_000 + 59_000, 'in 3h 20m'],
    [NOW - 20 * 60_000, '20m ago'],
    [NOW + 30_000, 'now'],
    [NOW + 3 * 86_400_000 + 3_600_000, 'in 3d 1h'],
    [null, '—'],
  ])('says %s is %s from now', (at, text) => {
    expect(relativeTime(at, NOW)).toBe(text);
  });

  it('writes instants in the zone asked for', () => {
    expect(formatWhen(NOW, 'UTC')).toBe('2026-12-01 10:00 UTC');
    expect(formatWhen('2026-07-01T10:00:00Z', 'Europe/London')).toBe('2026-07-01 11:00 GMT+1');
    expect(formatWhen('2026-07-01T10:00:00Z', 'America/New_York')).toBe('2026-07-01 06:00 EDT');
    expect(formatWhen('not a date', 'UTC')).toBe('—');
  });

  it('colours a terminal only, and never with NO_COLOR', () => {
    expect(colourFor({ isTTY: true }, {})).toBe(true);
    expect(colourFor({ isTTY: true }, { NO_COLOR: '1' })).toBe(false);
    expect(colourFor({ isTTY: false }, {})).toBe(false);
    expect(colourFor({}, {})).toBe(false);
    expect(paint('x', 'red', false)).toBe('x');
  });
});

describe('exit codes', () => {
  it('maps a refused action to 2, an unknown request to 3 and the rest to 1', () => {
    expect(cliErrorOf(new GatewayError('conflict', 'cannot resolve: request is already resolved'))).toMatchObject({
      exitCode: EXIT.refused,
      message: 'refused: cannot resolve: request is already resolved',
    });
    expect(cliErrorOf(new GatewayError('not_found', 'no request with id req-x')).exitCode).toBe(EXIT.notFound);
    expect(cliErrorOf(new GatewayError('unavailable', 'Temporal is unreachable; retry later')).exitCode).toBe(EXIT.failure);
    expect(cliErrorOf(new Error('boom\n    at somewhere (file.ts:1:1)'))).toMatchObject({ exitCode: EXIT.failure, message: 'boom' });
    const usage = new CliError('--tier: tier must be 1 to 5', EXIT.usage);
    expect(cliErrorOf(usage)).toBe(usage);
  });
});

describe('where Temporal is', () => {
  it('takes the option, else TEMPORAL_ADDRESS, else the embedded dev server on TEMPORAL_PORT', () => {
    expect(temporalTarget({}, {})).toEqual({ address: '127.0.0.1:7233', namespace: 'default' });
    expect(temporalTarget({}, { TEMPORAL_PORT: '7300', TEMPORAL_NAMESPACE: 'desk' })).toEqual({ address: '127.0.0.1:7300', namespace: 'desk' });
    expect(temporalTarget({}, { TEMPORAL_ADDRESS: 'temporal:7233' }).address).toBe('temporal:7233');
    expect(temporalTarget({ address: '[::1]:7233', namespace: 'x' }, { TEMPORAL_ADDRESS: 'temporal:7233' })).toEqual({ address: '[::1]:7233', namespace: 'x' });
  });

  it('refuses an address without a port and a malformed TEMPORAL_PORT, naming them', () => {
    expect(() => temporalTarget({ address: 'temporal' }, {})).toThrow(/^--address: expected host:port/);
    expect(() => temporalTarget({}, { TEMPORAL_PORT: 'http' })).toThrow(/^TEMPORAL_PORT: must be a port number/);
  });
});

describe('option values', () => {
  it('builds the visibility filter of requests list, naming the option of a wrong value', () => {
    expect(listFilter({ tier: '3', breached: true, system: 'okta-sso' })).toEqual({ tier: 3, breached: true, system: 'okta-sso' });
    expect(listFilter({ notBreached: true, since: '2026-11-01' })).toEqual({ breached: false, openedSince: Date.UTC(2026, 10, 1) });
    expect(() => listFilter({ status: 'done' })).toThrow(/^--status: status must be one of open, /);
    expect(() => listFilter({ system: "okta' OR 1=1" })).toThrow(/^--system: /);
    expect(() => listFilter({ breached: true, notBreached: true })).toThrow(/^--breached: give --breached or --not-breached, not both$/);
    expect(() => listFilter({ since: '2026-12-01', until: '2026-11-01' })).toThrow(/^--until: until must be after since$/);
    expect(() => wholeNumber('--limit', '0', 1, 10)).toThrow(/^--limit: must be a whole number from 1 to 10/);
    expect(wholeNumber('--limit', '7', 1, 10)).toBe(7);
  });

  it('validates action arguments with the API body schema; the actor comes from --as or TIERFLOW_ACTOR', () => {
    expect(actionArgs({ as: 'grace', note: 'on it' }, { TIERFLOW_ACTOR: 'linus' })).toEqual({ actor: 'grace', note: 'on it', source: 'api' });
    expect(actionArgs({ priority: 'P1' }, { TIERFLOW_ACTOR: 'linus' })).toEqual({ actor: 'linus', priority: 'P1', source: 'api' });
    expect(() => actionArgs({}, {})).toThrow(/^--as: who is acting is required/);
    expect(() => actionArgs({ as: 'grace', system: 'Not An Id' }, {})).toThrow(/^--system: a registry system id like okta-sso$/);
    expect(() => actionArgs({ as: 'x'.repeat(201) }, {})).toThrow(/^--as: /);
  });

  it('reads a report range, 28 days back by default (as the route)', () => {
    expect(reportRange({}, NOW)).toEqual({ since: NOW - 28 * 86_400_000, until: NOW });
    expect(reportRange({ since: '2026-11-01', until: '2026-11-08' }, NOW)).toEqual({ since: Date.UTC(2026, 10, 1), until: Date.UTC(2026, 10, 8) });
    expect(() => reportRange({ since: 'yesterday' }, NOW)).toThrow(/^--since: /);
    expect(() => reportRange({ since: '2026-12-02' }, NOW)).toThrow(/^--until: until must be after since$/);
  });

  it('reads --at as an ISO date-time', () => {
    expect(parseAt('2026-12-25T10:00:00Z')).toBe(Date.UTC(2026, 11, 25, 10));
    expect(() => parseAt('tomorrow')).toThrow(/^--at: must be an ISO date-time/);
  });
});

describe('text from users on a terminal', () => {
  it('cannot send escape sequences or bidirectional overrides', () => {
    const hostile = 'Printer\u001b]0;owned\u0007 \u001b[2J\u202eevil';
    expect(printable(hostile)).toBe('Printer\ufffd]0;owned\ufffd \ufffd[2J\ufffdevil');
    expect([...truncate(hostile, 80)].filter((c) => ['\u001b', '\u0007', '\u202e'].includes(c))).toEqual([]);
    expect(printable('tabs\tand\nlines stay')).toBe('tabs\tand\nlines stay');
  });
});
