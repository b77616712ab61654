import { createMemoryLedger, createWalletService, InsufficientFundsError } from '@wallet/core';

const wallets = createWalletService({
  ledger: createMemoryLedger(),
  currencies: [
    { code: 'GEMS', scale: 0 },
    { code: 'GOLD', scale: 2 },
  ],
  exchangeRates: [{ from: 'GEMS', to: 'GOLD', rate: '0.125' }], // 1 GEMS buys 0.125 GOLD
});

await wallets.createWallet({ accountId: 'player-1' });
await wallets.addFunds({ accountId: 'player-1', amount: '500', idempotencyKey: 'iap-1001' });
await wallets.addFunds({ accountId: 'player-1', amount: '500', idempotencyKey: 'iap-1001' }); // a retry: applied once
await wallets.exchange({
  accountId: 'player-1',
  from: { currency: 'GEMS', amount: '100' },
  to: { currency: 'GOLD' }, // at the configured rate: 12.50 GOLD, rounded down if need be
});
try {
  await wallets.withdrawFunds({ accountId: 'player-1', amount: '401' });
} catch (error) {
  if (error instanceof InsufficientFundsError) console.log(`refused: ${error.balance} GEMS left`);
}
const { items } = await wallets.getTransactionHistory({ accountId: 'player-1', order: 'asc' });
for (const e of items) console.log(e.sequence, e.type, e.amount, e.currency, e.hash.slice(0, 12));
console.log(await wallets.getFunds({ accountId: 'player-1' }));
console.log(await wallets.verifyWallet({ accountId: 'player-1' }));
