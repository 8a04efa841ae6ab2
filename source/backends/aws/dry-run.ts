/**
 * `mtls-wizard run --backend aws --dry-run`: every AWS call the walkthrough would make, in order, by its
 * API name with its key inputs, and what it costs a month. No credentials, no network, no files: this
 * module loads no SDK client.
 */
import type {State} from '../../state/schema.js';
import {caSourceOf} from '../../wizard/inputs.js';
import {stepInfos} from '../../wizard/plan-info.js';
import {costLines} from './cost.js';
import {checkAwsInputs} from './input-rules.js';
import {planAwsCalls} from './plan-calls.js';

export async function printDryRun(state: State, print: (line: string) => void, env: NodeJS.ProcessEnv = process.env): Promise<void> {
  checkAwsInputs(state.inputs);
  const region = state.aws?.region ?? state.inputs.region ?? env.AWS_REGION ?? env.AWS_DEFAULT_REGION;
  const infos = new Map(stepInfos(state).map((s) => [s.id as string, s]));
  print(`Dry run of walkthrough ${state.walkthroughId} on AWS (${region ?? 'Region not set: pass --region'}): the calls it would make, in order.`);
  print('Nothing is called, nothing is written, and no credentials are needed.');
  let n = 0;
  for (const step of planAwsCalls(state, region)) {
    const info = infos.get(step.id);
    const done = info && (info.status === 'done' || info.status === 'skipped');
    print('');
    print(info ? `${info.part} ${step.id}: ${info.title}${done ? ' (already done: no calls)' : ''}` : 'preflight: before anything billable');
    if (done) continue;
    for (const c of step.calls) {
      n += 1;
      print(`  ${String(n).padStart(2)}. ${c.service} ${c.api}${c.inputs ? `  ${c.inputs}` : ''}`);
    }
  }
  print('');
  const local = caSourceOf(state) === 'local';
  if (local) print(`The CAs (${state.inputs.cas.map((c) => c.name).join(', ')}) and the client certificates are made on this machine (--ca-source local): no AWS Private CA call.`);
  print(local ? 'Cost (you are asked once before the first AWS resource is made; --yes accepts):' : 'Cost (asked for confirmation before the first CA; --yes accepts):');
  for (const line of costLines(state)) print(`  ${line}`);
}
