/**
 * The truststore in S3: a versioned bucket (made by the wizard, named from the walkthrough id, or given by
 * the person with versioning already Enabled), one object, a new version per upload. The VersionId of
 * PutObject is what the domain is pinned to. An upload carries its token in the object's metadata, so a
 * retry after a crash finds the version it made instead of adding another.
 */
import {
  CreateBucketCommand,
  GetBucketVersioningCommand,
  HeadBucketCommand,
  HeadObjectCommand,
  ListObjectVersionsCommand,
  PutBucketTaggingCommand,
  PutBucketVersioningCommand,
  PutObjectCommand,
} from '@aws-sdk/client-s3';
import {UserError} from '../../errors.js';
import type {TruststoreVersion} from '../../state/schema.js';
import {recordTruststoreVersion} from '../records.js';
import type {BackendContext} from '../backend.js';
import {LOCAL} from '../local/layout.js';
import {type AwsEnv, writeStateFile} from './env.js';
import {awsCall, awsFind, errorName, isAwsError, mapAwsError} from './errors.js';
import {faultOf} from './retry.js';
import {ROLE, TRUSTSTORE_KEY, bucketName, newToken, tagList} from './names.js';

/** Tries of one upload when S3 answers with server errors (each after looking for the version by token). */
const PUT_ATTEMPTS = 3;

/** S3 lower-cases user metadata keys; this one holds the upload's token. */
export const UPLOAD_TOKEN_METADATA = 'mtls-wizard-upload';

const owner = (ctx: BackendContext) => (ctx.state().aws?.accountId ? {ExpectedBucketOwner: ctx.state().aws!.accountId} : {});

export async function ensureBucket(ctx: BackendContext, aws: AwsEnv): Promise<{bucket: string; key: string; uri: string}> {
  const state = ctx.state();
  const given = state.inputs.bucket;
  const bucket = state.truststore?.bucket ?? given ?? bucketName(state);
  const key = state.truststore?.key ?? TRUSTSTORE_KEY;
  const uri = `s3://${bucket}/${key}`;
  if (!state.truststore) {
    await ctx.update((d) => {
      d.truststore = {bucket, key, uri, versions: [], warnings: []};
    });
  }
  if (given && bucket === given) {
    await requireVersioning(ctx, aws, bucket, true);
    return {bucket, key, uri};
  }
  let createdNow = false;
  if (!ctx.state().truststore?.bucketCreated) {
    const head = await awsFind(ctx, 's3', 'HeadBucket', bucket, ['NotFound', 'NoSuchBucket'], () => aws.clients.s3.send(new HeadBucketCommand({Bucket: bucket, ...owner(ctx)})));
    if (!head) createdNow = await createBucket(ctx, aws, bucket);
    await ctx.update((d) => {
      d.truststore!.bucketCreated = true;
    });
    await awsCall(ctx, 's3', 'PutBucketTagging', bucket, () =>
      aws.clients.s3.send(new PutBucketTaggingCommand({Bucket: bucket, Tagging: {TagSet: tagList(ctx.state(), ROLE.truststore)}, ...owner(ctx)})),
    );
  }
  if (createdNow) await enableVersioning(ctx, aws, bucket);
  else await requireVersioning(ctx, aws, bucket, false);
  return {bucket, key, uri};
}

async function createBucket(ctx: BackendContext, aws: AwsEnv, bucket: string): Promise<boolean> {
  const region = aws.clients.region;
  try {
    // us-east-1 is the one Region that refuses a LocationConstraint naming itself.
    await ctx.call('CreateBucket', bucket, () =>
      aws.clients.s3.send(new CreateBucketCommand({Bucket: bucket, ...(region === 'us-east-1' ? {} : {CreateBucketConfiguration: {LocationConstraint: region as never}})})),
    );
    return true;
  } catch (error) {
    if (isAwsError(error, 'BucketAlreadyOwnedByYou')) return false;
    if (isAwsError(error, 'BucketAlreadyExists')) {
      throw new UserError({what: `cannot create the truststore bucket ${bucket}`, why: 'another AWS account owns a bucket with that name', fix: 'pass --bucket with a versioned bucket of yours, or --prefix to change the name'});
    }
    throw mapAwsError(error, 's3', 'CreateBucket');
  }
}

async function enableVersioning(ctx: BackendContext, aws: AwsEnv, bucket: string): Promise<void> {
  await awsCall(ctx, 's3', 'PutBucketVersioning', `${bucket} Enabled`, () =>
    aws.clients.s3.send(new PutBucketVersioningCommand({Bucket: bucket, VersioningConfiguration: {Status: 'Enabled'}, ...owner(ctx)})),
  );
}

