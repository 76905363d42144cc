/**
 * What IAM authorises for one AWS API request the function made: the
 * request as a stand-in saw it (signed with SigV4, so the signing service is
 * in its credential scope) becomes the action, the resource's ARN and the
 * condition keys, as each service's page of the Service Authorization
 * Reference defines them, plus the KMS calls the service makes with the
 * caller's permissions when the resource is encrypted with a customer key.
 * A request this does not know is an error, never a guess.
 */
import type { SeenRequest } from '../../fixtures/servers/fault-proxy';
import type { IamRequest } from './evaluate';

export type { SeenRequest };

/** Where the calls are made, and the customer keys of the resources they touch. */
export interface CallContext {
  readonly partition: string;
  readonly region: string;
  readonly account: string;
  /** The customer-managed key encrypting each service's resources, when one does. */
  readonly keys?: Partial<Record<'dynamodb' | 'sqs' | 'secretsmanager', string>>;
}

/** Profile ids start with their geography (`us.`, `global.`): Bedrock's cross-Region inference profiles. */
const PROFILE_PREFIX = /^(us|us-gov|eu|apac|au|ca|jp|global)\./;
/** A destination Region of each geography besides the caller's own (AWS's inference profile tables). */
const OTHER_DESTINATION: Readonly<Record<string, string>> = {
  us: 'us-west-2',
  eu: 'eu-west-1',
  apac: 'ap-southeast-2',
  jp: 'ap-northeast-3',
  au: 'ap-southeast-4',
  ca: 'ca-west-1',
};

/** The service the request was signed for: `Credential=<key>/<date>/<region>/<service>/aws4_request`. */
export function signingServiceOf(request: SeenRequest): string {
  const authorization = String(request.headers.authorization ?? '');
  const service = /Credential=[^/]+\/\d{8}\/[^/]+\/([^/]+)\/aws4_request/.exec(authorization)?.[1];
  if (!service) throw new Error(`${request.method} ${request.path} is not signed with SigV4 (authorization: ${authorization.slice(0, 80) || 'none'})`);
  return service;
}

/** The operation of an AWS JSON protocol request (`x-amz-target: DynamoDB_20120810.GetItem` → `GetItem`). */
function jsonOperation(request: SeenRequest): string {
  const target = String(request.headers['x-amz-target'] ?? '');
  const operation = target.split('.').pop();
  if (!operation) throw new Error(`${request.method} ${request.path} has no x-amz-target: not an AWS JSON protocol request`);
  return operation;
}

