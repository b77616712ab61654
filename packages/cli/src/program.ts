import { exportJournalToParquet, listAccountIds, readJournals } from '@wallet/analytics';
import {
  type CurrencyConfig,
  createWalletService,
  type Digest,
  DigestIntegrityError,
  type DigestProof,
  isWalletError,
  type LedgerStore,
  type Metadata,
  type WalletService,
} from '@wallet/core';
import { Command, CommanderError, InvalidArgumentError } from 'commander';
import {
  type ConnectionOptions,
  connect,
  type DynamoDbConnection,
  type PostgresConnection,
} from './connection.js';
import { DEFAULT_CURRENCIES, parseCurrencies } from './currencies.js';
import { DigestFile, readAnchorFile } from './digest-file.js';
import { parseHotWallets } from './hot-wallets.js';
import { Activity, count, Progress, type ProgressStream } from './progress.js';
import { table } from './table.js';
import { counted, oneLine, terminalSafe } from './text.js';
import { UsageError } from './usage-error.js';
import { verifyAllWallets } from './verify-all.js';

/**
 * What the command reads and writes: its output streams and environment, passed in so that
 * one run is a function call.
 */
export interface WalletIo {
  stdout: { write(text: string): unknown };
  /** Errors and progress; a terminal here gets a progress bar instead of lines. */
  stderr: ProgressStream;
  env: NodeJS.ProcessEnv;
}

/** The options every command takes. */
interface GlobalOptions extends ConnectionOptions {
  currencies?: string;
  hotWallets?: string;
  json?: boolean;
}

/** What one command's action does, given its arguments; resolves to its exit status. */
type Run = (globals: GlobalOptions, ...args: never[]) => Promise<number>;

/**
 * Runs the `wallet` command with `argv` (the arguments after the command's name) and resolves
 * to its exit status: 0 when everything asked for succeeded, 1 when an operation was refused or
 * a check failed, 2 for a command line it cannot act on. Errors are one line on standard error,
 * `wallet: <CODE>: <message>`, never a stack trace.
 *
 * @example
 * process.exitCode = await runWallet(['balance', 'player-1', '--data-dir', '.wallet-data'], {
 *   stdout: process.stdout, stderr: process.stderr, env: process.env,
 * });
 */
export async function runWallet(argv: readonly string[], given: WalletIo): Promise<number> {
  let status = 0;
  // Every line the command writes passes here, whatever wrote it (see terminalSafe).
  const io: WalletIo = {
    stdout: { write: (text) => given.stdout.write(terminalSafe(text)) },
    stderr: { write: (text) => given.stderr.write(terminalSafe(text)), isTTY: given.stderr.isTTY },
    env: given.env,
  };
  const program = walletProgram(io, (code) => {
    status = code;
  });
  try {
    await program.parseAsync([...argv], { from: 'user' });
    return status;
  } catch (error) {
    return reportError(error, io);
  }
}

