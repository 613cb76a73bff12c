/**
 * Headless Chromium for browser tests and the docs' screenshots: Debian's `chromium` package
 * driven by `playwright-core` (no browser download). A missing browser is an error that says how to
 * install it, never a skip: `.ci/run` installs it with apt-get.
 */
import { existsSync } from 'node:fs';

import { chromium, type Browser } from 'playwright-core';

/** Where the browser is: `CHROMIUM_PATH`, else Debian's `/usr/bin/chromium`. */
export const CHROMIUM_PATH = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

/** Launches headless Chromium, or throws naming what to install. */
export async function launchChromium(): Promise<Browser> {
  if (!existsSync(CHROMIUM_PATH)) {
    throw new Error(
      `no Chromium at ${CHROMIUM_PATH}: the browser tests need it. Install Debian's package (sudo apt-get install -y chromium; .ci/run does) or set CHROMIUM_PATH to a Chromium binary.`,
    );
  }
  // --no-sandbox: CI runs as root in a container, where Chromium's own sandbox cannot start.
  return chromium.launch({ executablePath: CHROMIUM_PATH, args: ['--no-sandbox'] });
}
