import { Api, ApiError, type Caller, segment } from './api.js';
import { type BalancePoint, balanceChart } from './chart.js';
import { h, link, table } from './dom.js';
import { type DigestProof, isHash, rootOfProof } from './merkle.js';

interface Wallet {
  accountId: string;
  balances: Record<string, string>;
  held: Record<string, string>;
  version: number;
  updatedAt: string;
  metadata: unknown;
}

interface Entry {
  transactionId: string;
  sequence: number;
  type: string;
  currency: string;
  amount: string;
  balanceAfter: string;
  txTime: string;
  accountId: string;
  metadata: Record<string, unknown> | null;
  reverses?: string;
  reason?: string | null;
}

interface Digest {
  digestId: string;
  createdAt: string;
  wallets: number;
  root: string;
  algorithm: string;
}

interface VerificationReport {
  ok: boolean;
  entries: number;
  headHash: string;
  problems: string[];
  digest?: { digestId: string; sequence: number | null };
}

interface Page<T> {
  items: T[];
  nextCursor: string | null;
}

/** The token lives in this tab only: sessionStorage is per tab and gone when it closes. */
const TOKEN_KEY = 'wallet-console-token';
const HISTORY_PAGE = 20;
const WALLET_PAGE = 20;

const root = document.getElementById('app')!;
let session: { api: Api; caller: Caller } | undefined;

window.addEventListener('hashchange', () => void render());
void start();

async function start(): Promise<void> {
  const token = sessionStorage.getItem(TOKEN_KEY);
  if (token !== null) await signIn(token).catch(() => sessionStorage.removeItem(TOKEN_KEY));
  await render();
}

async function signIn(token: string): Promise<void> {
  const api = new Api(token);
  const caller = await api.get<Caller>('/v1/me');
  sessionStorage.setItem(TOKEN_KEY, token);
  session = { api, caller };
}

function can(scope: string): boolean {
  const scopes = session?.caller.scopes ?? [];
  return scopes.includes(scope) || scopes.includes('admin');
}

async function render(): Promise<void> {
  if (session === undefined) {
    show(signInView());
    return;
  }
  const route = location.hash.slice(1);
  const wallet = /^\/wallets\/([^/]+)$/.exec(route);
  const transaction = /^\/transactions\/([^/]+)$/.exec(route);
  try {
    if (wallet) show(await walletView(decodeURIComponent(wallet[1]!)));
    else if (transaction) show(await transactionView(decodeURIComponent(transaction[1]!)));
    else show(await searchView());
  } catch (error) {
    show(h('section', {}, problem(error), link('/', 'Back to the wallet list')));
  }
}

function show(view: HTMLElement): void {
  const header = session
    ? h(
        'header',
        {},
        h('a', { href: '#/', class: 'brand' }, 'Wallet console'),
        h(
          'span',
          { class: 'who', 'data-testid': 'caller' },
          `${session.caller.name ?? 'token'} · ${session.caller.scopes.join(', ')}` +
            (session.caller.accountId ? ` · wallet ${session.caller.accountId}` : ''),
        ),
        h(
          'button',
          {
            type: 'button',
            onclick: () => {
              sessionStorage.removeItem(TOKEN_KEY);
              session = undefined;
              void render();
            },
          },
          'Sign out',
        ),
      )
    : h('header', {}, h('span', { class: 'brand' }, 'Wallet console'));
  root.replaceChildren(header, h('main', {}, view));
}

function problem(error: unknown): HTMLElement {
  return h('p', { class: 'error', role: 'alert' }, errorText(error));
}

/** `1 entry`, `2 entries`. */
function count(n: number, one: string, many: string): string {
  return `${n} ${n === 1 ? one : many}`;
}

/** An error as one line: the API's code and message, never a stack. */
function errorText(error: unknown): string {
  return error instanceof ApiError
    ? `${error.code}: ${error.message}`
    : error instanceof Error
      ? error.message
      : String(error);
}

