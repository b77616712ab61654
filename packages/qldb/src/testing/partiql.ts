/**
 * The PartiQL subset the QLDB fake understands. Anything else is rejected with a
 * {@link PartiqlSyntaxError} that names what was expected, so a studio testing its own QLDB code
 * learns at once that a statement is outside the subset rather than getting a wrong answer.
 *
 * Statements (keywords are case-insensitive; `x` is an optional table alias):
 * - `CREATE TABLE T`
 * - `CREATE INDEX ON T (field)`
 * - `SELECT * FROM T [AS x] [WHERE cond]`, `SELECT f, x.g FROM T [AS x] [WHERE cond]`
 * - `SELECT * FROM _ql_committed_T [AS x] [WHERE cond]`: the committed view, rows
 *   `{ blockAddress, hash, data, metadata }`, searched by paths such as `x.data.f`
 * - `SELECT ... FROM information_schema.user_tables [WHERE cond]`
 * - `INSERT INTO T ?`, `INSERT INTO T VALUE ?`, `INSERT INTO T << ?, ? >>` (a list parameter
 *   inserts one document per element)
 * - `UPDATE T [AS x] SET f = ?[, g = ?] [WHERE cond]`
 * - `DELETE FROM T [AS x] [WHERE cond]`
 *
 * where `cond` is `term [AND term]...` and a term is `f = v`, `f < v`, `f <= v`, `f > v`,
 * `f >= v` or `f IN (v, ...)`; `v` is `?`, a 'string' or an integer literal.
 */

/**
 * A statement the fake cannot parse; QLDB answers these with BadRequestException.
 *
 * @example
 * try { parseStatement('SELECT * FROM Wallets WHERE a = ? OR b = ?'); }
 * catch (err) { if (err instanceof PartiqlSyntaxError) console.log(err.message); } // expected AND (OR is not supported) ...
 */
export class PartiqlSyntaxError extends Error {
  constructor(message: string, statement: string) {
    super(
      `${message} in statement: ${statement.length > 200 ? `${statement.slice(0, 200)}...` : statement}`,
    );
    this.name = 'PartiqlSyntaxError';
  }
}

/**
 * Where a value in a statement comes from: the n-th `?` parameter or a literal.
 *
 * @example
 * const operand: Operand = { kind: 'parameter', index: 0 }; // the first `?`
 */
export type Operand =
  | {
      /** A `?` parameter. */
      kind: 'parameter';
      /** Which one, counting the statement's `?` from 0. */
      index: number;
    }
  | {
      /** A 'string' literal. */
      kind: 'string';
      /** Its text, quotes removed and doubled quotes undone. */
      value: string;
    }
  | {
      /** An integer literal. */
      kind: 'integer';
      /** Its value. */
      value: bigint;
    };

/** A comparison in a WHERE clause. */
export type ComparisonOperator = '=' | '<' | '<=' | '>' | '>=';

/**
 * One conjunct of a WHERE clause.
 *
 * @example
 * const predicate: Predicate = { kind: 'compare', field: 'accountId', operator: '=', operand: { kind: 'parameter', index: 0 } };
 */
export type Predicate =
  | {
      /** `field <operator> v`. */
      kind: 'compare';
      /** The field path, dot-separated, without the table alias. */
      field: string;
      /** The comparison. */
      operator: ComparisonOperator;
      /** The value compared with. */
      operand: Operand;
    }
  | {
      /** `field IN (v, ...)`. */
      kind: 'in';
      /** The field path, dot-separated, without the table alias. */
      field: string;
      /** The values listed, in order. */
      operands: Operand[];
    };

/**
 * A parsed statement of the subset.
 *
 * @example
 * const statement: Statement = parseStatement('DELETE FROM Records WHERE recordKey = ?');
 * if (statement.kind === 'delete') console.log(statement.table, statement.where.length); // 'Records' 1
 */