function walletProgram(io: WalletIo, exit: (code: number) => void): Command {
  const program = new Command('wallet')
    .description(
      'Operate a wallet ledger on PostgreSQL (--database-url or DATABASE_URL), PGlite (--data-dir) ' +
        'or DynamoDB (--dynamodb-table).',
    )
    .option('--database-url <url>', 'PostgreSQL connection string (default: DATABASE_URL)')
    .option('--data-dir <dir>', 'a PGlite data directory instead of PostgreSQL')
    .option('--schema <name>', "the ledger's schema (PostgreSQL and PGlite)", 'wallet')
    .option(
      '--dynamodb-table <name>',
      'a DynamoDB ledger table instead (region, credentials and endpoint from the AWS SDK: ' +
        'AWS_REGION, AWS_PROFILE, AWS_ENDPOINT_URL_DYNAMODB, ...)',
    )
    .option(
      '--currencies <list>',
      `currencies as CODE:SCALE,... (default: WALLET_CURRENCIES, else ${DEFAULT_CURRENCIES})`,
    )
    .option(
      '--hot-wallets <list>',
      'wallets declared hot as ACCOUNT:SUBACCOUNTS,..., as every service on the ledger declares ' +
        'them (default: WALLET_HOT_WALLETS)',
    )
    .option('--json', 'print machine-readable JSON')
    .configureOutput({
      writeOut: (text) => io.stdout.write(text),
      writeErr: (text) => io.stderr.write(text),
      outputError: (text, write) =>
        write(`wallet: USAGE_ERROR: ${oneLine(text.replace(/^error: /, ''))}\n`),
    })
    .addHelpText(
      'after',
      examples(
        'wallet migrate --data-dir .wallet-data',
        'DATABASE_URL=postgres://localhost/game wallet balance player-1',
        'AWS_REGION=eu-west-1 wallet balance player-1 --dynamodb-table wallet-ledger',
      ),
    )
    .exitOverride()
    .showSuggestionAfterError();

  /** Registers `run` as a command's action: its arguments, then the global options. */
  const act =
    (run: Run) =>
    async (...args: unknown[]): Promise<void> => {
      const command = args.at(-1) as Command;
      const globals = command.optsWithGlobals<GlobalOptions>();
      exit(await run(globals, ...(args.slice(0, -1) as never[])));
    };

  program
    .command('migrate')
    .description('create the ledger schema (or DynamoDB table), or upgrade it to this version')
    .addHelpText(
      'after',
      examples(
        'wallet migrate --data-dir .wallet-data',
        'wallet migrate --dynamodb-table wallet-ledger',
      ),
    )
    .action(act((globals) => migrate(globals, io)));

  program
    .command('create')
    .description('create a wallet with no balances')
    .argument('<accountId>', 'the new wallet')
    .option('--metadata <json>', 'a JSON object to keep with the wallet')
    .addHelpText('after', examples('wallet create player-1 --metadata \'{"region":"eu"}\''))
    .action(
      act((globals, accountId: string, options: { metadata?: string }) =>
        withService(globals, io, async (service) => {
          const wallet = await service.createWallet({
            accountId,
            metadata: options.metadata === undefined ? null : jsonObject(options.metadata),
          });
          print(io, globals, wallet, `created wallet ${wallet.accountId}`);
          return 0;
        }),
      ),
    );

  program
    .command('balance')
    .description("a wallet's balances and held funds")
    .argument('<accountId>')
    .addHelpText('after', examples('wallet balance player-1', 'wallet balance player-1 --json'))
    .action(
      act((globals, accountId: string) =>
        withService(globals, io, async (service) => {
          const wallet = await service.getFunds({ accountId });
          const rows = Object.entries(wallet.balances).map(([code, balance]) => [
            code,
            balance,
            wallet.held[code] ?? '0',
          ]);
          print(
            io,
            globals,
            wallet,
            `wallet ${wallet.accountId}, version ${wallet.version}, updated ${wallet.updatedAt}\n` +
              table(['CURRENCY', 'BALANCE', 'HELD'], rows, new Set([1, 2])),
          );
          return 0;
        }),
      ),
    );

  program
    .command('history')
    .description("a page of a wallet's journal, newest first")
    .argument('<accountId>')
    .option('--currency <code>', 'only entries in this currency')
    .option('--limit <n>', 'entries per page, 1..1000 (default 50)', integer)
    .option('--cursor <cursor>', 'the page after the one that printed this cursor')
    .option('--order <order>', 'desc (newest first, the default) or asc')
    .addHelpText(
      'after',
      examples('wallet history player-1 --limit 20', 'wallet history player-1 --currency GOLD'),
    )
    .action(
      act(
        (
          globals,
          accountId: string,
          options: { currency?: string; limit?: number; cursor?: string; order?: string },
        ) =>
          withService(globals, io, async (service) => {
            const page = await service.getTransactionHistory({ accountId, ...options } as never);
            // A hot wallet's history is its journal and its sub-accounts' (house#1, ...).
            const merged = page.items.some((entry) => entry.accountId !== accountId);
            const rows = page.items.map((entry) => [
              ...(merged ? [entry.accountId] : []),
              String(entry.sequence),
              entry.txTime,
              entry.type,
              entry.amount,
              entry.currency,
              entry.balanceAfter,
              entry.transactionId,
            ]);
            const more = page.nextCursor === null ? '' : `\nmore: --cursor ${page.nextCursor}`;
            print(
              io,
              globals,
              page,
              table(
                [
                  ...(merged ? ['JOURNAL'] : []),
                  'SEQ',
                  'TIME',
                  'TYPE',
                  'AMOUNT',
                  'CURRENCY',
                  'BALANCE',
                  'TRANSACTION',
                ],
                rows,
                new Set(merged ? [1, 4, 6] : [0, 3, 5]),
              ) + more,
            );
            return 0;
          }),
      ),
    );

  for (const [name, verb, preposition] of [
    ['credit', 'credited', 'to'],
    ['debit', 'debited', 'from'],
  ] as const) {
    program
      .command(name)
      .description(`${name} a wallet`)
      .argument('<accountId>')
      .argument('<amount>', 'a decimal, such as 10 or 2.50')
      .option('--currency <code>', 'default: the first configured currency')
      .option('--key <idempotencyKey>', 'the same key never applies twice')
      .option('--reason <text>', 'why, kept in the entry metadata as "reason"')
      .addHelpText(
        'after',
        examples(`wallet ${name} player-1 25 --currency GEMS --reason "support ticket 4711"`),
      )
      .action(
        act(
          (
            globals,
            accountId: string,
            amount: string,
            options: { currency?: string; key?: string; reason?: string },
          ) =>
            withService(globals, io, async (service) => {
              const input = {
                accountId,
                amount,
                ...(options.currency === undefined ? {} : { currency: options.currency }),
                ...(options.key === undefined ? {} : { idempotencyKey: options.key }),
                metadata: options.reason === undefined ? null : { reason: options.reason },
              };
              const result =
                name === 'credit'
                  ? await service.addFunds(input)
                  : await service.withdrawFunds(input);
              print(
                io,
                globals,
                result,
                `${verb} ${result.amount} ${result.currency} ${preposition} ${result.accountId}: ` +
                  `${result.previousBalance} -> ${result.currentBalance}, transaction ${result.transactionId}` +
                  (result.replayed ? ' (replayed: this key was used before)' : ''),
              );
              return 0;
            }),
        ),
      );
  }

  program
    .command('reverse')
    .description('reverse a transaction, in full or (one wallet, or a transfer) in part')
    .argument('<transactionId>')
    .option('--amount <amount>', 'reverse only this much')
    .option('--reason <text>', 'why, kept with the reversal')
    .option('--key <idempotencyKey>', 'the same key never applies twice')
    .addHelpText(
      'after',
      examples('wallet reverse 019a1f0c-6b2e-7c3d-9f4a-1b2c3d4e5f60 --reason "refund 4711"'),
    )
    .action(
      act(
        (
          globals,
          transactionId: string,
          options: { amount?: string; reason?: string; key?: string },
        ) =>
          withService(globals, io, async (service) => {
            const result = await service.reverseTransaction({
              transactionId,
              ...(options.amount === undefined ? {} : { amount: options.amount }),
              ...(options.reason === undefined ? {} : { reason: options.reason }),
              ...(options.key === undefined ? {} : { idempotencyKey: options.key }),
            });
            const rows = result.legs.map((leg) => [
              leg.accountId,
              leg.currency,
              leg.amount,
              leg.previousBalance,
              leg.currentBalance,
            ]);
            print(
              io,
              globals,
              result,
              `reversed ${result.reverses} with transaction ${result.transactionId}` +
                `${result.replayed ? ' (replayed: this key was used before)' : ''}\n` +
                table(
                  ['ACCOUNT', 'CURRENCY', 'AMOUNT', 'BEFORE', 'AFTER'],
                  rows,
                  new Set([2, 3, 4]),
                ),
            );
            return 0;
          }),
      ),
    );

  program
    .command('list')
    .description('wallets in account id order, with their balances')
    .option('--prefix <prefix>', 'only account ids starting with this')
    .option('--limit <n>', 'at most this many wallets (default: all)', integer)
    .addHelpText('after', examples('wallet list --prefix eu- --limit 100'))
    .action(
      act((globals, options: { prefix?: string; limit?: number }) =>
        withService(globals, io, async (service) => {
          await listWallets(service, globals, io, options);
          return 0;
        }),
      ),
    );

  program
    .command('verify')
    .description("check a wallet's hash chain and balances, or every wallet's with --all")
    .argument('[accountId]')
    .option('--all', 'every wallet, with progress and a summary')
    .option('--prefix <prefix>', 'with --all: only account ids starting with this')
    .option(
      '--digest <file>',
      'also check against a digest kept outside the ledger (with one wallet: or its proof)',
    )
    .addHelpText(
      'after',
      examples(
        'wallet verify player-1',
        'wallet verify --all --prefix eu-',
        'wallet verify player-1 --digest ./digest-01a24b32-4a20-74c5-ba1a-cc386d1ff6b1.json',
        'wallet verify --all --digest ./digest-01a24b32-4a20-74c5-ba1a-cc386d1ff6b1.json',
      ),
    )
    .action(
      act(
        async (
          globals,
          accountId: string | undefined,
          options: { all?: boolean; prefix?: string; digest?: string },
        ) => {
          if ((accountId === undefined) === (options.all !== true)) {
            throw new UsageError('name one wallet or give --all');
          }
          // The file is read before the ledger is opened: a wrong one is a usage error at once.
          const anchor =
            options.digest === undefined ? undefined : await readAnchorFile(options.digest);
          if (accountId !== undefined) return verifyOne(globals, io, accountId, anchor);
          if (anchor !== undefined && 'leaf' in anchor) {
            throw new UsageError(
              `--digest ${options.digest} holds a proof for wallet ${anchor.leaf.accountId}; ` +
                `--all needs a digest (wallet verify ${anchor.leaf.accountId} --digest takes the proof)`,
            );
          }
          return verifyAll(globals, io, {
            ...(options.prefix === undefined ? {} : { prefix: options.prefix }),
            ...(anchor === undefined ? {} : { digest: anchor }),
          });
        },
      ),
    );

  const digest = program
    .command('digest')
    .description("every wallet's head in one Merkle root, to keep outside the ledger")
    .addHelpText(
      'after',
      examples(
        'wallet digest create',
        'wallet digest list',
        'wallet verify --all --digest ./digest-01a24b32-4a20-74c5-ba1a-cc386d1ff6b1.json',
      ),
    );

  digest
    .command('create')
    .description("store a digest of every wallet's head in the ledger, print it and save it")
    .option(
      '--out <file>',
      'where to save it (default: ./digest-<digestId>.json; never overwritten)',
    )
    .addHelpText(
      'after',
      examples('wallet digest create', 'wallet digest create --out /mnt/audit/digest-today.json'),
    )
    .action(act((globals, options: { out?: string }) => createDigest(globals, io, options.out)));

  digest
    .command('list')
    .description('the digests the ledger stores, newest first')
    .option('--limit <n>', 'digests per page, 1..1000 (default 50)', integer)
    .option('--cursor <cursor>', 'the page after the one that printed this cursor')
    .addHelpText('after', examples('wallet digest list --limit 10', 'wallet digest list --json'))
    .action(
      act((globals, options: { limit?: number; cursor?: string }) =>
        withService(globals, io, async (service) => {
          const page = await service.listDigests(options);
          const rows = page.items.map((item) => [
            item.digestId,
            item.createdAt,
            count(item.wallets),
            `${item.root.slice(0, 16)}…`,
          ]);
          const more = page.nextCursor === null ? '' : `\nmore: --cursor ${page.nextCursor}`;
          print(
            io,
            globals,
            page,
            table(['DIGEST', 'CREATED', 'WALLETS', 'ROOT'], rows, new Set([2])) + more,
          );
          if (page.items.length === 0 && options.cursor === undefined) {
            io.stderr.write('no digests yet: wallet digest create makes one\n');
          }
          return 0;
        }),
      ),
    );

  program
    .command('export')
    .description('write every journal entry to Parquet files under <dir>/dt=YYYY-MM-DD/')
    .requiredOption('--out <dir>', 'the table root (created when missing)')
    .option('--prefix <prefix>', 'only wallets whose account id starts with this')
    .option('--run-id <id>', 'names the files, so exports into one table never collide')
    .addHelpText('after', examples('wallet export --out ./journal --data-dir .wallet-data'))
    .action(
      act((globals, options: { out: string; prefix?: string; runId?: string }) =>
        withService(globals, io, async (_service, ledger) => {
          const result = await exportJournalToParquet({
            entries: readJournals(ledger, listAccountIds(ledger, options.prefix)),
            outDir: options.out,
            ...(options.runId === undefined ? {} : { runId: options.runId }),
            onProgress: ({ rows, files }) =>
              io.stderr.write(`read ${count(rows)} entries, wrote ${count(files)} files\n`),
          });
          const rows = result.files.map((file) => [file.path, count(file.rows)]);
          print(
            io,
            globals,
            result,
            `${table(['FILE', 'ENTRIES'], rows, new Set([1]))}\n` +
              `exported ${count(result.rows)} entries in ${count(result.files.length)} files`,
          );
          return 0;
        }),
      ),
    );

  program
    .command('import-qldb-export')
    .description(
      "import a QLDB journal export of the original sample's Wallet table, then reconcile every wallet",
    )
    .argument('<location>', 'the export: a directory, or s3://bucket/prefix')
    .option('--currency <code>', "the sample's balances' currency (default: the first configured)")
    .option('--table <name>', "the sample's QLDB table", 'Wallet')
    .option(
      '--account-map <file>',
      'a JSON object of original account ids (non-strings as JSON: 123, [1,2]) to wallet ids',
    )
    .option('--dry-run', 'import into memory and report what would be imported; write nothing')
    .option('--report <file>', 'also write the whole report as JSON to this file')
    .addHelpText(
      'after',
      examples(
        'wallet import-qldb-export ./qldb-export --currency GOLD --data-dir .wallet-data',
        'wallet import-qldb-export s3://exports/journalExport/ --dry-run --report report.json',
      ),
    )
    .action(
      act(
        async (
          globals,
          location: string,
          options: {
            currency?: string;
            table: string;
            accountMap?: string;
            dryRun?: boolean;
            report?: string;
          },
        ) => {
          // Loaded here only: the export reader and Ion are this command's alone.
          const { runImportCommand } = await import('./import-qldb-export.js');
          return runImportCommand(
            {
              location,
              currencies: currencies(globals, io),
              ...options,
              dryRun: options.dryRun === true,
              json: globals.json === true,
              connection: globals,
            },
            io,
          );
        },
      ),
    );

  return program;
}

