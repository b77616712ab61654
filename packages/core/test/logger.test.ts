import { Logger as PowertoolsLogger } from '@aws-lambda-powertools/logger';
import { pino } from 'pino';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { jsonLogger, type Logger, silentLogger } from '../src/index.js';

afterEach(() => {
  vi.restoreAllMocks();
});

/** The JSON lines written to a stream while `run` runs. */
function linesOf(stream: NodeJS.WriteStream, run: () => void): Record<string, unknown>[] {
  const written: string[] = [];
  vi.spyOn(stream, 'write').mockImplementation((chunk: unknown) => {
    written.push(String(chunk));
    return true;
  });
  run();
  vi.restoreAllMocks();
  return written
    .join('')
    .split('\n')
    .filter((line) => line !== '')
    .map((line) => JSON.parse(line));
}

describe('Logger', () => {
  it("is satisfied by AWS Lambda Powertools' Logger as it is, which logs the record's message and fields", () => {
    const logger: Logger = new PowertoolsLogger({ serviceName: 'wallet' });
    const [line] = linesOf(process.stdout, () =>
      logger.info({ message: 'request', status: 200, route: '/v1/wallets' }),
    );
    expect(line).toMatchObject({
      level: 'INFO',
      message: 'request',
      service: 'wallet',
      status: 200,
      route: '/v1/wallets',
    });
  });

  it('is satisfied by pino as it is, which logs the record as its fields', () => {
    const written: string[] = [];
    const logger: Logger = pino({ base: null }, { write: (line: string) => written.push(line) });
    logger.error({
      message: 'poison stream record',
      sequenceNumber: '1000',
      code: 'ION_MALFORMED',
    });
    expect(JSON.parse(written[0]!)).toMatchObject({
      level: 50,
      message: 'poison stream record',
      sequenceNumber: '1000',
      code: 'ION_MALFORMED',
    });
  });

  it('jsonLogger writes one JSON line with time, level and the record: info to stdout, warn and error to stderr', () => {
    const out = linesOf(process.stdout, () => jsonLogger.info({ message: 'up', port: 3000 }));
    const err = linesOf(process.stderr, () => {
      jsonLogger.warn({ message: 'no tokens' });
      jsonLogger.error({ message: 'down', cause: 'ECONNREFUSED' });
    });
    expect(out).toEqual([
      {
        time: expect.stringMatching(/^\d{4}-\d\d-\d\dT/),
        level: 'info',
        message: 'up',
        port: 3000,
      },
    ]);
    expect(err.map((line) => [line.level, line.message])).toEqual([
      ['warn', 'no tokens'],
      ['error', 'down'],
    ]);
  });

  it('silentLogger writes nothing', () => {
    const out = linesOf(process.stdout, () => silentLogger.info({ message: 'up' }));
    const err = linesOf(process.stderr, () => silentLogger.error({ message: 'down' }));
    expect([...out, ...err]).toEqual([]);
  });
});
