/** `npm run bench`: every benchmark, each figure beside a baseline from the same run. */
import { benchBuild } from './build.bench';
import { benchColdStart } from './cold-start.bench';
import { writeColdStartFigures } from './cold-start-figures';
import { benchJobs } from './jobs.bench';
import { benchLoad, formatLoadReports } from './load.bench';
import { formatRows } from './lib';
import { benchRuntime } from './runtime.bench';
import { benchSchema } from './schema.bench';
import { benchSoak } from './soak.bench';
import { benchState } from './state.bench';
import { benchSynth } from './synth.bench';

/** `npm run bench -- cold-start` runs that benchmark alone (it writes the README's cold-start figures). */
const ONLY = process.argv.slice(2);

async function main(): Promise<void> {
  process.stdout.write(`node ${process.version}, ${process.platform}/${process.arch}\n`);
  const coldStart = async () => {
    const result = await benchColdStart();
    process.stdout.write(`${formatRows(`cold starts: the zip under aws-lambda-ric on ${result.node}, local stand-ins`, result.rows)}\n`);
    process.stdout.write(`${writeColdStartFigures(result)}\n`);
  };
  if (ONLY.length > 0) {
    if (ONLY.join(' ') !== 'cold-start')
      throw new Error(`Unknown benchmark ${JSON.stringify(ONLY.join(' '))}: run \`npm run bench\` for all, or \`npm run bench -- cold-start\`.`);
    return coldStart();
  }
  process.stdout.write(`${formatRows('build pipeline', await benchBuild())}\n`);
  process.stdout.write(`${formatRows('synth', await benchSynth())}\n`);
  await coldStart();
  const runtime = await benchRuntime();
  process.stdout.write(`${formatRows(`runtime: the zip under aws-lambda-ric on ${runtime.node}, zero-latency local stand-ins`, runtime.rows)}\n`);
  process.stdout.write(`${formatRows('sessions and budgets: state table on a local DynamoDB (dynalite)', await benchState())}\n`);
  process.stdout.write(`${formatRows('jobs: POST /jobs and the queue, on local SQS (long polls) and DynamoDB (dynalite)', await benchJobs())}\n`);
  process.stdout.write(`${formatRows('soak (one warm execution environment)', await benchSoak())}\n`);
  const load = await benchLoad();
  process.stdout.write(`${formatRows('npm run load: dev server with the mock model, pool of 4, streaming, 10 s per concurrency', load.rows)}\n`);
  process.stdout.write(`\n${formatLoadReports(load.reports)}\n`);
  process.stdout.write(`${formatRows('output_schema: hostile patterns and formats on near-miss data (in process)', await benchSchema())}\n`);
}

main().catch((error: unknown) => {
  process.stderr.write(`bench failed: ${error instanceof Error ? error.stack : String(error)}\n`);
  process.exitCode = 1;
});
