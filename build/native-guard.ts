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
/**
 * How deep to look for shipped `.node` files inside one package: deep enough
 * for `build/Release/x.node` and `prebuilds/<platform>/x.node`. Deeper layouts
 * (node-pre-gyp's lib/binding/...) are caught by their loader dependency.
 */
const MAX_SCAN_DEPTH = 2;
/** Folders that hold types, docs or tests, never a loadable addon. */
const SKIPPED_DIRS = new Set(['node_modules', 'dist-types', 'types', 'docs', 'doc', 'test', 'tests', '__tests__', 'examples']);

export interface PackageRef {
  readonly name: string;
  readonly dir: string;
}

export interface NativePackage extends PackageRef {
  /** Why the package counts as native, e.g. "ships `build/Release/addon.node`". */
  readonly evidence: string;
}

/** The package (nearest `package.json` with a name) that owns the folder `start`, if it lies in `node_modules`. */
export function owningPackage(start: string): PackageRef | undefined {
  if (!start.split(path.sep).includes('node_modules')) return undefined;
  let dir = start;
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
  // Many inputs share a folder and many folders share a package: look each up once.
  const inputDirs = new Set(Object.keys(metafile.inputs).map((input) => path.dirname(path.resolve(absWorkingDir, input))));
  const packages = new Map<string, PackageRef>();
  for (const dir of inputDirs) {
    const owner = owningPackage(dir);
    if (owner) packages.set(owner.dir, owner);
  }
  const found: NativePackage[] = [];
  for (const owner of packages.values()) {
    const evidence = nativeEvidence(owner.dir);
    if (evidence) found.push({ ...owner, evidence });
  }
  return found.sort((a, b) => a.name.localeCompare(b.name));
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
        const owner = owningPackage(path.dirname(file)) ?? { name: args.path, dir: path.dirname(file) };
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
    return JSON.parse(fs.readFileSync(path.join(dir, 'package.json'), 'utf8')) as ReturnType<typeof readPackageJson>;
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
    if (entry.isDirectory() && !SKIPPED_DIRS.has(entry.name)) {
      const hit = findNodeFile(path.join(dir, entry.name), depth - 1);
      if (hit) return hit;
    }
  }
  return undefined;
}
