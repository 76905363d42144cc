/**
 * Step 2: a deterministic zip. Same entries in, same bytes out, on any machine:
 * entries sorted by path, one fixed timestamp, fixed Unix modes, no extra
 * fields, and DEFLATE from fflate (pure JavaScript, pinned) rather than the
 * host's zlib, whose output may differ between CPUs and Node versions.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { unzipSync, zipSync, type ZipOptions } from 'fflate';

export interface ZipEntry {
  /** Path inside the archive, `/`-separated, no leading slash. */
  readonly path: string;
  readonly data: Uint8Array;
  /**
   * Mark the file executable (mode 0755 instead of 0644).
   * @default false
   */
  readonly executable?: boolean;
}

/** 1980-01-01 00:00:00, the earliest time a zip can hold; built from local-time fields
 * because fflate encodes DOS time with local-time getters, so this reads back the
 * same in every TZ. */
export const FIXED_MTIME = (): Date => new Date(1980, 0, 1, 0, 0, 0);
/** Highest DEFLATE level: the zip is built once and downloaded on every cold start. */
const DEFLATE_LEVEL = 9;
/** "Version made by" host: 3 = Unix, so unzip tools honour the modes below. */
const UNIX_HOST = 3;
const FILE_MODE = 0o100644;
const EXECUTABLE_MODE = 0o100755;

export function deterministicZip(entries: readonly ZipEntry[]): Uint8Array {
  const sorted = [...entries].sort((a, b) => compareBytes(a.path, b.path));
  const seen = new Set<string>();
  const mtime = FIXED_MTIME();
  const files: Record<string, [Uint8Array, ZipOptions & { os: number; attrs: number }]> = {};
  for (const entry of sorted) {
    if (!isCleanPath(entry.path)) throw new Error(`Zip entry path \`${entry.path}\` must be relative and \`/\`-separated.`);
    // Integer-like keys would be enumerated first by the object fflate walks.
    if (/^\d+$/.test(entry.path)) throw new Error(`Zip entry path \`${entry.path}\` must not be all digits.`);
    if (seen.has(entry.path)) throw new Error(`Zip entry \`${entry.path}\` appears twice.`);
    seen.add(entry.path);
    const mode = entry.executable ? EXECUTABLE_MODE : FILE_MODE;
    files[entry.path] = [entry.data, { level: DEFLATE_LEVEL, mtime, os: UNIX_HOST, attrs: (mode << 16) >>> 0 }];
  }
  // fflate walks object keys in insertion order, which is the sorted order above.
  return zipSync(files);
}

/** Unpacks a zip into `dir`, as Lambda does before it loads the handler. */
export function unpackZip(zip: Uint8Array, dir: string): void {
  for (const [name, data] of Object.entries(unzipSync(zip))) {
    const target = path.join(dir, name);
    fs.mkdirSync(path.dirname(target), { recursive: true });
    fs.writeFileSync(target, data);
  }
}

/** Byte-wise (code-unit) order, independent of the host's locale. */
function compareBytes(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

function isCleanPath(p: string): boolean {
  return p.length > 0 && !p.startsWith('/') && !p.includes('\\') && !p.split('/').some((s) => s === '..' || s === '' || s === '.');
}
