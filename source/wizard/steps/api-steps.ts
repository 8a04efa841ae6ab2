/** Part A3 and A4: the API and its custom domain. */
import {STEP_INFO} from '../plan-info.js';
import type {Step} from '../step.js';

export const apiStep: Step = {
  ...STEP_INFO['api'],
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
  ...STEP_INFO['custom-domain'],
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
