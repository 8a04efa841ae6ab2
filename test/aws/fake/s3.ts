/** A fake S3: buckets with versioning, tags, object versions (with user metadata) and delete markers. */
import {
  CreateBucketCommand,
  DeleteBucketCommand,
  DeleteObjectCommand,
  DeleteObjectsCommand,
  GetBucketTaggingCommand,
  GetBucketVersioningCommand,
  HeadBucketCommand,
  HeadObjectCommand,
  ListObjectVersionsCommand,
  PutBucketTaggingCommand,
  PutBucketVersioningCommand,
  PutObjectCommand,
  S3Client,
} from '@aws-sdk/client-s3';
import {mockClient} from 'aws-sdk-client-mock';
import {type Core, awsError, id} from './core.js';

interface Version {
  key: string;
  versionId: string;
  body?: string;
  metadata: Record<string, string>;
  deleteMarker: boolean;
  lastModified: Date;
}

export interface FakeBucket {
  name: string;
  versioning?: 'Enabled' | 'Suspended';
  tags?: {Key: string; Value: string}[];
  versions: Version[];
  locationConstraint?: string;
}

export class FakeS3 {
  readonly buckets = new Map<string, FakeBucket>();

  constructor(readonly core: Core) {}

  install(): void {
    const m = mockClient(S3Client);
    const h = <I extends object, O>(api: string, fn: (i: I) => Promise<O> | O) => this.core.handle<I, O>('s3', api, fn) as never;
    m.on(HeadBucketCommand).callsFake(h('HeadBucket', (i: any) => (this.bucket(i.Bucket, 'NotFound'), {})));
    m.on(CreateBucketCommand).callsFake(h('CreateBucket', (i: any) => {
      if (this.buckets.has(i.Bucket)) throw awsError('BucketAlreadyOwnedByYou', 'Your previous request to create the named bucket succeeded and you already own it.', 409);
      this.buckets.set(i.Bucket, {name: i.Bucket, versions: [], locationConstraint: i.CreateBucketConfiguration?.LocationConstraint});
      return {Location: `/${i.Bucket}`};
    }));
    m.on(PutBucketTaggingCommand).callsFake(h('PutBucketTagging', (i: any) => ((this.bucket(i.Bucket).tags = i.Tagging.TagSet), {})));
    m.on(GetBucketTaggingCommand).callsFake(h('GetBucketTagging', (i: any) => {
      const b = this.bucket(i.Bucket);
      if (!b.tags) throw awsError('NoSuchTagSet', 'The TagSet does not exist', 404);
      return {TagSet: b.tags};
    }));
    m.on(PutBucketVersioningCommand).callsFake(h('PutBucketVersioning', (i: any) => ((this.bucket(i.Bucket).versioning = i.VersioningConfiguration.Status), {})));
    m.on(GetBucketVersioningCommand).callsFake(h('GetBucketVersioning', (i: any) => ({Status: this.bucket(i.Bucket).versioning})));
    m.on(PutObjectCommand).callsFake(h('PutObject', (i: any) => {
      const b = this.bucket(i.Bucket);
      const versionId = b.versioning === 'Enabled' ? id('v') : 'null';
      if (versionId === 'null') b.versions = b.versions.filter((v) => v.key !== i.Key);
      b.versions.push({key: i.Key, versionId, body: String(i.Body), metadata: i.Metadata ?? {}, deleteMarker: false, lastModified: new Date()});
      return {ETag: '"etag"', ...(versionId === 'null' ? {} : {VersionId: versionId})};
    }));
    m.on(ListObjectVersionsCommand).callsFake(h('ListObjectVersions', (i: any) => {
      const b = this.bucket(i.Bucket);
      const all = b.versions.filter((v) => !i.Prefix || v.key.startsWith(i.Prefix));
      const row = (v: Version) => ({Key: v.key, VersionId: v.versionId, LastModified: v.lastModified});
      return {Versions: all.filter((v) => !v.deleteMarker).map(row), DeleteMarkers: all.filter((v) => v.deleteMarker).map(row), IsTruncated: false};
    }));
    m.on(HeadObjectCommand).callsFake(h('HeadObject', (i: any) => {
      const v = this.bucket(i.Bucket).versions.find((x) => x.key === i.Key && x.versionId === i.VersionId && !x.deleteMarker);
      if (!v) throw awsError('NotFound', 'Not Found', 404);
      return {VersionId: v.versionId, Metadata: v.metadata};
    }));
    m.on(DeleteObjectsCommand).callsFake(h('DeleteObjects', (i: any) => {
      const b = this.bucket(i.Bucket);
      for (const o of i.Delete.Objects) b.versions = b.versions.filter((v) => !(v.key === o.Key && v.versionId === o.VersionId));
      return {Deleted: i.Delete.Objects};
    }));
    m.on(DeleteObjectCommand).callsFake(h('DeleteObject', (i: any) => {
      const b = this.bucket(i.Bucket);
      b.versions = b.versions.filter((v) => !(v.key === i.Key && v.versionId === i.VersionId));
      return {};
    }));
    m.on(DeleteBucketCommand).callsFake(h('DeleteBucket', (i: any) => {
      const b = this.bucket(i.Bucket);
      if (b.versions.length > 0) throw awsError('BucketNotEmpty', 'The bucket you tried to delete is not empty. You must delete all versions in the bucket.', 409);
      this.buckets.delete(b.name);
      return {};
    }));
  }

  bucket(name: string, missing = 'NoSuchBucket'): FakeBucket {
    const b = this.buckets.get(name);
    if (!b) throw awsError(missing, 'The specified bucket does not exist', 404);
    return b;
  }

  /** The body of s3://bucket/key at that version (what API Gateway reads), or undefined. */
  read(uri: string, versionId: string | undefined): string | undefined {
    const match = /^s3:\/\/([^/]+)\/(.+)$/.exec(uri);
    const b = match ? this.buckets.get(match[1]!) : undefined;
    return b?.versions.find((v) => v.key === match![2] && v.versionId === versionId && !v.deleteMarker)?.body;
  }
}
