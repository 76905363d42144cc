/**
 * What `npm run dev` gives the function, from your shell: its settings (the
 * variables the stack would set), your AWS credentials in place of its
 * execution role's, and, when you export ANTHROPIC_API_KEY, a local Secrets
 * Manager holding it, so the function reads its key exactly as on AWS.
 */
import { fromNodeProviderChain } from '@aws-sdk/credential-providers';
import { LOCAL_ACCOUNT_ID, LOCAL_CREDENTIALS } from './lambda/execution-environment';
import { startSecretsManager, type SecretsManagerServer } from './stand-ins/secrets-manager';

/** Variables the function reads, passed through when set in your shell. */
export const FUNCTION_SETTINGS = [
  'LLM_PROVIDER',
  'MODEL_ID',
  'ANTHROPIC_API_KEY_SECRET_ARN',
  'ANTHROPIC_BASE_URL',
  'ANTHROPIC_BEDROCK_BASE_URL',
  'FUNCTION_URL_AUTH_TYPE',
  'AUTH_TOKEN_SHA256',
  'ALLOW_UNAUTHENTICATED',
  'MAX_REQUEST_BYTES',
  'MAX_INPUT_CHARS',
  'MAX_MESSAGES',
  'MAX_TOKENS_CAP',
  'DEFAULT_MAX_TOKENS',
  'MAX_ITERATIONS',
  'MAX_TOOL_CALLS',
  'TOKEN_BUDGET',
  'TOOL_TIMEOUT_MS',
  'LOG_CONTENT',
  'SYSTEM_PROMPT',
] as const;

export interface FunctionEnvironment {
  readonly environment: Record<string, string>;
  readonly credentials: { accessKeyId: string; secretAccessKey: string; sessionToken?: string };
  readonly region: string;
  /** One line on how the function reaches its model, for the terminal. */
  readonly modelAccess: string;
  close(): Promise<void>;
}

export async function functionEnvironment(shell: NodeJS.ProcessEnv): Promise<FunctionEnvironment> {
  const environment: Record<string, string> = {};
  for (const name of FUNCTION_SETTINGS) {
    const value = shell[name];
    if (value !== undefined && value !== '') environment[name] = value;
  }
  // The AWS SDK's endpoint overrides (AWS_ENDPOINT_URL, AWS_ENDPOINT_URL_<SERVICE>) reach the function too.
  for (const [name, value] of Object.entries(shell)) if (name.startsWith('AWS_ENDPOINT_URL') && value) environment[name] = value;
  const region = shell.AWS_REGION || shell.AWS_DEFAULT_REGION || 'us-east-1';
  const provider = environment.LLM_PROVIDER ?? 'anthropic';

  let secrets: SecretsManagerServer | undefined;
  let modelAccess: string;
  if (provider === 'anthropic' && !environment.ANTHROPIC_API_KEY_SECRET_ARN && shell.ANTHROPIC_API_KEY) {
    secrets = await startSecretsManager(`arn:aws:secretsmanager:${region}:${LOCAL_ACCOUNT_ID}:secret:local-anthropic-api-key-LoCaL1`, shell.ANTHROPIC_API_KEY);
    environment.ANTHROPIC_API_KEY_SECRET_ARN = secrets.secretArn;
    environment.AWS_ENDPOINT_URL_SECRETS_MANAGER = secrets.url;
    modelAccess = `Anthropic API, with ANTHROPIC_API_KEY served to the function by a local Secrets Manager (${secrets.url})`;
  } else if (provider === 'anthropic') {
    modelAccess = environment.ANTHROPIC_API_KEY_SECRET_ARN
      ? `Anthropic API, with the key in ${environment.ANTHROPIC_API_KEY_SECRET_ARN} (read with your AWS credentials)`
      : 'none configured: POST /agent will answer 502 (export ANTHROPIC_API_KEY, or LLM_PROVIDER=bedrock with AWS credentials)';
  } else {
    modelAccess = 'Amazon Bedrock, with your AWS credentials';
  }

  // Your credentials stand in for the execution role's when the function calls AWS for real.
  const needsAws = provider === 'bedrock' || (environment.ANTHROPIC_API_KEY_SECRET_ARN !== undefined && !secrets);
  let credentials: FunctionEnvironment['credentials'] = LOCAL_CREDENTIALS;
  if (needsAws) {
    try {
      credentials = await fromNodeProviderChain()();
    } catch (error) {
      modelAccess += ` — but no AWS credentials were found (${error instanceof Error ? error.message : String(error)}); calls to AWS will fail`;
    }
  }
  return { environment, credentials, region, modelAccess, close: async () => secrets?.close() };
}
