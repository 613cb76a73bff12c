/**
 * The `tierflow` commands that need no worker, run through the real entry: help, `oncall` from the
 * shifts registry (a weekday and a holiday), `config check` on the bundled registry and on a broken
 * copy, and the one-line failures (Temporal unreachable, a wrong option value, no actor).
 */
import { execFile } from 'node:child_process';
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';

import { afterAll, describe, expect, it } from 'vitest';

import { DEFAULT_CONFIG_DIR, loadConfig } from '../../registry/load.js';
import { jsonOf, PROJECT_ROOT, runCli } from './support/run-cli.js';

const scratch = mkdtempSync(join(tmpdir(), 'tierflow-cli-'));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

/** A port nothing listens on (taken, then released). */
async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise((resolve) => server.close(resolve));
  return port;
}

describe.concurrent('tierflow --help', () => {
  it('lists the commands, the environment and the exit codes', async () => {
    const run = await runCli(['--help']);
    expect(run.code).toBe(0);
    for (const command of ['requests', 'report', 'oncall', 'config', 'seed']) expect(run.stdout).toContain(command);
    expect(run.stdout).toContain('TEMPORAL_ADDRESS');
    expect(run.stdout).toMatch(/Exit codes:[\s\S]*2 {2}refused[\s\S]*3 {2}no request with that id/);
  });

  it("is the package's own bin: `npx tierflow` runs it in the checkout, with nothing to download", async () => {
    const { version } = JSON.parse(readFileSync(join(PROJECT_ROOT, 'package.json'), 'utf8')) as { version: string };
    const env = { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '' };
    const { stdout } = await promisify(execFile)('npm', ['exec', '--offline', '--yes=false', '--', 'tierflow', '--version'], { cwd: PROJECT_ROOT, env });
    expect(stdout).toBe(`${version}\n`);
  });
});

describe.concurrent('tierflow oncall', () => {
  it('on a weekday names the shift on duty, its analysts and Slack group until its end, and the next shift', async () => {
    // Tuesday 2026-12-01 10:00 UTC: EMEA (08:00-16:00 London, GMT in winter) is on, AMER begins at 11:00 New York = 16:00 UTC.
    const run = await runCli(['oncall', '--at', '2026-12-01T10:00:00Z']);
    expect(run.code).toBe(0);
    expect(run.stdout).toContain('On call at Tue 2026-12-01 10:00 UTC');
    expect(run.stdout).toMatch(/EMEA\s+@it-helpdesk-emea\s+\S.*\s+Tue 2026-12-01 16:00 UTC/);
    expect(run.stdout).toContain('Next: AMER (@it-helpdesk-amer');
    expect(run.stdout).toContain('from Tue 2026-12-01 16:00 UTC');
    expect(run.stdout).not.toContain('holiday');
  });

  it('on Christmas Day says nobody is on shift, every region is off for the holiday, and APAC begins on Monday', async () => {
    const run = await runCli(['oncall', '--at', '2026-12-25T10:00:00Z', '--json']);
    expect(run.code).toBe(0);
    const summary = jsonOf<{ now: unknown[]; next: { shift: string; startsAt: string }; holidaysToday: Array<{ shift: string; date: string }> }>(run);
    expect(summary.now).toEqual([]);
    expect(summary.holidaysToday.map((h) => `${h.shift} ${h.date}`)).toEqual(['APAC 2026-12-25', 'EMEA 2026-12-25', 'AMER 2026-12-25']);
    // Monday 28 December 08:00 Singapore; EMEA's Boxing Day substitute keeps London off that day.
    expect(summary.next).toMatchObject({ shift: 'APAC', startsAt: '2026-12-28T00:00:00.000Z' });

    const text = await runCli(['oncall', '--at', '2026-12-25T10:00:00Z']);
    expect(text.stdout).toContain('On shift: nobody');
    expect(text.stdout).toContain('Off today for a holiday: APAC (@it-helpdesk-apac, 2026-12-25), EMEA');
  });

  it('refuses an --at that is not a date-time, naming the option', async () => {
    const run = await runCli(['oncall', '--at', 'next tuesday']);
    expect(run.code).toBe(4);
    expect(run.stderr.trim()).toMatch(/^tierflow: --at: must be an ISO date-time/);
  });
});

