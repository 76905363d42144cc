/** Finding programs on PATH, the way a shell does. */
import * as fs from 'node:fs';
import * as path from 'node:path';

export function isExecutable(file: string): boolean {
  try {
    fs.accessSync(file, fs.constants.X_OK);
    return fs.statSync(file).isFile();
  } catch {
    return false;
  }
}

/** Every executable named `command` in the folders of `searchPath`, in order (a path with `/` is checked as given). */
export function findOnPath(command: string, searchPath: string, skipDir: (dir: string) => boolean = () => false): string[] {
  if (command.includes('/')) return isExecutable(command) ? [command] : [];
  return searchPath
    .split(path.delimiter)
    .filter((dir) => dir !== '' && !skipDir(dir))
    .map((dir) => path.join(dir, command))
    .filter(isExecutable);
}
