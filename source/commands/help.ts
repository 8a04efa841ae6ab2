/** Help text: examples first. */
import {LESSON_STEP_IDS, STEP_IDS} from '../state/constants.js';

export const HELP = `mtls-wizard: mutual TLS on an API Gateway custom domain with a private CA hierarchy, step by step

Examples
  mtls-wizard                          the guided wizard in a terminal (headless walkthrough when there is none)
  mtls-wizard run --yes                the whole walkthrough headless on the local backend
  mtls-wizard run --until mtls         stop after the mtls step; run again to continue
  mtls-wizard status --json            where things stand, as JSON
  mtls-wizard gateway                  serve the local gateway and print the curl commands
  mtls-wizard connect                  repeat the curl checks (accepted and rejected cases)
  mtls-wizard truststore check FILE    check a PEM bundle against API Gateway's truststore rules
  mtls-wizard truststore add FILE      add a partner's CA chain to the truststore (new version, re-pinned)
  mtls-wizard truststore remove CA     retire a CA and every CA below it from the truststore
  mtls-wizard client add client3       issue one more client certificate (--issuer CA, --validity-days N)
  mtls-wizard client revoke client3 --yes   revoke it (--reason keyCompromise); API Gateway does not check
  mtls-wizard gateway --check-revocation    the local gateway as a CRL-checking authorizer would answer
  mtls-wizard explain CLIENT_CERT      why 403? would API Gateway accept it, and if not, the fix
  mtls-wizard inspect FILE             a certificate, bundle, key or PKCS#12 file, field by field
  mtls-wizard diagram --out setup.svg  the CA tree, truststore and clients as a picture (or --format mermaid)
  mtls-wizard teardown --yes           remove what the walkthrough made
  mtls-wizard reset --yes              delete the state dir and start over

Commands
  run         run the steps headless, from the first unfinished one
  status      show steps, CAs, truststore, clients and endpoint (only reads)
  connect     run the connection checks with real curl
  gateway     serve the local mTLS gateway in the foreground (local backend)
  truststore  \`truststore check FILE [--json]\`, \`truststore add FILE\`, \`truststore remove CA [--yes]\`
  client      \`client add NAME\`, \`client list\`, \`client revoke NAME\`, \`client renew NAME\`
  explain     \`explain CLIENT_CERT [--truststore FILE] [--chain FILE] [--at DATE] [--json]\`: exit 0 accepted,
              1 not, 2 bad input; default truststore: the walkthrough's pinned version
  inspect     \`inspect FILE [--json] [--passphrase-file F] [--certificate CERT] [--at DATE]\` (PEM or DER)
  diagram     \`diagram [--format svg|mermaid] [--out FILE]\`: to standard output without --out
  teardown    remove the resources (local files or AWS resources)
  reset       delete the state directory

Options
  --state-dir DIR            where state and files live (env MTLS_WIZARD_STATE_DIR; default ./mtls-wizard)
  --backend local|aws        local (default: no account, offline) or aws
  --yes, -y                  accept defaults and confirmations without asking
  --plain                    line-by-line questions and output instead of the full-screen wizard
  --json                     machine-readable output (status, connect, truststore check)
  --verbose, -v              line output with every call's timing and curl's -v lines
  --until STEP               stop after STEP: ${STEP_IDS.join(', ')}
                             (with --lessons also ${LESSON_STEP_IDS.join(', ')})
  --key-algorithm ALG        RSA_2048, RSA_4096, EC_prime256v1 (default), EC_secp384r1
  --domain NAME              custom domain (default api.mtls.test)
  --resource-path PATH       API resource path (default /hoge/auth)
  --ca-names A,B,C,D         root, intermediate for client1, upper and lower CA of the second chain
  --client-names A,B         the two clients (default client1,client2)
  --root-validity-days N     default 3650; --intermediate-validity-days N (1825); --client-validity-days N (395)
  --passphrase-file FILE     client key passphrase (or env MTLS_WIZARD_PASSPHRASE; else one is generated
                             into a 0600 file beside the key)
  --port N                   port of the local gateway (default 8443)
  --config FILE              JSON with the same names in camelCase, e.g. {"keyAlgorithm": "RSA_2048"}
  --region R, --profile P    AWS region and profile; --bucket B: an existing versioned bucket
  --hosted-zone-id ID        AWS: the Route 53 zone for the domain (default: found by name)
  --client-cert-mode csr|acm AWS: local key + CSR (default) or ACM issue + export as in the article
  --ca-source pca|local      AWS: CAs in AWS Private CA (default) or made on this machine (free;
                             env MTLS_WIZARD_CA_SOURCE)
  --dry-run                  AWS: print every call the walkthrough would make, make none
  --prefix NAME              put NAME into every resource name (workshops)
  --lessons                  add the article's two failures as explicit steps
  --issuer CA                client add: the issuing CA (default: the issuer of the last client added)
  --validity-days N          client add: validity of the new certificate
  --reason R                 client revoke: unspecified (default), keyCompromise, affiliationChanged,
                             superseded, cessationOfOperation
  --check-revocation         gateway, connect: check each client certificate against its issuer's CRL
  --help, -h                 this help; --version, -V the version
`;
