import {
  type CurrencyConfig,
  createMemoryLedger,
  createWalletService,
  type ExchangeRateConfig,
  type Logger,
  type LogRecord,
  type MemoryLedger,
  type WalletService,
} from '@wallet/core';
import {
  type ApiToken,
  createWalletApi,
  type WalletApi,
  type WalletApiOptions,
} from '../src/index.js';
import { listen, type RunningServer } from '../src/node.js';

/** GOLD has cents (scale 2), GEMS are whole, TOKENS are capped at 1,000. */
export const CURRENCIES: readonly CurrencyConfig[] = [
  { code: 'GOLD', scale: 2 },
  { code: 'GEMS', scale: 0 },
  { code: 'TOKENS', scale: 0, maxBalance: '1000' },
];

/** 1 GEMS buys 0.25 GOLD; 1 GOLD buys 4 GEMS. */
export const EXCHANGE_RATES: readonly ExchangeRateConfig[] = [
  { from: 'GEMS', to: 'GOLD', rate: '0.25' },
  { from: 'GOLD', to: 'GEMS', rate: '4' },
];

/** The account the `player` token is limited to. */
export const PLAYER_ACCOUNT = 'player-limited';

export const TOKENS = {
  admin: 'admin-3b8f1c0e9d2a4f6b',
  reader: 'reader-5c7e2a9b1d3f6a8e',
  creditor: 'creditor-8a1d4c6e2b9f0a3c',
  debitor: 'debitor-2f9b7d1c5a8e4b6d',
  transferer: 'transferer-4d6f8a0c2e1b3d5f',
  exchanger: 'exchanger-9e7c5a3b1d0f2e4a',
  player: 'player-6e3a8c2d4f7b9e1a',
} as const;

/** One token per scope, plus a player token limited to {@link PLAYER_ACCOUNT}. */
export const API_TOKENS: readonly ApiToken[] = [
  { token: TOKENS.admin, scopes: ['admin'], name: 'backend' },
  { token: TOKENS.reader, scopes: ['read'], name: 'dashboard' },
  { token: TOKENS.creditor, scopes: ['credit'], name: 'store' },
  { token: TOKENS.debitor, scopes: ['debit'], name: 'shop' },
  { token: TOKENS.transferer, scopes: ['transfer'], name: 'trades' },
  { token: TOKENS.exchanger, scopes: ['exchange'], name: 'bank' },
  {
    token: TOKENS.player,
    scopes: ['read', 'debit', 'transfer', 'exchange'],
    accountId: PLAYER_ACCOUNT,
    name: 'player session',
  },
];

/** A logger that keeps every record, with its level. */
export function memoryLogger(): Logger & { records: (LogRecord & { level: string })[] } {
  const records: (LogRecord & { level: string })[] = [];
  return {
    records,
    info: (record) => records.push({ level: 'info', ...record }),
    warn: (record) => records.push({ level: 'warn', ...record }),
    error: (record) => records.push({ level: 'error', ...record }),
  };
}

/** A parsed response. */
export interface Reply {
  status: number;
  headers: Headers;
  // biome-ignore lint/suspicious/noExplicitAny: tests read arbitrary JSON fields.
  body: any;
  text: string;
}

export interface CallOptions {
  method?: string;
  /** A key of {@link TOKENS}, a raw token, or null for none. Default: admin. */
  token?: keyof typeof TOKENS | (string & {}) | null;
  /** Sent as JSON. */
  json?: unknown;
  /** Sent as is (with a JSON content type unless headers say otherwise). */
  body?: string;
  headers?: Record<string, string>;
}

/** A running API over a fresh in-memory ledger. */
export interface TestServer {
  url: string;
  api: WalletApi;
  service: WalletService;
  ledger: MemoryLedger;
  logger: ReturnType<typeof memoryLogger>;
  call(path: string, options?: CallOptions): Promise<Reply>;
  /** A fresh, valid account id. */
  account(label?: string): string;
  /** Creates a wallet through the API and returns its id. */
  wallet(label?: string, funds?: Record<string, string>): Promise<string>;
  close(): Promise<void>;
}

let accounts = 0;

/**
 * Starts the API on a free port over real HTTP.
 * `wrap` may replace service calls, e.g. to make the store fail.
 */
export async function startServer(
  options: Partial<WalletApiOptions> & { wrap?: (service: WalletService) => WalletService } = {},
): Promise<TestServer> {
  const ledger = createMemoryLedger();
  const service = createWalletService({
    ledger,
    currencies: CURRENCIES,
    exchangeRates: EXCHANGE_RATES,
  });
  const logger = memoryLogger();
  const { wrap, ...apiOptions } = options;
  const api = createWalletApi({
    service: wrap ? wrap(service) : service,
    tokens: API_TOKENS,
    logger,
    ...apiOptions,
  });
  const server: RunningServer = await listen(api, { port: 0 });

  async function call(path: string, init: CallOptions = {}): Promise<Reply> {
    const token = init.token === undefined ? 'admin' : init.token;
    const headers: Record<string, string> = {};
    if (token !== null) {
      headers.authorization = `Bearer ${token in TOKENS ? TOKENS[token as keyof typeof TOKENS] : token}`;
    }
    let body: string | undefined;
    if (init.json !== undefined || init.body !== undefined) {
      headers['content-type'] = 'application/json';
      body = init.json !== undefined ? JSON.stringify(init.json) : init.body;
    }
    const response = await fetch(`${server.url}${path}`, {
      method: init.method ?? (body === undefined ? 'GET' : 'POST'),
      headers: { ...headers, ...init.headers },
      ...(body === undefined ? {} : { body }),
    });
    const text = await response.text();
    let parsed: unknown;
    try {
      parsed = JSON.parse(text);
    } catch {
      parsed = undefined;
    }
    return { status: response.status, headers: response.headers, body: parsed, text };
  }

  const account = (label = 'p') => `${label}-${++accounts}`;

  async function wallet(label?: string, funds: Record<string, string> = {}): Promise<string> {
    const accountId = account(label);
    await service.createWallet({ accountId });
    for (const [currency, amount] of Object.entries(funds)) {
      await service.addFunds({ accountId, currency, amount });
    }
    return accountId;
  }

  return {
    url: server.url,
    api,
    service,
    ledger,
    logger,
    call,
    account,
    wallet,
    close: () => server.close(),
  };
}
