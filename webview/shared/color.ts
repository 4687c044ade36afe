/** Color arithmetic for charts: plain string functions, free of the DOM. */

/** A color at `alpha` times its own opacity, for fills and grids: #rgb, #rrggbb, #rrggbbaa, rgb() and rgba(). */
export function withAlpha(color: string, alpha: number): string {
  const hex = /^#([0-9a-f]{3}|[0-9a-f]{6})([0-9a-f]{2})?$/i.exec(color.trim());
  if (hex) {
    const h =
      hex[1]!.length === 3
        ? hex[1]!
            .split('')
            .map((c) => c + c)
            .join('')
        : hex[1]!;
    const n = parseInt(h, 16);
    const own = hex[2] ? parseInt(hex[2], 16) / 255 : 1;
    return `rgba(${(n >> 16) & 255}, ${(n >> 8) & 255}, ${n & 255}, ${+(own * alpha).toFixed(3)})`;
  }
  const rgb = /^rgba?\(\s*([\d.]+)\s*,\s*([\d.]+)\s*,\s*([\d.]+)\s*(?:,\s*([\d.]+)\s*)?\)$/.exec(color.trim());
  if (!rgb) return color;
  const own = rgb[4] !== undefined ? Number(rgb[4]) : 1;
  return `rgba(${rgb[1]}, ${rgb[2]}, ${rgb[3]}, ${+(own * alpha).toFixed(3)})`;
}
