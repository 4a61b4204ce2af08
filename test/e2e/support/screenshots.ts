import { fileURLToPath } from 'node:url';

/**
 * Where the suites save their screenshots: `test-results/screenshots/` (ignored by git), so a test
 * run leaves the checkout as it found it. `LIVESHOP_UPDATE_SCREENSHOTS=1` saves them over the
 * documentation's pictures in `docs/img/` instead, to refresh them on purpose.
 */
export const screenshotDir = fileURLToPath(
  new URL(
    process.env.LIVESHOP_UPDATE_SCREENSHOTS === '1' ? '../../../docs/img/' : '../../../test-results/screenshots/',
    import.meta.url,
  ),
);
