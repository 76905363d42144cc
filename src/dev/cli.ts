/**
 * `npm run dev [-- options]`: builds the zip, serves its handler on
 * http://127.0.0.1:3000 with Function URL semantics (streaming included),
 * and rebuilds when src/function changes.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { parseArgs } from 'node:util';
import { BuildError } from '../../build/errors';
import { build } from '../../build/pipeline';
import { loadHandlersFromZip, type LoadedHandlers } from './handler-loader';
import { startDevServer, type InvokeMode } from './server';

const USAGE = `Usage: npm run dev -- [options]

  --port <n>              port on 127.0.0.1 (default 3000, or PORT; 0 picks a free one)
  --invoke-mode <mode>    BUFFERED (default) or RESPONSE_STREAM
  --timeout <seconds>     function timeout the context reports (default 120)
  --memory <mb>           memory the context reports (default 512)
  --no-watch              do not rebuild when src/function changes

Model access comes from the environment: ANTHROPIC_API_KEY (LLM_PROVIDER=anthropic, the default),
or AWS credentials (LLM_PROVIDER=bedrock). Without either the server still starts and POST /agent
answers 502 naming what is missing.`;

const ROOT = path.resolve(__dirname, '..', '..');
const WATCH_DEBOUNCE_MS = 200;

async function main(argv: string[]): Promise<number> {
  const { values } = parseArgs({
    args: argv,
    options: {
      port: { type: 'string' },
      'invoke-mode': { type: 'string' },
      timeout: { type: 'string' },
      memory: { type: 'string' },
      'no-watch': { type: 'boolean', default: false },
      help: { type: 'boolean', default: false },
    },
  });
  if (values.help) {
    process.stdout.write(`${USAGE}\n`);
    return 0;
  }
  const port = int(values.port ?? process.env.PORT ?? '3000', '--port', 0, 65535);
  const invokeMode = (values['invoke-mode'] ?? 'BUFFERED').toUpperCase();
  if (invokeMode !== 'BUFFERED' && invokeMode !== 'RESPONSE_STREAM') throw new Error(`--invoke-mode is "${values['invoke-mode']}"; use BUFFERED or RESPONSE_STREAM.`);
  const timeoutSeconds = int(values.timeout ?? '120', '--timeout', 1, 900);
  const memoryMb = int(values.memory ?? '512', '--memory', 128, 10240);

  const workDir = fs.mkdtempSync(path.join(os.tmpdir(), 'claude-agent-dev-'));
  const rebuild = async (): Promise<LoadedHandlers> => {
    const result = await build({ root: ROOT });
    return loadHandlersFromZip(result.zipPath, result.manifest.sha256, workDir);
  };
  let current = await rebuild();
  const server = await startDevServer({ port, invokeMode: invokeMode as InvokeMode, timeoutSeconds, memoryMb, handlers: () => current });
  process.stdout.write(`dev server listening on ${server.url} (${invokeMode}), serving dist/function.zip sha256 ${current.sha256.slice(0, 12)}\n`);
  process.stdout.write(`model access: ${describeAccess(process.env)}\n`);

  let watcher: fs.FSWatcher | undefined;
  if (!values['no-watch']) {
    let timer: NodeJS.Timeout | undefined;
    watcher = fs.watch(path.join(ROOT, 'src', 'function'), { recursive: true }, () => {
      clearTimeout(timer);
      timer = setTimeout(async () => {
        try {
          current = await rebuild();
          process.stdout.write(`rebuilt: sha256 ${current.sha256.slice(0, 12)}\n`);
        } catch (error) {
          process.stderr.write(`rebuild failed, still serving the previous build:\n${error instanceof Error ? error.message : String(error)}\n`);
        }
      }, WATCH_DEBOUNCE_MS);
    });
  }

  await new Promise<void>((resolve) => {
    const stop = () => resolve();
    process.once('SIGINT', stop);
    process.once('SIGTERM', stop);
  });
  watcher?.close();
  await server.close();
  fs.rmSync(workDir, { recursive: true, force: true });
  return 0;
}

function describeAccess(env: NodeJS.ProcessEnv): string {
  if ((env.LLM_PROVIDER ?? 'anthropic') === 'bedrock') {
    return env.AWS_ACCESS_KEY_ID || env.AWS_PROFILE ? 'Amazon Bedrock with your AWS credentials' : 'Amazon Bedrock through the default AWS credential chain';
  }
  if (env.ANTHROPIC_API_KEY) return 'Anthropic API with ANTHROPIC_API_KEY';
  if (env.ANTHROPIC_API_KEY_SECRET_ARN) return 'Anthropic API with the key in ANTHROPIC_API_KEY_SECRET_ARN';
  return 'none configured: POST /agent will answer 502 (set ANTHROPIC_API_KEY, or LLM_PROVIDER=bedrock with AWS credentials)';
}

function int(raw: string, name: string, min: number, max: number): number {
  const value = Number(raw);
  if (!Number.isInteger(value) || value < min || value > max) throw new Error(`${name} is "${raw}"; use a whole number from ${min} to ${max}.`);
  return value;
}

main(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (error: unknown) => {
    const message = error instanceof BuildError ? `error [${error.code}]: ${error.message}` : `error: ${error instanceof Error ? error.message : String(error)}`;
    process.stderr.write(`${message}\n\n${USAGE}\n`);
    process.exit(1);
  },
);
