/**
 * The notification provider stub: a real HTTP process that stands in for SMS, e-mail, WeChat
 * and push providers in local runs, tests and benches. One process serves any number of
 * provider names (`/providers/<name>/messages`), each with its own message ids, idempotency
 * keys, faults and webhook secret (`WEBHOOK_SECRET_<NAME>`), so one stub is both the primary
 * provider and the one failed over to.
 *
 * Settings (environment): STUB_PORT (4010), STUB_HOST (127.0.0.1), STUB_API_KEY (every provider's key),
 * STUB_WEBHOOK_BASE (delivery webhooks go to `<base>/<provider>`; none: no webhooks),
 * STUB_DELIVERY_DELAY_MS (100), WEBHOOK_SECRET_<NAME>.
 */
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { randomBytes } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import { signWebhook } from '@crm/contracts';
import { type FaultPlan, type ReceivedMessage, StubState } from './stub-state';

const PORT = Number(process.env.STUB_PORT ?? 4010);
/** Loopback by default; a container sets 0.0.0.0 so the services beside it can reach it. */
const HOST = process.env.STUB_HOST ?? '127.0.0.1';
const API_KEY = process.env.STUB_API_KEY ?? 'dev-stub-key';
const WEBHOOK_BASE = process.env.STUB_WEBHOOK_BASE ?? '';
const DELIVERY_DELAY_MS = Number(process.env.STUB_DELIVERY_DELAY_MS ?? 100);
const MAX_BODY = 64 * 1024;

const state = new StubState();
/** Webhooks the stub sent (for tests that check what a provider said), newest last. */
const webhooksSent: { provider: string; body: unknown; status: number | string }[] = [];

const server = createServer((req, res) => {
  handle(req, res).catch((error: unknown) => {
    send(res, 500, { error: String((error as Error)?.message ?? error) });
  });
});
server.listen(PORT, HOST, () => {
  process.stdout.write(`provider stub listening on :${PORT}\n`);
});
for (const signal of ['SIGTERM', 'SIGINT'] as const)
  process.once(signal, () => server.close(() => process.exit(0)));

async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
  const url = new URL(req.url ?? '/', 'http://stub');
  const path = url.pathname;
  const sendRoute = /^\/providers\/([a-z0-9]{1,30})\/messages$/.exec(path);
  if (req.method === 'POST' && sendRoute) return acceptSend(sendRoute[1]!, req, res);
  if (req.method === 'GET' && path === '/health') return send(res, 200, { ok: true });
  if (req.method === 'GET' && path === '/control/received') {
    const provider = url.searchParams.get('provider');
    const key = url.searchParams.get('idempotencyKey');
    const items = state.received.filter(
      (m) => (!provider || m.provider === provider) && (!key || m.idempotencyKey === key),
    );
    return send(res, 200, { items });
  }
  if (req.method === 'GET' && path === '/control/webhooks')
    return send(res, 200, { items: webhooksSent });
  if (req.method === 'POST' && path === '/control/faults') {
    const { provider, ...plan } = JSON.parse((await readBody(req)).toString('utf8')) as {
      provider: string;
    } & FaultPlan;
    state.setFaults(provider, plan);
    return send(res, 200, { provider, plan });
  }
  if (req.method === 'POST' && path === '/control/replies') {
    // A member answers a message: the provider reports it as `replied` with the text.
    const { provider, messageId, reply } = JSON.parse((await readBody(req)).toString('utf8')) as {
      provider: string;
      messageId: string;
      reply: string;
    };
    const message = state.received.find(
      (m) => m.provider === provider && m.messageId === messageId,
    );
    if (!message) return send(res, 404, { error: 'no such message' });
    const status = await postWebhook(message, 'replied', reply);
    return send(res, 200, { status });
  }
  if (req.method === 'POST' && path === '/control/reset') {
    state.reset();
    webhooksSent.length = 0;
    return send(res, 200, { ok: true });
  }
  send(res, 404, { error: 'not found' });
}

