import { Router } from 'express';
import { parseCountsCsv, type PosProvider } from '@liveshop/pos';
import {
  ErrorCode,
  eventIdSchema,
  LiveshopError,
  parseInput,
  POS_PROVIDERS,
  posMappingsBody,
  type PosMappingsBody,
} from '@liveshop/protocol';
import { z } from 'zod';
import type { PosDrift } from '../pos/pos-drift.js';
import type { PosInbound } from '../pos/pos-inbound.js';
import type { PosRepository } from '../pos/pos-repository.js';

export interface PosAdminDeps {
  inbound: PosInbound;
  repository: PosRepository;
  drift: PosDrift;
}

const providerSchema = z.enum(POS_PROVIDERS);
const CSV_HEADER = 'type,provider,posId,target';

/**
 * `/api/admin/pos/*`: mappings (`PUT` JSON or CSV, `GET`), drift of an event, reconciliation (a
 * pull through the adapters or a CSV of counts) and the incidents moderators see.
 */
export function posAdminRouter(deps: PosAdminDeps): Router {
  const router = Router();

  router.put('/pos/mappings', async (req, res) => {
    const body = typeof req.body === 'string' ? mappingsFromCsv(req.body) : parseInput(posMappingsBody, req.body);
    const saved = await deps.repository.putMappings(body);
    deps.inbound.forgetLookups();
    res.json(saved);
  });

  router.get('/pos/mappings', async (_req, res) => {
    res.json(await deps.repository.mappings());
  });

  router.get('/pos/drift', async (req, res) => {
    const eventId = parseInput(eventIdSchema, req.query.eventId);
    res.set('cache-control', 'no-store').json(await deps.drift.report(eventId));
  });

  router.post('/pos/reconcile', async (req, res) => {
    const eventId = parseInput(eventIdSchema, req.query.eventId);
    const provider = req.query.provider === undefined ? undefined : parseInput(providerSchema, req.query.provider);
    if (typeof req.body === 'string') {
      if (!provider) throw new LiveshopError(ErrorCode.INVALID_INPUT, 'provider: a CSV of counts needs ?provider=');
      const parsed = parseCountsCsv(req.body, provider as PosProvider);
      if (parsed.errors.length > 0) {
        throw new LiveshopError(
          ErrorCode.INVALID_INPUT,
          `the CSV has ${parsed.errors.length} bad line(s)`,
          parsed.errors.slice(0, 10).map((error) => ({ path: `line ${error.line}`, message: error.message })),
        );
      }
      res.json(await deps.drift.reconcile(eventId, { provider, csvCounts: parsed.counts }));
      return;
    }
    res.json(await deps.drift.reconcile(eventId, provider ? { provider } : {}));
  });

  router.get('/pos/incidents', async (_req, res) => {
    res.set('cache-control', 'no-store').json({ incidents: await deps.repository.incidents() });
  });

  return router;
}

/**
 * Mappings from CSV lines `type,provider,posId,target`: `item,shopify,271878346596884015,TEE` maps
 * a POS item to a SKU, `location,square,L8QZ1,store-1` a POS location to a location. A header
 * line is optional; fields are not quoted (ids hold no commas).
 */
function mappingsFromCsv(text: string): PosMappingsBody {
  const items: unknown[] = [];
  const locations: unknown[] = [];
  const issues: { path: string; message: string }[] = [];
  for (const [index, raw] of text
    .replace(/^\uFEFF/, '')
    .split(/\r?\n/)
    .entries()) {
    const line = raw.trim();
    if (line === '' || (index === 0 && line.replace(/\s/g, '') === CSV_HEADER)) continue;
    const fields = line.split(',').map((field) => field.trim());
    const [type, provider, posId, target] = fields;
    if (fields.length !== 4) issues.push({ path: `line ${index + 1}`, message: `expected 4 fields (${CSV_HEADER})` });
    else if (type === 'item') items.push({ provider, posItemId: posId, sku: target });
    else if (type === 'location') locations.push({ provider, posLocationId: posId, locationId: target });
    else issues.push({ path: `line ${index + 1}`, message: 'type must be item or location' });
  }
  if (issues.length > 0) {
    throw new LiveshopError(ErrorCode.INVALID_INPUT, `the CSV has ${issues.length} bad line(s)`, issues.slice(0, 10));
  }
  return parseInput(posMappingsBody, { items, locations });
}
