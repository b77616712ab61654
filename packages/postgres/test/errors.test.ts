import {
  ConcurrencyConflictError,
  OutcomeUnknownError,
  StoreUnavailableError,
  ValidationError,
} from '@wallet/core';
import { backoffDelay } from '@wallet/core/adapter';
import { describe, expect, it } from 'vitest';
import { DriverError, type Phase } from '../src/driver-error.js';
import { translateError } from '../src/errors.js';

const serverError = (code: string) =>
  Object.assign(new Error(`server said ${code}`), { code, severity: 'ERROR' });
const socketError = () => Object.assign(new Error('read ECONNRESET'), { code: 'ECONNRESET' });

function translated(cause: unknown, phase: Phase = 'statement') {
  return translateError(new DriverError(phase, cause));
}

describe('translateError', () => {
  it('retries serialization failures, deadlocks, lock timeouts and unique violations', () => {
    for (const code of ['40001', '40P01', '55P03', '23505']) {
      const cause = serverError(code);
      expect(translated(cause)).toEqual({ retry: true, cause });
    }
  });

  it('retries when the server disagrees about prepared statements (missing, or already there)', () => {
    for (const code of ['26000', '42P05']) {
      const cause = serverError(code);
      expect(translated(cause)).toEqual({ retry: true, cause });
    }
  });

  it('maps a lost connection before COMMIT to STORE_UNAVAILABLE and during COMMIT to OUTCOME_UNKNOWN, keeping the cause', () => {
    for (const cause of [socketError(), serverError('57P01'), serverError('08006')]) {
      for (const phase of ['connect', 'statement'] as const) {
        const outcome = translated(cause, phase);
        expect(outcome.retry).toBe(false);
        if (!outcome.retry) {
          expect(outcome.error).toBeInstanceOf(StoreUnavailableError);
          expect((outcome.error as Error).cause).toBe(cause);
        }
      }
      const outcome = translated(cause, 'commit');
      if (!outcome.retry) expect(outcome.error).toBeInstanceOf(OutcomeUnknownError);
    }
  });

  it('maps a missing schema to STORE_UNAVAILABLE and unstorable text to VALIDATION_ERROR', () => {
    const missing = translated(serverError('42883'));
    if (!missing.retry) expect(missing.error).toBeInstanceOf(StoreUnavailableError);
    const nul = translated(serverError('22P05'));
    if (!nul.retry) expect(nul.error).toBeInstanceOf(ValidationError);
  });

  it('maps data the database refuses (encoding, length, range, malformed literal, index row size) to VALIDATION_ERROR, keeping the cause', () => {
    const sqlAscii = Object.assign(
      new Error('conversion between UTF8 and SQL_ASCII is not supported'),
      { code: '0A000', severity: 'ERROR' },
    );
    const refused = ['22021', '22P05', '22P02', '22001', '22003', '22026', '54000'].map(
      serverError,
    );
    for (const cause of [...refused, sqlAscii]) {
      const outcome = translated(cause);
      expect(outcome.retry).toBe(false);
      if (!outcome.retry) {
        expect(outcome.error).toBeInstanceOf(ValidationError);
        expect((outcome.error as Error).cause).toBe(cause);
      }
    }
  });

  it("passes the version guard's 22P02 and any other server error through as the driver raised it", () => {
    const guard = Object.assign(
      new Error(
        'invalid input syntax for type boolean: "stale wallet version 4, the write read 3"',
      ),
      { code: '22P02', severity: 'ERROR' },
    );
    expect(translated(guard)).toEqual({ retry: false, error: guard });
    for (const other of [serverError('XX000'), serverError('22012'), serverError('0A000')]) {
      expect(translated(other)).toEqual({ retry: false, error: other });
    }
  });

  it('passes errors that are not the database’s (such as one thrown by decide) through unchanged', () => {
    const error = new ConcurrencyConflictError(1);
    expect(translateError(error)).toEqual({ retry: false, error });
  });
});

describe('backoffDelay with the ledger defaults (2 ms doubling up to 100 ms)', () => {
  it('draws a jittered wait below a cap that doubles per attempt up to 100 ms', () => {
    const bounds = { baseDelayMs: 2, maxDelayMs: 100 };
    expect(backoffDelay(1, bounds, () => 0.999)).toBeLessThan(2);
    expect(backoffDelay(3, bounds, () => 0.5)).toBe(4);
    expect(backoffDelay(30, bounds, () => 1)).toBe(100);
    expect(backoffDelay(5, bounds, () => 0)).toBe(0);
  });
});
