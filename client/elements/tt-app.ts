// The application shell: header with navigation, the parse-progress gate, and the page the
// router selects. It owns the ApiClient and Router instances (no module-level state) and
// hands them to pages as properties.

import { LitElement, html, css, type TemplateResult } from 'lit';
import { customElement, state } from 'lit/decorators.js';
import { ApiClient, type ParseStatus } from '../controllers/api-client.ts';
import { Router, type Route } from '../controllers/router.ts';
import { sharedStyles } from '../styles/shared.ts';

const navItems: readonly [string, string][] = [
  ['/', 'Overview'],
  ['/timeline', 'Timeline'],
  ['/goroutines', 'Goroutines'],
  ['/profiles/sched', 'Profiles'],
  ['/tasks', 'Tasks'],
  ['/regions', 'Regions'],
  ['/mmu', 'MMU'],
];

@customElement('tt-app')
export class TtApp extends LitElement {
  static override styles = [
    sharedStyles,
    css`
      :host { display: flex; flex-direction: column; min-height: 100vh; }
      header {
        display: flex; align-items: center; gap: 1.4rem; padding: 0 1.2rem; height: 40px;
        background: var(--tt-header-bg); color: var(--tt-header-fg); flex: none;
      }
      header .brand { font-weight: 700; letter-spacing: 0.02em; color: #fff; }
      header nav { display: flex; gap: 0.2rem; }
      header nav a { color: var(--tt-header-fg); padding: 4px 10px; border-radius: 4px; opacity: 0.85; }
      header nav a:hover { background: rgba(255,255,255,0.08); text-decoration: none; opacity: 1; }
      header nav a.active { background: rgba(255,255,255,0.16); opacity: 1; }
      main { flex: 1; display: flex; flex-direction: column; min-height: 0; }
    `,
  ];

  readonly api = new ApiClient();
  readonly router = new Router();

  @state() private route: Route = this.router.current();
  @state() private status: ParseStatus | null = null;
  @state() private failure: string | null = null;
  private readonly abort = new AbortController();

  override connectedCallback(): void {
    super.connectedCallback();
    this.router.start((route) => {
      this.route = route;
    });
    this.api.onStatus((status) => {
      this.status = status;
    });
    this.api.waitUntilReady(this.abort.signal).catch((err: unknown) => {
      if (!this.abort.signal.aborted) this.failure = err instanceof Error ? err.message : String(err);
    });
  }

  override disconnectedCallback(): void {
    super.disconnectedCallback();
    this.router.stop();
    this.abort.abort();
  }

  private navClass(href: string): string {
    const path = this.route.path;
    const section = href.split('/')[1];
    const active = href === '/' ? path === '/' : path.split('/')[1] === section;
    return active ? 'active' : '';
  }

  override render(): TemplateResult {
    return html`
      <header>
        <a class="brand" href="/">tstrace</a>
        <nav>${navItems.map(([href, label]) => html`<a class=${this.navClass(href)} href=${href}>${label}</a>`)}</nav>
      </header>
      <main @navigate=${(e: CustomEvent<string>) => this.router.navigate(e.detail)}>${this.renderBody()}</main>
    `;
  }

  private renderBody(): TemplateResult {
    if (this.failure) {
      return html`<div class="page"><h1>The trace could not be loaded</h1><div class="error">${this.failure}</div></div>`;
    }
    if (!this.status || this.status.state !== 'ready') {
      return html`<tt-loading .status=${this.status}></tt-loading>`;
    }
    return this.renderPage(this.route);
  }

  private renderPage(route: Route): TemplateResult {
    const { api, router } = this;
    switch (route.page) {
      case 'index':
        return html`<tt-index-page .api=${api}></tt-index-page>`;
      case 'timeline':
        return html`<tt-timeline-page .api=${api} .router=${router} .query=${route.query}></tt-timeline-page>`;
      case 'goroutines':
        return html`<tt-goroutines-page .api=${api}></tt-goroutines-page>`;
      case 'goroutine-group':
        return html`<tt-goroutine-group-page .api=${api} .query=${route.query}></tt-goroutine-group-page>`;
      case 'goroutine':
        return html`<tt-goroutine-page .api=${api} .goroutineId=${route.params.id}></tt-goroutine-page>`;
      case 'profile':
        return html`<tt-profile-page .api=${api} .kind=${route.params.kind} .query=${route.query}></tt-profile-page>`;
      case 'tasks':
        return html`<tt-tasks-page .api=${api} .query=${route.query}></tt-tasks-page>`;
      case 'regions':
        return html`<tt-regions-page .api=${api} .query=${route.query}></tt-regions-page>`;
      case 'mmu':
        return html`<tt-mmu-page .api=${api} .router=${router} .query=${route.query}></tt-mmu-page>`;
      default:
        return html`<div class="page"><h1>Page not found</h1><p>There is no page at <code>${route.path}</code>. <a href="/">Back to the overview</a>.</p></div>`;
    }
  }
}
