/** An HTTPS server on 127.0.0.1 that requires a client certificate and answers with its subject and issuer CN. */
import {createServer} from 'node:https';
import type {AddressInfo} from 'node:net';
import type {TLSSocket} from 'node:tls';

export interface EchoServer {
  readonly port: number;
  close(): Promise<void>;
}

export async function startClientCertEcho(o: {key: string; cert: string; ca: string[]}): Promise<EchoServer> {
  const server = createServer({key: o.key, cert: o.cert, ca: o.ca, requestCert: true, rejectUnauthorized: true}, (request, response) => {
    const peer = (request.socket as TLSSocket).getPeerCertificate();
    response.end(JSON.stringify({subject: peer.subject?.CN, issuer: peer.issuer?.CN}));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    port: (server.address() as AddressInfo).port,
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}
