/**
 * The same exposition a later scrape of the service would give: every sample value moved by
 * `by` (a timestamp or an exemplar after it stays as written); names, labels, metadata and line
 * order stay as they were, as between two scrapes of a running service.
 */
export function movedValues(text: string, by: number): string {
  return text.replace(
    /^([^#\n][^\n]*?[ \t])(-?\d+(?:\.\d+)?(?:e[+-]?\d+)?)([ \t]+-?\d+(?:\.\d+)?)?( # \{[^\n]*)?$/gm,
    (_m, head: string, n: string, timestamp = '', exemplar = '') =>
      head + String(Number(n) + by) + String(timestamp) + String(exemplar),
  );
}
