import { chromium, type Browser, type BrowserContextOptions } from 'playwright-core';
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

/** A laptop window. */
export const desktop: BrowserContextOptions = { viewport: { width: 1280, height: 900 } };

/** A phone: 390 × 844 CSS pixels at twice the density, touch, mobile viewport rules. */
export const phone: BrowserContextOptions = {
  viewport: { width: 390, height: 844 },
  deviceScaleFactor: 2,
  isMobile: true,
  hasTouch: true,
};
