export { KeyBuilder, type SkuKeys } from './keys.js';
export { InventoryStore, type InventoryStoreOptions, type RestorePlan } from './store.js';
export type { EventConfig, StoredEventConfig } from './event-config.js';
export type { InventoryResult } from './result.js';
export { scripts, type ScriptDefinition } from './scripts.js';
export { WriteBatcher } from './write-batching.js';
export { LedgerTail, type LedgerBatch, type LedgerReadOptions } from './ledger/tail.js';
export { LedgerGroupReader, groupPosition } from './ledger/group.js';
export {
  PosStock,
  type PosStockMode,
  type PosCountInput,
  type PosSyncedInput,
  type PosApplyResult,
} from './pos-stock.js';
