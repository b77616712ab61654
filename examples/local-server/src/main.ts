import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { type LocalServerConfig, readConfig } from './config.js';
import { type LocalServer, startLocalServer } from './server.js';

const repoRoot = join(dirname(fileURLToPath(import.meta.url)), '..', '..', '..');

/**
 * Every token value this process knows, longest first: none of them may reach the terminal
 * unless it was generated here.
 */
function secrets(config: LocalServerConfig | undefined): string[] {
  const values = [
    process.env.WALLET_API_TOKEN,
    process.env.WALLET_API_TOKEN?.trim(),
    config?.tokenGenerated ? undefined : config?.token,
    ...(config?.tokens ?? []).map((entry) => entry.token),
  ];
  return [...new Set(values.filter((value): value is string => !!value))].sort(
    (a, b) => b.length - a.length,
  );
}

/** One line for a failed start; any token value in it is replaced by `[redacted]`. */
function failure(error: unknown, config: LocalServerConfig | undefined): string {
  let message = (error instanceof Error ? error.message : String(error)).replace(/\s*\n\s*/g, ' ');
  for (const secret of secrets(config)) message = message.split(secret).join('[redacted]');
  return `wallet API: cannot start: ${message}`;
}

let config: LocalServerConfig | undefined;
let server: LocalServer;
try {
  config = readConfig(process.env, repoRoot);
  server = await startLocalServer(config);
} catch (error) {
  console.error(failure(error, config));
  process.exit(1);
}

console.log(`wallet API listening on ${server.url} (ledger: ${server.ledger})`);
if (config.console) console.log(`console: ${server.url}/console/ (sign in with a token)`);
console.log(`API reference: ${server.url}/docs`);
// Only a token generated here is ever printed; a supplied one is referred to by its variable.
let bearer: string;
if (config.tokenGenerated) {
  console.log(`admin token (generated; set WALLET_API_TOKEN to choose one): ${config.token}`);
  bearer = `'authorization: Bearer ${config.token}'`;
} else if (config.token !== undefined) {
  console.log('admin token: the value of WALLET_API_TOKEN (not printed)');
  bearer = '"authorization: Bearer $WALLET_API_TOKEN"';
} else {
  console.log(
    'admin token: none (WALLET_TOKENS_FILE is set and WALLET_API_TOKEN is not; set it for one)',
  );
  bearer = '"authorization: Bearer $WALLET_TOKEN"';
}
if (config.tokensFile !== undefined) {
  console.log(`tokens from ${config.tokensFile} (values not printed):`);
  const shown = 20;
  config.tokens.slice(0, shown).forEach((entry, index) => {
    const limit = entry.accountId === undefined ? '' : `, limited to ${entry.accountId}`;
    console.log(`  ${entry.name ?? `entry ${index}`}: ${entry.scopes.join(', ')}${limit}`);
  });
  if (config.tokens.length > shown) console.log(`  ... and ${config.tokens.length - shown} more`);
}
console.log(
  `currencies: ${config.currencies.map((c) => `${c.code} (scale ${c.scale})`).join(', ')}`,
);
console.log(
  `exchange rates: ${config.exchangeRates.map((r) => `1 ${r.from} = ${r.rate} ${r.to}`).join(', ') || 'none (set WALLET_EXCHANGE_RATES)'}`,
);
if (config.hotWallets.length > 0) {
  console.log(
    `hot wallets: ${config.hotWallets.map((w) => `${w.accountId} (${w.subAccounts} sub-accounts)`).join(', ')}`,
  );
}
if (config.tokenGenerated) {
  console.log('try:');
} else if (config.token !== undefined) {
  console.log('try (in a shell where WALLET_API_TOKEN is exported):');
} else {
  console.log(
    'try, with WALLET_TOKEN exported as a token of the file that has the scope each call needs ' +
      '(create: admin; add-funds: credit; transactions: read):',
  );
}
console.log(
  `  curl -s -X POST ${server.url}/v1/wallets -H ${bearer} -H 'content-type: application/json' -d '{"accountId":"player-1"}'`,
);
console.log(
  `  curl -s -X POST ${server.url}/v1/wallets/player-1/add-funds -H ${bearer} -H 'idempotency-key: first-topup' -H 'content-type: application/json' -d '{"amount":"100"}'`,
);
console.log(`  curl -s ${server.url}/v1/wallets/player-1/transactions -H ${bearer}`);

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
