/**
 * The one typing of the API VS Code gives a webview page: messages to the host in the page's
 * protocol, and the state VS Code keeps for the page while it is hidden or across a reload.
 */
export interface VsCodeApi<ToHost, State> {
  postMessage(message: ToHost): void;
  /** What the page saved last, perhaps by an older version of it: check its shape before use. */
  getState(): unknown;
  setState(state: State): void;
}

declare function acquireVsCodeApi(): VsCodeApi<unknown, unknown>;

/** The page's API handle. VS Code hands it out once per page: call this once, at load. */
export function acquireHostApi<ToHost, State>(): VsCodeApi<ToHost, State> {
  return acquireVsCodeApi() as VsCodeApi<ToHost, State>;
}

/** Calls `handler` with each message the host posts (the host is the trusted side; no check needed). */
export function onHostMessage<FromHost>(handler: (message: FromHost) => void): void {
  window.addEventListener('message', (event: MessageEvent<FromHost>) => handler(event.data));
}
