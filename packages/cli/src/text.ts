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

/**
 * The characters a terminal may act on, or that reorder or hide what it shows, which
 * `JSON.stringify` leaves as they are: DEL and the C1 controls (U+0080 to U+009F; U+009B and
 * U+009D open a control sequence or an operating system command, as ESC [ and ESC ] do), and the
 * bidirectional and invisible format characters. Anyone who writes metadata can plant them.
 */
const TERMINAL_UNSAFE =
  /[\u007f-\u009f\u00ad\u061c\u180e\u200b-\u200f\u2028-\u202e\u2060-\u2069\ufeff\ufff9-\ufffb]/g;

/**
 * `text` with every character in {@link TERMINAL_UNSAFE} written as a `\uXXXX` escape, so what a
 * ledger holds cannot move the cursor, rewrite earlier lines, set a link or the clipboard, or
 * reverse a line on the operator's terminal. Inside a JSON string the escape is the same
 * character once parsed, so `--json` output still reads back exactly. (C0 controls such as ESC
 * never reach output raw: JSON escapes them, and text output holds only ids, codes and amounts.)
 *
 * @example
 * terminalSafe('{"reason":"\u009b2J"}'); // '{"reason":"\\u009b2J"}'
 */
export function terminalSafe(text: string): string {
  return text.replace(
    TERMINAL_UNSAFE,
    (char) => `\\u${char.charCodeAt(0).toString(16).padStart(4, '0')}`,
  );
}
