export * from './errors.js';
export * from './ids.js';
export * from './inventory.js';
export * from './catalog.js';
export * from './socket.js';
export * from './validate.js';
export * from './pos.js';
