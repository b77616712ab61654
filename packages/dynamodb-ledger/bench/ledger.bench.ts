/**
 * `pnpm bench`: addFunds through WalletService on the DynamoDB ledger, next to a baseline of the
 * same writes as raw TransactWriteItems, on DynamoDB Local, in one run. See
 * docs/dynamodb-ledger.md, "Benchmarks", for what each row measures.
 */
import { cpus } from 'node:os';
import { performance } from 'node:perf_hooks';
import {
  BatchWriteItemCommand,
  DynamoDBClient,
  GetItemCommand,
  type GetItemCommandOutput,
  TransactWriteItemsCommand,
} from '@aws-sdk/client-dynamodb';
import { createWalletService, isWalletError, type WalletService } from '@wallet/core';
import { ledgerRetryPolicy, retryTransaction } from '@wallet/core/adapter';
import { startDynamoDbLocal } from '@wallet/testing';
import { RETRY_DEFAULTS } from '../src/dynamodb-ledger.js';
import { createDynamoDbLedger, createLedgerTable } from '../src/index.js';
import { journalEntryToItem } from '../src/item-codec.js';
import { walletKey } from '../src/table-keys.js';

const CLIENTS = 16;
const WALLETS = 1000;
const RUN_MS = 4000;
const WARMUP_MS = 1500;
const LEDGER_TABLE = 'bench-ledger';
const BASELINE_TABLE = 'bench-baseline';
const HOT = 'hot';
const policy = ledgerRetryPolicy({}, RETRY_DEFAULTS);
/**
 * The coalesced batch the rows in docs/dynamodb-ledger.md were measured with (the ledger's
 * limit was 20 operations then; `coalesce: true` now packs up to 100 items' worth).
 */
const COALESCE_BATCH = 20;

interface Run {
  ops: number;
  errors: Map<string, number>;
  latencies: number[];
  seconds: number;
}

/** Runs `operation` from CLIENTS concurrent loops for `ms`, timing each call. */
async function measure(ms: number, operation: () => Promise<unknown>): Promise<Run> {
  const run: Run = { ops: 0, errors: new Map(), latencies: [], seconds: ms / 1000 };
  const deadline = performance.now() + ms;
  const loop = async () => {
    while (performance.now() < deadline) {
      const start = performance.now();
      try {
        await operation();
        run.ops++;
        run.latencies.push(performance.now() - start);
      } catch (error) {
        const code = isWalletError(error) ? error.code : String((error as Error).name);
        run.errors.set(code, (run.errors.get(code) ?? 0) + 1);
      }
    }
  };
  await Promise.all(Array.from({ length: CLIENTS }, loop));
  return run;
}

const randomWallet = () => `w${Math.floor(Math.random() * WALLETS)}`;

/** The baseline: read the wallet, then update it under a version condition and put one entry. */
function rawCredit(client: DynamoDBClient): (accountId: string) => Promise<void> {
  // The same conflict handling as the ledger's, so the hot-wallet rows compare like with like.
  const conflicts = {
    policy,
    classify: (error: unknown) =>
      (error as Error).name === 'TransactionCanceledException'
        ? ('conflict' as const)
        : ('fatal' as const),
    giveUp: (_kind: unknown, error: unknown) => error,
  };
  return (accountId) =>
    retryTransaction(async () => {
      const { Item } = (await client.send(
        new GetItemCommand({
          TableName: BASELINE_TABLE,
          Key: walletKey(accountId),
          ConsistentRead: true,
        }),
      )) as GetItemCommandOutput;
      const version = Item!.version!.N!;
      const sequence = Number(Item!.sequence!.N!) + 1;
      const before = BigInt(Item!.balance!.S!);
      const after = String(before + 1n);
      await client.send(
        new TransactWriteItemsCommand({
          TransactItems: [
            {
              Update: {
                TableName: BASELINE_TABLE,
                Key: walletKey(accountId),
                UpdateExpression: 'SET balance = :after, version = version + :one, #seq = :seq',
                ConditionExpression: 'version = :read',
                ExpressionAttributeNames: { '#seq': 'sequence' },
                ExpressionAttributeValues: {
                  ':after': { S: after },
                  ':one': { N: '1' },
                  ':seq': { N: String(sequence) },
                  ':read': { N: version },
                },
              },
            },
            {
              Put: {
                TableName: BASELINE_TABLE,
                Item: journalEntryToItem({
                  transactionId: crypto.randomUUID(),
                  accountId,
                  sequence,
                  type: 'CREDIT',
                  currency: 'GEMS',
                  amount: '1',
                  balanceBefore: String(before),
                  balanceAfter: after,
                  txTime: new Date().toISOString(),
                  idempotencyKey: null,
                  counterparty: null,
                  metadata: null,
                  prevHash: '0'.repeat(64),
                  hash: '0'.repeat(64),
                }),
                ConditionExpression: 'attribute_not_exists(pk)',
              },
            },
          ],
        }),
      );
    }, conflicts);
}

