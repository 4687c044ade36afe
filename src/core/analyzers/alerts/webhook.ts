import { ALLOW_REMOTE } from '../../util/connect';
import { httpRequest } from '../../util/http';
import type { AlertEvent, AlertHandler } from './types';

export interface SlackField {
  title: string;
  value: string;
  short: boolean;
}

export interface SlackPayload {
  text: string;
  attachments: { color: string; title: string; text: string; fields: SlackField[]; ts: number; footer: string }[];
}

/** The Slack incoming-webhook shape (also accepted by Mattermost, Rocket.Chat and most chat bridges). */
export function slackPayload(event: AlertEvent): SlackPayload {
  const firing = event.type === 'firing';
  const color = !firing ? 'good' : event.severity === 'critical' ? 'danger' : 'warning';
  const prefix = firing ? `[FIRING] ${event.severity.toUpperCase()}` : '[RESOLVED]';
  const fields: SlackField[] = [
    { title: 'Severity', value: event.severity, short: true },
    { title: 'Threshold', value: `${event.op} ${event.threshold}`, short: true },
    { title: 'Current', value: String(event.value), short: true },
    { title: 'Target', value: event.targetId, short: true },
    {
      title: firing ? 'Active since' : 'Fired at',
      value: new Date(firing ? event.activeAt : event.firedAt).toISOString(),
      short: true,
    },
  ];
  for (const [k, v] of Object.entries(event.labels)) fields.push({ title: k, value: v, short: true });
  return {
    text: `${prefix} ${event.message}`,
    attachments: [
      {
        color,
        title: `PerfLens alert: ${event.name}`,
        text: event.message,
        fields,
        ts: Math.floor(event.at / 1000),
        footer: 'PerfLens',
      },
    ],
  };
}

export interface WebhookOptions {
  /** The webhook URL is a secret: it comes from SecretStorage or an environment variable, never a file. */
  url: string;
  timeoutMs?: number;
  /** Extra attempts after a failure (network error, timeout or 5xx/429). Default 1. */
  retries?: number;
}

/** The URL without its path and query, which in chat webhooks carry the secret token. */
export function redactWebhookUrl(url: string): string {
  try {
    const u = new URL(url);
    return `${u.protocol}//${u.host}/…`;
  } catch {
    return '(invalid URL)';
  }
}

/** Posts each alert event as a Slack-compatible JSON payload, with a timeout and one retry. */
export class WebhookAlertHandler implements AlertHandler {
  readonly name = 'webhook';
  constructor(private readonly opts: WebhookOptions) {}

  async handle(event: AlertEvent): Promise<{ ok: boolean; message?: string; attempts: number }> {
    const body = JSON.stringify(slackPayload(event));
    const attempts = 1 + (this.opts.retries ?? 1);
    let last = '';
    for (let i = 1; i <= attempts; i++) {
      const r = await httpRequest(this.opts.url, {
        method: 'POST',
        body,
        timeoutMs: this.opts.timeoutMs ?? 5000,
        maxBytes: 64 * 1024,
        headers: { 'content-type': 'application/json' },
        // A webhook is remote by nature (a chat service), and setting its URL is the opt-in; it still
        // goes through the connect check, so a *.localhost receiver never becomes a DNS query.
        connect: ALLOW_REMOTE,
      });
      if (r.ok && r.value.status >= 200 && r.value.status < 300) return { ok: true, attempts: i };
      if (r.ok) {
        last = `the webhook answered HTTP ${r.value.status}`;
        // A 4xx other than 429 will not change on retry (bad URL or payload).
        if (r.value.status < 500 && r.value.status !== 429)
          return { ok: false, message: `${last}; check the webhook URL.`, attempts: i };
      } else {
        last = r.error.message.split(this.opts.url).join(redactWebhookUrl(this.opts.url));
        // The transport's hint is about a monitored service; here the receiver is the webhook.
        if (r.error.kind === 'refused')
          last = last.replace(/ Is the service running\?$/, ' Is the webhook receiver running, and is the URL right?');
        if (r.error.kind === 'invalid-url')
          return { ok: false, message: `The alert webhook URL is not usable: ${last}`, attempts: i };
      }
    }
    return { ok: false, message: `Alert webhook failed after ${attempts} attempts: ${last}`, attempts };
  }
}
