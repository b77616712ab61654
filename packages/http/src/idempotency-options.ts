import { ValidationError } from '@wallet/core';
import type { Principal } from './auth.js';

/**
 * The idempotency options of a mutating call: the key from the `Idempotency-Key` header or the
 * body's `idempotencyKey` (one key: sent both ways, they must be equal), in the caller's
 * namespace (an account-limited caller's own, so a player can never block, replay or detect a
 * key a server uses). Core checks the key's characters.
 *
 * @throws {ValidationError} when the header and the body name different keys
 * @example
 * const keys = keyOptions(principal, { 'Idempotency-Key': c.req.header('Idempotency-Key') }, body);
 */
export function keyOptions(
  principal: Principal,
  headers: { 'Idempotency-Key'?: string | undefined },
  body: { idempotencyKey?: string | null | undefined },
): { idempotencyKey: string | null | undefined; idempotencyNamespace: string | null } {
  const header = headers['Idempotency-Key'];
  const inBody = body.idempotencyKey;
  if (header !== undefined && inBody !== undefined && inBody !== null && header !== inBody) {
    throw new ValidationError(
      "the Idempotency-Key header and the body's idempotencyKey differ; send one key",
      { field: 'idempotencyKey' },
    );
  }
  return {
    idempotencyKey: header ?? inBody,
    idempotencyNamespace: principal.idempotencyNamespace ?? null,
  };
}
