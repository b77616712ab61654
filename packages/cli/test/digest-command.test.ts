import { mkdtemp, readdir, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Digest } from '@wallet/core';
import { rewriteAmount } from '@wallet/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runWallet } from './support/run-wallet.js';
import { expectOneLineError, TARGETS, type Target } from './support/targets.js';

/**
 * Changes the amount of one GEMS entry (scale 0) of a wallet, recomputes every balance and hash
 * after it and stores the wallet's new head, all in SQL: the rewrite whoever runs the database
 * could make, which the chain alone cannot tell.
 */
async function rewriteInSql(
  target: Target,
  accountId: string,
  sequence: number,
  amount: string,
): Promise<void> {
  const { items } = await target.withService((service) =>
    service.getTransactionHistory({ accountId, order: 'asc', limit: 1000 }),
  );
  const rewritten = rewriteAmount(items, sequence, amount);
  const statements = rewritten.map(
    (entry) =>
      `UPDATE $schema.journal_entries SET amount = ${entry.amount}, balance_before = ${entry.balanceBefore},
        balance_after = ${entry.balanceAfter}, prev_hash = '${entry.prevHash}', hash = '${entry.hash}'
        WHERE account_id = '${accountId}' AND sequence = ${entry.sequence}`,
  );
  const last = rewritten.at(-1)!;
  statements.push(
    `UPDATE $schema.wallets SET head_hash = '${last.hash}',
      balances[array_position(currencies, 'GEMS')] = ${last.balanceAfter}
      WHERE account_id = '${accountId}'`,
  );
  await target.sql(statements.join(';\n'));
}

