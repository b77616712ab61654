import { afterEach, describe, expect, it, vi } from 'vitest';
import { Activity, Progress } from '../src/progress.js';

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

  it('follows a line with the note of its last update, such as other counts of the same work', () => {
    const log = stream(false);
    const progress = new Progress(log, 'read', 'data objects', 2);
    progress.update(1, '10 revisions, 8 entries written');
    progress.update(2);
    expect(log.writes[0]).toMatch(
      /^read 1\/2 data objects \([\d,]+\/s\), 10 revisions, 8 entries written\n$/,
    );
    expect(log.writes[1]).toMatch(/^read 2\/2 data objects \([\d,]+\/s\)\n$/);
  });

  it('clears the bar after a failure on a terminal, so the error line stands alone, and adds nothing elsewhere', () => {
    const terminal = stream(true);
    const bar = new Progress(terminal, 'read', 'data objects', 4);
    bar.update(1);
    bar.fail();
    expect(terminal.writes.at(-1)).toBe('\r\u001b[K');
    const log = stream(false);
    const lines = new Progress(log, 'read', 'data objects', 4);
    lines.update(0);
    lines.fail();
    expect(log.writes).toEqual([]);
  });

  it('raises the total it shows to the count when more was done than it was told', () => {
    const log = stream(false);
    const progress = new Progress(log, 'verified', 'wallets', 2);
    progress.update(3);
    progress.done();
    expect(log.writes).toEqual([expect.stringMatching(/^verified 3\/3 wallets/)]);
  });

  it('shows an empty run as done', () => {
    const log = stream(false);
    const progress = new Progress(log, 'verified', 'wallets', 0);
    progress.done();
    expect(log.writes).toEqual([expect.stringMatching(/^verified 0\/0 wallets/)]);
  });
});

describe('Activity', () => {
  afterEach(() => {
    vi.useRealTimers();
  });

  it('spins in place on a terminal ten times a second, then ends with what was done on its own line', () => {
    vi.useFakeTimers();
    const terminal = stream(true);
    const activity = new Activity(terminal, 'reading wallet heads');
    vi.advanceTimersByTime(350);
    activity.done('read 12 wallet heads');
    vi.advanceTimersByTime(1_000);
    const frames = terminal.writes.slice(0, -1);
    expect(frames.map((frame) => frame.slice(0, 3))).toEqual(['\r| ', '\r/ ', '\r- ', '\r\\ ']);
    for (const frame of frames) expect(frame).toMatch(/^\r. reading wallet heads \([\d.]+ s\)$/);
    // Ends with the sequence that clears the rest of the spinner's line.
    expect(terminal.writes.at(-1)).toMatch(/^\rread 12 wallet heads in [\d.]+ s/);
    expect(terminal.writes.at(-1)?.endsWith('\u001b[K\n')).toBe(true);
  });

  it('writes one line when it starts and one when it is done elsewhere, and nothing more after a failure', () => {
    vi.useFakeTimers();
    const log = stream(false);
    new Activity(log, 'reading wallet heads').done('read 3 wallet heads');
    new Activity(log, 'reading wallet heads').fail();
    vi.advanceTimersByTime(1_000);
    expect(log.writes.map((line) => line.replace(/ in [\d.]+ s\n$/, ''))).toEqual([
      'reading wallet heads...\n',
      'read 3 wallet heads',
      'reading wallet heads...\n',
    ]);
  });
});