async function migrate(globals: GlobalOptions, io: WalletIo): Promise<number> {
  const connection = await connect(globals, io.env, { create: true });
  try {
    return connection.kind === 'postgres'
      ? await migrateSchema(connection, globals, io)
      : await migrateTable(connection, globals, io);
  } finally {
    await connection.close();
  }
}

async function migrateSchema(
  { ledger }: PostgresConnection,
  globals: GlobalOptions,
  io: WalletIo,
): Promise<number> {
  let total = 0;
  let applied = 0;
  await ledger.migrate({
    onProgress: (step) => {
      total = step.total;
      if (step.applied) applied++;
      io.stderr.write(
        `migration ${step.done}/${step.total} ${step.name}: ${step.applied ? 'applied' : 'already applied'}\n`,
      );
    },
  });
  print(
    io,
    globals,
    { schema: ledger.schema, migrations: total, applied },
    `schema ${ledger.schema} is up to date: ${total} migrations, ${applied} applied now`,
  );
  return 0;
}

/**
 * DynamoDB's migration: the table created when missing (with every index), then brought up to
 * date when an earlier release created it (missing indexes, wallets not yet listed).
 */
async function migrateTable(
  { client, tableName }: DynamoDbConnection,
  globals: GlobalOptions,
  io: WalletIo,
): Promise<number> {
  // Loaded already by connect, which opened the table's ledger.
  const { createLedgerTable, updateLedgerTable } = await import('@wallet/dynamodb-ledger');
  const activity = new Activity(io.stderr, `table ${tableName}: creating it if missing`);
  try {
    await createLedgerTable(client, tableName);
  } catch (error) {
    activity.fail();
    throw error;
  }
  activity.done(`table ${tableName} is active`);
  const update = await updateLedgerTable(client, tableName, {
    onProgress: (message) => io.stderr.write(`${message}\n`),
  });
  print(
    io,
    globals,
    { table: tableName, ...update },
    `table ${tableName} is up to date: ${counted(update.indexesCreated.length, 'index', 'indexes')} created, ` +
      `${counted(update.walletsBackfilled, 'wallet')} backfilled now`,
  );
  return 0;
}