function signInView(): HTMLElement {
  const input = h('input', {
    type: 'password',
    name: 'token',
    autocomplete: 'off',
    placeholder: 'API token',
    required: true,
  }) as HTMLInputElement;
  const message = h('div', {});
  return h(
    'form',
    {
      class: 'card sign-in',
      onsubmit: async (event) => {
        event.preventDefault();
        try {
          await signIn(input.value.trim());
          await render();
        } catch (error) {
          message.replaceChildren(
            error instanceof ApiError && error.status === 401
              ? h('p', { class: 'error', role: 'alert' }, 'That token is not accepted.')
              : problem(error),
          );
        }
      },
    },
    h('h1', {}, 'Sign in'),
    h('p', {}, 'The token stays in this tab only and is sent to this server alone.'),
    input,
    h('button', { type: 'submit' }, 'Sign in'),
    message,
  );
}

async function searchView(): Promise<HTMLElement> {
  const section = h('section', {});
  const open = h('input', { name: 'accountId', placeholder: 'account id' }) as HTMLInputElement;
  const opener = h(
    'form',
    {
      class: 'inline',
      onsubmit: (event) => {
        event.preventDefault();
        if (open.value.trim() !== '') location.hash = `/wallets/${segment(open.value.trim())}`;
      },
    },
    open,
    h('button', { type: 'submit' }, 'Open wallet'),
  );
  section.append(h('h1', {}, 'Wallets'), opener);
  const own = session!.caller.accountId;
  if (own !== null) {
    section.append(h('p', {}, 'This token is limited to ', link(`/wallets/${segment(own)}`, own)));
    return section;
  }
  if (!can('admin')) {
    section.append(h('p', {}, 'Listing wallets needs the admin scope; open one by its id.'));
    return section;
  }
  const prefix = h('input', {
    name: 'prefix',
    placeholder: 'account id prefix',
  }) as HTMLInputElement;
  const results = h('div', { 'data-testid': 'wallet-list' });
  const cursors: (string | undefined)[] = [undefined];
  const load = async (page: number) => {
    try {
      const list = await session!.api.get<Page<Wallet>>('/v1/wallets', {
        prefix: prefix.value.trim(),
        limit: String(WALLET_PAGE),
        cursor: cursors[page],
      });
      cursors[page + 1] = list.nextCursor ?? undefined;
      results.replaceChildren(
        table(
          ['Account', 'Balances', 'Updated'],
          list.items.map((wallet) => [
            link(`/wallets/${segment(wallet.accountId)}`, wallet.accountId),
            Object.entries(wallet.balances)
              .map(([code, balance]) => `${balance} ${code}`)
              .join(', '),
            wallet.updatedAt,
          ]),
          'wallets',
        ),
        pager(page, list.nextCursor !== null, load),
      );
    } catch (error) {
      results.replaceChildren(problem(error));
    }
  };
  section.append(
    h(
      'form',
      {
        class: 'inline',
        onsubmit: (event) => {
          event.preventDefault();
          cursors.length = 1;
          void load(0);
        },
      },
      prefix,
      h('button', { type: 'submit' }, 'Find'),
    ),
    results,
  );
  await load(0);
  return section;
}

function pager(page: number, more: boolean, load: (page: number) => Promise<void>): HTMLElement {
  return h(
    'nav',
    { class: 'pager' },
    h(
      'button',
      { type: 'button', disabled: page === 0, onclick: () => void load(page - 1) },
      'Previous',
    ),
    h('span', { 'data-testid': 'page' }, `page ${page + 1}`),
    h('button', { type: 'button', disabled: !more, onclick: () => void load(page + 1) }, 'Next'),
  );
}

