import * as z from 'zod/mini';

/**
 * What the OpenAPI document says of a schema beyond what its checks say: a component name, the
 * words and examples, and the domain rules core checks (patterns, ranges) that the schema itself
 * leaves to core. Merged into the schema's JSON Schema as it is, so each member is a JSON Schema
 * keyword of draft 2020-12 (OpenAPI 3.1), except `id`, which names the component.
 *
 * @example
 * const doc: SchemaDoc = { id: 'Wallet', description: 'A wallet.' };
 */
export interface SchemaDoc {
  /** The schema's name under `components.schemas`; every use of it becomes a `$ref`. */
  id?: string;
  description?: string;
  example?: unknown;
  pattern?: string;
  format?: 'date-time';
  /** What the value is on the wire where the schema checks something else (a query's text). */
  type?: 'integer';
  minLength?: number;
  maxLength?: number;
  minimum?: number;
  maximum?: number;
  exclusiveMinimum?: number;
  default?: unknown;
}

/**
 * The API's own registry of {@link SchemaDoc}s: not zod's global one, which any other library
 * in the process may write to.
 *
 * @example
 * z.toJSONSchema(schema, { metadata: schemaDocs });
 */
export const schemaDocs = z.registry<SchemaDoc>();

/**
 * A copy of `schema` that validates the same and carries `doc` in the document, over what the
 * original carries (a copy, so one schema can be documented differently in two places).
 *
 * @example
 * const currency = documented(z.string(), { pattern: '^[A-Z][A-Z0-9_]{1,15}$', example: 'GOLD' });
 */
export function documented<T extends z.ZodMiniType>(schema: T, doc: SchemaDoc): T {
  const copy = schema.clone() as T;
  schemaDocs.add(copy as z.ZodMiniType, doc);
  return copy;
}
