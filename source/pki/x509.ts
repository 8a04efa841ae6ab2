/**
 * The one place that loads @peculiar/x509. reflect-metadata must be evaluated before it (its ASN.1 schemas use
 * decorators), and the CLI bundle loads this module lazily, so the import sits here rather than in an entry point.
 */
import 'reflect-metadata';
import * as x509 from '@peculiar/x509';
import {webcrypto} from 'node:crypto';

// Node's WebCrypto backs every signature and digest the library computes.
x509.cryptoProvider.set(webcrypto);

export {x509};