async function acceptSend(provider: string, req: IncomingMessage, res: ServerResponse) {
  if (req.headers.authorization !== `Bearer ${API_KEY}`)
    return send(res, 401, { error: 'bad api key' });
  const key = req.headers['idempotency-key'];
  if (typeof key !== 'string' || key.length === 0 || key.length > 200)
    return send(res, 400, { error: 'Idempotency-Key required' });
  const raw = await readBody(req);
  const plan = state.faultsOf(provider);
  if (plan.delayMs) await sleep(plan.delayMs);
  const fault = state.takeFault(provider);
  if (fault?.mode === 'timeout') return; // never answers: the caller's timeout decides
  if (fault?.mode === 'error') {
    const status = fault.status ?? 500;
    if (status === 429) res.setHeader('retry-after', String(fault.retryAfterSeconds ?? 1));
    return send(res, status, { error: `injected ${status}` });
  }
  // Like real providers: the same key is the same message, answered again, not sent again.
  const known = state.find(provider, key);
  if (known) {
    known.repeats++;
    return send(res, 200, { id: known.providerMessageId, status: 'accepted', duplicate: true });
  }
  let body: { messageId?: unknown; channel?: unknown; to?: unknown; body?: unknown };
  try {
    body = JSON.parse(raw.toString('utf8')) as typeof body;
  } catch {
    return send(res, 400, { error: 'body must be JSON' });
  }
  if (typeof body.to !== 'string' || typeof body.body !== 'string')
    return send(res, 400, { error: 'to and body are required' });
  const message = state.accept({
    provider,
    idempotencyKey: key,
    messageId: typeof body.messageId === 'string' ? body.messageId : key,
    channel: typeof body.channel === 'string' ? body.channel : 'sms',
    to: body.to,
    body: body.body,
  });
  send(res, 202, { id: message.providerMessageId, status: 'accepted' });
  const outcome = plan.outcome ?? 'delivered';
  setTimeout(() => void postWebhook(message, outcome, null), DELIVERY_DELAY_MS).unref();
}

/** Calls back as CONTRACTS.md §4 says, retrying a few times like real providers do. */
async function postWebhook(
  message: ReceivedMessage,
  status: 'delivered' | 'failed' | 'replied',
  reply: string | null,
): Promise<number | string> {
  if (!WEBHOOK_BASE) return 'no webhook base';
  const secret = process.env[`WEBHOOK_SECRET_${message.provider.toUpperCase()}`];
  if (!secret) return 'no secret';
  const body = {
    eventId: `evt_${randomBytes(12).toString('base64url')}`,
    messageId: message.messageId,
    providerMessageId: message.providerMessageId,
    status,
    occurredAt: new Date().toISOString(),
    reply,
  };
  const raw = Buffer.from(JSON.stringify(body));
  let last: number | string = 'not sent';
  for (let attempt = 1; attempt <= 5; attempt++) {
    const timestamp = Math.floor(Date.now() / 1000);
    try {
      const answer = await fetch(`${WEBHOOK_BASE}/${message.provider}`, {
        method: 'POST',
        headers: {
          'content-type': 'application/json',
          'x-signature-timestamp': String(timestamp),
          'x-signature': signWebhook(secret, timestamp, raw),
        },
        body: raw,
      });
      last = answer.status;
      if (answer.ok) break;
    } catch (error) {
      last = String((error as Error).message);
    }
    await sleep(200 * 2 ** attempt);
  }
  webhooksSent.push({ provider: message.provider, body, status: last });
  return last;
}

async function readBody(req: IncomingMessage): Promise<Buffer> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    size += (chunk as Buffer).length;
    if (size > MAX_BODY) throw new Error('body too large');
    chunks.push(chunk as Buffer);
  }
  return Buffer.concat(chunks);
}

function send(res: ServerResponse, status: number, body: unknown): void {
  if (res.headersSent) return;
  res.writeHead(status, { 'content-type': 'application/json' });
  res.end(JSON.stringify(body));
}
