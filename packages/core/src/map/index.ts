export * from './references.js';
export * from './mapping.js';
export * from './status.js';
