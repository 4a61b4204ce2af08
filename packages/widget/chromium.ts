/**
 * How every Chromium in this repository is launched: the widget's component tests and the
 * end-to-end suite both read this, so the two never drift apart. Always the system browser,
 * never a downloaded one.
 */
export const chromiumExecutablePath = process.env.CHROMIUM_PATH || '/usr/bin/chromium';

/** No sandbox (containers have none to offer) and no background traffic. */
export const chromiumArgs = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--no-first-run',
];
