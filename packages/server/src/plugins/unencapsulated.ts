import type { FastifyInstance } from 'fastify';

/**
 * Marks a plugin as not encapsulated, so its hooks and decorators reach every route
 * module (Fastify's documented `skip-override` flag, which fastify-plugin sets; we are
 * not a direct dependent of that package).
 */
export function unencapsulated<Options>(
  plugin: (app: FastifyInstance, options: Options) => Promise<void>,
): (app: FastifyInstance, options: Options) => Promise<void> {
  return Object.assign(plugin, { [Symbol.for('skip-override')]: true });
}
