/**
 * Records per second of the stream transformer's hot path against JSON.parse of the same
 * documents as JSON, in one run on one machine. `pnpm bench` in this package.
 */
import { availableParallelism, cpus } from 'node:os';
import { createMemoryLedger, createWalletService, type JournalEntry } from '@wallet/core';
import { journalEntryFromRevision } from '../src/journal-revision.js';
import { encodeJournalRevision } from '../src/journal-revision-encoder.js';
import { createKinesisHandler } from '../src/kinesis-handler.js';
import { type KinesisRecordLike, userRecordBytes } from '../src/kinesis-records.js';
import { aggregateRecords } from '../src/kpl-aggregation.js';
import { decodeQldbRecord } from '../src/qldb-record.js';

const RECORDS = 20_000;
const WALLETS = 200;
const PER_AGGREGATE = 100;
const ROUNDS = 15;

async function journal(): Promise<JournalEntry[]> {
  const ledger = createMemoryLedger();
  const wallets = createWalletService({
    ledger,
    currencies: [
      { code: 'GOLD', scale: 2 },
      { code: 'GEMS', scale: 0 },
    ],
  });
  const ids = Array.from({ length: WALLETS }, (_, i) => `player-${i}`);
  for (const accountId of ids)
    await wallets.createWallet({ accountId, metadata: { tier: 'gold' } });
  // Every wallet's journal opens with... nothing: createWallet writes no entry, so each
  // addFunds below is exactly one journal entry.
  for (let i = 0; i < RECORDS; i++) {
    const accountId = ids[i % WALLETS]!;
    await wallets.addFunds({
      accountId,
      amount: `${(i % 900) + 1}.${String(i % 100).padStart(2, '0')}`,
      currency: 'GOLD',
      idempotencyKey: `bench-${i}`,
      metadata: { source: 'shop', order: i },
    });
  }
  const entries: JournalEntry[] = [];
  for (const accountId of ids) {
    entries.push(...(await ledger.queryEntries({ accountId, order: 'asc', limit: 1001 })));
  }
  return entries;
}

const entries = await journal();
const revisions = entries.map((entry) =>
  encodeJournalRevision(entry, { ledgerName: 'bench', tableId: 'AYj94Ipn0re4Fr2PDgadpl' }),
);
const events: KinesisRecordLike[] = [];
for (let i = 0; i < revisions.length; i += PER_AGGREGATE) {
  const blob = aggregateRecords(
    revisions.slice(i, i + PER_AGGREGATE).map((data, j) => ({
      partitionKey: entries[i + j]!.accountId,
      data,
    })),
  );
  events.push({
    kinesis: {
      data: Buffer.from(blob).toString('base64'),
      partitionKey: entries[i]!.accountId,
      sequenceNumber: String(i),
    },
  });
}
const documents = revisions.map((bytes) => JSON.stringify(decodeQldbRecord(bytes)));

function transform(): number {
  let n = 0;
  for (const record of events) {
    for (const user of userRecordBytes(record)) {
      const decoded = decodeQldbRecord(user.data);
      if (decoded.recordType === 'REVISION_DETAILS')
        n += journalEntryFromRevision(decoded).sequence;
    }
  }
  return n;
}
function jsonParse(): number {
  let n = 0;
  for (const document of documents) n += JSON.parse(document).payload.revision.data.sequence;
  return n;
}
let written = 0;
const handler = createKinesisHandler({
  history: {
    async putEntries(items) {
      written += items.length;
    },
    async queryEntries() {
      return [];
    },
  },
});
// Lambda caps an invocation's payload at 6 MB, so a batch holds at most ~70 of these aggregates.
const BATCH = 50;
async function handle(): Promise<number> {
  for (let i = 0; i < events.length; i += BATCH) {
    await handler({ Records: events.slice(i, i + BATCH) });
  }
  return written;
}

// Rounds interleave the paths, so a noisy neighbour slows all of them alike; best of each.
const best = { jsonParse: Infinity, transform: Infinity, handler: Infinity };
const sums = { jsonParse: 0, transform: 0 };
for (let round = 0; round < ROUNDS; round++) {
  for (const path of ['jsonParse', 'transform', 'handler'] as const) {
    const start = process.hrtime.bigint();
    if (path === 'handler') await handle();
    else sums[path] = path === 'jsonParse' ? jsonParse() : transform();
    best[path] = Math.min(best[path], Number(process.hrtime.bigint() - start) / 1e9);
  }
}
if (sums.transform !== sums.jsonParse || written !== RECORDS * ROUNDS) {
  throw new Error('the paths did not see the same records');
}

const rate = (seconds: number) => Math.round(RECORDS / seconds);
const rows = [
  ['JSON.parse of the same documents as JSON', best.jsonParse],
  ['deaggregate + Ion parse + map (hash verified)', best.transform],
  [`createKinesisHandler (no-op history), ${BATCH} aggregates per batch`, best.handler],
] as const;
const ionBytes = revisions.reduce((sum, bytes) => sum + bytes.length, 0) / RECORDS;
const jsonBytes = documents.reduce((sum, text) => sum + text.length, 0) / RECORDS;
console.log(
  `${RECORDS} REVISION_DETAILS records (${Math.round(ionBytes)} B Ion, ${Math.round(jsonBytes)} B JSON each), ${events.length} KPL aggregates; best of ${ROUNDS}`,
);
console.log(
  `${cpus()[0]?.model ?? 'cpu'} x${availableParallelism()}, Node ${process.version}, ${new Date().toISOString().slice(0, 10)}`,
);
console.log('');
console.log('| path | records/s | time vs JSON.parse |');
console.log('|---|---:|---:|');
for (const [name, seconds] of rows) {
  console.log(
    `| ${name} | ${rate(seconds).toLocaleString('en-US')} | ${(seconds / best.jsonParse).toFixed(2)}x |`,
  );
}
