/**
 * A local DynamoDB on 127.0.0.1: `dynalite`, an implementation of
 * DynamoDB's API in memory (item size limit, conditional writes, atomic
 * counters included), holding the state table with the key schema the stack
 * creates (state/keys.ts). The function reaches it through the SDK's
 * standard `AWS_ENDPOINT_URL_DYNAMODB`; `npm run dev` and the tests start
 * it the same way.
 */
import {
  CreateTableCommand,
  DeleteItemCommand,
  DynamoDBClient,
  GetItemCommand,
  PutItemCommand,
  ScanCommand,
  type AttributeValue,
} from '@aws-sdk/client-dynamodb';
import dynalite from 'dynalite';
import { STATE_KEYS } from '../../function/state/keys';
import { listenOnLoopback } from '../loopback';

type Item = Record<string, AttributeValue>;

export interface DynamoDbServer {
  /** `http://127.0.0.1:<port>`: the value of AWS_ENDPOINT_URL_DYNAMODB. */
  readonly url: string;
  readonly tableName: string;
  /** Every item in the table. */
  items(): Promise<Item[]>;
  /** One item by key, or undefined. */
  item(pk: string, sk: string): Promise<Item | undefined>;
  /** Writes an item as is (to set up a state, e.g. a spent budget). */
  put(item: Item): Promise<void>;
  /** Deletes every item. */
  clear(): Promise<void>;
  close(): Promise<void>;
}

/**
 * STATE_CALL_TIMEOUT_MS for a function using this table: dynalite on a loaded
 * machine can take seconds where DynamoDB takes milliseconds. @unit ms
 */
export const LOCAL_STATE_CALL_TIMEOUT_MS = 10_000;

/** The table name the stack would give a function called `agent`. */
export const LOCAL_STATE_TABLE = 'agent-state';

export async function startDynamoDb(tableName = LOCAL_STATE_TABLE): Promise<DynamoDbServer> {
  const listening = await listenOnLoopback(dynalite({ createTableMs: 0, deleteTableMs: 0, updateTableMs: 0 }));
  const client = new DynamoDBClient({
    endpoint: listening.url,
    region: 'us-east-1',
    credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
  });
  await client.send(
    new CreateTableCommand({
      TableName: tableName,
      BillingMode: 'PAY_PER_REQUEST',
      AttributeDefinitions: [
        { AttributeName: STATE_KEYS.partition, AttributeType: 'S' },
        { AttributeName: STATE_KEYS.sort, AttributeType: 'S' },
      ],
      KeySchema: [
        { AttributeName: STATE_KEYS.partition, KeyType: 'HASH' },
        { AttributeName: STATE_KEYS.sort, KeyType: 'RANGE' },
      ],
    }),
  );
  const key = (pk: string, sk: string): Item => ({ [STATE_KEYS.partition]: { S: pk }, [STATE_KEYS.sort]: { S: sk } });
  const items = async (): Promise<Item[]> => {
    const found: Item[] = [];
    let start: Item | undefined;
    do {
      const page = await client.send(new ScanCommand({ TableName: tableName, ExclusiveStartKey: start, ConsistentRead: true }));
      found.push(...(page.Items ?? []));
      start = page.LastEvaluatedKey;
    } while (start);
    return found;
  };
  return {
    url: listening.url,
    tableName,
    items,
    async item(pk, sk) {
      return (await client.send(new GetItemCommand({ TableName: tableName, Key: key(pk, sk), ConsistentRead: true }))).Item;
    },
    async put(item: Item) {
      await client.send(new PutItemCommand({ TableName: tableName, Item: item }));
    },
    async clear() {
      for (const item of await items()) {
        await client.send(new DeleteItemCommand({ TableName: tableName, Key: key(item.pk.S ?? '', item.sk.S ?? '') }));
      }
    },
    async close() {
      client.destroy();
      await listening.close();
    },
  };
}
