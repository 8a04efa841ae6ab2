/**
 * A fake API Gateway (REST): APIs with tags and resources, methods and MOCK integrations, stages, custom
 * domains with their base path mappings and mutual TLS settings. UpdateDomainName applies the documented
 * patch paths and leaves the domain UPDATING for `updatingPolls` reads.
 */
import {
  APIGatewayClient,
  CreateBasePathMappingCommand,
  CreateDeploymentCommand,
  CreateDomainNameCommand,
  CreateResourceCommand,
  CreateRestApiCommand,
  DeleteBasePathMappingCommand,
  DeleteDomainNameCommand,
  DeleteRestApiCommand,
  GetBasePathMappingsCommand,
  GetDomainNameCommand,
  GetResourcesCommand,
  GetRestApiCommand,
  GetRestApisCommand,
  GetStageCommand,
  PutIntegrationCommand,
  PutIntegrationResponseCommand,
  PutMethodCommand,
  PutMethodResponseCommand,
  UpdateDomainNameCommand,
} from '@aws-sdk/client-api-gateway';
import {mockClient} from 'aws-sdk-client-mock';
import {type Core, REGION, awsError, id} from './core.js';
import type {FakeAcm} from './acm.js';
import type {FakeS3} from './s3.js';

interface FakeApi {
  id: string;
  name: string;
  tags: Record<string, string>;
  disableExecuteApiEndpoint: boolean;
  resources: Map<string, {id: string; path: string; parentId?: string; methods: Record<string, Record<string, unknown>>}>;
  stages: Map<string, string>;
}

export interface FakeDomain {
  domainName: string;
  regionalCertificateArn: string;
  regionalDomainName: string;
  regionalHostedZoneId: string;
  securityPolicy: string;
  tags: Record<string, string>;
  status: string;
  updating: number;
  mappings: {basePath: string; restApiId: string; stage: string}[];
  mutualTlsAuthentication?: {truststoreUri?: string; truststoreVersion?: string; truststoreWarnings?: string[]};
}

export class FakeApiGateway {
  readonly apis = new Map<string, FakeApi>();
  readonly domains = new Map<string, FakeDomain>();
  updatingPolls = 1;
  /** What API Gateway would put in truststoreWarnings for an uploaded bundle. */
  warningsFor: (pem: string) => string[] = () => [];

  constructor(readonly core: Core, readonly acm: FakeAcm, readonly s3: FakeS3) {}

