import { type ChildProcess, spawn } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { createServer } from 'node:net';
import { dirname, join } from 'node:path';

/**
 * A running DynamoDB Local.
 *
 * @example
 * const dynamo: DynamoDbLocal = await startDynamoDbLocal();
 * const client = new DynamoDBClient(dynamo.clientConfig);
 */
export interface DynamoDbLocal {
  /** `http://127.0.0.1:<port>`, for the SDK client's `endpoint`. */
  endpoint: string;
  /** Config for `new DynamoDBClient(...)`: the endpoint, a region and the dummy credentials it ignores. */
  clientConfig: {
    /** The same as {@link DynamoDbLocal.endpoint}. */
    endpoint: string;
    /** Always `local`. */
    region: string;
    /** Dummy credentials. */
    credentials: {
      /** Always `local`. */
      accessKeyId: string;
      /** Always `local`. */
      secretAccessKey: string;
    };
  };
  /** Stops the Java process. */
  stop(): Promise<void>;
}

/** How long a test file may wait for DynamoDB Local's Java process to start. */
export const DYNAMODB_LOCAL_START_TIMEOUT_MS = 90_000;

/**
 * A table name no other test file uses.
 *
 * @example
 * await createHistoryTable(client, uniqueTableName('wallet-history'));
 */
export function uniqueTableName(prefix: string): string {
  return `${prefix}-${randomUUID()}`;
}

/**
 * Starts DynamoDB Local in memory on a free loopback port: the real jar shipped in the npm
 * package `amplify-dynamodb-simulator`, run with the machine's `java`. Fails (never skips)
 * when Java or the jar is missing.
 *
 * @example
 * const dynamo = await startDynamoDbLocal();
 * const client = new DynamoDBClient(dynamo.clientConfig);
 * // ...
 * await dynamo.stop();
 */
export async function startDynamoDbLocal(): Promise<DynamoDbLocal> {
  const emulator = emulatorDirectory();
  const port = await freePort();
  const child = spawn(
    'java',
    [
      `-Djava.library.path=${join(emulator, 'DynamoDBLocal_lib')}`,
      '-jar',
      join(emulator, 'DynamoDBLocal.jar'),
      '-inMemory',
      '-port',
      String(port),
    ],
    { cwd: emulator, stdio: ['ignore', 'pipe', 'pipe'] },
  );
  // A crashed test worker must not leave the Java process behind.
  const killOnExit = () => child.kill('SIGKILL');
  process.once('exit', killOnExit);
  child.once('exit', () => process.off('exit', killOnExit));
  const endpoint = `http://127.0.0.1:${port}`;
  await waitUntilServing(child, endpoint);
  return {
    endpoint,
    clientConfig: {
      endpoint,
      region: 'local',
      credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
    },
    stop: () => stopProcess(child),
  };
}

function emulatorDirectory(): string {
  const require = createRequire(import.meta.url);
  const manifest = require.resolve('amplify-dynamodb-simulator/package.json');
  const directory = join(dirname(manifest), 'emulator');
  if (!existsSync(join(directory, 'DynamoDBLocal.jar'))) {
    throw new Error(`DynamoDBLocal.jar is missing from ${directory}`);
  }
  return directory;
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() =>
        typeof address === 'object' && address
          ? resolve(address.port)
          : reject(new Error('no port')),
      );
    });
  });
}

async function waitUntilServing(child: ChildProcess, endpoint: string): Promise<void> {
  let output = '';
  child.stdout?.on('data', (chunk) => {
    output += chunk;
  });
  child.stderr?.on('data', (chunk) => {
    output += chunk;
  });
  const exited = new Promise<never>((_, reject) => {
    child.once('error', (error) => reject(new Error(`cannot start java: ${error.message}`)));
    child.once('exit', (code) =>
      reject(new Error(`DynamoDB Local exited with code ${code}:\n${output}`)),
    );
  });
  const deadline = Date.now() + 60_000;
  while (Date.now() < deadline) {
    const answered = await Promise.race([
      fetch(endpoint, { method: 'POST' }).then(
        () => true,
        () => false,
      ),
      exited,
    ]);
    if (answered) return;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  await stopProcess(child);
  throw new Error(`DynamoDB Local did not answer at ${endpoint} within 60 s:\n${output}`);
}

function stopProcess(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => {
    child.once('exit', () => resolve());
    child.kill('SIGTERM');
  });
}
