// Shared by the PostgreSQL tests: a PostgresStore on a fresh schema (dropped afterwards), and a
// SqliteStore in memory to hold it against.
import { PostgresStore } from '../../src/store/postgres.js';
import { SqliteStore } from '../../src/store/sqlite.js';
import type { Sid, SidPrefix } from '../../src/sids.js';
import type { CustomOperatorRecord, ServiceRecord } from '../../src/store/store.js';
import { assertPostgresReachable, dropSchema, newSchemaName, testDatabaseUrl } from '../helpers/postgres.js';

export interface FreshPostgres {
  schema: string;
  store: PostgresStore;
  /** Another store (own pool) on the same schema: a second "process". */
  open(poolSize?: number): Promise<PostgresStore>;
  /** Closes every store opened here and drops the schema. */
  dispose(): Promise<void>;
}

export async function freshPostgres(poolSize = 5): Promise<FreshPostgres> {
  await assertPostgresReachable();
  const schema = newSchemaName();
  const opened: PostgresStore[] = [];
  const open = async (size = poolSize) => {
    const store = await PostgresStore.open({ url: testDatabaseUrl(), poolSize: size, schema });
    opened.push(store);
    return store;
  };
  const store = await open();
  return {
    schema,
    store,
    open,
    async dispose() {
      await Promise.all(opened.map((each) => each.close()));
      await dropSchema(schema);
    },
  };
}

export const memorySqlite = () => SqliteStore.open({ filename: ':memory:' });

/** A SID of kind P from test text (some tests use SIDs the API would not issue: mixed case, non-hex). */
export const testSid = <P extends SidPrefix>(prefix: P, rest: string): Sid<P> => (prefix + rest) as Sid<P>;

export const account = (digit: string) => testSid('AC', digit.repeat(32));

export function service(
  sid: Sid<'GA'>,
  accountSid: Sid<'AC'>,
  uniqueName: string,
  createdMs: number,
  extra: Partial<ServiceRecord> = {},
): ServiceRecord {
  return {
    sid,
    accountSid,
    uniqueName,
    friendlyName: null,
    languageCode: 'en-US',
    autoRedaction: false,
    mediaRedaction: false,
    autoTranscribe: false,
    dataLogging: false,
    webhookUrl: null,
    webhookHttpMethod: 'POST',
    encryptionCredentialSid: null,
    version: 1,
    dateCreatedMs: createdMs,
    dateUpdatedMs: createdMs,
    ...extra,
  };
}

export function customOperator(
  sid: Sid<'LY'>,
  accountSid: Sid<'AC'>,
  createdMs: number,
  extra: Partial<CustomOperatorRecord> = {},
): CustomOperatorRecord {
  return {
    sid,
    accountSid,
    friendlyName: `operator ${sid.slice(-4)}`,
    description: null,
    operatorType: 'LiteralSpot',
    configJson: '{"phrase_sets":[{"name":"refund","phrases":["refund"],"match":"exact"}]}',
    availability: 'public',
    version: 1,
    dateCreatedMs: createdMs,
    dateUpdatedMs: createdMs,
    ...extra,
  };
}
