/**
 * Renders `terraform.tfvars.example` from VARIABLE_SPECS: every variable, in
 * declaration order, under its group's banner, with its description and
 * default. `npm run tfvars-example` rewrites the file; a test keeps it current.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { VARIABLE_SPECS, type VariableSpec } from './variable-specs';

export const TFVARS_EXAMPLE_FILE = 'terraform.tfvars.example';

const HEADER = `# Copy to terraform.tfvars and uncomment what you change. Every value below is
# the default. Editing this file and re-planning is all it takes to switch
# provider, model, auth, memory or streaming: no code change, no re-synth.
#
#   cdktf deploy                                    # reads ./terraform.tfvars
#   cd cdktf.out/stacks/agent && terraform plan -var-file=../../../terraform.tfvars
`;

export function renderTfvarsExample(specs: readonly VariableSpec[] = VARIABLE_SPECS): string {
  const parts = [HEADER];
  let group = '';
  for (const spec of specs) {
    if (spec.group !== group) {
      group = spec.group;
      parts.push(`\n${'#'.repeat(78)}\n# ${group}\n${'#'.repeat(78)}\n`);
    }
    parts.push(`\n${wrap(spec.description).map((line) => `# ${line}`).join('\n')}\n`);
    if (spec.sensitive) parts.push('# Sensitive: prefer `export TF_VAR_' + spec.name + '=...` to writing it in a file.\n');
    parts.push(`# Default: ${hcl(spec.default)}\n# ${spec.name} = ${hcl(spec.default)}\n`);
  }
  return parts.join('');
}

function hcl(value: unknown): string {
  if (typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean') return JSON.stringify(value);
  if (Array.isArray(value)) return `[${value.map(hcl).join(', ')}]`;
  if (value && typeof value === 'object') {
    const entries = Object.entries(value);
    return entries.length === 0 ? '{}' : `{ ${entries.map(([k, v]) => `${k} = ${hcl(v)}`).join(', ')} }`;
  }
  return 'null';
}

function wrap(text: string, width = 76): string[] {
  const lines: string[] = [];
  let line = '';
  for (const word of text.split(/\s+/)) {
    if (line && line.length + 1 + word.length > width) {
      lines.push(line);
      line = word;
    } else {
      line = line ? `${line} ${word}` : word;
    }
  }
  if (line) lines.push(line);
  return lines;
}

if (require.main === module && process.argv.includes('--write')) {
  const file = path.resolve(__dirname, '..', '..', TFVARS_EXAMPLE_FILE);
  const tmp = `${file}.${process.pid}.tmp`;
  fs.writeFileSync(tmp, renderTfvarsExample());
  fs.renameSync(tmp, file);
  process.stdout.write(`wrote ${TFVARS_EXAMPLE_FILE}\n`);
}