async function listWallets(
  service: WalletService,
  globals: GlobalOptions,
  io: WalletIo,
  options: { prefix?: string; limit?: number },
): Promise<void> {
  const most = options.limit ?? Number.POSITIVE_INFINITY;
  if (!(most >= 1)) throw new UsageError('--limit must be at least 1');
  // Streamed a page at a time, JSON as one array, so any number of wallets fits in memory.
  if (globals.json) io.stdout.write('[');
  let listed = 0;
  let cursor: string | undefined;
  do {
    const page = await service.listWallets({
      ...(options.prefix === undefined ? {} : { prefix: options.prefix }),
      limit: Math.min(1000, most - listed),
      ...(cursor === undefined ? {} : { cursor }),
    });
    for (const wallet of page.items) {
      if (globals.json) io.stdout.write(`${listed === 0 ? '' : ','}\n${JSON.stringify(wallet)}`);
      else {
        const balances = Object.entries(wallet.balances)
          .map(([code, balance]) => `${code} ${balance}`)
          .join('  ');
        io.stdout.write(`${wallet.accountId}  ${balances}\n`);
      }
      listed++;
    }
    cursor = page.nextCursor ?? undefined;
  } while (cursor !== undefined && listed < most);
  if (globals.json) io.stdout.write(listed === 0 ? ']\n' : '\n]\n');
  else io.stderr.write(`${count(listed)} wallets\n`);
}