describe.each(TARGETS)('digests with the wallet command on %s', (_name, makeTarget) => {
  let target: Target;
  /** The working directory of the runs: where `digest create` saves by default. */
  let cwd: string;
  const wallet = (...args: string[]) => runWallet([...target.args, ...args], target.env, { cwd });
  /** The digest `digest create` saved first, and its file. */
  let digest: Digest;
  let digestFile: string;

  beforeAll(async () => {
    target = await makeTarget();
    cwd = await mkdtemp(join(tmpdir(), 'wallet-cli-digest-'));
    expect((await wallet('migrate')).code).toBe(0);
    await target.withService(async (service) => {
      for (const accountId of ['ana', 'bob', 'carl', 'gone']) {
        await service.createWallet({ accountId });
      }
      for (const [accountId, amount] of [
        ['ana', '100'],
        ['ana', '20'],
        ['bob', '7'],
        ['gone', '1'],
      ] as const) {
        await service.addFunds({ accountId, amount, currency: 'GEMS' });
      }
      await service.withdrawFunds({ accountId: 'ana', amount: '30', currency: 'GEMS' });
    });
    // Two runs of the command and a few writes: beyond the default hook timeout on a busy machine.
  }, 60_000);
  afterAll(async () => {
    await target.cleanup();
    await rm(cwd, { recursive: true, force: true });
  });

  it('digest create stores a digest, prints it and saves it to ./digest-<digestId>.json, which digest list --json lists first', async () => {
    const run = await wallet('digest', 'create');
    expect(run.code).toBe(0);
    expect(run.stderr).toMatch(
      /^creating a digest: reading every wallet's head\.\.\.\nread 4 wallet heads in [\d.]+ s\n$/,
    );
    const id = /^digest\s+(\S+)\n/.exec(run.stdout)?.[1];
    expect(id).toBeDefined();
    digestFile = join(cwd, `digest-${id}.json`);
    expect(run.stdout).toMatch(
      new RegExp(
        `^digest\\s+${id}\\ncreated\\s+\\d{4}-\\d\\d-\\d\\dT[\\d:.]+Z\\nwallets\\s+4\\n` +
          `root\\s+[0-9a-f]{64}\\nalgorithm\\s+sha256-merkle-v1\\nsaved to\\s+\\./digest-${id}\\.json\\n$`,
      ),
    );
    expect((await stat(digestFile)).mode & 0o777).toBe(0o644 & ~process.umask());
    digest = JSON.parse(await readFile(digestFile, 'utf8')) as Digest;
    expect(digest).toMatchObject({ digestId: id, wallets: 4, algorithm: 'sha256-merkle-v1' });
    expect(run.stdout).toContain(`root       ${digest.root}\n`);

    const listed = await wallet('digest', 'list', '--json');
    expect(listed.code).toBe(0);
    const page = JSON.parse(listed.stdout) as { items: Digest[]; nextCursor: string | null };
    expect(page).toEqual({ items: [digest], nextCursor: null });
    // Field for field in the file's order, whatever order the store keeps the digest's keys in.
    expect(JSON.stringify(page.items[0])).toBe(JSON.stringify(digest));
  });

  it('digest create --out saves where told, never over an existing file, and --json prints the digest; digest list shows the newest first', async () => {
    const out = join(cwd, 'second.json');
    const run = await wallet('digest', 'create', '--out', out, '--json');
    expect(run.code).toBe(0);
    const second = JSON.parse(run.stdout) as Digest;
    expect(JSON.parse(await readFile(out, 'utf8'))).toEqual(second);
    expect(run.stderr).toContain(`saved to ${out}\n`);
    expect(second.root).toBe(digest.root);
    expect(second.digestId > digest.digestId).toBe(true);

    // A taken path stops the command before a digest is stored.
    expectOneLineError(await wallet('digest', 'create', '--out', out), 2, 'USAGE_ERROR');
    expect(JSON.parse(await readFile(out, 'utf8'))).toEqual(second);
    const page = JSON.parse((await wallet('digest', 'list', '--json')).stdout) as {
      items: Digest[];
    };
    expect(page.items).toEqual([second, digest]);

    const text = await wallet('digest', 'list', '--limit', '1');
    expect(text.code).toBe(0);
    const lines = text.stdout.trim().split('\n');
    expect(lines[0]).toMatch(/^DIGEST\s+CREATED\s+WALLETS\s+ROOT$/);
    expect(lines[1]).toMatch(
      new RegExp(
        `^${second.digestId}\\s+${second.createdAt}\\s+4\\s+${second.root.slice(0, 16)}…$`,
      ),
    );
    expect(lines[2]).toBe(`more: --cursor ${digest.digestId}`);
    expect(await readdir(cwd)).toEqual([`digest-${digest.digestId}.json`, 'second.json'].sort());
  });

  it('verify <accountId> --digest matches a wallet the digest holds, takes its proof too, and says a wallet created after it is not in the digest', async () => {
    const held = await wallet('verify', 'ana', '--digest', digestFile);
    expect(held.code).toBe(0);
    expect(held.stdout).toMatch(
      new RegExp(
        `^ana: ok, 3 entries, head [0-9a-f]{64}; matches digest ${digest.digestId} at sequence 3\\n$`,
      ),
    );

    const proof = await target.withService((service) =>
      service.getProof({ accountId: 'bob', digestId: digest.digestId }),
    );
    const proofFile = join(cwd, 'bob-proof.json');
    await writeFile(proofFile, JSON.stringify(proof));
    const report = JSON.parse(
      (await wallet('verify', 'bob', '--digest', proofFile, '--json')).stdout,
    );
    expect(report).toMatchObject({
      accountId: 'bob',
      ok: true,
      digest: { digestId: digest.digestId, sequence: 1 },
    });
    // A proof for another wallet is a failed check, not a pass.
    const other = await wallet('verify', 'ana', '--digest', proofFile);
    expect(other.code).toBe(1);
    expect(other.stdout).toContain('the proof is for wallet bob, not ana');

    await target.withService((service) => service.createWallet({ accountId: 'dora' }));
    const newer = await wallet('verify', 'dora', '--digest', digestFile);
    expect(newer.code).toBe(0);
    expect(newer.stdout).toContain(`not in the digest ${digest.digestId}: created after it`);
  });

  it('verify --all --digest checks every wallet against the digest with progress and a summary, and exits 0 when all match', async () => {
    const run = await wallet('verify', '--all', '--digest', digestFile);
    expect(run.code).toBe(0);
    expect(run.stdout).toMatch(/^wallets\s+5\nok\s+5\nfailed\s+0\nentries\s+5\n/);
    expect(run.stdout).toContain(
      `\ndigest ${digest.digestId}: 4 wallets checked against it, 1 created after it\n`,
    );
    expect(run.stderr.trim().split('\n').at(-1)).toMatch(/^verified 5\/5 wallets \(/);
    const json = JSON.parse(
      (await wallet('verify', '--all', '--digest', digestFile, '--json')).stdout,
    );
    expect(json).toMatchObject({
      wallets: 5,
      failed: 0,
      digest: {
        digestId: digest.digestId,
        root: digest.root,
        inDigest: 4,
        createdAfter: 1,
      },
    });
  });

  it('a history rewritten with every hash recomputed passes verify alone, but verify --digest and verify --all --digest exit 1 naming it', async () => {
    await rewriteInSql(target, 'ana', 1, '1000');
    await target.sql(
      `DELETE FROM $schema.journal_entries WHERE account_id = 'gone';
       DELETE FROM $schema.wallets WHERE account_id = 'gone'`,
    );
    const alone = await wallet('verify', 'ana');
    expect(alone.code).toBe(0);
    expect(alone.stdout).toMatch(/^ana: ok, 3 entries/);
    expect((await wallet('verify', '--all')).code).toBe(0);

    const one = await wallet('verify', 'ana', '--digest', digestFile);
    expect(one.code).toBe(1);
    expect(one.stdout).toMatch(
      new RegExp(
        `^ana: FAILED\\n  - [^\\n]*differs from digest ${digest.digestId}[^\\n]*history before the digest was rewritten\\n$`,
      ),
    );

    const all = await wallet('verify', '--all', '--digest', digestFile);
    expect(all.code).toBe(1);
    expect(all.stdout).toMatch(/^wallets\s+5\nok\s+3\nfailed\s+2\n/);
    expect(all.stdout).toContain('\nFAILED ana\n  - ');
    expect(all.stdout).toMatch(/history before the digest was rewritten/);
    expect(all.stdout).toContain(
      `\nFAILED gone\n  - digest ${digest.digestId} holds the wallet at sequence 1, but the ledger has no such wallet\n`,
    );
  });

  it("verify --all --digest and verify --digest fail, exit 1, when the ledger's copy of the digest is missing or was changed", async () => {
    const elsewhere = join(cwd, 'another-ledgers-digest.json');
    const otherId = `${digest.digestId.slice(0, -1)}${digest.digestId.endsWith('0') ? '1' : '0'}`;
    await writeFile(elsewhere, JSON.stringify({ ...digest, digestId: otherId }));
    const unknown = await wallet('verify', '--all', '--digest', elsewhere);
    expect(unknown.code).toBe(1);
    expect(unknown.stdout).toBe(
      `FAILED digest ${otherId} (wallet verify --all without --digest checks the chains alone)\n` +
        `  - the ledger holds no digest ${otherId}: it was deleted, or the digest is another ledger's\n`,
    );
    expect(unknown.stderr).toBe('');
    const one = await wallet('verify', 'bob', '--digest', elsewhere);
    expect(one.code).toBe(1);
    expect(one.stdout).toContain(`the ledger holds no digest ${otherId}`);

    await target.sql(
      `UPDATE $schema.records SET data = jsonb_set(data, '{items,0,2}', '"${'f'.repeat(64)}"')
        WHERE key = 'digest-node:${digest.digestId}:0:0'`,
    );
    const changed = await wallet('verify', '--all', '--digest', digestFile);
    expect(changed.code).toBe(1);
    expect(changed.stdout).toMatch(
      new RegExp(
        `^FAILED digest ${digest.digestId} .*\\n  - .*does not hash to root ${digest.root}`,
      ),
    );
    const json = await wallet('verify', '--all', '--digest', digestFile, '--json');
    expect(json.code).toBe(1);
    expect(JSON.parse(json.stdout)).toMatchObject({
      wallets: 0,
      digest: {
        digestId: digest.digestId,
        problems: [expect.stringContaining(`does not hash to root ${digest.root}`)],
      },
    });
    const bob = await wallet('verify', 'bob', '--digest', digestFile);
    expect(bob.code).toBe(1);
    expect(bob.stdout).toMatch(/^bob: FAILED\n {2}- [^\n]*copy of digest/);
  });
});

describe('the wallet command with a digest file', () => {
  let dir: string;
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'wallet-cli-digest-file-'));
  });
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('refuses a digest file it cannot read, or that holds no digest, with exit 2 before opening the ledger', async () => {
    // No ledger is there: the file is read first.
    const ledger = ['--data-dir', join(dir, 'no-ledger')];
    const files = {
      'not-json.json': '{"digestId": ',
      'not-a-digest.json': JSON.stringify({ digestId: 'd1', root: 'abc', algorithm: 'md5' }),
      'proof.json': JSON.stringify({
        digestId: 'd1',
        root: 'a'.repeat(64),
        leaf: { accountId: 'ana', sequence: 1, hash: 'b'.repeat(64) },
        path: [],
      }),
    };
    for (const [name, text] of Object.entries(files)) await writeFile(join(dir, name), text);

    const missing = await runWallet([
      'verify',
      'ana',
      '--digest',
      join(dir, 'nope.json'),
      ...ledger,
    ]);
    expectOneLineError(missing, 2, 'USAGE_ERROR');
    expect(missing.stderr).toContain('no such file');
    for (const name of ['not-json.json', 'not-a-digest.json']) {
      for (const args of [
        ['verify', 'ana'],
        ['verify', '--all'],
      ]) {
        const run = await runWallet([...args, '--digest', join(dir, name), ...ledger]);
        expectOneLineError(run, 2, 'VALIDATION_ERROR');
        expect(run.stderr).toContain(name);
      }
    }
    const proof = await runWallet([
      'verify',
      '--all',
      '--digest',
      join(dir, 'proof.json'),
      ...ledger,
    ]);
    expectOneLineError(proof, 2, 'USAGE_ERROR');
    expect(proof.stderr).toContain('--all needs a digest');
  });
});
