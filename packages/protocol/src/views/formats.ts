import { type TSchema, Type } from '@sinclair/typebox';

/** A UUID in its canonical text form. */
export const Uuid = Type.String({ format: 'uuid' });

/** An RFC 3339 timestamp, as every `created_at` is written. */
export const Timestamp = Type.String({ format: 'date-time' });

/**
 * An object schema whose answers carry exactly these fields: an undeclared one is drift,
 * which the documented-answers test reports.
 */
export const Exact = <T extends Parameters<typeof Type.Object>[0]>(
  properties: T,
  options: Parameters<typeof Type.Object>[1] = {},
) => Type.Object(properties, { additionalProperties: false, ...options });

/** The platform success envelope `{"data": …}`. */
export const dataOf = <T extends TSchema>(schema: T) => Exact({ data: schema });

/**
 * A body or query as the server receives it: the documented fields, none checked yet. The
 * server's hand-written parsers take this and refuse a bad field with 10002 naming it (a
 * schema validator would answer another body), so the names come from the schema and the
 * checks from the parser.
 */
export type Received<T> = { [K in keyof T]?: unknown };
