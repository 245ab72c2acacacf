// A flame graph (icicle: callers on top) of a profile call tree, drawn on canvas. Hover shows
// the frame's name, file:line, self and total; click zooms into a frame, clicking an
// ancestor (or the root) zooms back out.

import { LitElement, html, css } from 'lit';
import { customElement, property, query, state } from 'lit/decorators.js';
import type { ProfileNode } from '../api/types.ts';
import { colorForName } from '../lib/colors.ts';
import { goDuration } from '../lib/duration.ts';

const rowHeight = 18;

interface Box {
  node: ProfileNode;
  x: number;
  w: number;
  depth: number;
  /** An ancestor of the zoomed frame, drawn full width and greyed. */
  ancestor: boolean;
}

function depthOf(node: ProfileNode): number {
  let max = 0;
  for (const c of node.children) max = Math.max(max, depthOf(c));
  return max + 1;
}

@customElement('tt-flame-graph')
export class TtFlameGraph extends LitElement {
  static override styles = css`
    :host { display: block; position: relative; }
    canvas { display: block; width: 100%; cursor: pointer; }
    .tip {
      position: absolute; pointer-events: none; background: rgba(31,39,51,0.95); color: #fff; font-size: 12px;
      padding: 6px 8px; border-radius: 4px; max-width: 32rem; z-index: 3; line-height: 1.4; font-family: var(--tt-font);
    }
    .tip .file { color: #b9c3d0; font-family: var(--tt-mono); font-size: 11px; word-break: break-all; }
    .crumbs { font-size: 12px; color: var(--tt-muted); margin: 4px 0; min-height: 18px; }
    .crumbs a { color: var(--tt-accent); cursor: pointer; }
  `;

  @property({ attribute: false }) root: ProfileNode | null = null;

  @state() private zoomPath: ProfileNode[] = [];
  @state() private hover: { box: Box; x: number; y: number } | null = null;
  @query('canvas') private canvas!: HTMLCanvasElement;

  private boxes: Box[] = [];
  private resizeObserver: ResizeObserver | null = null;

  override willUpdate(changed: Map<string, unknown>): void {
    if (changed.has('root')) this.zoomPath = [];
  }

  override firstUpdated(): void {
    this.resizeObserver = new ResizeObserver(() => this.draw());
    this.resizeObserver.observe(this);
  }

  override disconnectedCallback(): void {
    super.disconnectedCallback();
    this.resizeObserver?.disconnect();
  }

  override updated(changed: Map<string, unknown>): void {
    if (changed.has('root') || changed.has('zoomPath')) this.draw();
  }

  private get focusNode(): ProfileNode | null {
    return this.zoomPath[this.zoomPath.length - 1] ?? this.root;
  }

  /** Lays out boxes: the focused node spans the width; its ancestors are drawn full-width above. */
  private layout(width: number): Box[] {
    const boxes: Box[] = [];
    const root = this.root;
    const focus = this.focusNode;
    if (!root || !focus || focus.total <= 0) return boxes;
    const ancestors = [root, ...this.zoomPath.slice(0, -1)];
    if (focus !== root) ancestors.forEach((node, depth) => boxes.push({ node, x: 0, w: width, depth, ancestor: true }));
    const baseDepth = focus === root ? 0 : ancestors.length;
    const scale = width / focus.total;
    const visit = (node: ProfileNode, x: number, depth: number) => {
      const w = node.total * scale;
      if (w < 0.5) return;
      boxes.push({ node, x, w, depth, ancestor: false });
      let cx = x;
      for (const child of [...node.children].sort((a, b) => a.name.localeCompare(b.name))) {
        visit(child, cx, depth + 1);
        cx += child.total * scale;
      }
    };
    visit(focus, 0, baseDepth);
    return boxes;
  }