async function walletView(accountId: string): Promise<HTMLElement> {
  const api = session!.api;
  const path = `/v1/wallets/${segment(accountId)}`;
  const wallet = await api.get<Wallet>(path);
  const codes = Object.keys(wallet.balances);
  const section = h('section', {}, h('h1', {}, `Wallet ${wallet.accountId}`));
  section.append(
    h('p', { class: 'muted' }, `version ${wallet.version} · updated ${wallet.updatedAt}`),
    table(
      ['Currency', 'Balance', 'Held'],
      codes.map((code) => [code, wallet.balances[code]!, wallet.held[code] ?? '0']),
      'balances',
    ),
  );

  const actions = h('div', { class: 'actions' });
  const panel = h('div', { 'data-testid': 'action-panel' });
  for (const [scope, label, route, verb] of [
    ['credit', 'Credit', 'add-funds', 'Credit'],
    ['debit', 'Debit', 'withdraw-funds', 'Debit'],
  ] as const) {
    if (!can(scope)) continue;
    actions.append(
      h(
        'button',
        {
          type: 'button',
          onclick: () =>
            panel.replaceChildren(
              fundsForm(verb, codes, (amount, currency, reason) => ({
                question: `${verb} ${amount} ${currency} ${verb === 'Credit' ? 'to' : 'from'} ${accountId}? Balance now ${wallet.balances[currency]} ${currency}.`,
                run: (key) =>
                  api.post(`${path}/${route}`, { amount, currency, metadata: { reason } }, key),
              })),
            ),
        },
        label,
      ),
    );
  }
  if (can('admin')) {
    actions.append(
      h(
        'button',
        {
          type: 'button',
          onclick: async () => {
            try {
              const report = await api.get<{ ok: boolean; entries: number; problems: string[] }>(
                `${path}/verify`,
              );
              panel.replaceChildren(
                report.ok
                  ? h(
                      'p',
                      { class: 'ok', 'data-testid': 'verify-result' },
                      `Chain verified: ${count(report.entries, 'entry', 'entries')}, no problem found.`,
                    )
                  : h(
                      'div',
                      { class: 'error', 'data-testid': 'verify-result' },
                      h(
                        'p',
                        {},
                        `Chain FAILED verification (${count(report.entries, 'entry', 'entries')}):`,
                      ),
                      h('ul', {}, ...report.problems.map((text) => h('li', {}, text))),
                    ),
              );
            } catch (error) {
              panel.replaceChildren(problem(error));
            }
          },
        },
        'Verify chain',
      ),
    );
  }
  const [history, proof] = await Promise.all([
    historyBlock(accountId, codes),
    proofBlock(accountId),
  ]);
  section.append(actions, panel, history, proof);
  return section;
}

/**
 * The wallet's proof against the newest digest (DESIGN section 10). The browser recomputes the
 * root from the leaf and the path itself; the operator pastes the root as it was published
 * outside the ledger (an S3 bucket, a ticket), which is what a rewrite by whoever runs the
 * database cannot forge; when both hold, the wallet's chain can be verified against the proof.
 */
