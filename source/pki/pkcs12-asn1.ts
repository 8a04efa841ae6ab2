/**
 * The ASN.1 of a PKCS#12 file as @peculiar/asn1-pfx and its siblings declare it (PFX, AuthenticatedSafe,
 * SafeContents, SafeBag, CertBag, PKCS8ShroudedKeyBag, MacData; CMS ContentInfo and EncryptedContentInfo),
 * serialised by @peculiar/asn1-schema; plus the few structures no @peculiar package declares (CMS EncryptedData,
 * the PBES2, PBKDF2 and PKCS#12 PBE parameters), declared here with the same schema library.
 *
 * One change to how they are serialised, for speed. A field declared ANY (SafeBag's bagValue, CertBag's certValue,
 * ContentInfo's content, an attribute's values, AlgorithmIdentifier's parameters) takes finished DER, which
 * asn1-schema's default converter parses back with asn1js.fromBER before writing it out again, and asn1js also
 * parses the contents of every OCTET STRING in case they are DER. A PKCS#12 file is OCTET STRINGs around DER all the
 * way down (each certificate, the bags, the whole AuthenticatedSafe), so building it that way re-parsed every
 * certificate several times and was measured 1.4 to 2.8 times slower per export than the hand-written bytes it
 * replaces (commit 5c84361). The classes below are the library's, subclassed only to give those ANY fields another
 * converter that takes the structure itself (an asn1-schema object) and encodes it in the same pass as the structure
 * around it, so nothing is parsed. Tags, order and optional fields stay the library's.
 */
import {ContentInfo, EncryptedContentInfo} from '@peculiar/asn1-cms';
import {CertBag, PKCS12Attribute, SafeBag} from '@peculiar/asn1-pfx';
import {AsnAnyConverter, AsnProp, AsnPropTypes, AsnSerializer, OctetString, type IAsnConverter} from '@peculiar/asn1-schema';
import {AlgorithmIdentifier} from '@peculiar/asn1-x509';

/** What an ANY field below takes: the structure itself (an asn1-schema object), or null for NULL. */
export type AnyValue = object | null;

/** Builds the value's asn1js tree like any other field's, instead of taking its DER and parsing it back. */
const anyValue: IAsnConverter<AnyValue> = {
  fromASN: AsnAnyConverter.fromASN,
  toASN: (value) => (value === null ? AsnAnyConverter.toASN(null) : AsnSerializer.toASN(value)),
};

/** SafeBag (RFC 7292 4.2). */
export class Pkcs12SafeBag extends SafeBag {
  constructor(bagId: string, bagValue: AnyValue, bagAttributes?: Pkcs12Attribute[]) {
    super();
    Object.assign(this, {bagId, bagValue, bagAttributes});
  }
}
AsnProp({type: AsnPropTypes.Any, context: 0, converter: anyValue})(Pkcs12SafeBag.prototype, 'bagValue');

/** CertBag (RFC 7292 4.2.3). */
export class Pkcs12CertBag extends CertBag {
  constructor(certId: string, certValue: AnyValue) {
    super();
    Object.assign(this, {certId, certValue});
  }
}
AsnProp({type: AsnPropTypes.Any, context: 0, converter: anyValue})(Pkcs12CertBag.prototype, 'certValue');

/** PKCS12Attribute (RFC 7292 4.2). (The library's constructor ignores its argument, asn1-pfx 2.11.) */
export class Pkcs12Attribute extends PKCS12Attribute {
  constructor(attrId: string, attrValues: AnyValue[]) {
    super();
    Object.assign(this, {attrId, attrValues});
  }
}
AsnProp({type: AsnPropTypes.Any, repeated: 'set', converter: anyValue})(Pkcs12Attribute.prototype, 'attrValues');

/** CMS ContentInfo (RFC 5652 3). */
export class Pkcs12ContentInfo extends ContentInfo {
  constructor(contentType: string, content: AnyValue) {
    super();
    Object.assign(this, {contentType, content});
  }
}
AsnProp({type: AsnPropTypes.Any, context: 0, converter: anyValue})(Pkcs12ContentInfo.prototype, 'content');

/** AlgorithmIdentifier (RFC 5280 4.1.1.2); null parameters are an explicit NULL. */
export class Pkcs12AlgorithmIdentifier extends AlgorithmIdentifier {
  constructor(algorithm: string, parameters: AnyValue) {
    super();
    Object.assign(this, {algorithm, parameters});
  }
}
AsnProp({type: AsnPropTypes.Any, optional: true, converter: anyValue})(Pkcs12AlgorithmIdentifier.prototype, 'parameters');

/** CMS EncryptedData (RFC 5652 8) without unprotectedAttrs: no @peculiar package declares it. */
export class EncryptedData {
  version = 0;
  constructor(public encryptedContentInfo: EncryptedContentInfo) {}
}
AsnProp({type: AsnPropTypes.Integer})(EncryptedData.prototype, 'version');
AsnProp({type: EncryptedContentInfo})(EncryptedData.prototype, 'encryptedContentInfo');

/** PBKDF2-params (RFC 8018 A.2): the salt always "specified", no keyLength, the PRF always written out. */
export class Pbkdf2Params {
  constructor(
    public salt: OctetString,
    public iterationCount: number,
    public prf: AlgorithmIdentifier,
  ) {}
}
AsnProp({type: OctetString})(Pbkdf2Params.prototype, 'salt');
AsnProp({type: AsnPropTypes.Integer})(Pbkdf2Params.prototype, 'iterationCount');
AsnProp({type: AlgorithmIdentifier})(Pbkdf2Params.prototype, 'prf');

/** PBES2-params (RFC 8018 A.4). */
export class Pbes2Params {
  constructor(
    public keyDerivationFunc: AlgorithmIdentifier,
    public encryptionScheme: AlgorithmIdentifier,
  ) {}
}
AsnProp({type: AlgorithmIdentifier})(Pbes2Params.prototype, 'keyDerivationFunc');
AsnProp({type: AlgorithmIdentifier})(Pbes2Params.prototype, 'encryptionScheme');

/** pkcs-12PbeParams (RFC 7292 appendix C). */
export class Pkcs12PbeParams {
  constructor(
    public salt: OctetString,
    public iterations: number,
  ) {}
}
AsnProp({type: OctetString})(Pkcs12PbeParams.prototype, 'salt');
AsnProp({type: AsnPropTypes.Integer})(Pkcs12PbeParams.prototype, 'iterations');