/** Every authorisation one request needs. */
export function iamRequestsOf(request: SeenRequest, where: CallContext): IamRequest[] {
  // Init's connection probe (prefetch): unsigned, it can do nothing in AWS, so IAM authorises nothing.
  if (request.method === 'GET' && request.path === '/' && request.headers.authorization === undefined) return [];
  const service = signingServiceOf(request);
  const arn = (svc: string, resource: string, region = where.region, account = where.account) =>
    `arn:${where.partition}:${svc}:${region}:${account}:${resource}`;
  const viaKey = (svc: 'dynamodb' | 'sqs' | 'secretsmanager', actions: readonly string[]): IamRequest[] => {
    const key = where.keys?.[svc];
    return key ? actions.map((action) => ({ action, resource: key, context: { 'kms:ViaService': `${svc}.${where.region}.amazonaws.com` } })) : [];
  };
  const body = () => JSON.parse(request.body || '{}') as Record<string, any>;
  switch (service) {
    case 'dynamodb': {
      const operation = jsonOperation(request);
      const input = body();
      const tables: string[] = input.TableName ? [input.TableName] : Object.keys(input.RequestItems ?? {});
      if (tables.length === 0) throw new Error(`DynamoDB ${operation} names no table: ${request.body.slice(0, 200)}`);
      // Reads decrypt the table key; writes also generate data keys (DynamoDB's encryption at rest, customer managed keys).
      const reads = /^(Get|BatchGet|Query|Scan)/.test(operation);
      return tables.flatMap((table) => [
        { action: `dynamodb:${operation}`, resource: arn('dynamodb', `table/${table}`) },
        ...viaKey('dynamodb', reads ? ['kms:Decrypt'] : ['kms:Decrypt', 'kms:GenerateDataKey']),
      ]);
    }
    case 'sqs': {
      const operation = jsonOperation(request);
      const queueUrl = String(body().QueueUrl ?? '');
      const [account, name] = new URL(queueUrl).pathname.split('/').filter(Boolean);
      if (!account || !name) throw new Error(`SQS ${operation} has no queue URL of the form https://<host>/<account>/<name>: ${queueUrl}`);
      // SendMessageBatch is authorised as SendMessage; a producer to an SSE-KMS queue needs GenerateDataKey and Decrypt, a consumer Decrypt.
      const action = operation.replace(/Batch$/, '');
      const keyActions = action === 'SendMessage' ? ['kms:GenerateDataKey', 'kms:Decrypt'] : action === 'ReceiveMessage' ? ['kms:Decrypt'] : [];
      return [{ action: `sqs:${action}`, resource: arn('sqs', name, where.region, account) }, ...viaKey('sqs', keyActions)];
    }
    case 'secretsmanager': {
      const operation = jsonOperation(request);
      const id = String(body().SecretId ?? '');
      // A secret named without its ARN's random suffix cannot be matched to the policy's ARN: the function always passes the ARN.
      if (!id.startsWith('arn:')) throw new Error(`Secrets Manager ${operation} names the secret ${JSON.stringify(id)}, not its ARN`);
      return [{ action: `secretsmanager:${operation}`, resource: id }, ...viaKey('secretsmanager', operation === 'GetSecretValue' ? ['kms:Decrypt'] : [])];
    }
    case 'events': {
      const operation = jsonOperation(request);
      if (operation !== 'PutEvents') throw new Error(`EventBridge ${operation} is not mapped: add its resource from the Service Authorization Reference`);
      const buses = new Set<string>((body().Entries ?? []).map((e: { EventBusName?: string }) => e.EventBusName ?? 'default'));
      return [...buses].map((bus) => ({ action: 'events:PutEvents', resource: bus.startsWith('arn:') ? bus : arn('events', `event-bus/${bus}`) }));
    }
    case 'lambda': {
      const concurrency = /^\/2017-10-31\/functions\/([^/]+)\/concurrency$/.exec(request.path);
      if (request.method !== 'PUT' || !concurrency) throw new Error(`Lambda ${request.method} ${request.path} is not mapped: add its action and resource`);
      const name = decodeURIComponent(concurrency[1]);
      return [{ action: 'lambda:PutFunctionConcurrency', resource: name.startsWith('arn:') ? name : arn('lambda', `function:${name}`) }];
    }
    case 'bedrock': {
      // Knowledge bases (Bedrock Agent Runtime signs for bedrock too): Retrieve on the knowledge base.
      const retrieve = /^\/knowledgebases\/([^/]+)\/retrieve$/.exec(request.path);
      if (request.method === 'POST' && retrieve)
        return [{ action: 'bedrock:Retrieve', resource: arn('bedrock', `knowledge-base/${decodeURIComponent(retrieve[1])}`) }];
      const invoke = /^\/model\/([^/]+)\/(invoke|invoke-with-response-stream)$/.exec(request.path);
      if (request.method !== 'POST' || !invoke) throw new Error(`Bedrock ${request.method} ${request.path} is not mapped: add its action and resource`);
      const action = invoke[2] === 'invoke' ? 'bedrock:InvokeModel' : 'bedrock:InvokeModelWithResponseStream';
      return bedrockRequests(action, decodeURIComponent(invoke[1]), where);
    }
    default:
      throw new Error(`Requests signed for ${service} are not mapped: add the service with its actions and resources`);
  }
}

/**
 * A model id, a foundation model's or an inference profile's. Through a
 * profile, Bedrock authorises the profile, then the foundation model in the
 * Region it routes to, with `bedrock:InferenceProfileArn` naming the profile:
 * the caller's own Region and another destination of the profile's
 * geography, or, for a global profile, the Region-less foundation model ARN.
 */
function bedrockRequests(action: string, modelId: string, where: CallContext): IamRequest[] {
  if (modelId.startsWith('arn:')) throw new Error(`Bedrock was called with the ARN ${modelId}: map ARNs before using them`);
  const geography = PROFILE_PREFIX.exec(modelId)?.[1];
  const foundation = (region: string, id: string) => `arn:${where.partition}:bedrock:${region}::foundation-model/${id}`;
  if (!geography) return [{ action, resource: foundation(where.region, modelId) }];
  const profile = `arn:${where.partition}:bedrock:${where.region}:${where.account}:inference-profile/${modelId}`;
  const model = modelId.slice(geography.length + 1);
  const elsewhere = geography === 'global' ? '' : OTHER_DESTINATION[geography];
  if (elsewhere === undefined) throw new Error(`No destination Region is listed for ${geography} profiles: add one from AWS's inference profile tables`);
  const context = { 'bedrock:InferenceProfileArn': profile };
  return [
    { action, resource: profile },
    { action, resource: foundation(where.region, model), context },
    { action, resource: foundation(elsewhere, model), context },
  ];
}
