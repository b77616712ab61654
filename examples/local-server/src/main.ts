import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { readConfig } from './config.js';
import { startLocalServer } from './server.js';

const repoRoot = join(dirname(fileURLToPath(import.meta.url)), '..', '..', '..');
const config = readConfig(process.env, repoRoot);
const server = await startLocalServer(config);

console.log(`wallet API listening on ${server.url} (ledger: ${server.ledger})`);
console.log(
  config.tokenGenerated
    ? `admin token (generated; set WALLET_API_TOKEN to choose one): ${config.token}`
    : 'admin token: the value of WALLET_API_TOKEN',
);
console.log(
  `currencies: ${config.currencies.map((c) => `${c.code} (scale ${c.scale})`).join(', ')}`,
);
console.log('try:');
console.log(
  `  curl -s -X POST ${server.url}/v1/wallets -H 'authorization: Bearer ${config.token}' -H 'content-type: application/json' -d '{"accountId":"player-1"}'`,
);
console.log(
  `  curl -s -X POST ${server.url}/v1/wallets/player-1/add-funds -H 'authorization: Bearer ${config.token}' -H 'idempotency-key: first-topup' -H 'content-type: application/json' -d '{"amount":"100"}'`,
);
console.log(
  `  curl -s ${server.url}/v1/wallets/player-1/transactions -H 'authorization: Bearer ${config.token}'`,
);

let stopping = false;
for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.on(signal, () => {
    if (stopping) return;
    stopping = true;
    console.log(`${signal}: closing (requests in flight finish, then the ledger closes)`);
    server.close().then(
      () => process.exit(0),
      (error: unknown) => {
        console.error('close failed', error);
        process.exit(1);
      },
    );
  });
}