export type Statement =
  | {
      /** `CREATE TABLE`. */
      kind: 'createTable';
      /** The table created. */
      table: string;
    }
  | {
      /** `CREATE INDEX ON`. */
      kind: 'createIndex';
      /** The table indexed. */
      table: string;
      /** The field indexed. */
      field: string;
    }
  | {
      /** `SELECT`. */
      kind: 'select';
      /** The table read: a user table, `_ql_committed_<table>` or the table list. */
      table: string;
      /** The fields projected, without the table alias; `*` for whole documents. */
      fields: string[] | '*';
      /** The WHERE clause's conjuncts; empty without one. */
      where: Predicate[];
    }
  | {
      /** `INSERT INTO`. */
      kind: 'insert';
      /** The table written. */
      table: string;
      /** The `?` parameters inserted, one per `VALUE ?` or `<< ?, ... >>` element. */
      values: Operand[];
    }
  | {
      /** `UPDATE`. */
      kind: 'update';
      /** The table written. */
      table: string;
      /** The SET assignments, in order. */
      set: {
        /** The field path set, without the table alias. */
        field: string;
        /** The value it is set to. */
        operand: Operand;
      }[];
      /** The WHERE clause's conjuncts; empty without one. */
      where: Predicate[];
    }
  | {
      /** `DELETE FROM`. */
      kind: 'delete';
      /** The table written. */
      table: string;
      /** The WHERE clause's conjuncts; empty without one. */
      where: Predicate[];
    };

/** The virtual table QLDB lists tables in. */
export const USER_TABLES = 'information_schema.user_tables';

type Token =
  | { kind: 'word'; text: string; quoted: boolean }
  | { kind: 'string'; text: string }
  | { kind: 'integer'; text: string }
  | { kind: 'symbol'; text: string };

const SYMBOLS = ['<<', '>>', '<=', '>=', '(', ')', ',', '.', '=', '<', '>', '*', '?'];

function tokenize(source: string): Token[] {
  const tokens: Token[] = [];
  let i = 0;
  while (i < source.length) {
    const char = source[i]!;
    if (/\s/.test(char)) {
      i++;
    } else if (/[A-Za-z_]/.test(char)) {
      const start = i;
      while (i < source.length && /[A-Za-z0-9_]/.test(source[i]!)) i++;
      tokens.push({ kind: 'word', text: source.slice(start, i), quoted: false });
    } else if (/[0-9]/.test(char) || (char === '-' && /[0-9]/.test(source[i + 1] ?? ''))) {
      const start = i++;
      while (i < source.length && /[0-9]/.test(source[i]!)) i++;
      tokens.push({ kind: 'integer', text: source.slice(start, i) });
    } else if (char === "'" || char === '"') {
      // PartiQL: 'text' is a string, "name" a quoted identifier; a doubled quote escapes itself.
      let text = '';
      i++;
      for (;;) {
        if (i >= source.length) throw new PartiqlSyntaxError('unterminated quote', source);
        if (source[i] === char && source[i + 1] === char) {
          text += char;
          i += 2;
        } else if (source[i] === char) {
          i++;
          break;
        } else {
          text += source[i++];
        }
      }
      tokens.push(char === "'" ? { kind: 'string', text } : { kind: 'word', text, quoted: true });
    } else {
      const symbol = SYMBOLS.find((s) => source.startsWith(s, i));
      if (!symbol)
        throw new PartiqlSyntaxError(`unexpected character ${JSON.stringify(char)}`, source);
      tokens.push({ kind: 'symbol', text: symbol });
      i += symbol.length;
    }
  }
  return tokens;
}

const RESERVED = new Set(
  ['select', 'from', 'where', 'and', 'or', 'in', 'as', 'set', 'insert', 'into', 'update']
    .concat(['delete', 'create', 'table', 'index', 'on', 'value', 'by', 'not', 'null'])
    .concat(['limit', 'order', 'group', 'having', 'join', 'union']),
);

