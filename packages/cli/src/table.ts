/**
 * Text laid out in columns, two spaces apart, under a header; columns named in `right` are
 * aligned right (amounts and counts), the rest left.
 *
 * @example
 * table(['CURRENCY', 'BALANCE'], [['GOLD', '10.50']], new Set([1]));
 */
export function table(
  header: readonly string[],
  rows: readonly (readonly string[])[],
  right: ReadonlySet<number> = new Set(),
): string {
  const widths = header.map((title, column) =>
    Math.max(title.length, ...rows.map((row) => (row[column] ?? '').length)),
  );
  const line = (cells: readonly string[]) =>
    cells
      .map((cell, column) =>
        right.has(column) ? cell.padStart(widths[column]!) : cell.padEnd(widths[column]!),
      )
      .join('  ')
      .trimEnd();
  return [line(header), ...rows.map(line)].join('\n');
}
