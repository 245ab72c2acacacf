// Turns the -http flag into a host/port to listen on and the URL to print, with go tool
// trace's rules: no host means localhost only; all interfaces need an explicit 0.0.0.0 or [::].

import { isIP } from 'node:net';
import { UsageError } from './args.ts';

export interface ListenAddress {
  host: string;
  port: number;
  /** True when the address accepts connections from other machines. */
  allInterfaces: boolean;
}

/** Splits "host:port", "[v6]:port" or ":port" (Go's net.SplitHostPort rules). */
export function parseListenAddress(flag: string): ListenAddress {
  const bad = (why: string) => new UsageError(`malformed -http value "${flag}": ${why}`, 1);
  let host: string;
  let portText: string;
  if (flag.startsWith('[')) {
    const close = flag.indexOf(']');
    if (close < 0) throw bad('missing \']\' in address');
    host = flag.slice(1, close);
    if (flag[close + 1] !== ':') throw bad('missing port in address');
    portText = flag.slice(close + 2);
  } else {
    const colon = flag.lastIndexOf(':');
    if (colon < 0) throw bad('missing port in address');
    host = flag.slice(0, colon);
    if (host.includes(':')) throw bad('too many colons in address');
    portText = flag.slice(colon + 1);
  }
  if (!/^\d{1,5}$/.test(portText) || Number(portText) > 65535) throw bad(`invalid port "${portText}"`);
  // Node's "localhost" may resolve to ::1 only; the URL we print says 127.0.0.1, so bind that.
  if (host === '' || host === 'localhost') host = '127.0.0.1';
  const allInterfaces = host === '0.0.0.0' || host === '::';
  return { host, port: Number(portText), allInterfaces };
}

/** The URL a browser on this machine should use to reach a server bound to host:port. */
export function serverUrl(host: string, port: number): string {
  // An unspecified address cannot be connected to on every OS; loopback reaches the same server.
  const reachable = host === '0.0.0.0' ? '127.0.0.1' : host === '::' ? '::1' : host;
  return `http://${isIP(reachable) === 6 ? `[${reachable}]` : reachable}:${port}`;
}
