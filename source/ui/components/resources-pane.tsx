import {Text} from 'ink';
import type {ReactElement} from 'react';
import type {State} from '../../state/schema.js';
import {day, shortFingerprint} from '../format.js';
import {caTree, resourcesOf} from '../model/resources.js';
import {COLOR, SYMBOL} from '../theme.js';
import {Pane} from './pane.js';

export interface ResourcesPaneProps {
  readonly snapshot?: State;
  readonly width: number;
  readonly isBordered: boolean;
  readonly maxLines: number;
}

/** The CA hierarchy as a tree, the truststore (pinned version, each certificate) and the clients. */
export function ResourcesPane({snapshot, width, isBordered, maxLines}: ResourcesPaneProps) {
  if (!snapshot) {
    return (
      <Pane title="Resources" width={width} isBordered={isBordered}>
        <Text color={COLOR.muted}>Nothing made yet.</Text>
      </Pane>
    );
  }
  const view = resourcesOf(snapshot);
  const lines: ReactElement[] = [];
  for (const {prefix, ca} of caTree(view.cas)) {
    lines.push(
      <Text key={`ca-${ca.name}`} wrap="truncate-end">
        <Text color={COLOR.muted}>{prefix}</Text>
        <Text color={ca.created ? COLOR.ok : COLOR.muted}>{ca.created ? SYMBOL.done : SYMBOL.pending}</Text> {ca.name}
        <Text color={COLOR.muted}>{ca.created ? `  ${shortFingerprint(ca.fingerprint)} until ${day(ca.notAfter)}` : '  not created'}</Text>
      </Text>,
    );
  }
  const ts = view.truststore;
  lines.push(
    <Text key="ts" wrap="truncate-end">
      <Text bold>Truststore</Text>
      <Text color={COLOR.muted}>{ts ? ` · ${ts.certificates.length} certificates · ${ts.versionCount} version${ts.versionCount === 1 ? '' : 's'} stored` : ' not made yet'}</Text>
    </Text>,
  );
  if (ts) lines.push(<Text key="ts-pin" wrap="truncate-end">{`  pinned version ${ts.version ?? '(not pinned yet)'}`}</Text>);
  for (const c of ts?.certificates ?? []) {
    lines.push(
      <Text key={`tc-${c.fingerprint}`} wrap="truncate-end">
        {'  '}
        {c.subject}
        <Text color={COLOR.muted}>{`  ${shortFingerprint(c.fingerprint)}${c.notAfter ? ` until ${day(c.notAfter)}` : ''}`}</Text>
      </Text>,
    );
  }
  for (const w of ts?.warnings ?? []) lines.push(<Text key={`w-${w}`} color={COLOR.warn} wrap="truncate-end">{`  ${SYMBOL.warn} ${w}`}</Text>);
  lines.push(<Text key="clients" bold>Clients</Text>);
  for (const c of view.clients) {
    lines.push(
      <Text key={`cl-${c.name}`} wrap="truncate-end">
        {'  '}
        <Text color={c.created ? COLOR.ok : COLOR.muted}>{c.created ? SYMBOL.done : SYMBOL.pending}</Text> {c.name}
        {c.revoked ? <Text color={COLOR.warn}> REVOKED</Text> : null}
        <Text color={COLOR.muted}>{` ← ${c.issuer}`}{c.created && c.certificate ? `  ${c.certificate}` : ''}</Text>
      </Text>,
    );
  }
  const shown = lines.length > maxLines ? [...lines.slice(0, Math.max(0, maxLines - 1)), <Text key="more" color={COLOR.muted}>{SYMBOL.ellipsis}</Text>] : lines;
  return (
    <Pane title="Resources" width={width} isBordered={isBordered}>
      {shown}
    </Pane>
  );
}
