/**
 * The notification provider stub (services/notifications/src/provider-stub) as a real process
 * for end-to-end suites: started from the build on a free port, its webhooks pointed at the
 * gateway, with helpers for its control endpoints (faults, received messages, replies).
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { createWriteStream, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { devEnv, freePort, REPO_ROOT } from '@crm/testing';

export interface ReceivedMessage {
  provider: string;
  providerMessageId: string;
  idempotencyKey: string;
  messageId: string;
  channel: string;
  to: string;
  body: string;
  repeats: number;
}

export class ProviderStub {
  private child?: ChildProcess;

  private constructor(readonly port: number) {}

  static async reservePort(): Promise<ProviderStub> {
    return new ProviderStub(await freePort());
  }

  get url(): string {
    return `http://127.0.0.1:${this.port}`;
  }

  /** Where a provider name's sends go (notifications' PROVIDER_*_URL). */
  sendUrl(provider: string): string {
    return `${this.url}/providers/${provider}/messages`;
  }

  /**
   * Notifications' settings for sending to this stub as `stub`, failing over to `stubalt`, with
   * the chain's quiet window six hours away: no message of a suite is deferred unless the
   * member's own quiet hours say so.
   */
  notificationsEnv(): Record<string, string> {
    const chainHour = (hoursAhead: number) => {
      const local = new Date(Date.now() + (8 + hoursAhead) * 3_600_000);
      return `${String(local.getUTCHours()).padStart(2, '0')}:00`;
    };
    return {
      PROVIDER_PRIMARY_URL: this.sendUrl('stub'),
      PROVIDER_SECONDARY_URL: this.sendUrl('stubalt'),
      QUIET_HOURS_START: chainHour(6),
      QUIET_HOURS_END: chainHour(7),
    };
  }

  async start(webhookBase: string): Promise<void> {
    const logDir = join(REPO_ROOT, '.run', 'test-logs');
    mkdirSync(logDir, { recursive: true });
    const out = createWriteStream(join(logDir, `provider-stub-${process.pid}-${this.port}.log`));
    const child = spawn(
      process.execPath,
      [join(REPO_ROOT, 'services', 'notifications', 'dist', 'provider-stub', 'main.js')],
      {
        env: {
          ...process.env,
          ...devEnv(),
          STUB_PORT: String(this.port),
          STUB_WEBHOOK_BASE: webhookBase,
          STUB_DELIVERY_DELAY_MS: '50',
        },
        stdio: ['ignore', 'pipe', 'pipe'],
      },
    );
    child.stdout!.pipe(out);
    child.stderr!.pipe(out);
    this.child = child;
    for (let i = 0; i < 100; i++) {
      try {
        if ((await fetch(`${this.url}/health`)).ok) return;
      } catch {
        // not listening yet
      }
      await sleep(100);
    }
    throw new Error('the provider stub did not start');
  }

  async stop(): Promise<void> {
    const child = this.child;
    if (!child || child.exitCode !== null || child.signalCode !== null) return;
    const exited = new Promise((resolve) => child.once('exit', resolve));
    child.kill('SIGTERM');
    await exited;
  }

  async received(
    filter: { provider?: string; idempotencyKey?: string } = {},
  ): Promise<ReceivedMessage[]> {
    const query = new URLSearchParams(filter as Record<string, string>);
    const answer = await fetch(`${this.url}/control/received?${query}`);
    return ((await answer.json()) as { items: ReceivedMessage[] }).items;
  }

  async faults(provider: string, plan: Record<string, unknown>): Promise<void> {
    await this.control('/control/faults', { provider, ...plan });
  }

  /** The member answers a message; the stub reports it with a signed `replied` webhook. */
  async reply(provider: string, messageId: string, reply: string): Promise<unknown> {
    return this.control('/control/replies', { provider, messageId, reply });
  }

  private async control(path: string, body: unknown): Promise<unknown> {
    const answer = await fetch(`${this.url}${path}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(body),
    });
    if (!answer.ok) throw new Error(`stub ${path} answered ${answer.status}`);
    return answer.json();
  }
}
