import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);
// parquetjs-lite is CommonJS without types; this file is the only place that touches it.
const parquet = require('parquetjs-lite') as {
  ParquetEnvelopeReader: {
    openFile(path: string): Promise<EnvelopeReader>;
  };
  ParquetReader: {
    openEnvelopeReader(
      envelope: EnvelopeReader,
      options: { metadata: FooterMetadata; rawStatistics: boolean },
    ): Promise<{
      getCursor(): { next(): Promise<Record<string, unknown> | null> };
      close(): Promise<void>;
    }>;
  };
};

interface EnvelopeReader {
  readHeader(): Promise<void>;
  readFooter(): Promise<FooterMetadata>;
}

/** A schema element of the file footer, as parquetjs-lite's Thrift decoder returns it. */
export interface FooterColumn {
  name: string;
  type: number | null;
  type_length: number | null;
  converted_type: number | null;
  scale: number | null;
  precision: number | null;
  repetition_type: number | null;
}

interface FooterMetadata {
  version: number;
  schema: FooterColumn[];
}

/** parquet-format's ConvertedType codes the exporter uses. */
export const CONVERTED = { UTF8: 0, DECIMAL: 5, TIMESTAMP_MILLIS: 9 } as const;

/** parquet-format's FieldRepetitionType codes. */
export const REPETITION = { REQUIRED: 0, OPTIONAL: 1 } as const;

/**
 * Reads a Parquet file with parquetjs-lite, a reader written independently of the exporter's
 * writer. parquetjs-lite 0.8.7 predates three things the files use: footers of format version 2,
 * the DECIMAL annotation, and INT64 timestamps (it decodes INT64 as BigInt and then fails to
 * make a Date of it). So the footer is decoded first and returned for the test to check those
 * annotations itself, and the rows are read as their physical values: DECIMAL as the 16 raw
 * bytes, timestamps as BigInt milliseconds.
 */
export async function readParquet(
  path: string,
): Promise<{ version: number; columns: FooterColumn[]; rows: Record<string, unknown>[] }> {
  const envelope = await parquet.ParquetEnvelopeReader.openFile(path);
  await envelope.readHeader();
  const footer = await envelope.readFooter();
  const columns = footer.schema.slice(1).map((column) => ({ ...column }));
  const physical: FooterMetadata = {
    ...footer,
    version: 1,
    schema: footer.schema.map((column) =>
      column.converted_type === CONVERTED.DECIMAL ||
      column.converted_type === CONVERTED.TIMESTAMP_MILLIS
        ? { ...column, converted_type: null }
        : column,
    ),
  };
  const reader = await parquet.ParquetReader.openEnvelopeReader(envelope, {
    metadata: physical,
    rawStatistics: true,
  });
  const rows: Record<string, unknown>[] = [];
  const cursor = reader.getCursor();
  for (let row = await cursor.next(); row !== null; row = await cursor.next()) rows.push(row);
  await reader.close();
  return { version: footer.version, columns, rows };
}

/**
 * The decimal text of a big-endian two's complement unscaled value: what a DECIMAL(p, scale)
 * column's FIXED_LEN_BYTE_ARRAY holds. Done digit by digit here, independently of the exporter.
 */
export function decimalText(bytes: Uint8Array, scale: number): string {
  let unscaled = 0n;
  for (const byte of bytes) unscaled = (unscaled << 8n) | BigInt(byte);
  if (bytes.length > 0 && (bytes[0]! & 0x80) !== 0) unscaled -= 1n << BigInt(bytes.length * 8);
  const negative = unscaled < 0n;
  const digits = (negative ? -unscaled : unscaled).toString().padStart(scale + 1, '0');
  const whole = digits.slice(0, digits.length - scale);
  const fraction = digits.slice(digits.length - scale);
  return `${negative ? '-' : ''}${whole}${scale > 0 ? `.${fraction}` : ''}`;
}
