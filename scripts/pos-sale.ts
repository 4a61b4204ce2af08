/**
 * `pnpm pos-sale --sku SKU --on-hand N`: "sells at the counter" — sends a running Liveshop server
 * the webhook a POS sends when a count changes, signed as the provider signs it (Shopify by
 * default; `--provider square|generic`). The POS ids come from the server's mappings (the demo
 * maps its SKUs out of the box); the secrets default to the demo's. Prints the server's answer and
 * how long it took; exit 1 unless it was applied.
 */
import { Command, InvalidArgumentError, Option } from 'commander';
import {
  shopifyInventoryLevelBody,
  signGenericWebhook,
  signShopifyWebhook,
  signSquareWebhook,
  squareInventoryCountBody,
  type SignedWebhook,
} from '@liveshop/pos';
import { DEMO_ADMIN_KEY, DEMO_POS_SECRETS } from '@liveshop/server';

type Provider = 'shopify' | 'square' | 'generic';
interface Options {
  url: string;
  sku: string;
  onHand: number;
  provider: Provider;
  location?: string;
  adminKey: string;
  secret?: string;
  json: boolean;
}

const wholeNumber = (value: string): number => {
  if (!/^-?\d+$/.test(value)) throw new InvalidArgumentError('must be a whole number');
  return Number(value);
};

const program = new Command('pos-sale')
  .description('send a signed POS inventory webhook (a counter sale) to a running Liveshop server')
  .requiredOption('--sku <sku>', 'the SKU sold at the counter')
  .requiredOption('--on-hand <n>', 'units the POS now has on hand at the location', wholeNumber)
  .option('--url <url>', 'the server', process.env.LIVESHOP_URL ?? 'http://localhost:8080')
  .addOption(
    new Option('--provider <name>', 'which POS sends it').choices(['shopify', 'square', 'generic']).default('shopify'),
  )
  .option('--location <posLocationId>', "the POS's location id (default: the first mapped for the provider)")
  .option('--admin-key <key>', 'admin key, to read the mappings', process.env.LIVESHOP_ADMIN_KEY ?? DEMO_ADMIN_KEY)
  .option('--secret <secret>', "the provider's webhook secret (default: its environment variable, else the demo's)")
  .option('--json', 'print one JSON object', false)
  .addHelpText('after', '\nExample: pnpm pos-sale --sku SNEAKER-DRIFT --on-hand 0');

async function main(options: Options): Promise<number> {
  const base = options.url.replace(/\/$/, '');
  const response = await fetch(`${base}/api/admin/pos/mappings`, {
    headers: { authorization: `Bearer ${options.adminKey}` },
  });
  if (!response.ok) throw new Error(`reading the mappings: HTTP ${response.status} ${await response.text()}`);
  const mappings = (await response.json()) as {
    items: { provider: Provider; posItemId: string; sku: string }[];
    locations: { provider: Provider; posLocationId: string; locationId: string }[];
  };
  const item = mappings.items.find((m) => m.provider === options.provider && m.sku === options.sku);
  if (!item) throw new Error(`${options.sku} has no ${options.provider} item mapped (PUT /api/admin/pos/mappings)`);
  const location = options.location ?? mappings.locations.find((m) => m.provider === options.provider)?.posLocationId;
  if (!location) throw new Error(`no ${options.provider} location is mapped`);

  const signed = sign(options, item.posItemId, location);
  const path = { shopify: '/webhooks/shopify', square: '/webhooks/square', generic: '/webhooks/pos' }[options.provider];
  const started = performance.now();
  const answer = await fetch(`${base}${path}`, { method: 'POST', headers: signed.headers, body: signed.body });
  const ms = performance.now() - started;
  const body = (await answer.json().catch(() => ({}))) as Record<string, unknown>;
  const applied = answer.status === 200 && body.ok === true;
  if (options.json) {
    process.stdout.write(`${JSON.stringify({ status: answer.status, ms: Math.round(ms * 10) / 10, body })}\n`);
  } else {
    console.log(
      `${options.provider} webhook: ${options.sku} (${item.posItemId}) at ${location} on hand ${options.onHand} → HTTP ${answer.status} ${JSON.stringify(body)} in ${ms.toFixed(1)} ms`,
    );
  }
  return applied ? 0 : 1;
}

function sign(options: Options, posItemId: string, posLocationId: string): SignedWebhook {
  const now = new Date();
  switch (options.provider) {
    case 'shopify':
      return signShopifyWebhook({
        secret: options.secret ?? process.env.SHOPIFY_WEBHOOK_SECRET ?? DEMO_POS_SECRETS.shopifyWebhookSecret,
        topic: 'inventory_levels/update',
        body: shopifyInventoryLevelBody({
          inventoryItemId: posItemId,
          locationId: posLocationId,
          available: options.onHand,
          updatedAt: now,
        }),
      });
    case 'square':
      return signSquareWebhook({
        signatureKey: options.secret ?? process.env.SQUARE_SIGNATURE_KEY ?? DEMO_POS_SECRETS.squareSignatureKey,
        // The URL the server verifies against (its SQUARE_WEBHOOK_URL), not necessarily the one posted to.
        notificationUrl: process.env.SQUARE_WEBHOOK_URL ?? DEMO_POS_SECRETS.squareWebhookUrl,
        body: squareInventoryCountBody({
          counts: [
            { catalogObjectId: posItemId, locationId: posLocationId, quantity: options.onHand, calculatedAt: now },
          ],
        }),
      });
    case 'generic':
      return signGenericWebhook({
        secret: options.secret ?? process.env.LIVESHOP_POS_WEBHOOK_SECRET ?? DEMO_POS_SECRETS.posWebhookSecret,
        body: {
          deliveryId: `pos-sale-${now.getTime()}-${Math.random().toString(36).slice(2, 8)}`,
          occurredAt: now.toISOString(),
          updates: [{ posItemId, posLocationId, onHand: options.onHand }],
        },
      });
  }
}

program.parse();
main(program.opts<Options>()).then(
  (code) => process.exit(code),
  (error: unknown) => {
    console.error(`pos-sale: ${error instanceof Error ? error.message : String(error)}`);
    process.exit(1);
  },
);
