export * from './description.js';
export * from './batches.js';
export * from './text.js';
