export { KeyBuilder, type SkuKeys } from './keys.js';
export { InventoryStore, type InventoryStoreOptions, type RestorePlan } from './store.js';
export type { EventConfig, StoredEventConfig } from './event-config.js';
export type { InventoryResult } from './result.js';
export { scripts, type ScriptDefinition } from './scripts.js';
export { parseLedgerFields } from './ledger/fields.js';
export { readLedger, tailLedger } from './ledger/read.js';
export { LedgerReader, type LedgerReaderOptions } from './ledger/reader.js';
