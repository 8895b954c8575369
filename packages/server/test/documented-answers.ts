import { Ajv, type ValidateFunction } from 'ajv';
import type { LightMyRequestResponse } from 'fastify';
import { expect } from 'vitest';

interface Operation {
  responses: Record<string, { content?: Record<string, { schema: object }> }>;
}
export interface OpenApiDocument {
  paths: Record<string, Record<string, Operation>>;
  components: { schemas: Record<string, object> };
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const RFC3339 = /^\d{4}-\d{2}-\d{2}[Tt]\d{2}:\d{2}:\d{2}(?:\.\d+)?(?:[Zz]|[+-]\d{2}:\d{2})$/;

/** What one operation was seen to answer: a success, and an error where the route has one. */
interface Seen {
  success: boolean;
  error: boolean;
}

/**
 * Checks real answers against what /openapi.json documents for their status (or its
 * `default`), and remembers which operations were exercised, so a test can require every
 * documented one. Operations are named as in the document: "GET /assets/{id}".
 */
export class DocumentedAnswers {
  private readonly ajv = new Ajv({ strict: false, allErrors: true });
  private readonly validators = new Map<object, ValidateFunction>();
  readonly seen = new Map<string, Seen>();

  constructor(readonly doc: OpenApiDocument) {
    this.ajv.addFormat('uuid', UUID);
    this.ajv.addFormat('date-time', (value: string) => RFC3339.test(value) && !Number.isNaN(Date.parse(value)));
  }

  /** Every documented operation, as "METHOD /path". */
  operations(): string[] {
    return Object.entries(this.doc.paths).flatMap(([path, ops]) =>
      Object.keys(ops).map((method) => `${method.toUpperCase()} ${path}`),
    );
  }

  /** The operations whose documented error body (its `default`) has a schema: these must be seen failing too. */
  withDocumentedErrors(): string[] {
    return this.operations().filter((name) => this.operation(name).responses.default?.content !== undefined);
  }

  /** A schema checked with the document's components in reach of its `$ref`s. */
  validate(schema: object, value: unknown): string[] {
    let validator = this.validators.get(schema);
    if (!validator) {
      validator = this.ajv.compile({ ...schema, components: this.doc.components });
      this.validators.set(schema, validator);
    }
    return validator(value)
      ? []
      : (validator.errors ?? []).map((e) => `${e.instancePath || '/'} ${e.message ?? ''} ${JSON.stringify(e.params)}`);
  }

  /**
   * Records a real answer of `name` and checks its body against the documented schema for
   * its status, else `default`. `expected` says whether the request was meant to succeed.
   */
  check(name: string, response: LightMyRequestResponse, expected: 'success' | 'error'): LightMyRequestResponse {
    const op = this.operation(name);
    const [, template] = name.split(' ') as [string, string];
    const url = new URL(response.raw.req.url ?? '', 'http://x').pathname;
    const pattern = new RegExp(`^${template.replace(/\{[^}]+\}/g, '[^/]+')}$`);
    expect(
      `${response.raw.req.method} ${pattern.test(url) ? template : url}`,
      `${name} exercised with another route`,
    ).toBe(name);

    const json = /^application\/json/.test(String(response.headers['content-type'] ?? ''));
    const failed =
      response.statusCode >= 400 ||
      (json && response.statusCode === 202 && typeof response.json<{ error?: unknown }>().error === 'object');
    expect(
      failed ? 'error' : 'success',
      `${name} answered ${response.statusCode}: ${response.body.slice(0, 300)}`,
    ).toBe(expected);

    const documented = op.responses[String(response.statusCode)] ?? op.responses.default;
    const declared = Object.keys(op.responses).filter((status) => status !== 'default');
    // a route that documents its success statuses must answer one of them
    if (!failed && declared.length > 0)
      expect(declared, `${name} answered an undocumented ${response.statusCode}`).toContain(
        String(response.statusCode),
      );
    const schema = documented?.content?.['application/json']?.schema;
    // a route that answers API clients in JSON may show browsers a page instead (GET /codes/:id)
    const page = /^text\/html/.test(String(response.headers['content-type'] ?? ''));
    if (schema && !page) {
      expect(json, `${name} ${response.statusCode} is documented as JSON`).toBe(true);
      expect(
        this.validate(schema, response.json()),
        `${name} ${response.statusCode} differs from its documented answer`,
      ).toEqual([]);
    } else if (!schema && documented && declared.includes(String(response.statusCode))) {
      // documented without a body (RFC 7009's 200)
      expect(response.body, `${name} ${response.statusCode} is documented empty`).toBe('');
    }

    const seen = this.seen.get(name) ?? { success: false, error: false };
    seen[expected] = true;
    this.seen.set(name, seen);
    return response;
  }

  private operation(name: string): Operation {
    const [method, path] = name.split(' ') as [string, string];
    const op = this.doc.paths[path]?.[method.toLowerCase()];
    if (!op) throw new Error(`${name} is not in /openapi.json`);
    return op;
  }
}
