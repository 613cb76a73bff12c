/**
 * The SLA digest's chart: an ECharts SVG with the tier labels and both weeks, rendered to a PNG
 * by resvg with the machine's fonts (the text really drawn, not only the bars), and a clear
 * refusal where no font exists.
 */
import { Resvg } from '@resvg/resvg-js';
import { describe, expect, it } from 'vitest';

import { DIGEST_CHART_SIZE, digestChartSvg, NoFontError, svgToPng } from '../../charts/digest-chart.js';
import { drawsText } from '../../charts/png.js';
import { buildSlaReport, type ReportRow } from '../../domain/sla-report.js';

const SINCE = Date.parse('2026-11-30T00:00:00Z');
const UNTIL = Date.parse('2026-12-07T00:00:00Z');
const DAY = 86_400_000;

const row = (id: string, tier: number, met: { fr: boolean | null; res: boolean | null }, openedAt = SINCE + DAY): ReportRow => ({
  id,
  openedAt: new Date(openedAt).toISOString(),
  tier,
  system: 'okta-sso',
  priority: 'P3',
  status: met.res === null ? 'open' : 'resolved',
  slaBreached: met.res === false,
  firstResponseSeconds: 600,
  firstResponseMet: met.fr,
  resolutionSeconds: met.res === null ? null : 7200,
  resolutionMet: met.res,
  escalations: tier - 2,
  reopens: 0,
});

const report = buildSlaReport(
  [row('a', 2, { fr: true, res: true }), row('b', 2, { fr: true, res: false }), row('c', 3, { fr: false, res: false }), row('d', 5, { fr: true, res: null })],
  { since: SINCE, until: UNTIL, now: UNTIL },
);
const previous = buildSlaReport([row('e', 2, { fr: true, res: true }, SINCE - 3 * DAY), row('f', 4, { fr: false, res: true }, SINCE - 2 * DAY)], {
  since: SINCE - 7 * DAY,
  until: SINCE,
  now: UNTIL,
});

/** The PNG's width and height from its IHDR chunk. */
const dimensions = (png: Buffer) => ({ width: png.readUInt32BE(16), height: png.readUInt32BE(20) });

/** Dark pixels (the chart's text colour) in a rectangle of a PNG, read back through resvg. */
function darkPixels(png: Buffer, box: { x: number; y: number; width: number; height: number }): number {
  const { width, height } = dimensions(png);
  const svg = `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}"><image width="${width}" height="${height}" href="data:image/png;base64,${png.toString('base64')}"/></svg>`;
  const pixels = new Resvg(svg, { font: { loadSystemFonts: false } }).render().pixels;
  let dark = 0;
  for (let y = box.y; y < box.y + box.height; y += 1) {
    for (let x = box.x; x < box.x + box.width; x += 1) {
      const i = (y * width + x) * 4;
      if (pixels[i]! < 90 && pixels[i + 1]! < 90 && pixels[i + 2]! < 90) dark += 1;
    }
  }
  return dark;
}

describe('the digest chart (SVG)', () => {
  it('names the week, every tier of both weeks with how many opened, and the four series', () => {
    const svg = digestChartSvg({ report, previous, week: '2026-W49' });
    expect(svg.startsWith('<svg')).toBe(true);
    expect(svg).toContain(`width="${DIGEST_CHART_SIZE.width}"`);
    expect(svg).toContain('SLA digest 2026-W49');
    for (const tier of ['Tier 2', 'Tier 3', 'Tier 4', 'Tier 5']) expect(svg).toContain(tier);
    expect(svg).toContain('2 opened');
    for (const name of ['First response met', 'Resolution met', 'First response, last week', 'Resolution, last week']) expect(svg).toContain(name);
    // Tier 2: first response 2 of 2, resolution 1 of 2.
    expect(svg).toContain('100%');
    expect(svg).toContain('50%');
    expect(svg).toContain('4 opened · first response 75% · resolution 33% met (last week 2 · 50% · 100%)');
  });

  it('without last week shows this week only, and an empty week says so', () => {
    const alone = digestChartSvg({ report, week: '2026-W49' });
    expect(alone).not.toContain('last week');
    expect(alone).not.toContain('Tier 4'); // only last week had one
    const empty = digestChartSvg({ report: buildSlaReport([], { since: SINCE, until: UNTIL, now: UNTIL }), week: '2026-W49' });
    expect(empty).toContain('No requests were opened in 2026-W49');
    expect(empty).toContain('first response n/a');
  });
});

describe('svgToPng', () => {
  it('renders a PNG twice the chart size, with a PNG signature, of a sensible size', () => {
    const png = svgToPng(digestChartSvg({ report, previous, week: '2026-W49' }));
    expect([...png.subarray(0, 8)]).toEqual([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
    expect(dimensions(png)).toEqual({ width: DIGEST_CHART_SIZE.width * 2, height: DIGEST_CHART_SIZE.height * 2 });
    expect(png.length).toBeGreaterThan(10_000);
    expect(png.length).toBeLessThan(1_000_000);
    expect(dimensions(svgToPng(digestChartSvg({ report, week: '2026-W49' }), { scale: 1 }))).toEqual(DIGEST_CHART_SIZE);
  });

  it('draws the text with the machine’s fonts: the title’s corner is dark with letters, not blank', () => {
    expect(drawsText()).toBe(true);
    const png = svgToPng(digestChartSvg({ report, previous, week: '2026-W49' }), { scale: 1 });
    // The title ("SLA digest 2026-W49", near black) sits alone in the top-left corner; the bars are coloured, not dark.
    expect(darkPixels(png, { x: 16, y: 10, width: 200, height: 24 })).toBeGreaterThan(200);
    // The same corner of a chart with no text has none.
    const blank = svgToPng(`<svg xmlns="http://www.w3.org/2000/svg" width="${DIGEST_CHART_SIZE.width}" height="${DIGEST_CHART_SIZE.height}"></svg>`, {
      scale: 1,
    });
    expect(darkPixels(blank, { x: 16, y: 10, width: 200, height: 24 })).toBe(0);
  });

  it('refuses to draw without any font, naming the package to install, rather than post a chart with no labels', () => {
    expect(drawsText({ systemFonts: false })).toBe(false);
    expect(() => svgToPng('<svg xmlns="http://www.w3.org/2000/svg" width="10" height="10"/>', { systemFonts: false })).toThrow(NoFontError);
    expect(() => svgToPng('<svg xmlns="http://www.w3.org/2000/svg" width="10" height="10"/>', { systemFonts: false })).toThrow(/fonts-dejavu-core/);
  });
});