async function createDigest(
  globals: GlobalOptions,
  io: WalletIo,
  out: string | undefined,
): Promise<number> {
  // A path given is claimed first, so a taken one stops the command before a digest is stored.
  let file = out === undefined ? undefined : await DigestFile.create(out);
  try {
    return await withService(globals, io, async (service) => {
      const activity = new Activity(io.stderr, "creating a digest: reading every wallet's head");
      let digest: Digest;
      try {
        digest = await service.createDigest();
      } catch (error) {
        activity.fail();
        throw error;
      }
      activity.done(`read ${counted(digest.wallets, 'wallet head')}`);
      const path = `./digest-${digest.digestId}.json`;
      try {
        file ??= await DigestFile.create(path);
      } catch (error) {
        // Stored, but not saved: print it, so it can be kept all the same.
        print(io, globals, digest, describeDigest(digest));
        throw new UsageError(
          `${error instanceof Error ? error.message : String(error)}; digest ${digest.digestId} ` +
            'is stored in the ledger (wallet digest list --json prints it)',
        );
      }
      await file.write(digest);
      const saved = file;
      file = undefined;
      print(io, globals, digest, describeDigest(digest, saved.path));
      if (globals.json) io.stderr.write(`saved to ${saved.path}\n`);
      return 0;
    });
  } finally {
    // Claimed but not written (the digest was not made, or the write failed): no empty file stays.
    await file?.discard();
  }
}

