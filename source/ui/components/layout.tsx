import {Box, Text} from 'ink';
import {stepInputs} from '../model/step-inputs.js';
import type {StepRow, UiState} from '../model/ui-state.js';
import {COLOR} from '../theme.js';
import {ActivityPane} from './activity-pane.js';
import {CurrentStepPane} from './current-step-pane.js';
import {GatewayPane} from './gateway-pane.js';
import {paneChrome} from './pane.js';
import {ResourcesPane} from './resources-pane.js';
import {StepsPane} from './steps-pane.js';

export interface PanesProps {
  readonly ui: UiState;
  readonly columns: number;
  /** Rows the panes may use (the terminal minus header, prompt, banners and footer). */
  readonly rows: number;
  /** Side by side (a terminal of WIDE_COLUMNS or more), else stacked. */
  readonly isWide: boolean;
  readonly frame: number;
  readonly now: number;
}

/** The step the Current step pane shows: the one running or last run, else the next one to run. */
export function currentStep(ui: UiState): StepRow | undefined {
  return ui.steps.find((s) => s.id === ui.currentId) ?? ui.steps.find((s) => s.status !== 'done' && s.status !== 'skipped');
}

/**
 * Two columns from WIDE_COLUMNS up (steps and the current step on the left; activity, resources and the
 * gateway on the right); below that the panes stack, and Tab picks which detail pane shows. Every pane
 * is cut to the rows it gets, so the live region never outgrows the terminal (Ink would then redraw
 * the whole screen on every change).
 */
export function Panes({ui, columns, rows, isWide: wide, frame, now}: PanesProps) {
  const chrome = paneChrome(wide);
  const step = currentStep(ui);
  const hasGateway = ui.backend !== 'aws';
  const current = (maxLines: number, width: number) => (
    <CurrentStepPane
      step={step}
      inputs={step ? stepInputs(step.id, ui.snapshot?.inputs) : []}
      outputs={(step && ui.outputs[step.id]) ?? (step && ui.snapshot?.steps[step.id]?.outputs) ?? {}}
      checks={(step && ui.checks[step.id]) ?? []}
      now={now}
      width={width}
      isBordered={wide}
      maxLines={maxLines}
    />
  );
  // The steps always show; when even they do not fit, a window of them around the current one does.
  const stepLines = Math.max(1, Math.min(ui.steps.length, rows - chrome));
  const stepsHeight = stepLines + chrome;
  const steps = (width: number) => (
    <StepsPane steps={ui.steps} currentId={step?.id} snapshot={ui.snapshot} frame={frame} now={now} width={width} isBordered={wide} maxLines={stepLines} />
  );
  // Content lines left for the current step under the steps (a pane needs a line of content to be worth its frame).
  const currentRoom = rows - stepsHeight - chrome;

  if (wide) {
    const left = Math.floor(columns / 2);
    const right = columns - left;
    // Right column, in order of sacrifice: the gateway pane, then the resources pane.
    const gatewayLines = hasGateway && rows >= 3 * chrome + 8 ? 3 : 0;
    const free = rows - (gatewayLines > 0 ? gatewayLines + chrome : 0) - 2 * chrome;
    const resourcesLines = free >= 6 ? Math.min(13, Math.floor(free * 0.6)) : 0;
    const activityLines = resourcesLines > 0 ? free - resourcesLines : rows - chrome - (gatewayLines > 0 ? gatewayLines + chrome : 0);
    return (
      <Box flexDirection="row" width={columns}>
        <Box flexDirection="column" width={left}>
          {steps(left)}
          {currentRoom >= 1 ? current(currentRoom, left) : null}
        </Box>
        <Box flexDirection="column" width={right}>
          {activityLines >= 1 ? <ActivityPane lines={ui.activity} width={right} isBordered maxLines={activityLines} hasClock /> : null}
          {resourcesLines > 0 ? <ResourcesPane snapshot={ui.snapshot} width={right} isBordered maxLines={resourcesLines} /> : null}
          {gatewayLines > 0 ? <GatewayPane requests={ui.gateway} width={right} isBordered maxLines={gatewayLines} /> : null}
        </Box>
      </Box>
    );
  }

  // Stacked: the current step, then one detail pane (Tab picks it) with its own title and a hint line.
  const hasDetail = currentRoom >= 2 + 2 * chrome + 2;
  const free = currentRoom - (hasDetail ? chrome + 1 : 0);
  const currentLines = hasDetail ? Math.ceil(free / 2) : free;
  const detailLines = free - currentLines;
  const pane = ui.detailPane === 'gateway' && !hasGateway ? 'activity' : ui.detailPane;
  return (
    <Box flexDirection="column" width={columns}>
      {steps(columns)}
      {currentLines >= 1 ? current(currentLines, columns) : null}
      {hasDetail && pane === 'activity' ? <ActivityPane lines={ui.activity} width={columns} isBordered={false} maxLines={detailLines} hasClock={false} /> : null}
      {hasDetail && pane === 'resources' ? <ResourcesPane snapshot={ui.snapshot} width={columns} isBordered={false} maxLines={detailLines} /> : null}
      {hasDetail && pane === 'gateway' ? <GatewayPane requests={ui.gateway} width={columns} isBordered={false} maxLines={detailLines} /> : null}
      {hasDetail ? <Text color={COLOR.muted}>Tab: {hasGateway ? 'activity · resources · gateway' : 'activity · resources'}</Text> : null}
    </Box>
  );
}