async function proofBlock(accountId: string): Promise<HTMLElement> {
  const api = session!.api;
  const path = `/v1/wallets/${segment(accountId)}`;
  const block = h(
    'section',
    { class: 'digest', 'data-testid': 'proof-panel' },
    h('h2', {}, 'Digest proof'),
  );
  const tools = h('div', { class: 'actions' });
  const toolPanel = h('div', {});
  if (can('admin')) {
    tools.append(
      h(
        'button',
        {
          type: 'button',
          onclick: () =>
            toolPanel.replaceChildren(
              confirmation(
                "Create a digest now? It folds every wallet's head into one Merkle root, stored in the ledger: publish that root outside it.",
                () => api.post('/v1/digests'),
              ),
            ),
        },
        'Create digest',
      ),
    );
  }
  let proof: DigestProof;
  try {
    proof = await api.get<DigestProof>(`${path}/proof`);
  } catch (error) {
    block.append(proofProblem(error), tools, toolPanel);
    return block;
  }
  const [computed, created] = await Promise.all([rootOfProof(proof), digestTime(proof.digestId)]);
  const leads = computed === proof.root;
  const steps = count(proof.path.length, 'step', 'steps');
  block.append(
    h(
      'dl',
      { class: 'facts', 'data-testid': 'proof' },
      h('dt', {}, 'Digest'),
      h('dd', { class: 'mono', 'data-testid': 'proof-digest' }, proof.digestId),
      h('dt', {}, 'Created'),
      created,
      h('dt', {}, 'Leaf'),
      h('dd', { 'data-testid': 'proof-sequence' }, `sequence ${proof.leaf.sequence}`),
      h('dt', {}, 'Leaf hash'),
      h('dd', { class: 'mono', 'data-testid': 'proof-leaf-hash' }, proof.leaf.hash),
      h('dt', {}, 'Path'),
      h('dd', { 'data-testid': 'proof-path' }, steps),
      h('dt', {}, 'Root'),
      h('dd', { class: 'mono', 'data-testid': 'proof-root' }, proof.root),
    ),
    leads
      ? h(
          'p',
          { class: 'ok', 'data-testid': 'path-check' },
          `The path leads to the root: recomputed in this browser from the leaf and ${steps}.`,
        )
      : h(
          'p',
          { class: 'error', 'data-testid': 'path-check' },
          computed === null
            ? 'The path does not lead to the root: the proof is malformed.'
            : `The path does not lead to the root: recomputed in this browser, it leads to ${computed}.`,
        ),
  );

  const published = h('input', {
    name: 'published-root',
    placeholder: "the root as published: 64 hex digits, or the digest's JSON",
    'aria-label': 'published root',
    autocomplete: 'off',
    spellcheck: 'false',
  }) as HTMLInputElement;
  const check = h('div', { 'data-testid': 'root-check' });
  const verification = h('div', {});
  const compare = () => {
    verification.replaceChildren();
    const pasted = publishedRoot(published.value, proof.digestId);
    if ('problem' in pasted) {
      check.replaceChildren(h('p', { class: 'error', role: 'alert' }, pasted.problem));
      return;
    }
    if (pasted.root !== proof.root) {
      check.replaceChildren(
        h(
          'p',
          { class: 'error', role: 'alert' },
          "The published root does not match the proof's root: the digest in the ledger is not the one that was published (or the root is another digest's).",
        ),
      );
      return;
    }
    if (!leads) {
      check.replaceChildren(
        h(
          'p',
          { class: 'error', role: 'alert' },
          "The published root matches the proof's root, but the path does not lead to it: this proof shows nothing.",
        ),
      );
      return;
    }
    check.replaceChildren(
      h(
        'p',
        { class: 'ok' },
        `The published root matches: the wallet's head at sequence ${proof.leaf.sequence} is in the digest as published.`,
      ),
    );
    if (!can('admin')) {
      check.append(
        h('p', { class: 'muted' }, 'Verifying the wallet against it needs the admin scope.'),
      );
      return;
    }
    const verify = h(
      'button',
      {
        type: 'button',
        onclick: async () => {
          verify.setAttribute('disabled', '');
          try {
            const report = await api.post<VerificationReport>(`${path}/verify`, {
              digest: proof,
            });
            verification.replaceChildren(digestReport(report, proof));
          } catch (error) {
            verification.replaceChildren(problem(error));
          } finally {
            verify.removeAttribute('disabled');
          }
        },
      },
      'Verify the wallet against this digest',
    ) as HTMLButtonElement;
    check.append(verify);
  };
  block.append(
    h(
      'p',
      { class: 'muted' },
      'The ledger serves both the proof and its root. Paste the root as it was published outside the ledger (its S3 bucket, a ticket) to check that the ledger still holds what it held then.',
    ),
    h(
      'form',
      {
        class: 'inline',
        'data-testid': 'published-root',
        onsubmit: (event) => {
          event.preventDefault();
          compare();
        },
      },
      published,
      h('button', { type: 'submit' }, 'Compare'),
    ),
    check,
    verification,
    tools,
    toolPanel,
  );
  return block;
}

