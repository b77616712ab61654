/** Where progress goes: standard error, and whether it is a terminal. */
export interface ProgressStream {
  write(text: string): unknown;
  isTTY?: boolean;
}

/**
 * Shows how far a long command got, on standard error: a bar redrawn in place on a terminal, at
 * most ten times a second; plain lines otherwise (a log, a CI job), one each time another tenth
 * of the total is done, so a piped run stays short and readable.
 *
 * @example
 * const progress = new Progress(process.stderr, 'verified', 'wallets', 1_000);
 * progress.update(250);
 * progress.update(500, '12,000 entries');
 * progress.done();
 */
export class Progress {
  readonly #stream: ProgressStream;
  readonly #verb: string;
  readonly #unit: string;
  readonly #total: number;
  readonly #started = performance.now();
  #drawnAt = 0;
  #nextLine: number;
  /** The count the last plain line showed; -1 before the first. */
  #printed = -1;
  #count = 0;
  #note: string | undefined;

  constructor(stream: ProgressStream, verb: string, unit: string, total: number) {
    this.#stream = stream;
    this.#verb = verb;
    this.#unit = unit;
    this.#total = total;
    this.#nextLine = this.#step();
  }

  /**
   * Records that `count` items are done in all; `note` (other counts of the same work, such as
   * entries written) follows the line until the next update.
   */
  update(count: number, note?: string): void {
    this.#count = count;
    this.#note = note;
    if (this.#stream.isTTY) {
      const now = performance.now();
      if (now - this.#drawnAt < 100) return;
      this.#drawnAt = now;
      this.#stream.write(`\r${this.#bar()}`);
      return;
    }
    if (count < this.#nextLine) return;
    while (this.#nextLine <= count) this.#nextLine += this.#step();
    this.#print();
  }

  /** Ends the display: the bar's last state, on a line of its own. */
  done(): void {
    if (this.#stream.isTTY) this.#stream.write(`\r${this.#bar()}\n`);
    else if (this.#printed !== this.#count) this.#print();
  }

  /**
   * Ends the display when the work failed: clears the bar on a terminal, so the error line that
   * follows stands alone; elsewhere the lines so far stay as they are.
   */
  fail(): void {
    if (this.#stream.isTTY) this.#stream.write('\r\x1b[K');
  }

  #print(): void {
    this.#printed = this.#count;
    this.#stream.write(`${this.#line()}\n`);
  }

  #step(): number {
    return Math.max(1, Math.ceil(this.#total / 10));
  }

  #line(): string {
    const rate = this.#count / Math.max(0.001, (performance.now() - this.#started) / 1000);
    const note = this.#note === undefined ? '' : `, ${this.#note}`;
    // Work found after the total was taken (a wallet created during `verify --all`) raises it:
    // a line never shows more done than there is.
    const total = Math.max(this.#total, this.#count);
    return `${this.#verb} ${count(this.#count)}/${count(total)} ${this.#unit} (${count(Math.round(rate))}/s)${note}`;
  }

  #bar(): string {
    const width = 30;
    const share = this.#total === 0 ? 1 : Math.min(1, this.#count / this.#total);
    const filled = Math.round(share * width);
    const percent = `${Math.floor(share * 100)}%`.padStart(4);
    return `[${'#'.repeat(filled)}${'-'.repeat(width - filled)}] ${percent} ${this.#line()}`;
  }
}

/** A count with thousands separators, as every table of the command shows it. */
export function count(value: number): string {
  return value.toLocaleString('en-US');
}

/** The frames of {@link Activity}'s spinner. */
const SPIN = ['|', '/', '-', '\\'];

/**
 * Shows that a long operation without a count of its own (a digest, read in one call) is under
 * way, on standard error: a spinner with the seconds so far, redrawn in place ten times a second
 * on a terminal; elsewhere one line when it starts. {@link done} ends it with a line saying what
 * was done, in both cases.
 *
 * @example
 * const activity = new Activity(process.stderr, "reading every wallet's head");
 * const digest = await service.createDigest();
 * activity.done(`read ${digest.wallets} wallet heads`);
 */
export class Activity {
  readonly #stream: ProgressStream;
  readonly #text: string;
  readonly #started = performance.now();
  readonly #timer: ReturnType<typeof setInterval> | undefined;
  #frame = 0;

  constructor(stream: ProgressStream, text: string) {
    this.#stream = stream;
    this.#text = text;
    if (!stream.isTTY) {
      stream.write(`${text}...\n`);
      return;
    }
    this.#draw();
    this.#timer = setInterval(() => this.#draw(), 100);
    // The spinner never keeps the process alive by itself.
    this.#timer.unref?.();
  }

  /** Stops the spinner; writes `text` and the seconds it took as a line of its own. */
  done(text: string): void {
    this.#stop();
    const line = `${text} in ${this.#seconds()} s`;
    this.#stream.write(this.#stream.isTTY ? `\r${line}\x1b[K\n` : `${line}\n`);
  }

  /** Stops the spinner and clears its line (on a terminal), when the operation failed. */
  fail(): void {
    this.#stop();
    if (this.#stream.isTTY) this.#stream.write('\r\x1b[K');
  }

  #stop(): void {
    if (this.#timer !== undefined) clearInterval(this.#timer);
  }

  #draw(): void {
    const frame = SPIN[this.#frame++ % SPIN.length];
    this.#stream.write(`\r${frame} ${this.#text} (${this.#seconds()} s)`);
  }

  #seconds(): string {
    return ((performance.now() - this.#started) / 1000).toFixed(1);
  }
}