  install(): void {
    const m = mockClient(APIGatewayClient);
    const h = <I extends object, O>(api: string, fn: (i: I) => Promise<O> | O) => this.core.handle<I, O>('apigateway', api, fn) as never;
    m.on(CreateRestApiCommand).callsFake(
      h('CreateRestApi', (i: any) => {
        const api: FakeApi = {id: id('a'), name: i.name, tags: i.tags ?? {}, disableExecuteApiEndpoint: Boolean(i.disableExecuteApiEndpoint), resources: new Map(), stages: new Map()};
        const root = {id: id('r'), path: '/', methods: {}};
        api.resources.set(root.id, root);
        this.apis.set(api.id, api);
        return {id: api.id, name: api.name};
      }),
    );
    m.on(GetRestApisCommand).callsFake(h('GetRestApis', () => ({items: [...this.apis.values()].map((a) => ({id: a.id, name: a.name, tags: a.tags}))})));
    m.on(GetRestApiCommand).callsFake(h('GetRestApi', (i: any) => {
      const a = this.api(i.restApiId);
      return {id: a.id, name: a.name, tags: a.tags, disableExecuteApiEndpoint: a.disableExecuteApiEndpoint};
    }));
    m.on(DeleteRestApiCommand).callsFake(h('DeleteRestApi', (i: any) => {
      this.apis.delete(this.api(i.restApiId).id);
      return {};
    }));
    m.on(GetResourcesCommand).callsFake(h('GetResources', (i: any) => ({items: [...this.api(i.restApiId).resources.values()].map((r) => ({id: r.id, path: r.path, parentId: r.parentId}))})));
    m.on(CreateResourceCommand).callsFake(
      h('CreateResource', (i: any) => {
        const api = this.api(i.restApiId);
        const parent = api.resources.get(i.parentId);
        if (!parent) throw awsError('NotFoundException', 'Invalid Resource identifier specified', 404);
        const path = `${parent.path === '/' ? '' : parent.path}/${i.pathPart}`;
        if ([...api.resources.values()].some((r) => r.path === path)) throw awsError('ConflictException', `Another resource with the same parent already has this name: ${i.pathPart}`, 409);
        const r = {id: id('r'), path, parentId: parent.id, methods: {}};
        api.resources.set(r.id, r);
        return {id: r.id, path};
      }),
    );
    const method = (i: any) => {
      const r = this.api(i.restApiId).resources.get(i.resourceId);
      if (!r) throw awsError('NotFoundException', 'Invalid Resource identifier specified', 404);
      return r;
    };
    m.on(PutMethodCommand).callsFake(h('PutMethod', (i: any) => {
      const r = method(i);
      if (r.methods[i.httpMethod]) throw awsError('ConflictException', 'Method already exists for this resource', 409);
      r.methods[i.httpMethod] = {authorizationType: i.authorizationType};
      return {};
    }));
    m.on(PutIntegrationCommand).callsFake(h('PutIntegration', (i: any) => {
      (method(i).methods[i.httpMethod]!.integration = {type: i.type, requestTemplates: i.requestTemplates});
      return {};
    }));
    m.on(PutMethodResponseCommand).callsFake(h('PutMethodResponse', (i: any) => {
      const mm = method(i).methods[i.httpMethod]!;
      if (mm[`response${i.statusCode}`]) throw awsError('ConflictException', 'Response already exists for this resource', 409);
      mm[`response${i.statusCode}`] = true;
      return {};
    }));
    m.on(PutIntegrationResponseCommand).callsFake(h('PutIntegrationResponse', (i: any) => {
      (method(i).methods[i.httpMethod]!.integrationResponse = i.responseTemplates);
      return {};
    }));
    m.on(GetStageCommand).callsFake(h('GetStage', (i: any) => {
      const deploymentId = this.api(i.restApiId).stages.get(i.stageName);
      if (!deploymentId) throw awsError('NotFoundException', 'Invalid Stage identifier specified', 404);
      return {stageName: i.stageName, deploymentId};
    }));
    m.on(CreateDeploymentCommand).callsFake(h('CreateDeployment', (i: any) => {
      const api = this.api(i.restApiId);
      const deployment = id('d');
      if (i.stageName) api.stages.set(i.stageName, deployment);
      return {id: deployment};
    }));
    m.on(GetDomainNameCommand).callsFake(h('GetDomainName', (i: any) => this.view(this.domain(i.domainName), true)));
    m.on(CreateDomainNameCommand).callsFake(h('CreateDomainName', (i: any) => this.createDomain(i)));
    m.on(UpdateDomainNameCommand).callsFake(h('UpdateDomainName', (i: any) => this.updateDomain(i)));
    m.on(DeleteDomainNameCommand).callsFake(h('DeleteDomainName', (i: any) => {
      this.domains.delete(this.domain(i.domainName).domainName);
      return {};
    }));
    m.on(GetBasePathMappingsCommand).callsFake(h('GetBasePathMappings', (i: any) => ({items: this.domain(i.domainName).mappings.map((x) => ({...x}))})));
    m.on(CreateBasePathMappingCommand).callsFake(h('CreateBasePathMapping', (i: any) => {
      const d = this.domain(i.domainName);
      const basePath = i.basePath ?? '(none)';
      if (d.mappings.some((x) => x.basePath === basePath)) throw awsError('ConflictException', 'Base path already exists for this domain name', 409);
      this.api(i.restApiId);
      d.mappings.push({basePath, restApiId: i.restApiId, stage: i.stage});
      return {basePath, restApiId: i.restApiId, stage: i.stage};
    }));
    m.on(DeleteBasePathMappingCommand).callsFake(h('DeleteBasePathMapping', (i: any) => {
      const d = this.domain(i.domainName);
      d.mappings = d.mappings.filter((x) => x.basePath !== i.basePath);
      return {};
    }));
  }

