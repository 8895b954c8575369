export * from './errors.js';
export * from './scopes.js';
export * from './jws.js';
export * from './views.js';
export * from './uuid.js';
