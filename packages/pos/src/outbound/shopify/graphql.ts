import { createAdminApiClient } from '@shopify/admin-api-client';
import { retryAfterMs, syncFailure, type SyncFailure } from '../result.js';

export interface ShopifyApiConfig {
  /** The shop's domain (`SHOPIFY_SHOP_DOMAIN`), e.g. `my-shop.myshopify.com`. */
  shopDomain: string;
  /** An Admin API access token (`SHOPIFY_ADMIN_TOKEN`), sent as `X-Shopify-Access-Token`. */
  accessToken: string;
  /** Admin API version; 2026-04 and later require the idempotency key this package always sends. */
  apiVersion?: string;
  /**
   * An origin that replaces `https://<shopDomain>` (`SHOPIFY_API_URL`), e.g. a local test server;
   * the path `/admin/api/<version>/graphql.json` is kept.
   */
  apiUrl?: string;
  /** Per call, including reading the answer. Default 10 s. */
  timeoutMs?: number;
}

export const DEFAULT_SHOPIFY_API_VERSION = '2026-10';

export type GraphqlOutcome = { ok: true; data: Record<string, unknown> } | SyncFailure;

interface GraphqlError {
  message?: string;
  extensions?: { code?: string };
}
interface ThrottleCost {
  requestedQueryCost?: number;
  throttleStatus?: { currentlyAvailable?: number; restoreRate?: number };
}

/**
 * A GraphQL Admin API caller built on `@shopify/admin-api-client`, answering typed outcomes:
 * retries are the outbox's job, so the client's own are off and every failure comes back at once.
 */
export function createShopifyGraphql(
  config: ShopifyApiConfig,
): (query: string, variables: Record<string, unknown>) => Promise<GraphqlOutcome> {
  const override = config.apiUrl ? new URL(config.apiUrl) : undefined;
  const client = createAdminApiClient({
    storeDomain: config.shopDomain,
    apiVersion: config.apiVersion ?? DEFAULT_SHOPIFY_API_VERSION,
    accessToken: config.accessToken,
    userAgentPrefix: 'Liveshop',
    retries: 0,
    customFetchApi: (url, init) => {
      if (!override) return fetch(url, init);
      const target = new URL(url);
      target.protocol = override.protocol;
      target.host = override.host;
      return fetch(target, init);
    },
  });
  const timeoutMs = config.timeoutMs ?? 10_000;

  return async (query, variables) => {
    const signal = AbortSignal.timeout(timeoutMs);
    const { data, errors, extensions } = await client.request(query, { variables, signal });
    // The deadline can also pass while the answer is being read, after a 200 arrived.
    if (errors && signal.aborted) return syncFailure('shopify', 'timeout', `no answer within ${timeoutMs} ms`);
    if (errors && errors.networkStatusCode === undefined) {
      return syncFailure('shopify', 'network', errors.message ?? 'request failed');
    }
    const status = errors?.networkStatusCode;
    if (status !== undefined && status !== 200) return httpFailure(status, errors?.message, errors?.response);
    const graphqlErrors = (errors?.graphQLErrors ?? []) as GraphqlError[];
    if (graphqlErrors.length > 0) {
      return graphqlFailure(graphqlErrors, (extensions as { cost?: ThrottleCost } | undefined)?.cost);
    }
    if (!data || typeof data !== 'object') {
      // A 200 whose body could not be read (cut short, not JSON) says nothing about the change.
      return syncFailure('shopify', 'network', `unreadable answer: ${errors?.message ?? 'no data'}`, {
        httpStatus: 200,
      });
    }
    return { ok: true, data: data as Record<string, unknown> };
  };
}

function httpFailure(status: number, message: string | undefined, response: Response | undefined): SyncFailure {
  const text = `HTTP ${status}${message ? ` (${message})` : ''}`;
  if (status === 429) {
    return syncFailure('shopify', 'rate_limited', text, {
      httpStatus: status,
      retryAfterMs: retryAfterMs(response?.headers.get('retry-after')),
    });
  }
  if (status >= 500 || status === 408) return syncFailure('shopify', 'server_error', text, { httpStatus: status });
  if (status === 401 || status === 403) return syncFailure('shopify', 'unauthorized', text, { httpStatus: status });
  return syncFailure('shopify', 'rejected', text, { httpStatus: status });
}

/** Top-level GraphQL errors: `THROTTLED` waits for the cost bucket to refill; others are permanent. */
function graphqlFailure(errors: GraphqlError[], cost: ThrottleCost | undefined): SyncFailure {
  const codes = errors.map((error) => error.extensions?.code ?? 'GRAPHQL_ERROR');
  const message = errors.map((error) => error.message ?? 'error').join('; ');
  if (codes.includes('THROTTLED')) {
    const missing = (cost?.requestedQueryCost ?? 0) - (cost?.throttleStatus?.currentlyAvailable ?? 0);
    const rate = cost?.throttleStatus?.restoreRate ?? 0;
    const wait = rate > 0 ? Math.ceil((Math.max(missing, 1) / rate) * 1000) : undefined;
    return syncFailure('shopify', 'rate_limited', message, {
      httpStatus: 200,
      posErrorCodes: codes,
      ...(wait ? { retryAfterMs: wait } : {}),
    });
  }
  if (codes.includes('ACCESS_DENIED'))
    return syncFailure('shopify', 'unauthorized', message, { httpStatus: 200, posErrorCodes: codes });
  if (codes.includes('INTERNAL_SERVER_ERROR'))
    return syncFailure('shopify', 'server_error', message, { httpStatus: 200, posErrorCodes: codes });
  return syncFailure('shopify', 'rejected', message, { httpStatus: 200, posErrorCodes: codes });
}
