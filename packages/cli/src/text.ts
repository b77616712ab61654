import { count } from './progress.js';

/**
 * A count and its noun, plural unless the count is 1: `1 wallet`, `1,206 wallets`; `plural`
 * when adding an `s` is not it.
 *
 * @example
 * counted(2, 'wallet'); // '2 wallets'
 * counted(0, 'index', 'indexes'); // '0 indexes'
 */
export function counted(value: number, noun: string, plural = `${noun}s`): string {
  return `${count(value)} ${value === 1 ? noun : plural}`;
}

/**
 * Text on one line, as an error line needs it: line breaks and the spaces around them become
 * one space.
 *
 * @example
 * oneLine('bad\n  input'); // 'bad input'
 */
export function oneLine(text: string): string {
  return text.replace(/\s*\n\s*/g, ' ').trim();
}
