export * from './references.js';
export * from './mapping.js';
export * from './status.js';
export * from './title.js';
export * from './title-match.js';
