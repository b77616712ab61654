import { execFile } from 'node:child_process';
import { join } from 'node:path';

/** What one run of the command printed, and its exit status. */
export interface WalletRun {
  code: number;
  stdout: string;
  stderr: string;
}

const BIN = join(import.meta.dirname, '..', '..', 'bin', 'wallet.js');

/**
 * Runs the built `wallet` command as a process with `args`, in an environment of `env` alone
 * (plus PATH), so no variable of the test's own environment reaches it unasked; in `cwd` when
 * given (where a command writes files by default).
 */
export function runWallet(
  args: readonly string[],
  env: NodeJS.ProcessEnv = {},
  { cwd }: { cwd?: string } = {},
): Promise<WalletRun> {
  return new Promise((resolve, reject) => {
    execFile(
      process.execPath,
      [BIN, ...args],
      {
        env: { PATH: process.env.PATH, ...env },
        encoding: 'utf8',
        timeout: 60_000,
        ...(cwd === undefined ? {} : { cwd }),
      },
      (error, stdout, stderr) => {
        if (error && typeof error.code !== 'number') reject(error);
        else resolve({ code: error ? (error.code as number) : 0, stdout, stderr });
      },
    );
  });
}
