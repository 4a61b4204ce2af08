import { chromium, type Browser } from 'playwright-core';

/** The flags every Chromium in this repository runs with (no sandbox in containers, no background traffic). */
export const CHROMIUM_ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--no-first-run',
  // Let the test stream start with sound off but without a user gesture, as a shopper's tab would after a tap.
  '--autoplay-policy=no-user-gesture-required',
];

/** Launches the system Chromium; tests never download a browser. */
export function launchChromium(): Promise<Browser> {
  return chromium.launch({
    executablePath: process.env.CHROMIUM_PATH || '/usr/bin/chromium',
    args: CHROMIUM_ARGS,
  });
}
