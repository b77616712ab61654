import { describe, expect, it } from 'vitest';
import { Progress } from '../src/progress.js';

function stream(isTTY: boolean) {
  const writes: string[] = [];
  return { writes, isTTY, write: (text: string) => writes.push(text) };
}

describe('Progress', () => {
  it('draws one bar in place on a terminal, redrawn at most ten times a second, ending on its own line', () => {
    const terminal = stream(true);
    const progress = new Progress(terminal, 'verified', 'wallets', 1_000);
    for (let done = 1; done <= 1_000; done++) progress.update(done);
    progress.done();
    expect(terminal.writes.length).toBeLessThanOrEqual(3);
    for (const write of terminal.writes) expect(write.startsWith('\r[')).toBe(true);
    expect(terminal.writes.at(-1)).toMatch(
      /^\r\[#{30}\] 100% verified 1,000\/1,000 wallets \([\d,]+\/s\)\n$/,
    );
  });

  it('writes a plain line per tenth of the total elsewhere, and the last count once', () => {
    const log = stream(false);
    const progress = new Progress(log, 'verified', 'wallets', 95);
    for (let done = 1; done <= 95; done++) progress.update(done);
    progress.done();
    expect(log.writes.map((line) => line.replace(/ \([^)]*\)\n$/, ''))).toEqual([
      ...[10, 20, 30, 40, 50, 60, 70, 80, 90].map((done) => `verified ${done}/95 wallets`),
      'verified 95/95 wallets',
    ]);
  });

  it('shows an empty run as done', () => {
    const log = stream(false);
    const progress = new Progress(log, 'verified', 'wallets', 0);
    progress.done();
    expect(log.writes).toEqual([expect.stringMatching(/^verified 0\/0 wallets/)]);
  });
});
