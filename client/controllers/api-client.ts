// The one place the client talks HTTP. While the server is still parsing, every /api route
// answers 503 with the parse status; getJson waits (polling /api/status) and then retries,
// so pages simply await their data (the timeline's routes may answer 503 a little longer,
// while the status lists it as still building). Errors come back as ApiError with a readable message.

export interface ParseStatus {
  state: 'parsing' | 'ready' | 'failed';
  bytesRead: number;
  totalBytes: number;
  percent: number;
  error?: string;
  /** Results still being built once the pages are ready (the timeline); their routes answer 503. */
  building: string[];
  /** Results that could not be built, "name: error". */
  buildErrors?: string[];
  /** Of the results being built, those that report it: percent of their input read. */
  buildProgress?: Record<string, number>;
}

export class ApiError extends Error {
  constructor(message: string, readonly status: number, readonly url: string) {
    super(message);
    this.name = 'ApiError';
  }
}

export type StatusListener = (status: ParseStatus) => void;

const pollIntervalMs = 250;

function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(resolve, ms);
    signal?.addEventListener('abort', () => {
      clearTimeout(timer);
      reject(signal.reason);
    }, { once: true });
  });
}

async function messageOf(response: Response): Promise<string> {
  const text = await response.text().catch(() => '');
  try {
    const body = JSON.parse(text) as { message?: string; error?: string };
    if (typeof body.message === 'string') return body.message;
    if (typeof body.error === 'string') return body.error;
  } catch {
    // not JSON: fall through to the raw text
  }
  return text.trim().slice(0, 300) || response.statusText || `HTTP ${response.status}`;
}

export class ApiClient {
  private readonly statusListeners = new Set<StatusListener>();

  constructor(private readonly base = '') {}

  /** Listeners hear each status seen while waiting for the parse (the loading screen uses it). */
  onStatus(listener: StatusListener): () => void {
    this.statusListeners.add(listener);
    return () => this.statusListeners.delete(listener);
  }

  url(path: string, params?: Record<string, string | number | boolean | undefined | null>): string {
    const query = new URLSearchParams();
    for (const [key, value] of Object.entries(params ?? {})) {
      if (value !== undefined && value !== null && value !== '') query.set(key, String(value));
    }
    const q = query.toString();
    return `${this.base}${path}${q ? (path.includes('?') ? '&' : '?') + q : ''}`;
  }

  async status(signal?: AbortSignal): Promise<ParseStatus> {
    const response = await fetch(this.url('/api/status'), { signal });
    if (!response.ok && response.status !== 503) {
      throw new ApiError(await messageOf(response), response.status, '/api/status');
    }
    const status = (await response.json()) as ParseStatus;
    for (const listener of this.statusListeners) listener(status);
    return status;
  }

  /** Resolves once the trace is parsed; rejects with the parse error if it failed. */
  async waitUntilReady(signal?: AbortSignal): Promise<ParseStatus> {
    for (;;) {
      const status = await this.status(signal);
      if (status.state === 'ready') return status;
      if (status.state === 'failed') throw new ApiError(status.error ?? 'the trace could not be parsed', 500, '/api/status');
      await sleep(pollIntervalMs, signal);
    }
  }

  /** Resolves once result `name` (the timeline) is no longer being built. */
  async waitUntilBuilt(name: string, signal?: AbortSignal): Promise<void> {
    for (;;) {
      const status = await this.waitUntilReady(signal);
      if (!status.building.includes(name)) return;
      await sleep(pollIntervalMs, signal);
    }
  }

  async fetchOk(path: string, signal?: AbortSignal): Promise<Response> {
    for (;;) {
      const response = await fetch(path.startsWith('http') ? path : this.base + path, { signal });
      if (response.status === 503) {
        await response.body?.cancel();
        const status = await this.waitUntilReady(signal);
        // The pages are ready but this result is still being built (the timeline): ask again shortly.
        if (status.building.length > 0) await sleep(pollIntervalMs, signal);
        continue;
      }
      if (!response.ok) throw new ApiError(await messageOf(response), response.status, path);
      return response;
    }
  }

  /** POSTs without a body (an action: the server takes no request bodies) and returns the JSON answer. */
  async postJson<T>(path: string): Promise<T> {
    const response = await fetch(this.base + path, { method: 'POST' });
    if (!response.ok) throw new ApiError(await messageOf(response), response.status, path);
    return (await response.json()) as T;
  }

  async getJson<T>(path: string, signal?: AbortSignal): Promise<T> {
    const response = await this.fetchOk(path, signal);
    return (await response.json()) as T;
  }
}
