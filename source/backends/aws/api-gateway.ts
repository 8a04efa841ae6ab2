/**
 * The REST API: CreateRestApi (REGIONAL, execute-api endpoint disabled so mTLS cannot be bypassed),
 * the resource path, GET with a MOCK integration answering the client certificate as API Gateway saw it,
 * then a deployment and its stage. API Gateway has no idempotency token: the API is found again by its
 * tags, resources by path, the stage by name.
 */
import {
  CreateDeploymentCommand,
  CreateResourceCommand,
  CreateRestApiCommand,
  GetResourcesCommand,
  GetRestApiCommand,
  GetStageCommand,
  PutIntegrationCommand,
  PutIntegrationResponseCommand,
  PutMethodCommand,
  PutMethodResponseCommand,
  type Resource,
} from '@aws-sdk/client-api-gateway';
import {UserError} from '../../errors.js';
import type {ApiRecord} from '../../state/schema.js';
import type {BackendContext} from '../backend.js';
import {type AwsEnv, required} from './env.js';
import {awsCall, awsFind, isAwsError, mapAwsError} from './errors.js';
import {RESPONSE_TEMPLATE, ROLE, STAGE, apiName, newToken, tagMap} from './names.js';
import {findRestApiByTags} from './reconcile.js';

export async function ensureRestApi(ctx: BackendContext, aws: AwsEnv): Promise<ApiRecord> {
  const restApiId = await findOrCreateApi(ctx, aws);
  const resourceId = await ensureResourcePath(ctx, aws, restApiId);
  await ensureMockMethod(ctx, aws, restApiId, resourceId);
  const stage = await awsFind(ctx, 'apigateway', 'GetStage', STAGE, ['NotFoundException'], () => aws.clients.apigw.send(new GetStageCommand({restApiId, stageName: STAGE})));
  const deploymentId =
    stage?.deploymentId ??
    required(
      (
        await awsCall(ctx, 'apigateway', 'CreateDeployment', `stage ${STAGE}`, () =>
          aws.clients.apigw.send(new CreateDeploymentCommand({restApiId, stageName: STAGE, description: 'mtls-wizard: GET with the client certificate'})),
        )
      ).id,
      'CreateDeployment',
      'id',
    );
  await ctx.update((d) => {
    d.api = {...d.api!, resourceId, deploymentId, stage: STAGE};
  });
  return ctx.state().api!;
}

async function findOrCreateApi(ctx: BackendContext, aws: AwsEnv): Promise<string> {
  const state = ctx.state();
  const recorded = state.api?.id;
  if (recorded) {
    const api = await awsFind(ctx, 'apigateway', 'GetRestApi', recorded, ['NotFoundException'], () => aws.clients.apigw.send(new GetRestApiCommand({restApiId: recorded})));
    if (!api) throw new UserError({what: 'cannot use the REST API', why: `the API ${recorded} recorded in state no longer exists`, fix: 'run `mtls-wizard teardown` then `mtls-wizard reset --yes` to start over'});
    return recorded;
  }
  const previous = state.api?.token;
  const found = previous ? await findRestApiByTags(ctx, aws) : undefined;
  const name = apiName(state);
  if (!previous) {
    await ctx.update((d) => {
      d.api = {name, resourcePath: state.inputs.resourcePath, token: newToken()};
    });
  }
  const id =
    found ??
    required(
      (
        await awsCall(ctx, 'apigateway', 'CreateRestApi', name, () =>
          aws.clients.apigw.send(
            new CreateRestApiCommand({
              name,
              description: `mtls-wizard walkthrough ${state.walkthroughId}: reached only through the mTLS custom domain`,
              endpointConfiguration: {types: ['REGIONAL']},
              // Without this, clients could call the execute-api URL and skip mutual TLS.
              disableExecuteApiEndpoint: true,
              tags: tagMap(state, ROLE.api),
            }),
          ),
        )
      ).id,
      'CreateRestApi',
      'id',
    );
  await ctx.update((d) => {
    d.api = {...d.api!, id};
  });
  return id;
}

/** Creates the missing segments of the resource path, one CreateResource each, and returns the last id. */
async function ensureResourcePath(ctx: BackendContext, aws: AwsEnv, restApiId: string): Promise<string> {
  const page = await awsCall(ctx, 'apigateway', 'GetResources', restApiId, () => aws.clients.apigw.send(new GetResourcesCommand({restApiId, limit: 500})));
  const byPath = new Map<string, Resource>((page.items ?? []).filter((r) => r.path).map((r) => [r.path!, r]));
  let current = required(byPath.get('/')?.id, 'GetResources', 'the root resource');
  let path = '';
  for (const part of ctx.state().inputs.resourcePath.split('/').filter(Boolean)) {
    path += `/${part}`;
    const existing = byPath.get(path)?.id;
    const parentId = current;
    current =
      existing ??
      required(
        (await awsCall(ctx, 'apigateway', 'CreateResource', path, () => aws.clients.apigw.send(new CreateResourceCommand({restApiId, parentId, pathPart: part})))).id,
        'CreateResource',
        'id',
      );
  }
  return current;
}

async function ensureMockMethod(ctx: BackendContext, aws: AwsEnv, restApiId: string, resourceId: string): Promise<void> {
  const base = {restApiId, resourceId, httpMethod: 'GET'};
  const path = ctx.state().inputs.resourcePath;
  // PutMethod and PutMethodResponse refuse to overwrite (ConflictException): that means a retry finds them done.
  await createUnlessExists(ctx, 'PutMethod', `GET ${path}`, () => aws.clients.apigw.send(new PutMethodCommand({...base, authorizationType: 'NONE'})));
  await awsCall(ctx, 'apigateway', 'PutIntegration', `MOCK GET ${path}`, () =>
    aws.clients.apigw.send(new PutIntegrationCommand({...base, type: 'MOCK', requestTemplates: {'application/json': '{"statusCode": 200}'}})),
  );
  await createUnlessExists(ctx, 'PutMethodResponse', `GET ${path} 200`, () => aws.clients.apigw.send(new PutMethodResponseCommand({...base, statusCode: '200', responseModels: {'application/json': 'Empty'}})));
  await awsCall(ctx, 'apigateway', 'PutIntegrationResponse', `GET ${path} 200`, () =>
    aws.clients.apigw.send(new PutIntegrationResponseCommand({...base, statusCode: '200', responseTemplates: {'application/json': RESPONSE_TEMPLATE}})),
  );
}

async function createUnlessExists(ctx: BackendContext, api: string, detail: string, fn: () => Promise<unknown>): Promise<void> {
  try {
    await ctx.call(api, detail, fn);
  } catch (error) {
    if (isAwsError(error, 'ConflictException')) return;
    throw mapAwsError(error, 'apigateway', api);
  }
}