/** Why there is no proof to show: no digest yet, a wallet newer than the digest, or an error. */
function proofProblem(error: unknown): HTMLElement {
  // getProof's WALLET_NOT_FOUND names the digest that lacks the wallet: null when there is none.
  if (
    error instanceof ApiError &&
    error.code === 'WALLET_NOT_FOUND' &&
    error.details.digestId === null
  ) {
    return h(
      'p',
      { class: 'muted', role: 'status', 'data-testid': 'proof-status' },
      'No digest yet: create one with ',
      h('code', {}, 'wallet digest create'),
      ' or ',
      h('code', {}, 'POST /v1/digests'),
      '.',
    );
  }
  if (error instanceof ApiError && error.code === 'WALLET_NOT_FOUND') {
    return h(
      'p',
      { class: 'muted', role: 'status', 'data-testid': 'proof-status' },
      'This wallet was created after the latest digest, which holds no leaf for it: the next digest will.',
    );
  }
  return problem(error);
}

/** The digest's time and size: `GET /v1/digests/{digestId}` is for admin tokens only. */
async function digestTime(digestId: string): Promise<HTMLElement> {
  const cell = (text: string, className?: string) =>
    h('dd', { 'data-testid': 'proof-created', class: className }, text);
  if (!can('admin')) return cell('shown to admin tokens only', 'muted');
  try {
    const digest = await session!.api.get<Digest>(`/v1/digests/${segment(digestId)}`);
    return cell(`${digest.createdAt} · ${count(digest.wallets, 'wallet', 'wallets')}`);
  } catch (error) {
    if (error instanceof ApiError && error.status === 403) {
      return cell('shown to admin tokens only', 'muted');
    }
    return cell(errorText(error), 'error');
  }
}

/**
 * The root an operator pasted: 64 hex digits, or the digest's JSON document as published (then
 * its id must be the proof's).
 */
function publishedRoot(text: string, digestId: string): { root: string } | { problem: string } {
  const value = text.trim();
  let root: unknown = value.toLowerCase();
  if (value.startsWith('{')) {
    let document: { root?: unknown; digestId?: unknown } | null;
    try {
      document = JSON.parse(value) as typeof document;
    } catch {
      return { problem: 'That is not JSON: paste the root, or the whole digest document.' };
    }
    if (typeof document?.digestId === 'string' && document.digestId !== digestId) {
      return {
        problem: `That is digest ${document.digestId}; this proof is for digest ${digestId}.`,
      };
    }
    root = document?.root;
  }
  return isHash(root)
    ? { root }
    : { problem: "Paste the root as 64 hex digits, or the digest's JSON document." };
}

function digestReport(report: VerificationReport, proof: DigestProof): HTMLElement {
  if (!report.ok) {
    return h(
      'div',
      { class: 'error', 'data-testid': 'digest-verify-result' },
      h(
        'p',
        {},
        `The wallet FAILED verification against the digest (${count(report.entries, 'entry', 'entries')}):`,
      ),
      h('ul', {}, ...report.problems.map((text) => h('li', {}, text))),
    );
  }
  const sequence = report.digest?.sequence ?? null;
  return h(
    'p',
    { class: 'ok', 'data-testid': 'digest-verify-result' },
    sequence === null
      ? `Verified: ${count(report.entries, 'entry', 'entries')}, the chain holds; digest ${proof.digestId} holds no leaf for this wallet.`
      : sequence === 0
        ? `Verified against the digest: ${count(report.entries, 'entry', 'entries')}, the chain holds, and the wallet had none when the digest was made.`
        : `Verified against the digest: ${count(report.entries, 'entry', 'entries')}, the chain holds, and entry ${sequence} has the hash the digest holds.`,
  );
}

/**
 * A form for an amount, a currency and a reason; "Review" shows what will happen and asks for
 * a confirmation before anything is sent. The idempotency key is made at review, so a confirmed
 * action sent twice (a double click, a retry) applies once.
 */