/** A digest as labelled lines, and where it was saved. */
function describeDigest(digest: Digest, savedTo?: string): string {
  return table(
    ['digest', digest.digestId],
    [
      ['created', digest.createdAt],
      ['wallets', count(digest.wallets)],
      ['root', digest.root],
      ['algorithm', digest.algorithm],
      ...(savedTo === undefined ? [] : [['saved to', savedTo]]),
    ],
  );
}

async function verifyOne(
  globals: GlobalOptions,
  io: WalletIo,
  accountId: string,
  anchor: Digest | DigestProof | undefined,
) {
  return withService(globals, io, async (service) => {
    const report = await service.verifyWallet({
      accountId,
      ...(anchor === undefined ? {} : { digest: anchor }),
    });
    let against = '';
    if (report.digest !== undefined) {
      const { digestId, sequence } = report.digest;
      against =
        sequence === null
          ? `; not in the digest ${digestId}: created after it, checked by its chain alone`
          : `; matches digest ${digestId} at sequence ${sequence}`;
    }
    const text = report.ok
      ? `${accountId}: ok, ${count(report.entries)} entries, head ${report.headHash}${against}`
      : [`${accountId}: FAILED`, ...report.problems.map((problem) => `  - ${problem}`)].join('\n');
    print(io, globals, { accountId, ...report }, text);
    return report.ok ? 0 : 1;
  });
}

