import { chromium, type Browser } from 'playwright-core';
import { chromiumArgs, chromiumExecutablePath } from '../../../packages/widget/chromium.js';

/** The repository's Chromium flags, plus what the storefront's video needs. */
export const CHROMIUM_ARGS = [
  ...chromiumArgs,
  // Let the test stream start with sound off but without a user gesture, as a shopper's tab would after a tap.
  '--autoplay-policy=no-user-gesture-required',
];

/** Launches the system Chromium; tests never download a browser. */
export function launchChromium(): Promise<Browser> {
  return chromium.launch({ executablePath: chromiumExecutablePath, args: CHROMIUM_ARGS });
}