function fundsForm(
  verb: string,
  codes: readonly string[],
  plan: (
    amount: string,
    currency: string,
    reason: string,
  ) => { question: string; run: (key: string) => Promise<unknown> },
): HTMLElement {
  const amount = h('input', {
    name: 'amount',
    placeholder: 'amount, e.g. 10.50',
    required: true,
  }) as HTMLInputElement;
  const currency = h(
    'select',
    { name: 'currency' },
    ...codes.map((code) => h('option', { value: code }, code)),
  ) as HTMLSelectElement;
  const reason = h('input', {
    name: 'reason',
    placeholder: 'reason (kept with the entry)',
    required: true,
  }) as HTMLInputElement;
  const form = h(
    'form',
    {
      class: 'card',
      onsubmit: (event) => {
        event.preventDefault();
        const { question, run } = plan(amount.value.trim(), currency.value, reason.value.trim());
        form.replaceWith(confirmation(question, run));
      },
    },
    h('h2', {}, verb),
    amount,
    currency,
    reason,
    h('button', { type: 'submit' }, 'Review'),
  );
  return form;
}

function confirmation(question: string, run: (key: string) => Promise<unknown>): HTMLElement {
  const key = `console-${crypto.randomUUID()}`;
  const box: HTMLElement = h(
    'div',
    { class: 'card confirm', role: 'dialog', 'data-testid': 'confirmation' },
    h('p', {}, question),
    h(
      'button',
      {
        type: 'button',
        class: 'primary',
        onclick: async () => {
          try {
            await run(key);
            await render();
          } catch (error) {
            box.replaceChildren(problem(error));
          }
        },
      },
      'Confirm',
    ),
    h('button', { type: 'button', onclick: () => box.remove() }, 'Cancel'),
  );
  return box;
}

async function historyBlock(accountId: string, codes: readonly string[]): Promise<HTMLElement> {
  const block = h('section', { class: 'history' }, h('h2', {}, 'History'));
  const filter = h(
    'select',
    { name: 'currency', 'aria-label': 'currency filter' },
    h('option', { value: '' }, 'all currencies'),
    ...codes.map((code) => h('option', { value: code }, code)),
  ) as HTMLSelectElement;
  const body = h('div', {});
  const cursors: (string | undefined)[] = [undefined];
  const load = async (page: number) => {
    try {
      const history = await session!.api.get<Page<Entry>>(
        `/v1/wallets/${segment(accountId)}/transactions`,
        { currency: filter.value, limit: String(HISTORY_PAGE), cursor: cursors[page] },
      );
      cursors[page + 1] = history.nextCursor ?? undefined;
      // A hot wallet's history is its own journal and its sub-accounts' (house#1 ...), each
      // entry with its own journal's sequence and balance: a sum over time cannot be drawn
      // from a page of them, so it shows where each entry sits instead of a chart.
      const merged = history.items.some((entry) => entry.accountId !== accountId);
      body.replaceChildren(
        ...(merged ? [subAccountNote(accountId)] : charts(history.items)),
        table(
          [
            ...(merged ? ['Journal'] : []),
            '#',
            'Time',
            'Type',
            'Amount',
            'Balance after',
            'Transaction',
            'Reason',
          ],
          history.items.map((entry) => [
            ...(merged ? [entry.accountId] : []),
            String(entry.sequence),
            entry.txTime,
            entry.type,
            `${entry.amount} ${entry.currency}`,
            entry.balanceAfter,
            link(`/transactions/${segment(entry.transactionId)}`, entry.transactionId.slice(0, 13)),
            reasonOf(entry),
          ]),
          'history',
        ),
        pager(page, history.nextCursor !== null, load),
      );
    } catch (error) {
      body.replaceChildren(problem(error));
    }
  };
  filter.addEventListener('change', () => {
    cursors.length = 1;
    void load(0);
  });
  block.append(filter, body);
  await load(0);
  return block;
}

