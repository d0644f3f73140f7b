/**
 * Chromium's command line for browser tests on a machine without a display or a sandbox
 * (CI runs as root): headless, no GPU, no background traffic, no first-run or update work.
 */
export const CHROMIUM_TEST_ARGS: readonly string[] = Object.freeze([
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-background-networking',
  '--no-first-run',
  '--disable-component-update',
  '--disable-sync',
]);
