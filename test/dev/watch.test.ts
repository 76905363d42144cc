/**
 * `npm run dev` watches src/function: an edit is rebuilt into a new zip and
 * served without a restart. Runs in a copy of the checkout, so the edit
 * never touches the repository.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { startDevCli, type RunningDevServer } from '../../src/dev/dev-process';
import { checkoutRoot, copyCheckout } from '../helpers/project';
import { removeDir } from '../helpers/temp';

const waitFor = async (condition: () => boolean, what: string, timeoutMs = 60_000) => {
  const until = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > until) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
};

describe('npm run dev --watch', () => {
  let root: string;
  let server: RunningDevServer;

  beforeAll(async () => {
    root = checkoutRoot('watch');
    copyCheckout(root, new Date());
    server = await startDevCli([], { LLM_PROVIDER: 'anthropic' }, { cwd: root, watch: true });
  }, 120_000);

  afterAll(async () => {
    await server?.stop();
    removeDir(root);
  });

  test("an edit under src/function is rebuilt and served, a file saved by rename (an editor's safe write, sed -i) too, and so is its next edit", async () => {
    const file = path.join(root, 'src', 'function', 'version.ts');
    const rebuilds = () => server.output().match(/rebuilt: sha256/g)?.length ?? 0;
    const source = fs.readFileSync(file, 'utf8');
    const version = async () => ((await (await fetch(`${server.url}/health`)).json()) as { version: string }).version;
    // Given the server answering with the version of the checkout
    expect(await version()).not.toMatch(/^9\.9\.9/);
    // Saved by rename: a new file moved over the old one
    const before = rebuilds();
    fs.writeFileSync(`${file}.tmp`, source.replace(/'[^']+'/, "'9.9.9-renamed'"));
    fs.renameSync(`${file}.tmp`, file);
    await waitFor(() => rebuilds() > before, 'the rebuild after the rename');
    expect(await version()).toBe('9.9.9-renamed');
    // Then edited in place: the replaced file is still watched, and the next request is served by the new build
    const again = rebuilds();
    fs.writeFileSync(file, source.replace(/'[^']+'/, "'9.9.9-after-rename'"));
    await waitFor(() => rebuilds() > again, 'the rebuild of the edit after the rename');
    expect(await version()).toBe('9.9.9-after-rename');
  });

  test('a broken edit keeps the previous build serving', async () => {
    const file = path.join(root, 'src', 'function', 'version.ts');
    fs.writeFileSync(file, 'export const VERSION = ;\n');
    await waitFor(() => /rebuild failed, still serving the previous build/.test(server.output()), 'the failed rebuild');
    const response = await fetch(`${server.url}/health`);
    expect(response.status).toBe(200);
  });
});
