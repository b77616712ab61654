import { type ChildProcess, spawn } from 'node:child_process';
import { join } from 'node:path';

const root = join(import.meta.dirname, '..');
const running = new Set<ChildProcess>();

/** The admin token the tests pass as `WALLET_API_TOKEN` unless they say otherwise. */
export const ADMIN_TOKEN = 'local-test-token-0123456789';

/** Kills every server a test left running; call it from `afterAll`. */
export function killAll(): void {
  for (const child of running) child.kill('SIGKILL');
  running.clear();
}

/** `pnpm start`'s command exactly, with `env` over this process's (`undefined` removes a variable). */
function spawnServer(env: Record<string, string | undefined>): {
  child: ChildProcess;
  output: () => string;
} {
  const merged: Record<string, string | undefined> = {
    ...process.env,
    PORT: '0',
    WALLET_API_TOKEN: ADMIN_TOKEN,
    ...env,
  };
  for (const [name, value] of Object.entries(merged)) if (value === undefined) delete merged[name];
  const child = spawn(
    process.execPath,
    ['--conditions=@wallet/source', '--import', 'tsx', 'src/main.ts'],
    { cwd: root, env: merged, stdio: ['ignore', 'pipe', 'pipe'] },
  );
  running.add(child);
  let output = '';
  child.stdout!.on('data', (chunk) => (output += chunk));
  child.stderr!.on('data', (chunk) => (output += chunk));
  child.once('exit', () => running.delete(child));
  return { child, output: () => output };
}

/** Starts the server, and resolves with its URL once the whole banner is printed. */
export async function start(
  env: Record<string, string | undefined>,
): Promise<{ url: string; child: ChildProcess; output: () => string }> {
  const { child, output } = spawnServer(env);
  const url = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`no URL printed:\n${output()}`)), 60_000);
    child.stdout!.on('data', () => {
      const match = /listening on (http:\/\/\S+)/.exec(output());
      // The banner ends with the history curl line; wait for all of it.
      if (match && output().includes('/transactions -H')) {
        clearTimeout(timer);
        resolve(match[1]!);
      }
    });
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`exited with ${code}:\n${output()}`));
    });
  });
  return { url, child, output };
}

/** Starts the server expecting it to fail; resolves with its exit code and output. */
export async function startFails(
  env: Record<string, string | undefined>,
): Promise<{ code: number | null; stdout: string; output: string }> {
  const { child, output } = spawnServer(env);
  let stdout = '';
  child.stdout!.on('data', (chunk) => (stdout += chunk));
  const code = await new Promise<number | null>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`still running:\n${output()}`)), 60_000);
    child.once('exit', (exitCode) => {
      clearTimeout(timer);
      resolve(exitCode);
    });
  });
  return { code, stdout, output: output() };
}

/** Stops a server with SIGTERM; resolves with its exit code. */
export async function stop(child: ChildProcess): Promise<number | null> {
  if (child.exitCode !== null) return child.exitCode;
  const exited = new Promise<number | null>((resolve) =>
    child.once('exit', (code) => resolve(code)),
  );
  child.kill('SIGTERM');
  return exited;
}

/** A JSON response body, read loosely: the tests assert on its fields. */
// biome-ignore lint/suspicious/noExplicitAny: test assertions read arbitrary response fields
export type Json = Record<string, any>;

/** One API call with `token` (default {@link ADMIN_TOKEN}). */
export async function call(
  url: string,
  method: string,
  path: string,
  options: { body?: unknown; key?: string; token?: string } = {},
): Promise<{ status: number; body: Json }> {
  const response = await fetch(`${url}${path}`, {
    method,
    headers: {
      authorization: `Bearer ${options.token ?? ADMIN_TOKEN}`,
      'content-type': 'application/json',
      ...(options.key ? { 'idempotency-key': options.key } : {}),
    },
    ...(options.body === undefined ? {} : { body: JSON.stringify(options.body) }),
  });
  return { status: response.status, body: (await response.json()) as Json };
}
