/**
 * A stateful fake of the AWS services the backend uses, behind aws-sdk-client-mock. It records every call
 * in order (service, API, input) and behaves as the AWS documentation says in the cases the backend relies
 * on, with real X.509 from the fake Private CA.
 */
import {ChangeResourceRecordSetsCommand, ListHostedZonesByNameCommand, Route53Client} from '@aws-sdk/client-route-53';
import {GetCallerIdentityCommand, STSClient} from '@aws-sdk/client-sts';
import {mockClient} from 'aws-sdk-client-mock';
import {FakeAcm} from './acm.js';
import {FakeApiGateway} from './apigw.js';
import {ACCOUNT, Core, awsError} from './core.js';
import {FakePca} from './pca.js';
import {FakeS3} from './s3.js';

export {ACCOUNT, CRASH, REGION, awsError} from './core.js';

export class FakeAws {
  readonly core = new Core();
  readonly pca = new FakePca(this.core);
  readonly acm = new FakeAcm(this.core, this.pca);
  readonly s3 = new FakeS3(this.core);
  readonly apigw = new FakeApiGateway(this.core, this.acm, this.s3);
  /** Public hosted zones, e.g. {id: 'Z0123', name: 'mtls.test.'}. */
  hostedZones: {id: string; name: string}[] = [];
  readonly records = new Map<string, unknown>();

  constructor() {
    this.acm.inUse = (arn) => [...this.apigw.domains.values()].some((d) => d.regionalCertificateArn === arn);
  }

  install(): this {
    this.pca.install();
    this.acm.install();
    this.s3.install();
    this.apigw.install();
    const h = <I extends object, O>(service: string, api: string, fn: (i: I) => Promise<O> | O) => this.core.handle<I, O>(service, api, fn) as never;
    mockClient(STSClient).on(GetCallerIdentityCommand).callsFake(h('sts', 'GetCallerIdentity', () => ({Account: ACCOUNT, Arn: `arn:aws:iam::${ACCOUNT}:user/tester`, UserId: 'AIDATESTTESTTEST'})));
    const r53 = mockClient(Route53Client);
    r53.on(ListHostedZonesByNameCommand).callsFake(
      h('route53', 'ListHostedZonesByName', (i: any) => ({
        HostedZones: this.hostedZones.filter((z) => z.name >= i.DNSName).sort((a, b) => a.name.localeCompare(b.name)).slice(0, i.MaxItems ?? 100).map((z) => ({Id: `/hostedzone/${z.id}`, Name: z.name, CallerReference: 'x', Config: {PrivateZone: false}})),
      })),
    );
    r53.on(ChangeResourceRecordSetsCommand).callsFake(
      h('route53', 'ChangeResourceRecordSets', (i: any) => {
        if (!this.hostedZones.some((z) => z.id === i.HostedZoneId)) throw awsError('NoSuchHostedZone', `No hosted zone found with ID: ${i.HostedZoneId}`, 404);
        for (const change of i.ChangeBatch.Changes) {
          const key = `${i.HostedZoneId} ${change.ResourceRecordSet.Name} ${change.ResourceRecordSet.Type}`;
          if (change.Action === 'DELETE') {
            if (!this.records.has(key)) throw awsError('InvalidChangeBatch', `Tried to delete resource record set [name='${change.ResourceRecordSet.Name}', type='${change.ResourceRecordSet.Type}'] but it was not found`);
            this.records.delete(key);
          } else this.records.set(key, change.ResourceRecordSet);
        }
        return {ChangeInfo: {Id: '/change/C1', Status: 'PENDING', SubmittedAt: new Date()}};
      }),
    );
    return this;
  }

  get calls() {
    return this.core.calls;
  }

  apis(): string[] {
    return this.core.apis();
  }
}
