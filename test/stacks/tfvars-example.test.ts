/** terraform.tfvars.example documents every variable, in declaration order, as rendered from the specs. */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { renderTfvarsExample, TFVARS_EXAMPLE_FILE } from '../../src/stacks/tfvars-example';
import { VARIABLE_SPECS } from '../../src/stacks/variable-specs';
import { REPO_ROOT } from '../helpers/project';

const example = fs.readFileSync(path.join(REPO_ROOT, TFVARS_EXAMPLE_FILE), 'utf8');

describe('terraform.tfvars.example', () => {
  test('is current with the variable specs (regenerate with `npm run tfvars-example`)', () => {
    expect(example).toBe(renderTfvarsExample());
  });

  test('lists every variable once, in the order they are declared', () => {
    const listed = [...example.matchAll(/^# ([a-z0-9_]+) = /gm)].map((m) => m[1]);
    expect(listed).toEqual(VARIABLE_SPECS.map((s) => s.name));
  });

  test('assigns each variable its default value', () => {
    for (const spec of VARIABLE_SPECS) {
      const literal = Array.isArray(spec.default) && spec.default.length === 0 ? '[]'
        : typeof spec.default === 'object' && spec.default !== null && Object.keys(spec.default).length === 0 ? '{}'
        : JSON.stringify(spec.default);
      expect(example).toContain(`\n# Default: ${literal}\n# ${spec.name} = ${literal}\n`);
    }
  });
});