class Parser {
  readonly #tokens: Token[];
  readonly #source: string;
  #position = 0;
  #parameters = 0;

  constructor(source: string) {
    this.#source = source;
    this.#tokens = tokenize(source);
  }

  fail(expected: string): never {
    const token = this.#tokens[this.#position];
    const found = token ? JSON.stringify(token.text) : 'the end';
    throw new PartiqlSyntaxError(`expected ${expected} but found ${found}`, this.#source);
  }

  peekKeyword(keyword: string): boolean {
    const token = this.#tokens[this.#position];
    return token?.kind === 'word' && !token.quoted && token.text.toLowerCase() === keyword;
  }

  acceptKeyword(keyword: string): boolean {
    if (!this.peekKeyword(keyword)) return false;
    this.#position++;
    return true;
  }

  keyword(keyword: string): void {
    if (!this.acceptKeyword(keyword)) this.fail(keyword.toUpperCase());
  }

  acceptSymbol(symbol: string): boolean {
    const token = this.#tokens[this.#position];
    if (token?.kind !== 'symbol' || token.text !== symbol) return false;
    this.#position++;
    return true;
  }

  symbol(symbol: string): void {
    if (!this.acceptSymbol(symbol)) this.fail(`"${symbol}"`);
  }

  identifier(what: string): string {
    const token = this.#tokens[this.#position];
    if (token?.kind !== 'word' || (!token.quoted && RESERVED.has(token.text.toLowerCase()))) {
      this.fail(what);
    }
    this.#position++;
    return token.text;
  }

  end(): void {
    if (this.#position < this.#tokens.length) this.fail('the end of the statement');
  }

  operand(): Operand {
    const token = this.#tokens[this.#position];
    if (token?.kind === 'symbol' && token.text === '?') {
      this.#position++;
      return { kind: 'parameter', index: this.#parameters++ };
    }
    if (token?.kind === 'string') {
      this.#position++;
      return { kind: 'string', value: token.text };
    }
    if (token?.kind === 'integer') {
      this.#position++;
      return { kind: 'integer', value: BigInt(token.text) };
    }
    return this.fail('"?", a string or an integer');
  }

  tableName(): string {
    const name = this.identifier('a table name');
    if (name.toLowerCase() === 'information_schema' && this.acceptSymbol('.')) {
      const view = this.identifier('user_tables');
      if (view.toLowerCase() !== 'user_tables') this.fail('user_tables');
      return USER_TABLES;
    }
    return name;
  }

  alias(): string | undefined {
    if (this.acceptKeyword('as')) return this.identifier('an alias');
    const token = this.#tokens[this.#position];
    if (token?.kind === 'word' && !RESERVED.has(token.text.toLowerCase())) {
      return this.identifier('an alias');
    }
    return undefined;
  }

  /**
   * A field path, optionally after the alias: `f`, `x.f`, or in a committed view `x.data.f`.
   * Returned dot-separated, without the alias.
   */
  field(alias: string | undefined): string {
    const parts = [this.identifier('a field name')];
    while (this.acceptSymbol('.')) parts.push(this.identifier('a field name'));
    if (parts.length > 1 && parts[0] === alias) parts.shift();
    return parts.join('.');
  }

  where(alias: string | undefined): Predicate[] {
    if (!this.acceptKeyword('where')) return [];
    const predicates: Predicate[] = [];
    do {
      const field = this.field(alias);
      if (this.acceptKeyword('in')) {
        this.symbol('(');
        const operands = [this.operand()];
        while (this.acceptSymbol(',')) operands.push(this.operand());
        this.symbol(')');
        predicates.push({ kind: 'in', field, operands });
      } else {
        const operator = (['<=', '>=', '=', '<', '>'] as const).find((s) => this.acceptSymbol(s));
        if (!operator) this.fail('=, <, <=, >, >= or IN');
        predicates.push({ kind: 'compare', field, operator, operand: this.operand() });
      }
    } while (this.acceptKeyword('and'));
    if (this.peekKeyword('or')) this.fail('AND (OR is not supported)');
    return predicates;
  }

  statement(): Statement {
    if (this.acceptKeyword('create')) {
      if (this.acceptKeyword('table')) return { kind: 'createTable', table: this.tableName() };
      this.keyword('index');
      this.keyword('on');
      const table = this.tableName();
      this.symbol('(');
      const field = this.identifier('an indexed field');
      this.symbol(')');
      return { kind: 'createIndex', table, field };
    }
    if (this.acceptKeyword('select')) {
      let fields: string[] | '*' = '*';
      const projected: string[] = [];
      if (!this.acceptSymbol('*')) {
        do {
          projected.push(this.#rawPath());
        } while (this.acceptSymbol(','));
        fields = projected;
      }
      this.keyword('from');
      const table = this.tableName();
      const alias = this.alias();
      if (fields !== '*') fields = fields.map((path) => this.#unalias(path, alias));
      return { kind: 'select', table, fields, where: this.where(alias) };
    }
    if (this.acceptKeyword('insert')) {
      this.keyword('into');
      const table = this.tableName();
      const values: Operand[] = [];
      if (this.acceptSymbol('<<')) {
        do {
          values.push(this.#parameter());
        } while (this.acceptSymbol(','));
        this.symbol('>>');
      } else {
        this.acceptKeyword('value');
        values.push(this.#parameter());
      }
      return { kind: 'insert', table, values };
    }
    if (this.acceptKeyword('update')) {
      const table = this.tableName();
      const alias = this.alias();
      this.keyword('set');
      const set: { field: string; operand: Operand }[] = [];
      do {
        const field = this.field(alias);
        this.symbol('=');
        set.push({ field, operand: this.operand() });
      } while (this.acceptSymbol(','));
      return { kind: 'update', table, set, where: this.where(alias) };
    }
    if (this.acceptKeyword('delete')) {
      this.keyword('from');
      const table = this.tableName();
      const alias = this.alias();
      return { kind: 'delete', table, where: this.where(alias) };
    }
    return this.fail('CREATE, SELECT, INSERT, UPDATE or DELETE');
  }

  #parameter(): Operand {
    const operand = this.operand();
    if (operand.kind !== 'parameter') this.fail('"?" (documents are inserted as parameters)');
    return operand;
  }

  /** A projection may name the alias before it is declared; resolved once FROM is read. */
  #rawPath(): string {
    const first = this.identifier('a field name');
    return this.acceptSymbol('.') ? `${first}.${this.identifier('a field name')}` : first;
  }

  #unalias(path: string, alias: string | undefined): string {
    const dot = path.indexOf('.');
    if (dot < 0) return path;
    if (path.slice(0, dot) !== alias) this.fail(`a field of the alias ${alias ?? '(none)'}`);
    return path.slice(dot + 1);
  }
}

/**
 * Parses one statement of the subset.
 *
 * @example
 * parseStatement('SELECT * FROM Wallets WHERE accountId IN (?, ?)');
 * // { kind: 'select', table: 'Wallets', fields: '*', where: [{ kind: 'in', field: 'accountId', ... }] }
 */
export function parseStatement(source: string): Statement {
  const parser = new Parser(source);
  const statement = parser.statement();
  parser.end();
  return statement;
}

/** How many `?` parameters a statement takes. */
export function parameterCount(statement: Statement): number {
  const operands: Operand[] = [];
  if (statement.kind === 'insert') operands.push(...statement.values);
  if (statement.kind === 'update') operands.push(...statement.set.map((s) => s.operand));
  if ('where' in statement) {
    for (const predicate of statement.where) {
      if (predicate.kind === 'in') operands.push(...predicate.operands);
      else operands.push(predicate.operand);
    }
  }
  return operands.filter((o) => o.kind === 'parameter').length;
}
