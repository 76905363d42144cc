/**
 * The state table through the AWS SDK's DynamoDB client, loaded on first use
 * (a deployment without sessions or budgets never loads it). The client
 * honours the SDK's standard `AWS_ENDPOINT_URL_DYNAMODB`. Every call is
 * bounded by its own timeout and the request's deadline; any failure other
 * than a failed condition becomes a StateUnavailableError, so a request is
 * refused rather than served without its session or budget.
 */
import type * as DynamoDb from '@aws-sdk/client-dynamodb';
import type { AttributeValue, DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { lazyClient, serviceFailure, withTimeout } from '../aws-client';
import { STATE_KEYS } from './keys';

/** Attempts per call: one retry for a throttle or a dropped connection. */
const MAX_ATTEMPTS = 2;

export type Item = Record<string, AttributeValue>;
export type Key = { readonly pk: string; readonly sk: string };

type Sdk = typeof DynamoDb;
const connect = lazyClient(
  () => import('@aws-sdk/client-dynamodb'),
  (sdk, region) => new sdk.DynamoDBClient({ region, maxAttempts: MAX_ATTEMPTS }),
);

/** A failed ConditionExpression: the caller decides what it means (a conflict, a missing item). */
export class ConditionFailed extends Error {
  constructor() {
    super('The condition of the write did not hold.');
    this.name = 'ConditionFailed';
  }
}

export const keyOf = ({ pk, sk }: Key): Item => ({ [STATE_KEYS.partition]: { S: pk }, [STATE_KEYS.sort]: { S: sk } });
export const str = (value: string): AttributeValue => ({ S: value });
export const num = (value: number): AttributeValue => ({ N: String(value) });
export const readStr = (item: Item | undefined, name: string): string | undefined => item?.[name]?.S;
export const readNum = (item: Item | undefined, name: string): number | undefined => (item?.[name]?.N === undefined ? undefined : Number(item[name].N));
export const bool = (value: boolean): AttributeValue => ({ BOOL: value });
export const bin = (value: Uint8Array): AttributeValue => ({ B: value });
export const readBool = (item: Item | undefined, name: string): boolean => item?.[name]?.BOOL === true;
export const readBin = (item: Item | undefined, name: string): Uint8Array | undefined => item?.[name]?.B;

export class StateStore {
  /** @param callTimeoutMs longest one call may take, retries included (STATE_CALL_TIMEOUT_MS) */
  constructor(
    readonly tableName: string,
    private readonly region: string,
    private readonly callTimeoutMs: number,
  ) {}

  /** At init (prefetch): loads the DynamoDB client, so the first call does not. */
  async connect(): Promise<void> {
    await connect(this.region);
  }

  /** The item, or only the attributes `projection` names (no reserved words). */
  async get(key: Key, signal?: AbortSignal, projection?: readonly string[]): Promise<Item | undefined> {
    return this.call('read', signal, async ({ sdk, client }, abortSignal) => {
      const out = await client.send(
        new sdk.GetItemCommand({
          TableName: this.tableName,
          Key: keyOf(key),
          ConsistentRead: true,
          ...(projection ? { ProjectionExpression: projection.join(', ') } : {}),
        }),
        { abortSignal },
      );
      return out.Item;
    });
  }

  /** A PutItem of the whole item (keys included); throws ConditionFailed when `condition` does not hold. */
  async put(item: Item, options: { condition?: string; names?: Record<string, string>; values?: Item } = {}, signal?: AbortSignal): Promise<void> {
    await this.call('write', signal, async ({ sdk, client }, abortSignal) => {
      try {
        await client.send(
          new sdk.PutItemCommand({
            TableName: this.tableName,
            Item: item,
            ...(options.condition ? { ConditionExpression: options.condition } : {}),
            ...(options.names ? { ExpressionAttributeNames: options.names } : {}),
            ...(options.values ? { ExpressionAttributeValues: options.values } : {}),
          }),
          { abortSignal },
        );
      } catch (error) {
        if (error instanceof sdk.ConditionalCheckFailedException) throw new ConditionFailed();
        throw error;
      }
    });
  }

  /** Items by key, in no particular order; missing ones are left out. */
  async getMany(keys: readonly Key[], signal?: AbortSignal): Promise<Item[]> {
    return this.call('read', signal, async ({ sdk, client }, abortSignal) => {
      const out = await client.send(new sdk.BatchGetItemCommand({ RequestItems: { [this.tableName]: { Keys: keys.map(keyOf), ConsistentRead: true } } }), {
        abortSignal,
      });
      if (out.UnprocessedKeys && Object.keys(out.UnprocessedKeys).length > 0) throw new Error('the table left keys unprocessed (throttled)');
      return out.Responses?.[this.tableName] ?? [];
    });
  }

  /** An UpdateItem; throws ConditionFailed when `condition` does not hold. */
  async update(
    key: Key,
    update: { expression: string; condition?: string; names?: Record<string, string>; values?: Item; returnOld?: boolean; returnNew?: boolean },
    signal?: AbortSignal,
  ): Promise<Item | undefined> {
    return this.call('write', signal, async ({ sdk, client }, abortSignal) => {
      try {
        const out = await client.send(
          new sdk.UpdateItemCommand({
            TableName: this.tableName,
            Key: keyOf(key),
            UpdateExpression: update.expression,
            ...(update.condition ? { ConditionExpression: update.condition } : {}),
            ...(update.names ? { ExpressionAttributeNames: update.names } : {}),
            ...(update.values ? { ExpressionAttributeValues: update.values } : {}),
            ReturnValues: update.returnOld ? 'ALL_OLD' : update.returnNew ? 'ALL_NEW' : 'NONE',
          }),
          { abortSignal },
        );
        return out.Attributes;
      } catch (error) {
        if (error instanceof sdk.ConditionalCheckFailedException) throw new ConditionFailed();
        throw error;
      }
    });
  }

  /** Deletes the item; returns what it held, or undefined when there was none. Throws ConditionFailed when `condition` does not hold. */
  async delete(key: Key, options: { condition?: string; names?: Record<string, string>; values?: Item } = {}, signal?: AbortSignal): Promise<Item | undefined> {
    return this.call('write', signal, async ({ sdk, client }, abortSignal) => {
      try {
        const out = await client.send(
          new sdk.DeleteItemCommand({
            TableName: this.tableName,
            Key: keyOf(key),
            ReturnValues: 'ALL_OLD',
            ...(options.condition ? { ConditionExpression: options.condition } : {}),
            ...(options.names ? { ExpressionAttributeNames: options.names } : {}),
            ...(options.values ? { ExpressionAttributeValues: options.values } : {}),
          }),
          { abortSignal },
        );
        return out.Attributes;
      } catch (error) {
        if (error instanceof sdk.ConditionalCheckFailedException) throw new ConditionFailed();
        throw error;
      }
    });
  }

  private async call<T>(
    kind: 'read' | 'write',
    signal: AbortSignal | undefined,
    work: (sdk: { sdk: Sdk; client: DynamoDBClient }, abortSignal: AbortSignal) => Promise<T>,
  ): Promise<T> {
    const abortSignal = withTimeout(signal, this.callTimeoutMs);
    try {
      return await work(await connect(this.region), abortSignal);
    } catch (error) {
      if (error instanceof ConditionFailed) throw error;
      throw serviceFailure(error, signal, {
        deadline: 'The request ran out of time while using the state table.',
        unavailable: (name) =>
          `The state table could not be ${kind === 'read' ? 'read' : 'written'} (${name}); the request is refused rather than served without its session or budget. Retry later.`,
      });
    }
  }
}
