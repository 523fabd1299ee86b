/**
 * The gateway's NATS request/reply against the real server: an answer, a service's own error,
 * nobody listening (503 at once, not after the timeout) and a service too slow (504).
 */
import { randomUUID } from 'node:crypto';
import { connect, type NatsConnection } from '@nats-io/transport-node';
import { AppError, ErrorCode, NatsHeader } from '@crm/contracts';
import { NatsRpcClient } from './nats-rpc.client';

const TIMEOUT_MS = 1500;

describe('NatsRpcClient against the NATS server', () => {
  let service: NatsConnection;
  let gateway: NatsConnection;
  let client: NatsRpcClient;
  const prefix = `rpc-test-${randomUUID().slice(0, 8)}`;

  beforeAll(async () => {
    service = await connect({ servers: process.env.NATS_URL });
    gateway = await connect({ servers: process.env.NATS_URL });
    client = new NatsRpcClient(gateway, TIMEOUT_MS);
    // A responder speaking Nest's packet format, as the services' `@MessagePattern`s do.
    service.subscribe(`${prefix}.echo`, {
      callback: (_error, message) => {
        const packet = message.json<{ id: string; data: unknown }>();
        const actor = message.headers?.get(NatsHeader.actor);
        message.respond(
          JSON.stringify({
            id: packet.id,
            response: { got: packet.data, actor: JSON.parse(actor!) },
          }),
        );
      },
    });
    service.subscribe(`${prefix}.refuse`, {
      callback: (_error, message) => {
        const packet = message.json<{ id: string }>();
        const err = {
          code: ErrorCode.MEMBER_NOT_FOUND,
          message: 'No member with id x',
          details: [],
        };
        message.respond(JSON.stringify({ id: packet.id, err }));
      },
    });
    service.subscribe(`${prefix}.slow`, { callback: () => undefined });
    await service.flush();
  });

  afterAll(async () => {
    await gateway.close();
    await service.close();
  });

  it('returns the answer and carries the acting staff member', async () => {
    const actor = { sub: 'E001', roles: ['desk_agent'] };
    await expect(
      client.request(`${prefix}.echo`, { phone: '13800138000' }, actor),
    ).resolves.toEqual({ got: { phone: '13800138000' }, actor });
  });

  it("passes a service's own error on with its code", async () => {
    const error = await client.request(`${prefix}.refuse`, {}).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(AppError);
    expect(error).toMatchObject({ code: ErrorCode.MEMBER_NOT_FOUND });
  });

  it('answers "unavailable" at once when no service listens', async () => {
    const started = Date.now();
    const error = await client.request(`${prefix}.nobody`, {}).catch((e: unknown) => e);
    expect(error).toMatchObject({ code: ErrorCode.UPSTREAM_UNAVAILABLE });
    expect(Date.now() - started).toBeLessThan(TIMEOUT_MS / 2);
  });

  it('answers "timeout" when the service does not answer in time', async () => {
    const started = Date.now();
    const error = await client.request(`${prefix}.slow`, {}).catch((e: unknown) => e);
    expect(error).toMatchObject({ code: ErrorCode.UPSTREAM_TIMEOUT });
    expect(Date.now() - started).toBeGreaterThanOrEqual(TIMEOUT_MS - 50);
  });
});
