import {Text} from 'ink';
import {clock} from '../format.js';
import type {GatewayLine} from '../model/ui-state.js';
import {COLOR, SYMBOL} from '../theme.js';
import {Pane, tail} from './pane.js';

export interface GatewayPaneProps {
  readonly requests: readonly GatewayLine[];
  readonly width: number;
  readonly isBordered: boolean;
  readonly maxLines: number;
}

/** Requests the local gateway handled, as they arrive: time, client subject, accepted or rejected and why. */
export function GatewayPane({requests, width, isBordered, maxLines}: GatewayPaneProps) {
  const {shown} = tail(requests, maxLines);
  return (
    <Pane title="Gateway" note={requests.length > 0 ? `${requests.length} requests` : 'local mTLS gateway on 127.0.0.1'} width={width} isBordered={isBordered}>
      {shown.length === 0 ? <Text color={COLOR.muted}>No requests yet: the connect steps send them.</Text> : null}
      {shown.map((r) => (
        <Text key={r.seq} wrap="truncate-end">
          <Text color={COLOR.muted}>{clock(r.at)} </Text>
          <Text color={r.accepted ? COLOR.ok : COLOR.error}>
            {r.accepted ? SYMBOL.done : SYMBOL.failed} {r.status} {r.accepted ? 'accepted' : 'rejected'}
          </Text>{' '}
          {r.subject ?? 'no client certificate'} <Text color={COLOR.muted}>{r.path}</Text>
          {r.reason ? <Text color={COLOR.muted}> — {r.reason}</Text> : null}
        </Text>
      ))}
    </Pane>
  );
}
