/** Escapes text for Markdown so a label like `<img src=x onerror=…>` or `**x**` shows literally. */
export function escapeMarkdown(text: string): string {
  return text
    .replace(/[\\`*_{}[\]()#+\-.!|<>~&$]/g, (c) => (c === '<' ? '&lt;' : c === '>' ? '&gt;' : c === '&' ? '&amp;' : `\\${c}`))
    .replace(/\r?\n/g, ' ');
}