async function verifyAll(
  globals: GlobalOptions,
  io: WalletIo,
  options: { prefix?: string; digest?: Digest },
): Promise<number> {
  return withService(globals, io, async (service, ledger) => {
    const started = performance.now();
    let progress: Progress | undefined;
    const result = await verifyAllWallets(ledger, service.currencies, {
      ...options,
      onProgress: ({ checked, total }) => {
        progress ??= new Progress(io.stderr, 'verified', 'wallets', total);
        progress.update(checked);
      },
    });
    progress?.done();
    const seconds = (performance.now() - started) / 1000;
    const rate = Math.round(result.wallets / Math.max(seconds, 0.001));
    const summary = table(
      ['wallets', count(result.wallets)],
      [
        ['ok', count(result.ok)],
        ['failed', count(result.failed)],
        ['entries', count(result.entries)],
        ['seconds', seconds.toFixed(1)],
        ['wallets/s', count(rate)],
      ],
      new Set([1]),
    );
    const failures = result.failures.flatMap((failure) => [
      `FAILED ${failure.accountId}`,
      ...failure.problems.map((problem) => `  - ${problem}`),
    ]);
    const unlisted = result.failed - result.failures.length;
    if (unlisted > 0) failures.push(`... and ${count(unlisted)} more failed wallets`);
    const against =
      result.digest === undefined
        ? []
        : [
            `digest ${result.digest.digestId}: ` +
              `${counted(result.digest.inDigest, 'wallet')} checked against it, ` +
              `${count(result.digest.createdAfter)} created after it`,
          ];
    // The ledger's copy of the digest failed its own check: that is the finding, before any wallet.
    const copy = result.digest?.problems ?? [];
    const copyFailure =
      copy.length === 0
        ? []
        : [
            `FAILED digest ${result.digest?.digestId} (wallet verify --all without --digest checks the chains alone)`,
            ...copy.map((problem) => `  - ${problem}`),
          ];
    const lines =
      result.wallets === 0 && copy.length > 0
        ? copyFailure
        : [summary, ...against, ...failures, ...copyFailure];
    print(io, globals, { ...result, seconds: Number(seconds.toFixed(3)) }, lines.join('\n'));
    return result.failed === 0 && copy.length === 0 ? 0 : 1;
  });
}

/** Opens the ledger, runs `use` with a service over it, and closes the ledger either way. */
async function withService(
  globals: GlobalOptions,
  io: WalletIo,
  use: (service: WalletService, ledger: LedgerStore) => Promise<number>,
): Promise<number> {
  const configs = currencies(globals, io);
  const hotWallets = parseHotWallets(globals.hotWallets ?? io.env.WALLET_HOT_WALLETS ?? '');
  const { ledger, close } = await connect(globals, io.env);
  try {
    return await use(createWalletService({ ledger, currencies: configs, hotWallets }), ledger);
  } finally {
    await close();
  }
}

/** The currencies `--currencies` or `WALLET_CURRENCIES` give, else the local server's. */
function currencies(globals: GlobalOptions, io: WalletIo): CurrencyConfig[] {
  return parseCurrencies(globals.currencies ?? io.env.WALLET_CURRENCIES ?? DEFAULT_CURRENCIES);
}

/** Prints `value` as JSON with `--json`, else `text`. */
function print(io: WalletIo, globals: GlobalOptions, value: unknown, text: string): void {
  io.stdout.write(`${globals.json ? JSON.stringify(value, null, 2) : text}\n`);
}

/** The exit status of an error, written as one line. */
function reportError(error: unknown, io: WalletIo): number {
  // Commander wrote its own message (or the help) already.
  if (error instanceof CommanderError) return error.exitCode === 0 ? 0 : 2;
  if (error instanceof UsageError) {
    io.stderr.write(`wallet: ${error.code}: ${oneLine(error.message)}\n`);
    return 2;
  }
  const code = isWalletError(error)
    ? error.code
    : error instanceof DigestIntegrityError
      ? 'DIGEST_INTEGRITY'
      : 'ERROR';
  let message = error instanceof Error ? error.message : String(error);
  // The store's own words (a refused connection, a missing database) are what an operator needs.
  const cause = error instanceof Error ? error.cause : undefined;
  if (isWalletError(error) && cause instanceof Error && cause.message !== '') {
    message += ` (${cause.message})`;
    // DynamoDB's words for a missing table do not say what to do about it.
    if (cause.name === 'ResourceNotFoundException') {
      message += '; wallet migrate --dynamodb-table creates the table';
    }
  }
  io.stderr.write(`wallet: ${code}: ${oneLine(message)}\n`);
  return 1;
}

function integer(text: string): number {
  if (!/^\d{1,9}$/.test(text)) throw new InvalidArgumentError('not a whole number.');
  return Number(text);
}

function jsonObject(text: string): Metadata {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    throw new UsageError('--metadata must be a JSON object');
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw new UsageError('--metadata must be a JSON object');
  }
  return value as Metadata;
}

function examples(...lines: string[]): string {
  return `\nExample${lines.length > 1 ? 's' : ''}:\n${lines.map((line) => `  $ ${line}`).join('\n')}`;
}
