/**
 * Removing the truststore: in a bucket the wizard made, every object version and delete marker, then the
 * bucket; in a bucket the person gave, only the versions the wizard uploaded.
 */
import {DeleteBucketCommand, DeleteObjectCommand, DeleteObjectsCommand, GetBucketTaggingCommand, HeadBucketCommand, ListObjectVersionsCommand} from '@aws-sdk/client-s3';
import {ExternalError} from '../../errors.js';
import type {BackendContext} from '../backend.js';
import type {AwsEnv} from './env.js';
import {awsCall, awsFind} from './errors.js';
import {bucketName, isOurs, tagsFromList} from './names.js';

export async function teardownTruststore(ctx: BackendContext, aws: AwsEnv): Promise<void> {
  const state = ctx.state();
  const given = state.inputs.bucket;
  const ts = state.truststore;
  if (given && (!ts || ts.bucket === given)) {
    for (const v of ts?.versions ?? []) {
      await awsFind(ctx, 's3', 'DeleteObject', `${ts!.key} ${v.versionId}`, ['NoSuchKey', 'NoSuchVersion', 'NoSuchBucket'], () =>
        aws.clients.s3.send(new DeleteObjectCommand({Bucket: ts!.bucket, Key: ts!.key, VersionId: v.versionId})),
      );
      ctx.log(`deleted version ${v.versionId} of s3://${ts!.bucket}/${ts!.key} (your bucket ${given} stays)`);
    }
    return;
  }
  const bucket = ts?.bucket ?? bucketName(state);
  const head = await awsFind(ctx, 's3', 'HeadBucket', bucket, ['NotFound', 'NoSuchBucket'], () => aws.clients.s3.send(new HeadBucketCommand({Bucket: bucket})));
  if (!head) {
    if (ts) ctx.log(`bucket ${bucket} is already gone`);
    return;
  }
  if (!ts?.bucketCreated) {
    const tags = await awsFind(ctx, 's3', 'GetBucketTagging', bucket, ['NoSuchTagSet'], () => aws.clients.s3.send(new GetBucketTaggingCommand({Bucket: bucket})));
    if (!isOurs(tagsFromList(tags?.TagSet), state)) {
      ctx.log(`bucket ${bucket} left alone: it is not tagged as this walkthrough's`, 'warn');
      return;
    }
  }
  const removed = await emptyBucket(ctx, aws, bucket);
  await awsCall(ctx, 's3', 'DeleteBucket', bucket, () => aws.clients.s3.send(new DeleteBucketCommand({Bucket: bucket})));
  ctx.log(`deleted ${removed} object versions and delete markers, then the bucket ${bucket}`);
}

/** Deletes every object version and delete marker, a page (at most 1,000) at a time. */
async function emptyBucket(ctx: BackendContext, aws: AwsEnv, bucket: string): Promise<number> {
  let removed = 0;
  let KeyMarker: string | undefined;
  let VersionIdMarker: string | undefined;
  for (;;) {
    const page = await awsCall(ctx, 's3', 'ListObjectVersions', bucket, () => aws.clients.s3.send(new ListObjectVersionsCommand({Bucket: bucket, KeyMarker, VersionIdMarker})));
    const objects = [...(page.Versions ?? []), ...(page.DeleteMarkers ?? [])].filter((o) => o.Key).map((o) => ({Key: o.Key!, VersionId: o.VersionId}));
    if (objects.length > 0) {
      const out = await awsCall(ctx, 's3', 'DeleteObjects', `${objects.length} versions in ${bucket}`, () =>
        aws.clients.s3.send(new DeleteObjectsCommand({Bucket: bucket, Delete: {Objects: objects, Quiet: true}})),
      );
      const failed = out.Errors ?? [];
      if (failed.length > 0) {
        const first = failed[0]!;
        throw new ExternalError({what: `AWS DeleteObjects failed for ${failed.length} versions in ${bucket}`, why: `${first.Code ?? 'error'}: ${first.Message ?? ''} (${first.Key} ${first.VersionId})`, fix: 'run `mtls-wizard teardown` again'});
      }
      removed += objects.length;
    }
    if (!page.IsTruncated) return removed;
    KeyMarker = page.NextKeyMarker;
    VersionIdMarker = page.NextVersionIdMarker;
  }
}
