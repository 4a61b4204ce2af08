/** The `pnpm ghost-event` command line (commander): every flag, its default, and what it means. */
import { Command, InvalidArgumentError, Option } from 'commander';
import { MAX_HOLD_TTL_SECONDS, MAX_QTY_PER_RESERVE } from '@liveshop/protocol';

export interface GhostOptions {
  url: string;
  adminKey?: string;
  /** An existing live event to use; unset: a throw-away one is created. */
  event?: string;
  skus: string[];
  /** Units per SKU of the throw-away event. */
  units?: number;
  shoppers: number;
  viewers: number;
  qty: number;
  limitPerShopper?: number;
  rate?: number;
  checkout: boolean;
  card: string;
  workers?: number;
  timeoutSeconds: number;
  settleSeconds: number;
  holdTtlSeconds: number;
  keep: boolean;
  json: boolean;
  progress: boolean;
}

/** The options as commander names them (a flag's attribute name; booleans absent when not given). */
type CommandLine = Omit<
  GhostOptions,
  'skus' | 'timeoutSeconds' | 'settleSeconds' | 'holdTtlSeconds' | 'checkout' | 'keep' | 'json'
> & {
  sku?: string[];
  timeout: number;
  settle: number;
  holdTtl: number;
  checkout?: boolean;
  keep?: boolean;
  json?: boolean;
};

export const DEFAULT_SKU = 'GHOST-1';
export const TEST_CARD = '4242 4242 4242 4242';

const wholeNumber =
  (name: string, min: number, max: number) =>
  (raw: string): number => {
    const value = Number(raw.replaceAll(',', '').replaceAll('_', ''));
    if (!Number.isInteger(value) || value < min || value > max) {
      throw new InvalidArgumentError(`${name} must be a whole number from ${min} to ${max}.`);
    }
    return value;
  };

const positiveNumber = (name: string) => (raw: string) => {
  const value = Number(raw);
  if (!Number.isFinite(value) || value <= 0) throw new InvalidArgumentError(`${name} must be a number above 0.`);
  return value;
};

const serverUrl = (raw: string) => {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw new InvalidArgumentError('not a URL; e.g. http://localhost:8080');
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') throw new InvalidArgumentError('must be http(s)://');
  return url.origin;
};

const skuList = (raw: string) => {
  const skus = raw
    .split(',')
    .map((sku) => sku.trim())
    .filter(Boolean);
  if (skus.length === 0) throw new InvalidArgumentError('name at least one SKU');
  if (new Set(skus).size !== skus.length) throw new InvalidArgumentError('a SKU is listed twice');
  return skus;
};

const HELP_AFTER = `
What it does:
  Without --event it creates a throw-away live event ghost-<random> with --units units of each
  SKU (per-shopper limit set to --qty, or --limit-per-shopper) through the admin API, and ends it
  afterwards (unless --keep). With --event it uses that live event's current stock and the given
  --sku, and leaves the event as it is (no admin call is made).
  Viewers connect to /shop and join the event first, then the shoppers; every shopper then taps
  Buy Now once (a reserve of --qty on one SKU; with several SKUs the shoppers are spread over
  them), all at once or at --rate per second. With --checkout every shopper holding a hold then
  sends checkout with the test card (the server must support checkout).

Oversell check, per SKU, against GET /api/events/:id read just before and after the burst:
  units    = available just before the burst
  granted  = units in the holds the server acknowledged
  oversell = granted + final available - units (when above 0): units promised beyond the stock
  and, on a throw-away event (nothing else touches it), final available must equal units - granted.

Exit status: 0 when there was no oversell and every answer was a hold, SOLD_OUT or
LIMIT_EXCEEDED; 1 otherwise (any other error code, timeout, failed connection, stale viewer).

Load from one machine: every shopper comes from one IP address, so the server must run with
LIVESHOP_IP_RATE_LIMIT=0 for the test (RATE_LIMITED answers say so in the report), and both this
shell and the server need an open-file limit above the number of connections (ulimit -n).

Example (against the demo: LIVESHOP_IP_RATE_LIMIT=0 bash scripts/start.sh):
  pnpm ghost-event --url http://localhost:8080 --admin-key dev-admin-key \\
    --units 500 --shoppers 10000 --viewers 2000
  pnpm ghost-event --url http://localhost:8080 --event demo --sku TEE-ORIGIN --shoppers 1000 --json
`;

