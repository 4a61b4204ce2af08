/**
 * Local stand-ins for the providers' inventory APIs, for tests of code that calls them: each one
 * listens on 127.0.0.1, records every request and can be told to fail the next calls. Not imported
 * by the package's main entry.
 */
export { JsonApiServer, type RecordedRequest, type Fault, type JsonHandler } from './http-server.js';
export { ShopifyAdminServer, THROTTLED_BODY } from './shopify-admin.js';
export { SquareApiServer, squareErrors } from './square-api.js';
