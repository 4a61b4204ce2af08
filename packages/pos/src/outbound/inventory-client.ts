import type { PosAdjustment } from './adjustment.js';
import type { CountsRequest } from './counts-request.js';
import type { AdjustmentResult, CountsResult } from './result.js';

/** The outbound side of a POS: idempotent adjustments and count pulls, answering typed results. */
export interface PosInventoryClient {
  adjust(adjustment: PosAdjustment): Promise<AdjustmentResult>;
  fetchCounts(request: CountsRequest): Promise<CountsResult>;
}
