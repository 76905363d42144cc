/**
 * Clean-room mode. No container engine runs on our machines, so the exact
 * command is specified here, and the no-engine path is exercised for real.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { CONTAINER_SCRIPT, LAMBDA_NODE_IMAGE, containerCommand, detectEngine } from '../../build/container';
import { REPO_ROOT, runBuildCli } from '../helpers/project';
import { makeTempDir, removeDir } from '../helpers/temp';

describe('container build', () => {
  test('runs the build CLI inside the Lambda Node.js 22 image for the target platform', () => {
    const argv = containerCommand({
      engine: 'docker',
      root: '/checkout',
      outDir: '/checkout/dist',
      architecture: 'arm64',
      user: '1000:1000',
      buildArgs: ['--size-budget-kb', '400'],
    });
    expect(argv).toEqual([
      'docker',
      'run',
      '--rm',
      '--platform',
      'linux/arm64',
      '--user',
      '1000:1000',
      '--env',
      'HOME=/tmp',
      '--env',
      'npm_config_cache=/tmp/.npm',
      '--volume',
      '/checkout:/src:ro',
      '--volume',
      '/checkout/dist:/out',
      '--entrypoint',
      '/bin/sh',
      'public.ecr.aws/lambda/nodejs:22',
      '-c',
      CONTAINER_SCRIPT,
      'container-build',
      '--arch',
      'arm64',
      '--size-budget-kb',
      '400',
    ]);
  });

  test('x86_64 maps to the linux/amd64 platform, and a pinned image replaces the default', () => {
    const argv = containerCommand({
      engine: 'podman',
      root: '/r',
      outDir: '/r/dist',
      architecture: 'x86_64',
      user: '0:0',
      image: `${LAMBDA_NODE_IMAGE}@sha256:${'0'.repeat(64)}`,
    });
    expect(argv[0]).toBe('podman');
    expect(argv.slice(argv.indexOf('--platform'), argv.indexOf('--platform') + 2)).toEqual(['--platform', 'linux/amd64']);
    expect(argv).toContain(`public.ecr.aws/lambda/nodejs:22@sha256:${'0'.repeat(64)}`);
  });

  test('the in-container script installs from the lockfile and builds into /out without host node_modules', () => {
    expect(CONTAINER_SCRIPT).toContain('npm ci');
    expect(CONTAINER_SCRIPT).toContain('build/cli.ts --in-container --out-dir /out');
    expect(CONTAINER_SCRIPT).toMatch(/node_modules\|dist/);
  });

  test('with no engine on PATH, detection says neither docker nor podman is there', () => {
    const empty = makeTempDir('no-engine');
    try {
      expect(() => detectEngine({ PATH: empty })).toThrow(
        /needs a running container engine \(docker or podman\), but `docker` is not on PATH; `podman` is not on PATH/,
      );
    } finally {
      removeDir(empty);
    }
  });

  test('an engine whose daemon does not answer is reported as such', () => {
    // A real executable that behaves like a docker client with no daemon behind it.
    const bin = makeTempDir('dead-engine');
    try {
      const fake = path.join(bin, 'docker');
      fs.writeFileSync(fake, '#!/bin/sh\necho "Cannot connect to the Docker daemon" >&2\nexit 1\n', { mode: 0o755 });
      expect(() => detectEngine({ PATH: bin, CONTAINER_ENGINE: 'docker' })).toThrow(
        '`docker` is installed but its engine does not answer (`docker info`: Cannot connect to the Docker daemon)',
      );
    } finally {
      removeDir(bin);
    }
  });

  test('`npm run build -- --container` without an engine exits non-zero and writes nothing', () => {
    const outDir = makeTempDir('container-out');
    try {
      const run = runBuildCli(REPO_ROOT, ['--container', '--out-dir', outDir], { env: { CONTAINER_ENGINE: 'no-such-engine' } });
      expect(run.status).toBe(1);
      expect(run.stderr).toContain('error [CONTAINER_ENGINE_MISSING]: `--container` needs a running container engine');
      expect(fs.readdirSync(outDir)).toEqual([]);
    } finally {
      removeDir(outDir);
    }
  });
});
