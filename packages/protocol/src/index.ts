export * from './errors.js';
export * from './scopes.js';
