/**
 * Colors for charts, read from VS Code's theme variables so charts follow light, dark and
 * high-contrast themes; re-read when the theme changes (VS Code swaps the body's class).
 */

export interface ChartTheme {
  foreground: string;
  muted: string;
  grid: string;
  palette: string[];
  error: string;
  warning: string;
}

function cssVar(name: string, fallback: string): string {
  const v = getComputedStyle(document.body).getPropertyValue(name).trim();
  return v || fallback;
}

export function readChartTheme(): ChartTheme {
  return {
    foreground: cssVar('--vscode-foreground', '#cccccc'),
    muted: cssVar('--vscode-descriptionForeground', '#999999'),
    // VS Code's own colour for chart lines (grid and axes), as its charts use.
    grid: cssVar('--vscode-charts-lines', 'rgba(128,128,128,0.5)'),
    palette: [
      cssVar('--vscode-charts-blue', '#3794ff'),
      cssVar('--vscode-charts-orange', '#d18616'),
      cssVar('--vscode-charts-red', '#f14c4c'),
      cssVar('--vscode-charts-green', '#89d185'),
      cssVar('--vscode-charts-purple', '#b180d7'),
      cssVar('--vscode-charts-yellow', '#cca700'),
    ],
    error: cssVar('--vscode-charts-red', '#f14c4c'),
    warning: cssVar('--vscode-charts-yellow', '#cca700'),
  };
}

/** Calls `onChange` whenever VS Code switches the theme (the body's class list changes). */
export function onThemeChange(onChange: () => void): void {
  new MutationObserver(onChange).observe(document.body, { attributes: true, attributeFilter: ['class'] });
}
