/** The setup as a Mermaid flowchart for docs and slides: the same model as the SVG, membership said in words. */
import type {CaNode, ClientNode, DiagramModel} from './model.js';

export function diagramMermaid(model: DiagramModel): string {
  const lines = ['flowchart TD'];
  const id = (kind: string, name: string) => `${kind}_${name.replace(/[^A-Za-z0-9_]/g, '_')}`;
  if (model.domain) lines.push(`  domain{{"${q(`Domain ${model.domain.name}`)}<br/>${q(`truststore version ${model.domain.version ?? '(none pinned)'}`)}"}}`);
  for (const ca of model.cas) lines.push(`  ${id('ca', ca.name)}["${caLabel(ca, model.version)}"]`);
  for (const client of model.clients) lines.push(`  ${id('client', client.name)}(["${clientLabel(client)}"])`);
  for (const ca of model.cas) if (ca.parent && model.cas.some((c) => c.name === ca.parent)) lines.push(`  ${id('ca', ca.parent)} --> ${id('ca', ca.name)}`);
  for (const client of model.clients) if (model.cas.some((c) => c.name === client.issuer)) lines.push(`  ${id('ca', client.issuer)} --> ${id('client', client.name)}`);
  if (model.domain) for (const ca of model.cas.filter((c) => c.inTruststore)) lines.push(`  domain -. trusts .-> ${id('ca', ca.name)}`);
  lines.push('  classDef trusted stroke-width:4px', '  classDef untrusted stroke-dasharray:6 4', '  classDef revoked stroke-dasharray:2 2');
  const trusted = model.cas.filter((c) => c.inTruststore).map((c) => id('ca', c.name));
  const untrusted = model.cas.filter((c) => !c.inTruststore).map((c) => id('ca', c.name));
  const revoked = model.clients.filter((c) => c.revoked).map((c) => id('client', c.name));
  if (trusted.length) lines.push(`  class ${trusted.join(',')} trusted`);
  if (untrusted.length) lines.push(`  class ${untrusted.join(',')} untrusted`);
  if (revoked.length) lines.push(`  class ${revoked.join(',')} revoked`);
  return `${lines.join('\n')}\n`;
}

function caLabel(ca: CaNode, version: string | null): string {
  const parts = [`<b>${q(ca.name)}</b>`, q(`pathLen ${ca.pathLen ?? 'none'} · ${ca.key}`), q(ca.created ? `expires ${ca.expires ?? '?'}` : 'not created yet'), q(ca.inTruststore ? `in truststore ${version ?? ''}`.trim() : 'not in the truststore')];
  if (ca.external) parts.push('external partner CA');
  return parts.join('<br/>');
}

function clientLabel(client: ClientNode): string {
  return [`<b>${q(client.name)}</b>`, q(`client · expires ${client.expires ?? '(not issued)'}`), client.revoked ? q(`REVOKED ${client.revoked}`) : 'not revoked'].join('<br/>');
}

/** Mermaid labels in double quotes take any text but a double quote; entity codes stand in for it and for <>. */
function q(text: string): string {
  return text.replace(/"/g, '#quot;').replace(/</g, '#lt;').replace(/>/g, '#gt;');
}
