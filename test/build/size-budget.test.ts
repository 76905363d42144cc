/** The size budget warns, with numbers, when the zip grows past the configured limit. */
import { build } from '../../build/pipeline';
import { budgetWarning } from '../../build/summary';
import { REPO_ROOT, runBuildCli } from '../helpers/project';
import { makeTempDir, removeDir } from '../helpers/temp';

describe('size budget', () => {
  let outDir: string;
  beforeEach(() => {
    outDir = makeTempDir('budget');
  });
  afterEach(() => removeDir(outDir));

  test('a zip within budget gets no warning', async () => {
    const result = await build({ root: REPO_ROOT, outDir, sizeBudgetBytes: 10 * 1024 * 1024 });
    expect(result.sizeWarning).toBeUndefined();
  });

  test('a zip over budget is built, with a warning that states size, budget and the fix', async () => {
    const result = await build({ root: REPO_ROOT, outDir, sizeBudgetBytes: 1 });
    expect(result.manifest.size_bytes).toBeGreaterThan(1);
    expect(result.sizeWarning).toMatch(/over the size budget of 0\.0 KiB/);
    expect(result.sizeWarning).toContain('--size-budget-kb');
  });

  test('the CLI prints the warning on stderr and still exits 0', () => {
    const run = runBuildCli(REPO_ROOT, ['--out-dir', outDir, '--size-budget-kb', '0.001']);
    expect(run.status).toBe(0);
    expect(run.stderr).toMatch(/^warning: the zip is .* over the size budget/);
    expect(run.stdout).toMatch(/source_code_hash\s+\S{44}/);
  });

  test('the warning reports the overshoot in KiB', () => {
    expect(budgetWarning(3 * 1024, 1024)).toContain('by 2.0 KiB');
    expect(budgetWarning(1024, 1024)).toBeUndefined();
  });
});
