/** A foreground `mtls-wizard gateway` (built CLI) for tests, on a free loopback port. */
import {type ChildProcess, spawn} from 'node:child_process';
import net from 'node:net';
import {CLI} from './built-cli.js';

import {freePort} from './wait.js';

export {freePort};

/** True when something accepts TCP connections on 127.0.0.1:port. */
export function listening(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = net.connect(port, '127.0.0.1');
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => resolve(false));
  });
}

export interface GatewayProcess {
  readonly child: ChildProcess;
  readonly port: number;
  /** Resolves when the process has exited. */
  readonly exited: Promise<void>;
  output(): string;
}

/** Starts `gateway --port <free>` (plus `args`, e.g. --check-revocation) and resolves once it says it is serving. */
export async function startGateway(stateDir: string, args: string[] = []): Promise<GatewayProcess> {
  const port = await freePort();
  const child = spawn(process.execPath, [CLI, 'gateway', '--port', String(port), '--state-dir', stateDir, ...args], {
    env: {PATH: process.env['PATH'], HOME: process.env['HOME'], CI: 'true'},
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  child.stdout.on('data', (d: Buffer) => (out += d.toString()));
  child.stderr.on('data', (d: Buffer) => (out += d.toString()));
  const exited = new Promise<void>((resolve) => child.once('close', () => resolve()));
  await new Promise<void>((resolve, reject) => {
    const onData = () => {
      if (out.includes('Press Ctrl-C')) {
        child.stdout.off('data', onData);
        resolve();
      }
    };
    child.stdout.on('data', onData);
    void exited.then(() => reject(new Error(`the gateway exited before serving:\n${out}`)));
  });
  return {child, port, exited, output: () => out};
}
