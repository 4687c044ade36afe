/**
 * Escapes text for use inside a Markdown line (never at its start), so a label like
 * `<img src=x onerror=…>`, `**x**`, `[a](command:…)` or `$(icon)` shows literally: emphasis, code,
 * links, images, tables, HTML and theme icons are neutralised; line breaks become spaces.
 */
export function escapeMarkdown(text: string): string {
  return text
    .replace(/[\\`*_{}[\]()|<>~&$]/g, (c) => (c === '<' ? '&lt;' : c === '>' ? '&gt;' : c === '&' ? '&amp;' : `\\${c}`))
    .replace(/\r?\n/g, ' ');
}
