/**
 * Bad input exits non-zero with esbuild's diagnostic (file and line) and
 * leaves nothing half-written: no partial zip or manifest, and a previous
 * good build stays intact.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { REPO_ROOT, runBuildCli } from '../helpers/project';
import { makeTempDir, removeDir } from '../helpers/temp';

/** With the type check (the default) TypeScript reports first; without it, esbuild does. */
const BAD_ENTRIES: Array<[label: string, file: string | undefined, source: string | undefined, flags: string[], expected: RegExp]> = [
  ['a missing entry file', 'missing.ts', undefined, [], /Cannot find `.*missing\.ts`\. Create it, or pass `--entry <file>`/],
  [
    'a syntax error',
    'syntax.ts',
    'export const ok = 1;\nexport const broken = ;\n',
    [],
    /error \[TYPE_ERROR\]: The handler has 1 type error[\s\S]*syntax\.ts\(2,\d+\): error TS1109: Expression expected/,
  ],
  [
    'a type error',
    'typed.ts',
    "export const count: number = 'three';\n",
    [],
    /error \[TYPE_ERROR\][\s\S]*typed\.ts\(1,\d+\): error TS2322: Type 'string' is not assignable to type 'number'/,
  ],
  [
    'an unresolvable import',
    'unresolved.ts',
    "import { x } from 'no-such-package-anywhere';\nexport const y = x;\n",
    [],
    /unresolved\.ts\(1,\d+\): error TS2307: Cannot find module 'no-such-package-anywhere'/,
  ],
  [
    'a syntax error, without the type check',
    'syntax.ts',
    'export const ok = 1;\nexport const broken = ;\n',
    ['--no-typecheck'],
    /\[ERROR\] Unexpected ";"[\s\S]*syntax\.ts:2:\d+/,
  ],
  [
    'an unresolvable import, without the type check',
    'unresolved.ts',
    "import 'no-such-package-anywhere';\nexport const x = 1;\n",
    ['--no-typecheck'],
    /\[ERROR\] Could not resolve "no-such-package-anywhere"[\s\S]*unresolved\.ts:1:\d+/,
  ],
  ['an unknown runtime', undefined, undefined, ['--runtime', 'nodejs18.x'], /Invalid `runtime`: "nodejs18\.x"\. Use one of: nodejs22\.x\./],
];

describe('build CLI on bad input', () => {
  let workDir: string;
  beforeEach(() => {
    workDir = makeTempDir('bad-input');
  });
  afterEach(() => removeDir(workDir));

  test.each(BAD_ENTRIES)('rejects %s with a diagnostic and writes nothing', (_label, file, source, flags, expected) => {
    // Given an entry that cannot be built and an empty output folder
    const entry = file ? ['--entry', path.join(workDir, file)] : [];
    if (file && source !== undefined) fs.writeFileSync(path.join(workDir, file), source);
    const outDir = path.join(workDir, 'out');
    // When the build runs
    const run = runBuildCli(REPO_ROOT, [...entry, '--out-dir', outDir, ...flags]);
    // Then it fails with the diagnostic and leaves no file behind
    expect(run.status).toBe(1);
    expect(run.stderr).toMatch(expected);
    expect(fs.existsSync(outDir) ? fs.readdirSync(outDir) : []).toEqual([]);
  });

  test('a failed build leaves the previous zip and manifest untouched', () => {
    // Given a good build in the output folder
    const outDir = path.join(workDir, 'out');
    expect(runBuildCli(REPO_ROOT, ['--out-dir', outDir]).status).toBe(0);
    const before = snapshot(outDir);
    // When a broken entry is built into the same folder
    const broken = path.join(workDir, 'broken.ts');
    fs.writeFileSync(broken, 'export const = 1;\n');
    const run = runBuildCli(REPO_ROOT, ['--entry', broken, '--out-dir', outDir]);
    // Then the build fails and the folder is exactly as it was
    expect(run.status).toBe(1);
    expect(snapshot(outDir)).toEqual(before);
  });

  test.each([
    ['an unknown flag', ['--frobnicate'], /Unknown option '--frobnicate'/],
    ['an unknown architecture', ['--arch', 'mips'], /Invalid `architecture`: "mips"\. Use one of: arm64, x86_64\./],
    ['a size budget that is not a number', ['--size-budget-kb', 'lots'], /Invalid `--size-budget-kb`: "lots"/],
  ])('rejects %s and says how to fix it', (_label, args, expected) => {
    const run = runBuildCli(REPO_ROOT, [...args, '--out-dir', path.join(workDir, 'out')]);
    expect(run.status).not.toBe(0);
    expect(run.stderr).toMatch(expected);
    expect(fs.existsSync(path.join(workDir, 'out'))).toBe(false);
  });
});

function snapshot(dir: string): Record<string, string> {
  return Object.fromEntries(
    fs
      .readdirSync(dir)
      .sort()
      .map((name) => [name, fs.readFileSync(path.join(dir, name)).toString('base64')]),
  );
}
