/**
 * terraform.tfvars.example and the README's variable table document every
 * variable, in declaration order, as rendered from the specs.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { README_FILE, renderTfvarsExample, TFVARS_EXAMPLE_FILE, withSettingsReference } from '../../src/stacks/generated-docs';
import { VARIABLE_SPECS } from '../../src/stacks/variable-specs';
import { REPO_ROOT } from '../helpers/project';

const example = fs.readFileSync(path.join(REPO_ROOT, TFVARS_EXAMPLE_FILE), 'utf8');

describe('terraform.tfvars.example', () => {
  test('is current with the variable specs (regenerate with `npm run docs`)', () => {
    expect(example).toBe(renderTfvarsExample());
  });

  test('the README’s variable table is current too (regenerate with `npm run docs`)', () => {
    const readme = fs.readFileSync(path.join(REPO_ROOT, README_FILE), 'utf8');
    expect(readme).toBe(withSettingsReference(readme));
  });

  test('lists every variable once, in the order they are declared', () => {
    const listed = [...example.matchAll(/^# ([a-z0-9_]+) = /gm)].map((m) => m[1]);
    expect(listed).toEqual(VARIABLE_SPECS.map((s) => s.name));
  });

  test('assigns each variable its default value', () => {
    for (const spec of VARIABLE_SPECS) {
      const literal =
        Array.isArray(spec.default) && spec.default.length === 0
          ? '[]'
          : typeof spec.default === 'object' && spec.default !== null && Object.keys(spec.default).length === 0
            ? '{}'
            : JSON.stringify(spec.default);
      expect(example).toContain(`\n# Default: ${literal}\n# ${spec.name} = ${literal}\n`);
    }
  });
});
