import { createMemoryLedger, createWalletService, InsufficientFundsError } from '@wallet/core';

const wallets = createWalletService({
  ledger: createMemoryLedger(),
  currencies: [
    { code: 'GEMS', scale: 0 },
    { code: 'GOLD', scale: 2 },
  ],
  exchangeRates: [{ from: 'GEMS', to: 'GOLD', rate: '0.125' }], // 1 GEMS buys 0.125 GOLD
});

for (const accountId of ['player-1', 'player-2', 'house'])
  await wallets.createWallet({ accountId });
await wallets.addFunds({ accountId: 'player-1', amount: '500', idempotencyKey: 'iap-1001' });
await wallets.addFunds({ accountId: 'player-1', amount: '500', idempotencyKey: 'iap-1001' }); // a retry: applied once
await wallets.exchange({
  accountId: 'player-1',
  from: { currency: 'GEMS', amount: '100' },
  to: { currency: 'GOLD' }, // at the configured rate: 12.50 GOLD, rounded down if need be
});
// A tournament entry fee: reserved at sign-up, captured into the prize pool when the match starts.
const entry = await wallets.placeHold({
  accountId: 'player-1',
  amount: '50',
  expiresInSeconds: 600,
});
await wallets.captureHold({ holdId: entry.holdId, toAccountId: 'house' });
// A marketplace trade: the buyer pays 100, the seller gets 95, the house keeps a fee of 5.
await wallets.post({
  legs: [
    { accountId: 'player-1', direction: 'debit', amount: '100' },
    { accountId: 'player-2', direction: 'credit', amount: '95' },
    { accountId: 'house', direction: 'credit', amount: '5' },
  ],
  idempotencyKey: 'trade-77',
});
// A refund after the app store refunded a purchase: the credit is reversed, with a reason.
const bundle = await wallets.addFunds({
  accountId: 'player-1',
  amount: '20',
  idempotencyKey: 'iap-1002',
});
await wallets.reverseTransaction({
  transactionId: bundle.transactionId,
  reason: 'app store refund',
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
