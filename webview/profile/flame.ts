/**
 * Flame graph on a canvas. The call tree arrives as flat arrays; layout puts each node under its
 * parent with a width proportional to its inclusive weight, children either in recorded order
 * ("time order": the order calls were first seen) or heaviest first ("left heavy"). Names are
 * drawn with fillText: they are pixels, never markup.
 */
import type { FlameTree } from '../../src/shared/protocol/profile';

export type FlameMode = 'time' | 'left-heavy';

export interface FlameRect {
  node: number;
  frame: number;
  depth: number;
  /** 0–1 of the root's width. */
  x: number;
  w: number;
}

const ROW = 18;

export function layoutFlame(tree: FlameTree, mode: FlameMode): { rects: FlameRect[]; depth: number } {
  const n = tree.parent.length;
  const total = new Float64Array(n);
  for (let i = 0; i < n; i++) total[i] = tree.self[i]!;
  for (let i = n - 1; i > 0; i--) total[tree.parent[i]!]! += total[i]!;
  const children: number[][] = Array.from({ length: n }, () => []);
  for (let i = 1; i < n; i++) children[tree.parent[i]!]!.push(i);
  if (mode === 'left-heavy') for (const c of children) c.sort((a, b) => total[b]! - total[a]!);
  const rects: FlameRect[] = [];
  const rootTotal = total[0]! || 1;
  let maxDepth = 0;
  // Depth-first from the root's children; the synthetic root itself is not drawn.
  const stack: { node: number; x: number; depth: number }[] = [];
  let x0 = 0;
  for (const c of children[0]!) {
    stack.push({ node: c, x: x0, depth: 0 });
    x0 += total[c]! / rootTotal;
  }
  while (stack.length) {
    const { node, x, depth } = stack.pop()!;
    const w = total[node]! / rootTotal;
    if (w <= 0) continue;
    rects.push({ node, frame: tree.frame[node]!, depth, x, w });
    maxDepth = Math.max(maxDepth, depth + 1);
    let cx = x;
    for (const c of children[node]!) {
      stack.push({ node: c, x: cx, depth: depth + 1 });
      cx += total[c]! / rootTotal;
    }
  }
  return { rects, depth: maxDepth };
}

/** A stable warm colour per function name, so one function looks the same everywhere in the graph. */
function hue(name: string): number {
  let h = 0;
  for (let i = 0; i < name.length; i++) h = (h * 31 + name.charCodeAt(i)) | 0;
  return 10 + (Math.abs(h) % 45);
}

export class FlameGraph {
  private rects: FlameRect[] = [];
  private names: string[] = [];
  private depth = 0;
  private highlight: (frame: number) => boolean = () => false;

  constructor(private readonly canvas: HTMLCanvasElement) {}

  set(tree: FlameTree, names: string[], mode: FlameMode): void {
    const l = layoutFlame(tree, mode);
    this.rects = l.rects;
    this.depth = l.depth;
    this.names = names;
  }

  setHighlight(match: (frame: number) => boolean): void {
    this.highlight = match;
  }

  get rectCount(): number {
    return this.rects.length;
  }

  draw(): number {
    const c = this.canvas;
    const width = c.parentElement?.clientWidth || 800;
    const dpr = window.devicePixelRatio || 1;
    c.style.width = `${width}px`;
    c.style.height = `${Math.max(1, this.depth) * ROW}px`;
    c.width = Math.floor(width * dpr);
    c.height = Math.floor(Math.max(1, this.depth) * ROW * dpr);
    const ctx = c.getContext('2d');
    if (!ctx) return 0;
    ctx.scale(dpr, dpr);
    ctx.clearRect(0, 0, width, this.depth * ROW);
    const font = getComputedStyle(document.body).getPropertyValue('--vscode-editor-font-family') || 'monospace';
    ctx.font = `11px ${font}`;
    ctx.textBaseline = 'middle';
    let drawn = 0;
    const anyHighlight = this.rects.some((r) => this.highlight(r.frame));
    for (const r of this.rects) {
      const px = r.x * width;
      const pw = r.w * width;
      if (pw < 0.5) continue;
      const name = this.names[r.frame] ?? '';
      const lit = this.highlight(r.frame);
      ctx.fillStyle =
        anyHighlight && !lit ? `hsla(${hue(name)}, 20%, 55%, 0.5)` : `hsl(${hue(name)}, 85%, ${lit ? 48 : 62}%)`;
      ctx.fillRect(px, r.depth * ROW, Math.max(pw - 0.5, 0.5), ROW - 1);
      drawn++;
      if (pw > 30) {
        ctx.fillStyle = '#1e1e1e';
        ctx.save();
        ctx.beginPath();
        ctx.rect(px, r.depth * ROW, pw - 2, ROW);
        ctx.clip();
        ctx.fillText(name, px + 3, r.depth * ROW + ROW / 2);
        ctx.restore();
      }
    }
    return drawn;
  }

  /** The rectangle under a point of the canvas (CSS pixels). */
  hit(x: number, y: number): FlameRect | undefined {
    const width = this.canvas.clientWidth || 1;
    const depth = Math.floor(y / ROW);
    const fx = x / width;
    return this.rects.find((r) => r.depth === depth && fx >= r.x && fx < r.x + r.w);
  }
}
