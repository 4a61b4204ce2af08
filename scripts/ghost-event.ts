/**
 * `pnpm ghost-event`: rehearses a product drop against a running Liveshop server. Shoppers (and
 * viewers) connect over several load-generator processes, every shopper taps Buy Now once, and
 * the report says how many got a hold, how many were told SOLD_OUT, what else went wrong, whether
 * anything was oversold, and how fast. Exit 1 on oversell or any unexpected error.
 * Flags, checks and an example: `pnpm ghost-event --help` and docs/ghost-event.md.
 */
import { parseGhostOptions } from './ghost-event/options.js';
import { Progress } from './ghost-event/progress.js';
import { runGhostEvent } from './ghost-event/run.js';
import { ServerApiError } from './ghost-event/server-api.js';
import { summarizeRun } from './ghost-event/summary.js';
import { printReport } from './ghost-event/table.js';

const options = parseGhostOptions(process.argv.slice(2));
const progress = Progress.forOptions(options);

async function main(): Promise<number> {
  const run = await runGhostEvent(options, progress);
  const report = summarizeRun(options, run);
  if (options.json) process.stdout.write(`${JSON.stringify(report)}\n`);
  else printReport(report);
  return report.ok ? 0 : 1;
}

main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    progress.finish();
    const message = error instanceof Error ? error.message : String(error);
    const code = error instanceof ServerApiError ? error.code : 'ERROR';
    console.error(`ghost-event: ${message}`);
    if (process.env.DEBUG && error instanceof Error && error.stack) console.error(error.stack);
    if (options.json) process.stdout.write(`${JSON.stringify({ ok: false, error: { code, message } })}\n`);
    process.exit(1);
  },
);