/** truststoreVersion needs versioning: a given bucket without it is refused; our own is fixed. */
async function requireVersioning(ctx: BackendContext, aws: AwsEnv, bucket: string, given: boolean): Promise<void> {
  const out = await awsCall(ctx, 's3', 'GetBucketVersioning', bucket, () => aws.clients.s3.send(new GetBucketVersioningCommand({Bucket: bucket, ...owner(ctx)})));
  if (out.Status === 'Enabled') return;
  if (!given) return enableVersioning(ctx, aws, bucket);
  throw new UserError({
    what: `cannot keep the truststore in the bucket ${bucket}`,
    why: `its versioning is ${out.Status ?? 'not enabled'}, and API Gateway pins a truststore by object version`,
    fix: `run \`aws s3api put-bucket-versioning --bucket ${bucket} --versioning-configuration Status=Enabled\`, or drop --bucket so the wizard makes a bucket`,
    field: 'bucket',
  });
}

export async function uploadTruststoreVersion(ctx: BackendContext, aws: AwsEnv, bundlePem: string, step: string): Promise<TruststoreVersion> {
  const {bucket, key, uri} = await ensureBucket(ctx, aws);
  const file = LOCAL.truststoreCopy(step);
  const pending = ctx.state().truststore?.pendingUpload;
  const resumed = pending?.step === step;
  const token = resumed ? pending.token : newToken();
  await ctx.update((d) => {
    d.truststore!.pendingUpload = {token, step, file};
  });
  await writeStateFile(ctx, file, bundlePem);
  const put = () => aws.clients.s3.send(new PutObjectCommand({Bucket: bucket, Key: key, Body: bundlePem, ContentType: 'application/x-pem-file', Metadata: {[UPLOAD_TOKEN_METADATA]: token}, ...owner(ctx)}));
  let versionId = resumed ? await findUpload(ctx, aws, bucket, key, token) : undefined;
  // A PutObject that met a server error may have stored a version anyway (retry.ts does not repeat it
  // blindly): look for it by its token, and put again only when it is not there.
  for (let attempt = 1; !versionId; attempt += 1) {
    try {
      versionId = (await ctx.call('PutObject', uri, put)).VersionId ?? 'null';
    } catch (error) {
      if (attempt >= PUT_ATTEMPTS || faultOf(error) !== 'transient') throw mapAwsError(error, 's3', 'PutObject');
      ctx.waiting(`S3 answered PutObject with a server error (${errorName(error) || 'error'}): checking whether the version was stored before trying again`);
      await aws.timing.sleep(500 * 2 ** (attempt - 1), ctx.signal);
      versionId = await findUpload(ctx, aws, bucket, key, token);
    }
  }
  if (!versionId || versionId === 'null') {
    throw new UserError({
      what: `S3 stored ${uri} without a version id`,
      why: `versioning is not active on ${bucket} yet (AWS says it can take up to 15 minutes after it is first enabled)`,
      fix: 'wait a few minutes and run `mtls-wizard run` again',
    });
  }
  return recordTruststoreVersion(ctx, {versionId, file, bundlePem, step, uri});
}

/** The version an interrupted upload made, found by the token in its metadata (newest versions first). */
async function findUpload(ctx: BackendContext, aws: AwsEnv, bucket: string, key: string, token: string): Promise<string | undefined> {
  const page = await awsCall(ctx, 's3', 'ListObjectVersions', bucket, () => aws.clients.s3.send(new ListObjectVersionsCommand({Bucket: bucket, Prefix: key, ...owner(ctx)})));
  const versions = (page.Versions ?? [])
    .filter((v) => v.Key === key && v.VersionId && v.VersionId !== 'null')
    .sort((a, b) => (b.LastModified?.getTime() ?? 0) - (a.LastModified?.getTime() ?? 0))
    .slice(0, 10);
  for (const v of versions) {
    const head = await awsCall(ctx, 's3', 'HeadObject', `${key} ${v.VersionId}`, () => aws.clients.s3.send(new HeadObjectCommand({Bucket: bucket, Key: key, VersionId: v.VersionId, ...owner(ctx)})));
    if (head.Metadata?.[UPLOAD_TOKEN_METADATA] === token) {
      ctx.log(`found the interrupted upload as version ${v.VersionId}: reusing it`);
      return v.VersionId;
    }
  }
  return undefined;
}
