import { describe, expect, it } from 'vitest';
import { decodeQldbRecord, ionToJson } from '../src/index.js';
import { fixtureBinary, fixtureText } from './support/fixtures.js';

describe('the real records captured from QLDB streams', () => {
  it('decodes the Wallet REVISION_DETAILS (binary, as a stream sends it) field by field as it comes', () => {
    const record = decodeQldbRecord(fixtureBinary('wallet-revision-details.ion'));
    expect(record).toEqual({
      qldbStreamArn:
        'arn:aws:qldb:ap-northeast-1:670756400362:stream/test-wallet/0FyCS5aYSysK7aD7h8wvp3',
      recordType: 'REVISION_DETAILS',
      payload: {
        tableInfo: { tableName: 'Wallet', tableId: 'AYj94Ipn0re4Fr2PDgadpl' },
        revision: {
          blockAddress: { strandId: 'A2mzwAutFNnJm2ho9nls4q', sequenceNo: 711 },
          hash: 'j5yn00sQj4clTrEN4vka5BrbVjQ+v41wBSqjj9AFveA=',
          data: {
            accountId: 'user1',
            balance: 3000,
            txAmount: 500,
            txFrom: null,
            txTo: 'user1',
            txType: 'DEPOSIT',
            txRequestId: 'req5',
          },
          metadata: {
            id: '59NbC9MoyMw4vsTsoNROxX',
            version: 15,
            txTime: '2023-09-25T06:34:30.619Z',
            txId: '0007t6JMyzMK2LEscgWJ28',
          },
        },
      },
    });
  });

  it('keeps the day precision of an Ion date and renders blobs as base64 in the Person insert', () => {
    const record = decodeQldbRecord(fixtureBinary('person-revision-details.ion'));
    if (record.recordType !== 'REVISION_DETAILS') throw new Error(record.recordType);
    expect(record.payload.revision.data).toEqual({
      FirstName: 'Nova',
      LastName: 'Lewis',
      DOB: '1963-08-19',
      GovId: 'LEWISR261LL',
      GovIdType: 'Driver License',
      Address: '1719 University Street, Seattle, WA, 98109',
    });
    expect(record.payload.revision.hash).toBe('vJFOcsNRM14gsIBSEnwPhMVgRAWf/4EUW5gPYbtmDv0=');
    expect(record.payload.revision.metadata).toEqual({
      id: 'D35qd3e2prnJYmtKW6kok1',
      version: 0,
      txTime: '2019-12-11T07:20:51.245Z',
      txId: '0007KbqoyqAIch6XRbQ4iA',
    });
  });

  it('decodes the BLOCK_SUMMARY with document ids as field names, hash lists and statements', () => {
    const record = decodeQldbRecord(fixtureBinary('person-block-summary.ion'));
    if (record.recordType !== 'BLOCK_SUMMARY') throw new Error(record.recordType);
    const { payload } = record;
    expect(payload.blockAddress).toEqual({ strandId: 'HbD9IggL584EPHmfwjmVz0', sequenceNo: 3 });
    expect(payload.blockTimestamp).toBe('2019-12-11T07:20:51.261Z');
    expect(payload.blockHash).toBe('lu425dAWsmvzxuNHTbn4ID4mLo0bWKkjLP2Uel4wrPQ=');
    expect(payload.entriesHashList).toHaveLength(4);
    expect(payload.entriesHashList?.[1]).toBe('vJFOcsNRM14gsIBSEnwPhMVgRAWf/4EUW5gPYbtmDv0=');
    expect(payload.transactionInfo).toEqual({
      statements: [
        {
          statement: expect.stringContaining("'DOB' : `1963-08-19T`"),
          startTime: '2019-12-11T07:20:51.223Z',
          statementDigest: 't5wbRW+wIi/X0n3iPhFJtbt2qpzzgWkOXIFC4xJHp4o=',
        },
      ],
      documents: {
        D35qd3e2prnJYmtKW6kok1: {
          tableName: 'Person',
          tableId: '1SUXCa3wwV0GD7kV78RbSg',
          statements: [0],
        },
      },
    });
    expect(payload.revisionSummaries).toEqual([
      {
        hash: 'vJFOcsNRM14gsIBSEnwPhMVgRAWf/4EUW5gPYbtmDv0=',
        documentId: 'D35qd3e2prnJYmtKW6kok1',
      },
    ]);
  });

  it.each([
    'wallet-revision-details.ion',
    'person-revision-details.ion',
    'person-block-summary.ion',
  ])('decodes %s to the same JSON from Ion text, Ion binary and base64', (name) => {
    const binary = fixtureBinary(name);
    const fromBinary = decodeQldbRecord(binary);
    expect(decodeQldbRecord(Buffer.from(fixtureText(name)))).toEqual(fromBinary);
    expect(decodeQldbRecord(Buffer.from(binary).toString('base64'))).toEqual(fromBinary);
    expect(ionToJson(binary)).toEqual([fromBinary]);
  });
});