function subAccountNote(accountId: string): HTMLElement {
  return h(
    'p',
    { class: 'muted', 'data-testid': 'sub-account-note' },
    `A hot wallet: its credits land on sub-accounts (${accountId}#1, ${accountId}#2, ...), ` +
      'listed here with its own entries. Each entry shows the balance of its journal; the ' +
      'balance above is the sum of them all.',
  );
}

/** The wallet page an entry's account belongs to: a sub-account's is its hot wallet's. */
function walletRoute(accountId: string): string {
  const owner = accountId.includes('#') ? accountId.slice(0, accountId.indexOf('#')) : accountId;
  return `/wallets/${segment(owner)}`;
}

/** A chart per currency of the entries on this page, oldest first. */
function charts(entries: readonly Entry[]): HTMLElement[] {
  const byCurrency = new Map<string, BalancePoint[]>();
  for (const entry of [...entries].sort((a, b) => a.sequence - b.sequence)) {
    const points = byCurrency.get(entry.currency) ?? [];
    points.push({ txTime: entry.txTime, balance: entry.balanceAfter });
    byCurrency.set(entry.currency, points);
  }
  return [...byCurrency].map(([currency, points]) => balanceChart(currency, points));
}

function reasonOf(entry: Entry): string {
  if (typeof entry.reason === 'string') return entry.reason;
  const reason = entry.metadata?.reason;
  return typeof reason === 'string' ? reason : '';
}

async function transactionView(transactionId: string): Promise<HTMLElement> {
  const api = session!.api;
  const path = `/v1/transactions/${segment(transactionId)}`;
  const details = await api.get<{
    transactionId: string;
    txTime: string;
    entries: Entry[];
    reversedBy: string[];
  }>(path);
  const section = h(
    'section',
    {},
    h('h1', {}, 'Transaction'),
    h('p', { class: 'mono' }, details.transactionId),
    h('p', { class: 'muted' }, details.txTime),
    table(
      ['Wallet', 'Type', 'Amount', 'Balance after', 'Reason'],
      details.entries.map((entry) => [
        link(walletRoute(entry.accountId), entry.accountId),
        entry.type,
        `${entry.amount} ${entry.currency}`,
        entry.balanceAfter,
        reasonOf(entry),
      ]),
      'entries',
    ),
  );
  if (details.reversedBy.length > 0) {
    section.append(
      h('h2', {}, 'Reversed by'),
      h(
        'ul',
        { 'data-testid': 'reversed-by' },
        ...details.reversedBy.map((id) => h('li', {}, link(`/transactions/${segment(id)}`, id))),
      ),
    );
  }
  const reversible = !details.entries.some((entry) => entry.type.startsWith('REVERSAL_'));
  if (can('admin') && reversible) {
    const panel = h('div', { 'data-testid': 'action-panel' });
    const amount = h('input', {
      name: 'amount',
      placeholder: 'amount (empty: all that is left)',
    }) as HTMLInputElement;
    const reason = h('input', {
      name: 'reason',
      placeholder: 'reason',
      required: true,
    }) as HTMLInputElement;
    const form: HTMLElement = h(
      'form',
      {
        class: 'card',
        onsubmit: (event) => {
          event.preventDefault();
          const value = amount.value.trim();
          const legs = details.entries
            .map((entry) => `${entry.accountId} ${entry.amount} ${entry.currency}`)
            .join('; ');
          panel.replaceChildren(
            confirmation(
              `Reverse ${value === '' ? 'all that is left of' : `${value} of`} this transaction (${legs}) because "${reason.value.trim()}"?`,
              (key) =>
                api.post(
                  `${path}/reverse`,
                  { ...(value === '' ? {} : { amount: value }), reason: reason.value.trim() },
                  key,
                ),
            ),
          );
        },
      },
      h('h2', {}, 'Reverse'),
      amount,
      reason,
      h('button', { type: 'submit' }, 'Review'),
    );
    section.append(form, panel);
  }
  return section;
}
