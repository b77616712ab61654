import { createHash } from 'node:crypto';

/**
 * A statement with `$1`, `$2`, ... placeholders that a connection parses and plans once
 * (`PREPARE`) and then runs by name (`EXECUTE`). Its name is derived from its text, so the
 * same statement has the same name in every ledger, and a changed statement a new one.
 *
 * @example
 * const lock = preparedStatement('lock', ['text[]'], 'SELECT 1 FROM "wallet".wallets WHERE account_id = ANY($1) FOR UPDATE');
 */
export interface PreparedStatement {
  /** `wallet_<kind>_<hash of the text>`: a valid, unquoted identifier of at most 63 bytes. */
  readonly name: string;
  /** The `PREPARE` that defines it on a connection. */
  readonly prepare: string;
  /** The text with placeholders, for running it unprepared. */
  readonly text: string;
  /** How many placeholders it has. */
  readonly arity: number;
}

/**
 * One run of a prepared statement with its arguments, each already a SQL literal (see
 * `sql-literal.ts`), since calls travel in scripts over the simple protocol.
 *
 * @example
 * const call: StatementCall = { statement: lock, args: [sqlTextArray(['p1'])] };
 */
export interface StatementCall {
  readonly statement: PreparedStatement;
  readonly args: readonly string[];
}

/**
 * Defines a prepared statement. `kind` names it for people reading `pg_prepared_statements`
 * or a log; `types` are the PostgreSQL types of `$1`, `$2`, ...
 *
 * @example
 * const byId = preparedStatement('wallet', ['text'], 'SELECT * FROM "wallet".wallets WHERE account_id = $1');
 */
export function preparedStatement(
  kind: string,
  types: readonly string[],
  text: string,
): PreparedStatement {
  const digest = createHash('sha256')
    .update(`${types.join(',')}\n${text}`)
    .digest('hex');
  const name = `wallet_${kind}_${digest.slice(0, 16)}`;
  return {
    name,
    prepare: `PREPARE ${name} (${types.join(', ')}) AS ${text}`,
    text,
    arity: types.length,
  };
}

/**
 * The SQL that runs a call: `EXECUTE name(args)` on a connection that has prepared the
 * statement, otherwise the statement's text with the arguments written in (the placeholders
 * are the statement's own, never inside its string literals, so plain substitution is exact).
 *
 * @example
 * renderCall({ statement: lock, args: ["'{p1}'"] }, true); // EXECUTE wallet_lock_…('{p1}')
 */
export function renderCall(call: StatementCall, prepared: boolean): string {
  const { statement, args } = call;
  if (args.length !== statement.arity) {
    throw new RangeError(
      `${statement.name} takes ${statement.arity} arguments, not ${args.length}`,
    );
  }
  if (prepared) return `EXECUTE ${statement.name}(${args.join(', ')})`;
  return statement.text.replace(/\$(\d+)/g, (_, n: string) => args[Number(n) - 1]!);
}
