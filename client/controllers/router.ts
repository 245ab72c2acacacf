// A small History-API router: matches the path against the page routes the server serves
// index.html for, intercepts same-origin link clicks so pages change without reloads, and
// lets pages rewrite their query (timeline view, range, selection) with replaceState.

export interface Route {
  /** Page name used by tt-app to pick the element. */
  page: string;
  /** Path parameters, e.g. {kind: 'sched'} for /profiles/sched. */
  params: Record<string, string>;
  query: URLSearchParams;
  path: string;
}

interface Pattern {
  page: string;
  regex: RegExp;
  keys: string[];
}

function compile(page: string, pattern: string): Pattern {
  const keys: string[] = [];
  const source = pattern.replace(/:([a-zA-Z]+)/g, (_, key: string) => {
    keys.push(key);
    return '([^/]+)';
  });
  return { page, regex: new RegExp(`^${source}/?$`), keys };
}

export const pagePatterns: readonly Pattern[] = [
  compile('index', ''),
  compile('timeline', '/timeline'),
  compile('goroutines', '/goroutines'),
  compile('goroutine-group', '/goroutines/group'),
  compile('goroutine', '/goroutines/:id'),
  compile('profile', '/profiles/:kind'),
  compile('tasks', '/tasks'),
  compile('regions', '/regions'),
  compile('mmu', '/mmu'),
];

export function matchRoute(location: { pathname: string; search: string }): Route {
  const path = location.pathname;
  const query = new URLSearchParams(location.search);
  for (const pattern of pagePatterns) {
    const m = pattern.regex.exec(path);
    if (!m) continue;
    const params: Record<string, string> = {};
    pattern.keys.forEach((key, i) => (params[key] = decodeURIComponent(m[i + 1])));
    return { page: pattern.page, params, query, path };
  }
  return { page: 'not-found', params: {}, query, path };
}

export type RouteListener = (route: Route) => void;

export class Router {
  private listener: RouteListener | null = null;

  private readonly onPopState = () => this.emit();

  private readonly onClick = (event: MouseEvent) => {
    if (event.defaultPrevented || event.button !== 0 || event.metaKey || event.ctrlKey || event.shiftKey || event.altKey) return;
    const anchor = event.composedPath().find((node): node is HTMLAnchorElement => node instanceof HTMLAnchorElement);
    if (!anchor || anchor.target || anchor.hasAttribute('download') || !anchor.href) return;
    const url = new URL(anchor.href);
    if (url.origin !== window.location.origin || url.pathname.startsWith('/api/')) return;
    if (matchRoute(url).page === 'not-found') return;
    event.preventDefault();
    this.navigate(url.pathname + url.search + url.hash);
  };

  start(listener: RouteListener): void {
    this.listener = listener;
    window.addEventListener('popstate', this.onPopState);
    document.addEventListener('click', this.onClick);
    this.emit();
  }

  stop(): void {
    window.removeEventListener('popstate', this.onPopState);
    document.removeEventListener('click', this.onClick);
    this.listener = null;
  }

  current(): Route {
    return matchRoute(window.location);
  }

  navigate(url: string): void {
    window.history.pushState(null, '', url);
    window.scrollTo(0, 0);
    this.emit();
  }

  /** Rewrites the current page's query without a history entry or a re-render. */
  replaceQuery(params: Record<string, string | number | null | undefined>): void {
    const url = new URL(window.location.href);
    for (const [key, value] of Object.entries(params)) {
      if (value === null || value === undefined || value === '') url.searchParams.delete(key);
      else url.searchParams.set(key, String(value));
    }
    window.history.replaceState(null, '', url.pathname + url.search + url.hash);
  }

  private emit(): void {
    this.listener?.(this.current());
  }
}
