export { startServer, type RunningServer } from './server.js';
export { resolveOptions, DEMO_ADMIN_KEY, type ServerOptions } from './config/options.js';
export { optionsFromEnv } from './config/env.js';
