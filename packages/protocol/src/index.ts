export * from './errors.js';
export * from './ids.js';
export * from './inventory.js';
export * from './catalog.js';
export * from './socket.js';
export * from './consoles.js';
export * from './validate.js';
export * from './checkout.js';
