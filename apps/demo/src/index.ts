import path from 'node:path';
import { fileURLToPath } from 'node:url';

/** The demo storefront's static files (`index.html`, styles, the cart script, product images). */
export const demoPublicDir = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../public');

export { startTestStream, testStreamArgs, type TestStream, type TestStreamOptions } from './test-stream.js';
