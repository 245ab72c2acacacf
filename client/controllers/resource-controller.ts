// A Lit reactive controller that loads one JSON resource for its host element and re-loads
// when the key (usually the URL) changes. Elements render from `state`; the fetching lives here.

import type { ReactiveController, ReactiveControllerHost } from 'lit';
import type { ApiClient } from './api-client.ts';

export type ResourceState<T> =
  | { kind: 'idle' }
  | { kind: 'loading' }
  | { kind: 'ready'; data: T }
  | { kind: 'error'; message: string };

export class ResourceController<T> implements ReactiveController {
  state: ResourceState<T> = { kind: 'idle' };
  private key: string | null = null;
  private abort: AbortController | null = null;

  constructor(
    private readonly host: ReactiveControllerHost,
    private readonly load: (api: ApiClient, signal: AbortSignal) => Promise<T>,
  ) {
    host.addController(this);
  }

  /** Starts a load if `key` differs from the last one. */
  request(api: ApiClient, key: string): void {
    if (key === this.key) return;
    this.key = key;
    this.abort?.abort();
    const abort = new AbortController();
    this.abort = abort;
    this.state = { kind: 'loading' };
    this.host.requestUpdate();
    this.load(api, abort.signal).then(
      (data) => {
        if (abort.signal.aborted) return;
        this.state = { kind: 'ready', data };
        this.host.requestUpdate();
      },
      (err: unknown) => {
        if (abort.signal.aborted) return;
        this.state = { kind: 'error', message: err instanceof Error ? err.message : String(err) };
        this.host.requestUpdate();
      },
    );
  }

  hostConnected(): void {}

  hostDisconnected(): void {
    this.abort?.abort();
    this.key = null;
  }
}
