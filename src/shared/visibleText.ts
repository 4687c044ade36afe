/**
 * Characters a terminal acts on instead of printing: C0 controls but tab and newline (ESC starts
 * escape sequences that retitle windows, clear screens or write to the clipboard; BEL ends
 * them; CR overwrites a line), DEL, C1 controls (8-bit CSI and OSC), and the bidirectional
 * overrides, isolates and marks that make text display in an order other than its own.
 */
// eslint-disable-next-line no-control-regex
const INVISIBLE_CONTROLS = /[\u0000-\u0008\u000b-\u001f\u007f-\u009f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]/g;

/**
 * Text with every control character shown as a visible \uXXXX escape. That is also JSON's escape,
 * so JSON passed through stays valid and means the same. The CLI's terminal output and the answers
 * given to AI assistants both go through it.
 */
export function visibleText(text: string): string {
  return text.replace(INVISIBLE_CONTROLS, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
}
