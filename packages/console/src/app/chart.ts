import { h, svg } from './dom.js';

/** One point of a balance line: when, and the balance after, as the API renders it. */
export interface BalancePoint {
  txTime: string;
  balance: string;
}

const WIDTH = 560;
const HEIGHT = 120;

/**
 * A line of a currency's balance over time, as SVG. Balances are exact decimal strings: they are
 * scaled with bigint to pixel rows (a chart needs positions, never amounts as floats), and the
 * axis labels are the strings themselves.
 */
export function balanceChart(currency: string, points: readonly BalancePoint[]): HTMLElement {
  const units = points.map((point) => toUnits(point.balance));
  const scale = Math.max(0, ...units.map((unit) => unit.scale));
  const values = units.map((unit) => unit.value * 10n ** BigInt(scale - unit.scale));
  // bigint has no Math.min: the extremes by hand.
  let low = values[0] ?? 0n;
  let high = low;
  for (const value of values) {
    if (value < low) low = value;
    if (value > high) high = value;
  }
  const times = points.map((point) => Date.parse(point.txTime));
  const first = Math.min(...times);
  const span = Math.max(1, Math.max(...times) - first);
  const range = high - low;
  const coordinates = values.map((value, i) => {
    const x = points.length === 1 ? WIDTH / 2 : ((times[i]! - first) / span) * (WIDTH - 20) + 10;
    // Rows from the top, in thousandths of the height, computed exactly.
    const fraction = range === 0n ? 500n : ((high - value) * 1000n) / range;
    const y = 10 + (Number(fraction) / 1000) * (HEIGHT - 20);
    return `${x.toFixed(1)},${y.toFixed(1)}`;
  });
  const label = (text: string, y: number) =>
    svg(
      'text',
      { x: String(WIDTH + 6), y: String(y), class: 'axis' },
      document.createTextNode(text),
    );
  const lowText = points[values.indexOf(low)]?.balance ?? '';
  const highText = points[values.indexOf(high)]?.balance ?? '';
  return h(
    'figure',
    { class: 'chart', 'data-testid': `chart-${currency}` },
    h('figcaption', {}, `${currency} balance over time`),
    svg(
      'svg',
      {
        viewBox: `0 0 ${WIDTH + 90} ${HEIGHT}`,
        role: 'img',
        'aria-label': `${currency} balance from ${lowText} to ${highText}`,
      },
      svg('polyline', { points: coordinates.join(' '), class: 'line' }),
      ...coordinates.map((point) => {
        const [cx, cy] = point.split(',');
        return svg('circle', { cx: cx!, cy: cy!, r: '2.5', class: 'dot' });
      }),
      label(highText, 14),
      label(lowText, HEIGHT - 4),
    ),
  );
}

function toUnits(text: string): { value: bigint; scale: number } {
  const match = /^(-?)(\d+)(?:\.(\d+))?$/.exec(text);
  if (!match) return { value: 0n, scale: 0 };
  const fraction = match[3] ?? '';
  const value = BigInt(`${match[2]}${fraction}`);
  return { value: match[1] === '-' ? -value : value, scale: fraction.length };
}
