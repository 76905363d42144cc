/**
 * The module form of the agent stack, synthesized beside the root stack into
 * `cdktf.out/modules/agent`: the same construct without provider or backend,
 * with its zip inside the folder. Built in a staging folder and renamed into
 * place, so a failed synth never leaves half a module.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { App } from 'cdktf';
import { AgentStack, type AgentStackProps } from './agent-stack';

/** Where the module lands, relative to the CDKTF output folder. */
export const MODULE_DIR = path.join('modules', 'agent');

export function synthModule(props: Omit<AgentStackProps, 'form' | 'backend'>, cdktfOut: string): string {
  fs.mkdirSync(cdktfOut, { recursive: true });
  const staging = fs.mkdtempSync(path.join(cdktfOut, '.module-'));
  try {
    // A module has no provider block by design: cdktf's check for one does not apply.
    const app = new App({ outdir: staging, skipValidation: true });
    new AgentStack(app, 'agent', { ...props, form: 'module' });
    app.synth();
    const target = path.join(cdktfOut, MODULE_DIR);
    fs.rmSync(target, { recursive: true, force: true });
    fs.mkdirSync(path.dirname(target), { recursive: true });
    fs.renameSync(path.join(staging, 'stacks', 'agent'), target);
    return target;
  } finally {
    fs.rmSync(staging, { recursive: true, force: true });
  }
}
