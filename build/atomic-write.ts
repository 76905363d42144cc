/**
 * Write-then-rename, so a reader never sees a half-written zip or manifest and
 * a failed build never leaves one behind.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';

/** Writes every file to a temporary sibling first, then renames them all into place. */
export function writeFilesAtomically(files: ReadonlyArray<{ path: string; data: Uint8Array | string }>): void {
  const staged: Array<{ tmp: string; final: string }> = [];
  try {
    for (const file of files) {
      fs.mkdirSync(path.dirname(file.path), { recursive: true });
      const tmp = `${file.path}.${process.pid}.${Date.now()}.tmp`;
      staged.push({ tmp, final: file.path });
      fs.writeFileSync(tmp, file.data, { mode: 0o644 });
    }
  } catch (error) {
    for (const { tmp } of staged) fs.rmSync(tmp, { force: true });
    throw error;
  }
  for (const { tmp, final } of staged) fs.renameSync(tmp, final);
}