  api(restApiId: string): FakeApi {
    const api = this.apis.get(restApiId);
    if (!api) throw awsError('NotFoundException', 'Invalid API identifier specified', 404);
    return api;
  }

  domain(name: string): FakeDomain {
    const d = this.domains.get(name);
    if (!d) throw awsError('NotFoundException', 'Invalid domain name identifier specified', 404);
    return d;
  }

  view(d: FakeDomain, read: boolean) {
    if (read && d.updating > 0) d.updating -= 1;
    else if (read) d.status = 'AVAILABLE';
    return {domainName: d.domainName, regionalCertificateArn: d.regionalCertificateArn, regionalDomainName: d.regionalDomainName, regionalHostedZoneId: d.regionalHostedZoneId, securityPolicy: d.securityPolicy, domainNameStatus: d.status, tags: d.tags, endpointConfiguration: {types: ['REGIONAL']}, ...(d.mutualTlsAuthentication ? {mutualTlsAuthentication: {...d.mutualTlsAuthentication}} : {})};
  }

  createDomain(i: any) {
    if (this.domains.has(i.domainName)) throw awsError('ConflictException', 'The domain name you provided already exists.', 409);
    const cert = this.acm.get(i.regionalCertificateArn);
    if (cert.status !== 'ISSUED') throw awsError('BadRequestException', `Certificate ${cert.arn} is not issued`);
    if (i.securityPolicy?.startsWith('SecurityPolicy_') && i.mutualTlsAuthentication) throw awsError('BadRequestException', 'mTLS needs a legacy security policy');
    const d: FakeDomain = {
      domainName: i.domainName,
      regionalCertificateArn: i.regionalCertificateArn,
      regionalDomainName: `d-${id()}.execute-api.${REGION}.amazonaws.com`,
      regionalHostedZoneId: 'Z1UJRXOUMOOFQ8',
      securityPolicy: i.securityPolicy ?? 'TLS_1_0',
      tags: i.tags ?? {},
      status: 'PENDING',
      updating: this.updatingPolls,
      mappings: [],
    };
    this.domains.set(d.domainName, d);
    return this.view(d, false);
  }

  updateDomain(i: any) {
    const d = this.domain(i.domainName);
    if (d.status === 'UPDATING') throw awsError('ConflictException', 'the domain is being updated', 409);
    const mtls = {...d.mutualTlsAuthentication};
    for (const op of i.patchOperations ?? []) {
      if (op.op !== 'replace' && op.op !== 'add') throw awsError('BadRequestException', `op ${op.op} is not supported here`);
      if (op.path === '/mutualTlsAuthentication/truststoreUri') mtls.truststoreUri = op.value;
      else if (op.path === '/mutualTlsAuthentication/truststoreVersion') mtls.truststoreVersion = op.value;
      else throw awsError('BadRequestException', `Invalid patch path ${op.path}`);
    }
    const pem = this.s3.read(mtls.truststoreUri ?? '', mtls.truststoreVersion);
    if (pem === undefined) throw awsError('BadRequestException', `Unable to access truststore URI ${mtls.truststoreUri} version ${mtls.truststoreVersion ?? 'N/A'}.`);
    d.mutualTlsAuthentication = {...mtls, truststoreWarnings: this.warningsFor(pem)};
    d.status = 'UPDATING';
    d.updating = this.updatingPolls;
    return this.view(d, false);
  }
}
