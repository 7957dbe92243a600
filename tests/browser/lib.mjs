// What the browser scenarios share: PASS/FAIL lines, and Debian's
// Chromium started headless in a throw-away profile with playwright-core.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);
const { chromium } = require('playwright-core');

let failures = 0;

export function check(name, ok, detail) {
  if (ok) console.log('PASS ' + name);
  else { failures++; console.log('FAIL ' + name + (detail === undefined ? '' : ': ' + detail)); }
  return ok;
}

// { context, page, close() } at 1280 x 900, Vietnamese locale.
export async function launch() {
  const profile = mkdtempSync(join(tmpdir(), 'gw-chromium-'));
  const context = await chromium.launchPersistentContext(profile, {
    executablePath: process.env.CHROMIUM || '/usr/bin/chromium',
    headless: true,
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
      '--disable-background-networking', '--disable-component-update', '--disable-sync'],
    viewport: { width: 1280, height: 900 },
    locale: 'vi-VN',
  });
  const page = context.pages()[0] || await context.newPage();
  page.setDefaultTimeout(15000);
  return {
    context, page,
    close: async () => { await context.close(); rmSync(profile, { recursive: true, force: true }); },
  };
}

// The exit status: non-zero when a check failed.
export function finish() {
  process.exit(failures ? 1 : 0);
}
