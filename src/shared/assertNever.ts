/**
 * Ends a switch that covers every member of a union (the messages of a webview protocol, for one):
 * a member added without its case is a compile error on each side that switches over it. Reached
 * at run time only by a value that got past its type without being checked.
 */
export function assertNever(value: never): never {
  throw new Error(`Unhandled message: ${JSON.stringify(value)}`);
}