export function ghostEventCommand(): Command {
  return new Command('ghost-event')
    .description(
      'Rehearse a product drop: open N shopper (and M viewer) connections to a running Liveshop server, ' +
        'fire Buy Now at once, and report holds, sold-out answers, errors, oversell and latency.',
    )
    .requiredOption('--url <url>', 'server origin, e.g. http://localhost:8080', serverUrl)
    .addOption(
      new Option('--admin-key <key>', 'admin API key (needed to create the throw-away event)').env(
        'LIVESHOP_ADMIN_KEY',
      ),
    )
    .option('--event <id>', 'use this existing live event instead of creating one (needs --sku)')
    .option('--sku <skus>', `SKU(s) to tap, comma-separated (default for a created event: ${DEFAULT_SKU})`, skuList)
    .option('--units <n>', 'units of each SKU in the created event', wholeNumber('--units', 0, 1_000_000))
    .requiredOption('--shoppers <n>', 'shoppers who tap Buy Now once each', wholeNumber('--shoppers', 1, 100_000))
    .option('--viewers <m>', 'viewers who join the event and only watch', wholeNumber('--viewers', 0, 100_000), 0)
    .option('--qty <n>', 'units per tap', wholeNumber('--qty', 1, MAX_QTY_PER_RESERVE), 1)
    .option(
      '--limit-per-shopper <n>',
      "created event's per-shopper limit (default: --qty)",
      wholeNumber('--limit-per-shopper', 0, 1_000_000),
    )
    .option('--rate <r>', 'taps per second in total (default: all at once)', positiveNumber('--rate'))
    .option('--checkout', 'shoppers with a hold go on to checkout with the test card')
    .option('--card <number>', 'test-provider card for --checkout', TEST_CARD)
    .option(
      '--workers <n>',
      'load-generator processes (default: 1 per 3,000 connections, 2 to 8)',
      wholeNumber('--workers', 1, 64),
    )
    .option(
      '--timeout <seconds>',
      'longest wait for one answer (connect, join, reserve, checkout)',
      positiveNumber('--timeout'),
      30,
    )
    .option(
      '--settle <seconds>',
      'longest wait after the burst for every viewer to get the final stock',
      positiveNumber('--settle'),
      5,
    )
    .option(
      '--hold-ttl <seconds>',
      "created event's hold lifetime",
      wholeNumber('--hold-ttl', 30, MAX_HOLD_TTL_SECONDS),
      600,
    )
    .option('--keep', 'leave the created event live afterwards')
    .option('--json', 'print one JSON object on stdout instead of the table')
    .option('--no-progress', 'no progress bar or progress lines on stderr')
    .addHelpText('after', HELP_AFTER)
    .showHelpAfterError('(pnpm ghost-event --help lists every flag, with an example)');
}

/** Parses argv (without node and the script) into {@link GhostOptions}; exits with usage on a bad line. */
export function parseGhostOptions(argv: string[]): GhostOptions {
  const command = ghostEventCommand();
  // `pnpm ghost-event -- --flag` passes the `--` through.
  command.parse(
    argv.filter((arg, i) => !(arg === '--' && i === 0)),
    { from: 'user' },
  );
  const raw = command.opts<CommandLine>();
  if (raw.event !== undefined) {
    if (!raw.sku) command.error('error: --event needs --sku (the SKU or SKUs of that event to tap)');
    if (raw.units !== undefined)
      command.error('error: --units is for a created event; with --event the stock is what the event has');
  } else {
    if (raw.units === undefined)
      command.error('error: give --units N (a throw-away event is created) or --event ID --sku SKU');
    if (!raw.adminKey) command.error('error: creating the throw-away event needs --admin-key (or LIVESHOP_ADMIN_KEY)');
  }
  const { sku, timeout, settle, holdTtl, checkout, keep, json, ...same } = raw;
  return {
    ...same,
    skus: sku ?? [DEFAULT_SKU],
    timeoutSeconds: timeout,
    settleSeconds: settle,
    holdTtlSeconds: holdTtl,
    checkout: checkout ?? false,
    keep: keep ?? false,
    json: json ?? false,
  };
}
