/** The pid file of a foreground `mtls-wizard gateway`, so other commands use it instead of starting their own. */
import {readFile, rm} from 'node:fs/promises';
import path from 'node:path';
import {writePublicFile} from '../../util/fs.js';
import {LOCAL} from './layout.js';
import {processExists} from '../../util/process.js';

export interface GatewayPid {
  readonly pid: number;
  readonly port: number;
  readonly startedAt: string;
  /** Started with --check-revocation (refuses certificates its issuer's CRL lists). */
  readonly checkRevocation?: boolean;
}


/** The running gateway of this state dir, or undefined (a stale file from a killed gateway is ignored). */
export async function readGatewayPid(stateDir: string): Promise<GatewayPid | undefined> {
  try {
    const data = JSON.parse(await readFile(path.join(stateDir, LOCAL.gatewayPidFile), 'utf8')) as GatewayPid;
    if (typeof data.pid !== 'number' || typeof data.port !== 'number') return undefined;
    return processExists(data.pid) && data.pid !== process.pid ? data : undefined;
  } catch {
    return undefined;
  }
}

export async function writeGatewayPid(stateDir: string, port: number, options: {checkRevocation?: boolean} = {}): Promise<void> {
  const data: GatewayPid = {pid: process.pid, port, startedAt: new Date().toISOString(), ...(options.checkRevocation ? {checkRevocation: true} : {})};
  await writePublicFile(path.join(stateDir, LOCAL.gatewayPidFile), `${JSON.stringify(data)}\n`);
}

export async function removeGatewayPid(stateDir: string): Promise<void> {
  await rm(path.join(stateDir, LOCAL.gatewayPidFile), {force: true});
}
