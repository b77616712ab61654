import { describe, expect, it } from 'vitest';
import { decodeQldbRecord, IonDecodeError, QldbRecordError } from '../src/index.js';
import { fixtureText, ionBinary } from './support/fixtures.js';

const ARN =
  'arn:aws:qldb:us-east-1:466800022684:stream/vehicle-registration/17CR7ArZ1AMHgHOeOk6G9C';

/** The captured Person insert with one piece of its Ion text replaced. */
function personWith(find: string | RegExp, replace: string): Uint8Array {
  const text = fixtureText('person-revision-details.ion');
  const changed = text.replace(find, replace);
  if (changed === text) throw new Error(`fixture has no ${find}`);
  return ionBinary(changed);
}

function errorOf(run: () => unknown): unknown {
  try {
    run();
  } catch (error) {
    return error;
  }
  throw new Error('did not throw');
}

describe('decodeQldbRecord', () => {
  it('types a CONTROL record by its recordType', () => {
    const record = decodeQldbRecord(
      ionBinary(
        `{ qldbStreamArn: "${ARN}", recordType: "CONTROL", payload: { controlRecordType: "CREATED" } }`,
      ),
    );
    expect(record).toEqual({
      qldbStreamArn: ARN,
      recordType: 'CONTROL',
      payload: { controlRecordType: 'CREATED' },
    });
  });

  it('reads a revision without data as a delete and keeps the dataHash of a redacted revision', () => {
    const deleted = decodeQldbRecord(personWith(/data: \{[^}]*\},/, ''));
    if (deleted.recordType !== 'REVISION_DETAILS') throw new Error(deleted.recordType);
    expect(deleted.payload.revision.data).toBeUndefined();
    const redacted = decodeQldbRecord(personWith(/data: \{[^}]*\},/, 'dataHash: {{AQID}},'));
    if (redacted.recordType !== 'REVISION_DETAILS') throw new Error(redacted.recordType);
    expect(redacted.payload.revision).toMatchObject({ dataHash: 'AQID' });
    expect(redacted.payload.revision.data).toBeUndefined();
  });

  it('reads a null data field as a delete', () => {
    const record = decodeQldbRecord(personWith(/data: \{[^}]*\},/, 'data: null,'));
    if (record.recordType !== 'REVISION_DETAILS') throw new Error(record.recordType);
    expect('data' in record.payload.revision).toBe(false);
  });

  it('throws IonDecodeError for garbage bytes', () => {
    const garbage = Uint8Array.from([0xe0, 0x01, 0x00, 0xea, 0xde, 0xad, 0xbe, 0xef]);
    expect(errorOf(() => decodeQldbRecord(garbage))).toBeInstanceOf(IonDecodeError);
    expect(
      errorOf(() => decodeQldbRecord(Uint8Array.from([0x9c, 0xff, 0x00, 0x13]))),
    ).toMatchObject({
      code: 'ION_MALFORMED',
    });
  });

  it.each([
    ['a scalar', '42'],
    ['a list', '[1, 2]'],
    ['no value at all', ''],
    ['two values', '{ a: 1 } { b: 2 }'],
    ['a struct without recordType', `{ qldbStreamArn: "${ARN}", payload: {} }`],
    [
      'a struct without qldbStreamArn',
      '{ recordType: "CONTROL", payload: { controlRecordType: "CREATED" } }',
    ],
    [
      'a recordType that is not a string',
      `{ qldbStreamArn: "${ARN}", recordType: 7, payload: {} }`,
    ],
    [
      'a CONTROL record without its controlRecordType',
      `{ qldbStreamArn: "${ARN}", recordType: "CONTROL", payload: {} }`,
    ],
    [
      'a BLOCK_SUMMARY without its blockHash',
      `{ qldbStreamArn: "${ARN}", recordType: "BLOCK_SUMMARY", payload: { blockAddress: { strandId: "s", sequenceNo: 1 }, transactionId: "t", blockTimestamp: 2019-12-11T07:20:51.261Z } }`,
    ],
  ])('throws NOT_A_QLDB_RECORD for Ion that is %s', (_, text) => {
    const error = errorOf(() => decodeQldbRecord(ionBinary(text)));
    expect(error).toBeInstanceOf(QldbRecordError);
    expect(error).toMatchObject({ code: 'NOT_A_QLDB_RECORD' });
  });

  it.each([
    ['tableInfo', /tableInfo: \{[^}]*\},/, ''],
    ['the table name', /tableName: "Person",/, ''],
    ['the revision metadata', /metadata: \{[^}]*\}/, 'other: 1'],
    ['the document id', /id: "D35qd3e2prnJYmtKW6kok1",/, ''],
    ['an int version', /version: 0,/, 'version: "0",'],
    ['the revision hash', /hash: \{\{[^}]*\}\},/, ''],
    ['the block address', /blockAddress: \{[^}]*\},/, ''],
    ['a struct document', /data: \{[^}]*\},/, 'data: "text",'],
  ])('throws NOT_A_QLDB_RECORD for a REVISION_DETAILS missing %s', (_, find, replace) => {
    expect(errorOf(() => decodeQldbRecord(personWith(find, replace)))).toMatchObject({
      code: 'NOT_A_QLDB_RECORD',
    });
  });

  it('throws UNKNOWN_RECORD_TYPE for a record type this version does not know', () => {
    const error = errorOf(() =>
      decodeQldbRecord(
        ionBinary(`{ qldbStreamArn: "${ARN}", recordType: "INDEX_SUMMARY", payload: {} }`),
      ),
    );
    expect(error).toBeInstanceOf(QldbRecordError);
    expect(error).toMatchObject({ code: 'UNKNOWN_RECORD_TYPE' });
  });
});
