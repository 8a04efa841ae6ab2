/**
 * Configuration the SDK's way: AWS_ENDPOINT_URL_<SERVICE> and AWS_ENDPOINT_URL send every client (even
 * @aws-sdk/client-acm-pca 3.523) to an emulator; S3 then uses path-style URLs; --profile supplies the
 * region and credentials, to the old acm-pca client too. Checked on the wire with a local HTTP server.
 */
import {ListCertificateAuthoritiesCommand} from '@aws-sdk/client-acm-pca';
import {ListCertificatesCommand} from '@aws-sdk/client-acm';
import {GetRestApisCommand} from '@aws-sdk/client-api-gateway';
import {ListHostedZonesByNameCommand} from '@aws-sdk/client-route-53';
import {HeadBucketCommand} from '@aws-sdk/client-s3';
import {GetCallerIdentityCommand} from '@aws-sdk/client-sts';
import {mkdtemp, rm, writeFile} from 'node:fs/promises';
import http from 'node:http';
import type {AddressInfo} from 'node:net';
import os from 'node:os';
import path from 'node:path';
import {afterAll, afterEach, beforeAll, describe, expect, test} from 'vitest';
import {createAwsClients} from '../../source/backends/aws/clients.js';

interface Seen {
  method: string;
  url: string;
  host: string;
  authorization: string;
  target: string;
}

const seen: Seen[] = [];
let server: http.Server;
let base = '';
const saved = {...process.env};

beforeAll(async () => {
  server = http.createServer((req, res) => {
    seen.push({method: req.method ?? '', url: req.url ?? '', host: req.headers.host ?? '', authorization: String(req.headers.authorization ?? ''), target: String(req.headers['x-amz-target'] ?? '')});
    req.resume();
    // Enough of an answer for each protocol; the test looks at the requests, not at the replies.
    if (req.url?.includes('Action=GetCallerIdentity') || req.method === 'POST' && !req.headers['x-amz-target'] && !req.url?.startsWith('/restapis')) {
      res.writeHead(200, {'content-type': 'text/xml'}).end('<GetCallerIdentityResponse><GetCallerIdentityResult><Account>111122223333</Account><Arn>arn:aws:iam::111122223333:user/x</Arn><UserId>U</UserId></GetCallerIdentityResult></GetCallerIdentityResponse>');
    } else if (req.headers['x-amz-target']) res.writeHead(200, {'content-type': 'application/x-amz-json-1.1'}).end('{}');
    else if (req.url?.startsWith('/2013-04-01/')) res.writeHead(200, {'content-type': 'text/xml'}).end('<ListHostedZonesByNameResponse><HostedZones></HostedZones><IsTruncated>false</IsTruncated><MaxItems>1</MaxItems></ListHostedZonesByNameResponse>');
    else if (req.url?.startsWith('/restapis')) res.writeHead(200, {'content-type': 'application/json'}).end('{"item":[]}');
    else res.writeHead(200).end();
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

afterEach(() => {
  seen.length = 0;
  for (const key of Object.keys(process.env)) if (!(key in saved)) delete process.env[key];
  Object.assign(process.env, saved);
});

async function callEach() {
  const c = await createAwsClients({region: 'eu-west-1'});
  await c.pca.send(new ListCertificateAuthoritiesCommand({}));
  await c.acm.send(new ListCertificatesCommand({}));
  await c.apigw.send(new GetRestApisCommand({}));
  await c.route53.send(new ListHostedZonesByNameCommand({DNSName: 'mtls.test.'}));
  await c.s3.send(new HeadBucketCommand({Bucket: 'my-truststore-bucket'}));
  await c.sts.send(new GetCallerIdentityCommand({}));
  return c;
}

describe('endpoint overrides', () => {
  test('AWS_ENDPOINT_URL sends all six clients to the emulator, S3 with path-style addressing', async () => {
    process.env.AWS_ENDPOINT_URL = base;
    await callEach();
    expect(seen.map((s) => s.target).filter(Boolean)).toEqual(['ACMPrivateCA.ListCertificateAuthorities', 'CertificateManager.ListCertificates']);
    expect(seen.some((s) => s.url.startsWith('/restapis'))).toBe(true);
    expect(seen.some((s) => s.url.startsWith('/2013-04-01/hostedzonesbyname'))).toBe(true);
    const s3 = seen.find((s) => s.method === 'HEAD')!;
    expect(s3.url).toMatch(/^\/my-truststore-bucket\/?$/);
    expect(s3.host).toBe(new URL(base).host);
    expect(seen).toHaveLength(6);
    expect(seen.every((s) => s.authorization.includes('/eu-west-1/'))).toBe(true);
  });

  test('a service-specific AWS_ENDPOINT_URL_ACM_PCA reaches the acm-pca 3.523 client', async () => {
    process.env.AWS_ENDPOINT_URL_ACM_PCA = base;
    const c = await createAwsClients({region: 'eu-west-1'});
    await c.pca.send(new ListCertificateAuthoritiesCommand({}));
    expect(seen.map((s) => s.target)).toEqual(['ACMPrivateCA.ListCertificateAuthorities']);
  });

  test('--profile gives region and credentials to every client, acm-pca included', async () => {
    const dir = await mkdtemp(path.join(os.tmpdir(), 'mtls-profile-'));
    try {
      await writeFile(path.join(dir, 'config'), '[profile workshop]\nregion = ap-northeast-1\n');
      await writeFile(path.join(dir, 'credentials'), '[workshop]\naws_access_key_id = AKIDPROFILEWORKSHOP\naws_secret_access_key = secret-from-profile\n');
      Object.assign(process.env, {AWS_CONFIG_FILE: path.join(dir, 'config'), AWS_SHARED_CREDENTIALS_FILE: path.join(dir, 'credentials'), AWS_ENDPOINT_URL: base});
      delete process.env.AWS_REGION;
      delete process.env.AWS_ACCESS_KEY_ID;
      delete process.env.AWS_SECRET_ACCESS_KEY;
      const c = await createAwsClients({profile: 'workshop'});
      expect(c.region).toBe('ap-northeast-1');
      await c.pca.send(new ListCertificateAuthoritiesCommand({}));
      await c.acm.send(new ListCertificatesCommand({}));
      expect(seen).toHaveLength(2);
      for (const s of seen) expect(s.authorization).toMatch(/Credential=AKIDPROFILEWORKSHOP\/\d{8}\/ap-northeast-1\//);
    } finally {
      await rm(dir, {recursive: true, force: true});
    }
  });

  test('no Region anywhere: one clear line that says how to set it', async () => {
    delete process.env.AWS_REGION;
    delete process.env.AWS_DEFAULT_REGION;
    process.env.AWS_CONFIG_FILE = path.join(os.tmpdir(), 'mtls-no-such-config');
    await expect(createAwsClients({})).rejects.toThrow('cannot use AWS: no AWS Region is set. Fix: pass --region (e.g. --region ap-northeast-1), set AWS_REGION, or set region in your AWS profile');
  });
});
