/**
 * The shapes the server answers and the SDK reads, as TypeBox schemas (PROTOCOL.md §1,
 * §3, §7, §8, §10): one definition, so the server's views, its documented answers and the
 * SDK's types cannot drift apart. A subpath of its own, so that code needing only the
 * types (the SDK, in browsers too) never loads the schema library.
 */
export * from './authorizations.js';
export * from './envelopes.js';
export * from './formats.js';
export * from './ledger.js';
export * from './profile.js';
export * from './tokens.js';
