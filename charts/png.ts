/**
 * SVG to PNG with resvg (no browser). resvg draws text only with a font it has loaded, and a chart
 * without its labels is no chart: the system's fonts are loaded (Debian's chromium pulls in
 * `fonts-dejavu-core` through fontconfig, and `fonts-texgyre`), the chart asks for common sans
 * families first ({@link CHART_FONT_FAMILY}), and resvg falls back to any loaded font that has the
 * glyphs. A machine with no font at all (a slim container image) gets a clear error naming the
 * package to install, never a PNG with blank axes.
 */
import { existsSync } from 'node:fs';

import { Resvg, type ResvgRenderOptions } from '@resvg/resvg-js';

/** The families a chart asks for, first found wins: DejaVu (Debian's default), Liberation, TeX Gyre Heros, Noto, then whatever sans-serif is there. */
export const CHART_FONT_FAMILY = "'DejaVu Sans', 'Liberation Sans', 'TeX Gyre Heros', 'Noto Sans', Arial, Helvetica, sans-serif";

/** Font folders outside resvg's system search (`/usr/share/fonts`, `/usr/local/share/fonts`, `~/.fonts`): Debian's TeX Gyre. */
const EXTRA_FONT_DIRS = ['/usr/share/texmf/fonts/opentype/public/tex-gyre'];

/** No font could be loaded, so text would not be drawn. */
export class NoFontError extends Error {
  override name = 'NoFontError';
}

/** Options of {@link svgToPng}. */
export interface PngOptions {
  /** Pixels per SVG unit (default 2: sharp on high-density screens, still small). */
  scale?: number;
  /** Font folders to load besides the system's (tests, unusual installs). */
  fontDirs?: readonly string[];
  /** Load the system's fonts (default true). */
  systemFonts?: boolean;
}

function fontOptions(opts: PngOptions): NonNullable<ResvgRenderOptions['font']> {
  const system = opts.systemFonts ?? true;
  const fontDirs = [...(system ? EXTRA_FONT_DIRS : []), ...(opts.fontDirs ?? [])].filter((dir) => existsSync(dir));
  return { loadSystemFonts: system, fontDirs, defaultFontFamily: 'DejaVu Sans', sansSerifFamily: 'DejaVu Sans' };
}

const PROBE = `<svg xmlns="http://www.w3.org/2000/svg" width="80" height="20"><text x="2" y="15" font-size="12" font-family="${CHART_FONT_FAMILY}">Tier 2 %</text></svg>`;

/** Whether resvg, with these options, draws text at all (a text it cannot draw has no bounding box). */
export function drawsText(opts: PngOptions = {}): boolean {
  return new Resvg(PROBE, { font: fontOptions(opts) }).innerBBox() !== undefined;
}

let systemDrawsText: boolean | null = null;

/**
 * Renders an SVG to PNG on a white background.
 * @throws {NoFontError} when no font is available to draw the SVG's text.
 * @example svgToPng(digestChartSvg(report, previous)).subarray(0, 8) // the PNG signature, 89 50 4E 47 0D 0A 1A 0A
 */
export function svgToPng(svg: string, opts: PngOptions = {}): Buffer {
  const defaults = opts.fontDirs === undefined && opts.systemFonts === undefined;
  // Loading the system's fonts takes tens of milliseconds: the probe is asked once per process.
  const canDraw = defaults ? (systemDrawsText ??= drawsText()) : drawsText(opts);
  if (!canDraw) {
    throw new NoFontError(
      "no font is installed to draw the chart's text: install one (Debian: apt-get install fonts-dejavu-core; it comes with chromium) or put .ttf/.otf files in /usr/share/fonts",
    );
  }
  const scale = opts.scale ?? 2;
  const resvg = new Resvg(svg, { font: fontOptions(opts), background: 'white', fitTo: { mode: 'zoom', value: scale } });
  return resvg.render().asPng();
}