  private draw(): void {
    const canvas = this.canvas;
    if (!canvas || !this.root) return;
    const width = Math.max(200, this.getBoundingClientRect().width);
    const depth = depthOf(this.root);
    const height = Math.max(rowHeight * 2, depth * rowHeight + 2);
    const dpr = window.devicePixelRatio || 1;
    canvas.width = Math.round(width * dpr);
    canvas.height = Math.round(height * dpr);
    canvas.style.height = `${height}px`;
    const ctx = canvas.getContext('2d');
    if (!ctx) return;
    ctx.setTransform(dpr, 0, 0, dpr, 0, 0);
    ctx.clearRect(0, 0, width, height);
    ctx.font = '11px system-ui, sans-serif';
    ctx.textBaseline = 'middle';
    this.boxes = this.layout(width);
    for (const box of this.boxes) {
      const y = box.depth * rowHeight;
      ctx.fillStyle = box.node === this.root ? '#c7ced8' : box.ancestor ? '#dfe3e8' : colorForName(box.node.name);
      ctx.fillRect(box.x + 0.5, y + 0.5, Math.max(0.5, box.w - 1), rowHeight - 1);
      if (box.w > 30) {
        ctx.fillStyle = '#111827';
        const label = box.node === this.root ? `all (${goDuration(this.root.total)})` : box.node.name;
        ctx.fillText(this.fit(ctx, label, box.w - 6), box.x + 3, y + rowHeight / 2);
      }
    }
  }

  private fit(ctx: CanvasRenderingContext2D, text: string, room: number): string {
    if (ctx.measureText(text).width <= room) return text;
    // Function names read best from the right (the method name), so trim the front.
    let lo = 0;
    let hi = text.length;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (ctx.measureText('…' + text.slice(text.length - mid)).width <= room) lo = mid;
      else hi = mid - 1;
    }
    return lo > 1 ? '…' + text.slice(text.length - lo) : '';
  }

  private boxAt(x: number, y: number): Box | null {
    const depth = Math.floor(y / rowHeight);
    for (const box of this.boxes) if (box.depth === depth && x >= box.x && x < box.x + box.w) return box;
    return null;
  }

  private onMove(event: MouseEvent): void {
    const box = this.boxAt(event.offsetX, event.offsetY);
    this.hover = box ? { box, x: event.offsetX, y: event.offsetY } : null;
  }

  private onClick(event: MouseEvent): void {
    const box = this.boxAt(event.offsetX, event.offsetY);
    if (!box || !this.root) return;
    if (box.node === this.root) {
      this.zoomPath = [];
      return;
    }
    const index = this.zoomPath.indexOf(box.node);
    if (index >= 0) {
      this.zoomPath = this.zoomPath.slice(0, index + 1);
      return;
    }
    // Path from the current focus down to the clicked node.
    const path: ProfileNode[] = [];
    const find = (node: ProfileNode): boolean => {
      if (node === box.node) return true;
      for (const c of node.children) {
        if (find(c)) {
          path.unshift(c);
          return true;
        }
      }
      return false;
    };
    const focus = this.focusNode!;
    if (find(focus)) this.zoomPath = [...this.zoomPath, ...path];
  }

  private renderTip() {
    const h = this.hover;
    if (!h || !this.root) return '';
    const n = h.box.node;
    const share = (v: number) => (this.root!.total ? ` (${((v / this.root!.total) * 100).toFixed(1)}%)` : '');
    const left = Math.min(h.x + 14, Math.max(0, this.getBoundingClientRect().width - 360));
    return html`<div class="tip" style="left:${left}px;top:${h.y + 16}px" data-testid="flame-tip">
      <div><b>${n === this.root ? 'all' : n.name}</b></div>
      ${n.file ? html`<div class="file">${n.file}:${n.line}</div>` : ''}
      <div>self ${goDuration(n.self)}${share(n.self)} · total ${goDuration(n.total)}${share(n.total)}</div>
    </div>`;
  }

  override render() {
    const crumbs = this.zoomPath;
    return html`<div class="crumbs">${crumbs.length
        ? html`<a @click=${() => (this.zoomPath = [])}>all</a>${crumbs.map((n, i) => html` › <a @click=${() => (this.zoomPath = crumbs.slice(0, i + 1))}>${n.name}</a>`)}`
        : 'Click a frame to zoom in; click "all" or an ancestor to zoom out.'}</div>
      <canvas @mousemove=${this.onMove} @mouseleave=${() => (this.hover = null)} @click=${this.onClick}></canvas>
      ${this.renderTip()}`;
  }
}
