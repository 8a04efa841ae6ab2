export type {CertificateSummary, CheckOptions, CheckReport, Finding, TrustCertificate} from './types.js';
export {parsePemBundle} from './parse.js';
export {checkTruststore, checkTruststoreAsync} from './check.js';
export {planAddition, type AdditionPlan} from './plan.js';
export {buildChain, CHAIN_REASONS, type ChainResult} from './build-chain.js';
export {formatReport, shortFingerprint, summarise} from './format.js';
export {MAX_BUNDLE_BYTES, MAX_CA_CERTIFICATES, MAX_CERTIFICATES} from './rules.js';