describe.concurrent('tierflow config check', () => {
  it('on the bundled registry prints the systems, tiers, SLA targets, calendar and shifts it found', async () => {
    const config = loadConfig(DEFAULT_CONFIG_DIR);
    const run = await runCli(['config', 'check']);
    expect(run.code).toBe(0);
    expect(run.stdout).toContain(`Registry ${DEFAULT_CONFIG_DIR}: valid`);
    expect(run.stdout).toContain(`Systems      ${config.registry.systems.length} managed, ${config.registry.shadowIt.length} shadow-IT`);
    expect(run.stdout).toMatch(/Tiers\s+1 Self service: @it-helpdesk-analysts/);
    expect(run.stdout).toContain('3 Escalation and systems engineering: @corpsec-engineers, @gitlab-com/gl-security/corp');
    expect(run.stdout).toContain('Tier 2: P1 30m/4h · P2 4h/2d · P3 8h/5d · P4 1d/10d');
    expect(run.stdout).toContain('Calendar     UTC, Mon 00:00 – Sat 00:00; 0 holidays');
    expect(run.stdout).toContain('crisis: UTC, around the clock');
    const holidays = config.shifts.shifts.reduce((n, s) => n + (s.holidays?.length ?? 0), 0);
    expect(run.stdout).toContain(`Shifts       ${config.shifts.shifts.length} shifts, ${holidays} holidays`);
    expect(run.stdout).toContain('EMEA: 08:00–16:00 Europe/London, Mon Tue Wed Thu Fri, @it-helpdesk-emea');
  });

  it('on a broken copy exits 1 naming the file, the field and the line', async () => {
    const dir = join(scratch, 'broken');
    cpSync(DEFAULT_CONFIG_DIR, dir, { recursive: true, filter: (src) => !src.endsWith('.ts') });
    const systems = join(dir, 'systems.yaml');
    writeFileSync(systems, readFileSync(systems, 'utf8').replace('gitlabLabel: "corpsys::aws"', 'gitlabLabel: "aws"'));
    const run = await runCli(['config', 'check', dir]);
    expect(run.code).toBe(1);
    expect(run.stdout).toBe('');
    expect(run.stderr).toContain(`tierflow: the registry in ${dir} is invalid:`);
    expect(run.stderr).toMatch(/systems\.yaml: systems\[\d+\]\.gitlabLabel \(line \d+\): must start with "corpsys::"/);
    // TIERFLOW_CONFIG is read the same way by the commands that use the registry.
    const oncall = await runCli(['oncall'], { TIERFLOW_CONFIG: dir });
    expect(oncall.code).toBe(1);
    expect(oncall.stderr).toContain('gitlabLabel');
  });

  it('on a folder that does not exist says so', async () => {
    const run = await runCli(['config', 'check', join(scratch, 'nowhere')]);
    expect(run.code).toBe(1);
    expect(run.stderr.trim()).toBe(`tierflow: no registry folder at ${join(scratch, 'nowhere')}`);
  });
});

describe.concurrent('failures before any work', () => {
  it('an unreachable Temporal is one line on stderr naming the address, exit 1, no stack trace', async () => {
    const address = `127.0.0.1:${await freePort()}`;
    const run = await runCli(['requests', 'list'], { TEMPORAL_ADDRESS: address });
    expect(run.code).toBe(1);
    expect(run.stdout).toBe('');
    const lines = run.stderr.trim().split('\n');
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(new RegExp(`^tierflow: cannot reach Temporal at ${address.replace(/\./g, '\\.')} \\(connection refused\\)`));
  });

  it('a wrong option value names the option and exits 4 before connecting', async () => {
    // Port 1 refuses connections: exit 4 (not 1) shows the value was refused first.
    const tier = await runCli(['requests', 'list', '--tier', '9', '--address', '127.0.0.1:1']);
    expect(tier.code).toBe(4);
    expect(tier.stderr.trim()).toBe('tierflow: --tier: tier must be 1 to 5');
    const format = await runCli(['report', 'sla', '--format', 'xml', '--address', '127.0.0.1:1']);
    expect(format.code).toBe(4);
    expect(format.stderr).toContain("option '--format <format>' argument 'xml' is invalid");
    const since = await runCli(['report', 'sla', '--since', 'last week', '--address', '127.0.0.1:1']);
    expect(since.code).toBe(4);
    expect(since.stderr).toContain('tierflow: --since: since must be an ISO date');
  });

  it('an action needs an actor (--as or TIERFLOW_ACTOR) and refuses what the API refuses', async () => {
    const noActor = await runCli(['requests', 'acknowledge', 'req-json-x', '--address', '127.0.0.1:1']);
    expect(noActor.code).toBe(4);
    expect(noActor.stderr.trim()).toBe('tierflow: --as: who is acting is required: --as NAME or TIERFLOW_ACTOR');
    // The API's body schema: a system id must look like one.
    const badSystem = await runCli(['requests', 'reassign', 'req-json-x', '--system', 'AWS!', '--address', '127.0.0.1:1'], { TIERFLOW_ACTOR: 'grace' });
    expect(badSystem.code).toBe(4);
    expect(badSystem.stderr).toContain('tierflow: --system: a registry system id like okta-sso');
  });
});
