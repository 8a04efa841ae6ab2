/** Part A3 and A4: the API and its custom domain. */
import type {Step} from '../step.js';

export const apiStep: Step = {
  id: 'api',
  part: 'A',
  title: 'Create the REST API',
  why:
    'A small REST API with one GET method that answers with JSON, including the subject of the client certificate ' +
    'it saw. Its default execute-api endpoint is turned off: otherwise clients could call it and skip mTLS.',
  async run(ctx) {
    const before = ctx.state().api?.id;
    const api = await ctx.backend.ensureApi(ctx);
    ctx.log(before && before === api.id ? `API ${api.name} already exists ✓ (reused)` : `created API ${api.name}`);
    if (api.id) ctx.output('API id', api.id);
    ctx.output('method', `GET ${api.resourcePath}`);
    return {reused: Boolean(before && before === api.id)};
  },
};

export const customDomainStep: Step = {
  id: 'custom-domain',
  part: 'A',
  title: 'Set up the custom domain',
  why:
    'mTLS lives on a custom domain, not on the API itself. The domain needs a server certificate from a public ' +
    'CA (clients check it as usual) and a mapping from the domain to the API stage.',
  async run(ctx) {
    const before = ctx.state().domain?.basePathMapped;
    const domain = await ctx.backend.ensureDomain(ctx);
    ctx.log(before ? `domain ${domain.name} already set up ✓ (reused)` : `custom domain ${domain.name} ready`);
    if (domain.url) ctx.output('URL', domain.url);
    if (domain.regionalDomainName) ctx.output('regional domain name', domain.regionalDomainName);
    if (domain.caCertificate) ctx.output('server CA (curl --cacert)', domain.caCertificate);
    return {reused: Boolean(before)};
  },
};
