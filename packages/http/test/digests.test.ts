import { type JournalEntry, verifyProof } from '@wallet/core';
import { tamperJournal, tamperWallet } from '@wallet/core/testing';
import { rewriteAmount } from '@wallet/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PLAYER_ACCOUNT, type Reply, startServer, type TestServer } from './support.js';

// Digests over a real server: making, listing and reading them, proofs, and verifying a wallet
// against a digest published outside the ledger.

let server: TestServer;
beforeAll(async () => {
  server = await startServer();
  await server.service.createWallet({ accountId: PLAYER_ACCOUNT });
  await server.service.addFunds({ accountId: PLAYER_ACCOUNT, amount: '10', currency: 'GEMS' });
});
afterAll(() => server.close());

function expectError(reply: Reply, status: number, code: string): void {
  expect([reply.status, reply.body?.error?.code]).toEqual([status, code]);
}

describe('POST /v1/digests', () => {
  it('answers 201 with the digest, its Location, and lists and reads it back', async () => {
    await server.wallet('dg', { GEMS: '5' });
    const created = await server.call('/v1/digests', { method: 'POST' });
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({
      algorithm: 'sha256-merkle-v1',
      root: expect.stringMatching(/^[0-9a-f]{64}$/),
    });
    expect(created.headers.get('location')).toBe(`/v1/digests/${created.body.digestId}`);
    const listed = await server.call('/v1/digests?limit=1');
    expect(listed.body.items).toEqual([created.body]);
    const read = await server.call(`/v1/digests/${created.body.digestId}`);
    expect(read.body).toEqual(created.body);
  });

  it('is for admin tokens only', async () => {
    expectError(
      await server.call('/v1/digests', { method: 'POST', token: 'reader' }),
      403,
      'FORBIDDEN',
    );
    expectError(await server.call('/v1/digests', { token: 'player' }), 403, 'FORBIDDEN');
  });

  it('answers 404 NOT_FOUND for an unknown digest, 400 for an unknown cursor', async () => {
    expectError(await server.call('/v1/digests/no-such-digest'), 404, 'NOT_FOUND');
    expectError(await server.call('/v1/digests?cursor=no-such-digest'), 400, 'VALIDATION_ERROR');
    expectError(await server.call('/v1/digests?limit=0'), 400, 'VALIDATION_ERROR');
  });
});

describe('hostile digest ids', () => {
  it('answers a huge, NUL, lone-surrogate or space-laden digest id with a typed 4xx, never a 500', async () => {
    for (const id of ['x'.repeat(5000), '%00', '%ED%A0%80', 'a%20b', '..%2F..%2Fetc']) {
      const read = await server.call(`/v1/digests/${id}`);
      expect([read.status, read.body?.error?.code], id).toEqual([404, 'NOT_FOUND']);
      const proof = await server.call(`/v1/wallets/${PLAYER_ACCOUNT}/proof?digestId=${id}`);
      expect([proof.status, proof.body?.error?.code], id).toEqual([400, 'VALIDATION_ERROR']);
      const listed = await server.call(`/v1/digests?cursor=${id}`);
      expect([listed.status, listed.body?.error?.code], id).toEqual([400, 'VALIDATION_ERROR']);
    }
  });
});

describe('GET /v1/wallets/{accountId}/proof', () => {
  it("gives a player the proof of its own wallet against the newest digest, and no other's", async () => {
    const other = await server.wallet('dg-other', { GEMS: '1' });
    const digest = (await server.call('/v1/digests', { method: 'POST' })).body;
    const proof = await server.call(`/v1/wallets/${PLAYER_ACCOUNT}/proof`, { token: 'player' });
    expect(proof.status).toBe(200);
    expect(proof.body).toMatchObject({ digestId: digest.digestId, root: digest.root });
    expect(verifyProof(proof.body)).toBe(true);
    expectError(
      await server.call(`/v1/wallets/${other}/proof`, { token: 'player' }),
      403,
      'FORBIDDEN',
    );
    const named = await server.call(`/v1/wallets/${other}/proof?digestId=${digest.digestId}`);
    expect(verifyProof(named.body)).toBe(true);
  });

  it('answers 404 WALLET_NOT_FOUND for a wallet created after the digest', async () => {
    await server.call('/v1/digests', { method: 'POST' });
    const late = await server.wallet('dg-late');
    expectError(await server.call(`/v1/wallets/${late}/proof`), 404, 'WALLET_NOT_FOUND');
  });
});

describe('POST /v1/wallets/{accountId}/verify', () => {
  it('catches a history rewritten with every hash recomputed, which GET verify passes', async () => {
    const accountId = await server.wallet('dg-rw', { GEMS: '3' });
    await server.service.addFunds({ accountId, amount: '4', currency: 'GEMS' });
    const digest = (await server.call('/v1/digests', { method: 'POST' })).body;
    const clean = await server.call(`/v1/wallets/${accountId}/verify`, { json: { digest } });
    expect(clean.body).toMatchObject({
      ok: true,
      digest: { digestId: digest.digestId, sequence: 2 },
    });
    // The credit of 4 becomes 1; every later balance and hash is recomputed, the head follows.
    let last: JournalEntry | undefined;
    tamperJournal(server.ledger, accountId, (entries) => {
      const rewritten = rewriteAmount(entries, 2, '1');
      last = rewritten.at(-1);
      return rewritten;
    });
    tamperWallet(server.ledger, accountId, (wallet) => ({
      ...wallet,
      balances: { ...wallet.balances, GEMS: last!.balanceAfter },
      headHash: last!.hash,
    }));
    expect((await server.call(`/v1/wallets/${accountId}/verify`)).body.ok).toBe(true);
    const caught = await server.call(`/v1/wallets/${accountId}/verify`, { json: { digest } });
    expect(caught.status).toBe(200);
    expect(caught.body.ok).toBe(false);
    expect(caught.body.problems.join('\n')).toMatch(/history before the digest was rewritten/);
  });

  it('refuses a malformed digest with 400 VALIDATION_ERROR and no stack', async () => {
    const accountId = await server.wallet('dg-bad');
    for (const digest of [
      null,
      'x',
      {
        digestId: 'd',
        root: 'ZZ',
        wallets: 1,
        createdAt: '2030-01-01T00:00:00.000Z',
        algorithm: 'sha256-merkle-v1',
      },
      {
        digestId: 'd',
        root: '0'.repeat(64),
        leaf: { accountId, sequence: 1, hash: 'x' },
        path: [],
      },
    ]) {
      const reply = await server.call(`/v1/wallets/${accountId}/verify`, { json: { digest } });
      expectError(reply, 400, 'VALIDATION_ERROR');
      expect(reply.text).not.toMatch(/at .*\.ts/);
    }
    expectError(
      await server.call(`/v1/wallets/${accountId}/verify`, { json: { digest: {}, extra: 1 } }),
      400,
      'VALIDATION_ERROR',
    );
  });
});
