/**
 * Detects native addons in the bundle graph. A `.node` binary compiled on the
 * build machine would crash on Lambda's OS and CPU, so by default the build
 * stops and names the package instead of shipping it silently.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { Metafile, Plugin } from 'esbuild';

/** Packages whose presence in `dependencies` means "loads a compiled addon". */
const NATIVE_LOADERS = ['node-gyp-build', 'bindings', 'prebuild-install', '@mapbox/node-pre-gyp', 'node-pre-gyp', 'nan'];
/** How deep to look for shipped `.node` files inside one package. */
const MAX_SCAN_DEPTH = 4;

export interface PackageRef {
  readonly name: string;
  readonly dir: string;
}

export interface NativePackage extends PackageRef {
  /** Why the package counts as native, e.g. "ships `build/Release/addon.node`". */
  readonly evidence: string;
}

/** The package (nearest `package.json` with a name) that owns `file`, if the file lives in `node_modules`. */
export function owningPackage(file: string): PackageRef | undefined {
  if (!file.split(path.sep).includes('node_modules')) return undefined;
  let dir = path.dirname(file);
  while (path.basename(dir) !== 'node_modules' && dir !== path.dirname(dir)) {
    const manifest = path.join(dir, 'package.json');
    if (fs.existsSync(manifest)) {
      const name = readPackageJson(dir).name;
      if (typeof name === 'string') return { name, dir };
    }
    dir = path.dirname(dir);
  }
  return undefined;
}

/** Why the package at `dir` is a native addon, or `undefined` when it is plain JavaScript. */
export function nativeEvidence(dir: string): string | undefined {
  const pkg = readPackageJson(dir);
  if (fs.existsSync(path.join(dir, 'binding.gyp'))) return 'has `binding.gyp`';
  if (pkg.gypfile === true) return 'declares `gypfile: true`';
  const deps = { ...(pkg.dependencies ?? {}), ...(pkg.optionalDependencies ?? {}) } as Record<string, string>;
  const loader = NATIVE_LOADERS.find((name) => name in deps);
  if (loader) return `depends on \`${loader}\``;
  const shipped = findNodeFile(dir, MAX_SCAN_DEPTH);
  if (shipped) return `ships \`${path.relative(dir, shipped).split(path.sep).join('/')}\``;
  return undefined;
}

/** Every distinct native package among the bundle's inputs, sorted by name. */
export function nativePackagesIn(metafile: Metafile, absWorkingDir: string): NativePackage[] {
  const found = new Map<string, NativePackage>();
  for (const input of Object.keys(metafile.inputs)) {
    const owner = owningPackage(path.resolve(absWorkingDir, input));
    if (!owner || found.has(owner.dir)) continue;
    const evidence = nativeEvidence(owner.dir);
    if (evidence) found.set(owner.dir, { ...owner, evidence });
  }
  return [...found.values()].sort((a, b) => a.name.localeCompare(b.name));
}

/**
 * esbuild plugin: a direct `require('./x.node')` is reported with the owning
 * package's name rather than esbuild's generic "no loader" error. With
 * `onNative` undefined (container builds) the import is left external so the
 * package can be found and shipped whole.
 */
export function nativeImportGuard(onNative: ((pkg: NativePackage) => string) | undefined): Plugin {
  return {
    name: 'native-addon-guard',
    setup(build) {
      build.onResolve({ filter: /\.node$/ }, (args) => {
        if (!onNative) return { external: true };
        const file = path.resolve(args.resolveDir, args.path);
        const owner = owningPackage(file) ?? { name: args.path, dir: path.dirname(file) };
        const text = onNative({ ...owner, evidence: `imports \`${path.basename(file)}\`` });
        return { errors: [{ text }] };
      });
    },
  };
}

function readPackageJson(dir: string): Record<string, unknown> & {
  dependencies?: Record<string, string>;
  optionalDependencies?: Record<string, string>;
} {
  try {
    return JSON.parse(fs.readFileSync(path.join(dir, 'package.json'), 'utf8'));
  } catch {
    return {};
  }
}

function findNodeFile(dir: string, depth: number): string | undefined {
  let entries: fs.Dirent[];
  try {
    entries = fs.readdirSync(dir, { withFileTypes: true });
  } catch {
    return undefined;
  }
  entries.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  for (const entry of entries) {
    if (entry.isFile() && entry.name.endsWith('.node')) return path.join(dir, entry.name);
  }
  if (depth === 0) return undefined;
  for (const entry of entries) {
    if (entry.isDirectory() && entry.name !== 'node_modules') {
      const hit = findNodeFile(path.join(dir, entry.name), depth - 1);
      if (hit) return hit;
    }
  }
  return undefined;
}
