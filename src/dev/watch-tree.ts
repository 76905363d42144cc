/**
 * Watches a source tree for changes, including files saved by rename (the
 * "safe write" of editors, `sed -i`): every directory is watched, not the
 * files in it, so a file replaced by a rename is still seen on its next
 * edit. Node's recursive fs.watch on Linux watches files one by one and
 * loses a file once it is replaced, silently. New directories are watched
 * as they appear; removed ones are forgotten.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';

export interface TreeWatcher {
  close(): void;
}

/** Calls `onChange(relativePath)` for any change under `root` (debounce it yourself). */
export function watchTree(root: string, onChange: (relativePath: string) => void): TreeWatcher {
  const watchers = new Map<string, fs.FSWatcher>();
  const watchDir = (dir: string) => {
    if (watchers.has(dir)) return;
    let watcher: fs.FSWatcher;
    try {
      watcher = fs.watch(dir, (_event, name) => {
        const changed = name ? path.join(dir, name.toString()) : dir;
        // A directory that appeared (created, or moved in) is watched from now on, with what it holds.
        if (name && isDirectory(changed)) walk(changed);
        if (!fs.existsSync(dir)) forget(dir);
        onChange(path.relative(root, changed));
      });
    } catch {
      return; // removed between listing and watching
    }
    watcher.on('error', () => forget(dir));
    watchers.set(dir, watcher);
  };
  const forget = (dir: string) => {
    for (const [watched, watcher] of watchers)
      if (watched === dir || watched.startsWith(`${dir}${path.sep}`)) {
        watcher.close();
        watchers.delete(watched);
      }
  };
  const walk = (dir: string) => {
    watchDir(dir);
    let entries: fs.Dirent[] = [];
    try {
      entries = fs.readdirSync(dir, { withFileTypes: true });
    } catch {
      return;
    }
    for (const entry of entries) if (entry.isDirectory()) walk(path.join(dir, entry.name));
  };
  walk(root);
  return {
    close: () => {
      for (const watcher of watchers.values()) watcher.close();
      watchers.clear();
    },
  };
}

function isDirectory(file: string): boolean {
  try {
    return fs.statSync(file).isDirectory();
  } catch {
    return false;
  }
}
