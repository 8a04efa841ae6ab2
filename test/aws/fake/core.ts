/**
 * The fake AWS's shared parts: the call log every test asserts on, service errors shaped like the SDK's
 * (name + $metadata), and switches to simulate a crash after a request reached AWS or a failure before it.
 */
export interface Call {
  readonly service: string;
  readonly api: string;
  readonly input: Record<string, unknown>;
}

export const ACCOUNT = '111122223333';
export const REGION = 'us-east-1';

export function awsError(name: string, message: string, status = 400): Error {
  return Object.assign(new Error(message), {name, $fault: status >= 500 ? 'server' : 'client', $metadata: {httpStatusCode: status}});
}

/** What a lost answer looks like to the caller: the request was made, the response never came. */
export const CRASH = 'SimulatedCrash';

export interface Trigger {
  readonly api: string;
  /** Which call of that API (1 = the first); default 1. */
  readonly nth?: number;
}

export class Core {
  readonly calls: Call[] = [];
  /** After the nth call of api has taken effect, its caller gets an error instead of the answer. */
  crashAfter?: Trigger;
  /** The nth call of api fails with this error before it takes effect. */
  failBefore?: Trigger & {readonly error: Error};
  /** Injected faults (throttling, 5xx), see inject(). */
  readonly faults: {api: string; error: Error; left: number; lost: boolean}[] = [];
  readonly #counts = new Map<string, number>();
  /** Calls being answered now (the fake's own async work: key generation, signing). */
  inFlight = 0;

  /**
   * The next `times` calls of api fail with error before they take effect; with `lost`, after: AWS did
   * the work and the answer was lost (a 5xx from a load balancer, a reset connection).
   */
  inject(api: string, error: Error, times = 1, o: {lost?: boolean} = {}): void {
    this.faults.push({api, error, left: times, lost: o.lost ?? false});
  }

  #fault(api: string, lost: boolean): Error | undefined {
    const f = this.faults.find((x) => x.api === api && x.left > 0 && x.lost === lost);
    if (!f) return undefined;
    f.left -= 1;
    return f.error;
  }

  /** Wraps a handler: logs the call, applies failBefore / crashAfter. */
  handle<I extends object, O>(service: string, api: string, fn: (input: I) => Promise<O> | O): (input: I) => Promise<O> {
    const answer = async (input: I) => {
      this.calls.push({service, api, input: input as Record<string, unknown>});
      const n = (this.#counts.get(api) ?? 0) + 1;
      this.#counts.set(api, n);
      const fail = this.failBefore;
      if (fail && fail.api === api && (fail.nth ?? 1) === n) throw fail.error;
      const before = this.#fault(api, false);
      if (before) throw before;
      const out = await fn(input);
      const lost = this.#fault(api, true);
      if (lost) throw lost;
      const crash = this.crashAfter;
      // The process dies here (kill -9): no HTTP status, so no retry gets a chance; the next run resumes.
      if (crash && crash.api === api && (crash.nth ?? 1) === n) throw Object.assign(new Error(`the process died after ${api} reached AWS (simulated crash)`), {name: CRASH});
      return out;
    };
    return async (input: I) => {
      this.inFlight += 1;
      try {
        return await answer(input);
      } finally {
        this.inFlight -= 1;
      }
    };
  }

  apis(): string[] {
    return this.calls.map((c) => c.api);
  }

  count(api: string): number {
    return this.calls.filter((c) => c.api === api).length;
  }

  inputs<T = Record<string, unknown>>(api: string): T[] {
    return this.calls.filter((c) => c.api === api).map((c) => c.input as T);
  }
}

export const text = (blob: unknown) => (typeof blob === 'string' ? blob : new TextDecoder().decode(blob as Uint8Array));

let counter = 0;
export function id(prefix = ''): string {
  counter += 1;
  return `${prefix}${counter.toString(36).padStart(6, '0')}${Math.random().toString(36).slice(2, 6)}`;
}
