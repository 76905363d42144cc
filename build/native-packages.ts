/**
 * For container builds only: turns native packages (and the packages they
 * depend on) into zip entries under `node_modules/`, so the externalised
 * `require` calls in the bundle resolve on Lambda.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { PackageRef } from './native-guard';
import type { ZipEntry } from './zip';

export function nativePackageEntries(packages: readonly PackageRef[]): ZipEntry[] {
  const entries: ZipEntry[] = [];
  const queue = [...packages];
  const done = new Set<string>();
  while (queue.length > 0) {
    const pkg = queue.shift()!;
    if (done.has(pkg.name)) continue;
    done.add(pkg.name);
    collectFiles(pkg.dir, `node_modules/${pkg.name}`, entries);
    for (const dep of dependencyNames(pkg.dir)) {
      const dir = resolvePackageDir(dep, pkg.dir);
      // A dependency nested inside the package folder was already copied with it.
      if (dir && !dir.startsWith(pkg.dir + path.sep)) queue.push({ name: dep, dir });
    }
  }
  return entries;
}

function dependencyNames(dir: string): string[] {
  const pkg = JSON.parse(fs.readFileSync(path.join(dir, 'package.json'), 'utf8')) as {
    dependencies?: Record<string, string>;
  };
  return Object.keys(pkg.dependencies ?? {}).sort();
}

/** Node's lookup: `node_modules/<name>` in the package's folder, then in each parent. */
function resolvePackageDir(name: string, from: string): string | undefined {
  let dir = from;
  for (;;) {
    const candidate = path.join(dir, 'node_modules', name);
    if (fs.existsSync(path.join(candidate, 'package.json'))) return candidate;
    const parent = path.dirname(dir);
    if (parent === dir) return undefined;
    dir = parent;
  }
}

function collectFiles(dir: string, prefix: string, out: ZipEntry[]): void {
  for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
    const full = path.join(dir, entry.name);
    const inZip = `${prefix}/${entry.name}`;
    if (entry.isDirectory()) collectFiles(full, inZip, out);
    else if (entry.isFile()) {
      const executable = (fs.statSync(full).mode & 0o111) !== 0;
      out.push({ path: inZip, data: fs.readFileSync(full), executable });
    }
  }
}
