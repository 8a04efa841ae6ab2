/** The diagram's nodes as a forest: CAs under their parents, clients under their issuers, in model order. */
import type {CaNode, ClientNode, DiagramModel} from './model.js';

export type TreeNode = {readonly kind: 'ca'; readonly ca: CaNode; readonly children: TreeNode[]} | {readonly kind: 'client'; readonly client: ClientNode; readonly children: TreeNode[]};

export function forest(model: DiagramModel): TreeNode[] {
  const caNames = new Set(model.cas.map((c) => c.name));
  const build = (ca: CaNode): TreeNode => ({
    kind: 'ca',
    ca,
    children: [
      ...model.cas.filter((c) => c.parent === ca.name && c.name !== ca.name).map(build),
      ...model.clients.filter((c) => c.issuer === ca.name).map((client) => ({kind: 'client' as const, client, children: []})),
    ],
  });
  return [
    ...model.cas.filter((c) => c.parent === null || !caNames.has(c.parent)).map(build),
    ...model.clients.filter((c) => !caNames.has(c.issuer)).map((client) => ({kind: 'client' as const, client, children: []})),
  ];
}