async function seedBaseline(client: DynamoDBClient): Promise<void> {
  const accounts = [...Array.from({ length: WALLETS }, (_, i) => `w${i}`), HOT];
  for (let i = 0; i < accounts.length; i += 25) {
    await client.send(
      new BatchWriteItemCommand({
        RequestItems: {
          [BASELINE_TABLE]: accounts.slice(i, i + 25).map((accountId) => ({
            PutRequest: {
              Item: {
                ...walletKey(accountId),
                balance: { S: '0' },
                version: { N: '0' },
                sequence: { N: '0' },
              },
            },
          })),
        },
      }),
    );
  }
}

async function seedLedger(service: WalletService): Promise<void> {
  const accounts = [...Array.from({ length: WALLETS }, (_, i) => `w${i}`), HOT];
  let next = 0;
  const loop = async () => {
    while (next < accounts.length) await service.createWallet({ accountId: accounts[next++]! });
  };
  await Promise.all(Array.from({ length: CLIENTS }, loop));
}

function percentile(sorted: number[], p: number): number {
  return sorted.length === 0
    ? Number.NaN
    : sorted[Math.min(sorted.length - 1, Math.floor(p * sorted.length))]!;
}

async function main(): Promise<void> {
  const started = performance.now();
  const dynamo = await startDynamoDbLocal();
  const client = new DynamoDBClient(dynamo.clientConfig);
  try {
    await createLedgerTable(client, LEDGER_TABLE);
    await createLedgerTable(client, BASELINE_TABLE);
    const ledger = createDynamoDbLedger({ client, tableName: LEDGER_TABLE });
    const currencies = [{ code: 'GEMS', scale: 0 }];
    const plain = createWalletService({ ledger, currencies });
    const coalesced = createWalletService({
      ledger,
      currencies,
      coalesce: { maxBatch: COALESCE_BATCH },
    });
    await seedBaseline(client);
    await seedLedger(plain);
    const raw = rawCredit(client);
    const credit = (service: WalletService) => (accountId: string) =>
      service.addFunds({ accountId, amount: '1' });

    // DynamoDB Local is a JVM: let the JIT settle before anything is measured.
    await measure(WARMUP_MS, () => raw(randomWallet()));
    await measure(WARMUP_MS, () => credit(plain)(randomWallet()));

    const rows: { workload: string; writer: string; run: Run; baseline?: Run }[] = [];
    for (const [workload, pick] of [
      [`random of ${WALLETS}`, randomWallet],
      ['one hot wallet', () => HOT],
    ] as const) {
      const baseline = await measure(RUN_MS, () => raw(pick()));
      rows.push({ workload, writer: 'raw TransactWriteItems', run: baseline });
      rows.push({
        workload,
        writer: 'ledger',
        run: await measure(RUN_MS, () => credit(plain)(pick())),
        baseline,
      });
      rows.push({
        workload,
        writer: `ledger, coalesce ${COALESCE_BATCH}`,
        run: await measure(RUN_MS, () => credit(coalesced)(pick())),
        baseline,
      });
    }

    console.log(
      `\nDynamoDB ledger vs raw TransactWriteItems on DynamoDB Local: ${CLIENTS} clients, ${RUN_MS / 1000} s each, ` +
        `${cpus().length} cores, ${new Date().toISOString().slice(0, 10)}\n`,
    );
    console.log('| workload | writer | ops/s | p50 ms | p99 ms | errors | ops/s vs baseline |');
    console.log('|---|---|---:|---:|---:|---|---:|');
    for (const { workload, writer, run, baseline } of rows) {
      const sorted = [...run.latencies].sort((a, b) => a - b);
      const rate = run.ops / run.seconds;
      const errors = [...run.errors].map(([code, n]) => `${code} ${n}`).join(', ') || '0';
      const ratio = baseline
        ? `${(rate / (baseline.ops / baseline.seconds)).toFixed(2)}×`
        : '1.00×';
      console.log(
        `| ${workload} | ${writer} | ${rate.toFixed(0)} | ${percentile(sorted, 0.5).toFixed(1)} | ${percentile(sorted, 0.99).toFixed(1)} | ${errors} | ${ratio} |`,
      );
    }
    console.log(`\ntotal ${((performance.now() - started) / 1000).toFixed(1)} s`);
  } finally {
    client.destroy();
    await dynamo.stop();
  }
}

await main();
