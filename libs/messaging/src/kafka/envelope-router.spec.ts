import type { KafkaMessage } from 'kafkajs';
import { MEMBER_REGISTERED, MemberRegisteredPayload } from '@crm/contracts';
import { EnvelopeRouter } from './envelope-router';
import { PoisonMessageError } from './reliable-consumer';

const message = (value: unknown): KafkaMessage =>
  ({
    value: Buffer.from(typeof value === 'string' ? value : JSON.stringify(value)),
  }) as KafkaMessage;

const envelope = {
  id: 'evt-1',
  type: MEMBER_REGISTERED,
  version: 1,
  occurredAt: '2026-11-22T09:15:00+08:00',
  source: 'members',
  key: 'm1',
  traceparent: null,
  payload: { memberId: 'm1', channel: 'store', registeredAt: '2026-11-22T09:15:00+08:00' },
};

describe('EnvelopeRouter', () => {
  const handled: unknown[] = [];
  const router = new EnvelopeRouter().on(
    MEMBER_REGISTERED,
    MemberRegisteredPayload,
    async (payload) => {
      handled.push(payload);
    },
  );

  it('decodes a valid event and hands its payload to the handler', async () => {
    const decoded = router.decode(message(envelope))!;
    expect(decoded.id).toBe('evt-1');
    await router.apply(decoded);
    expect(handled).toEqual([expect.objectContaining({ memberId: 'm1', channel: 'store' })]);
  });

  it('skips types nobody handles, without judging the rest of their envelope', () => {
    expect(router.decode(message({ ...envelope, type: 'points.earned' }))).toBeNull();
    expect(router.decode(message({ type: 'points.earned', id: 7 }))).toBeNull();
  });

  it('treats an envelope without a type as poison', () => {
    expect(() => router.decode(message({ ...envelope, type: undefined }))).toThrow(
      /^invalid envelope$/,
    );
  });

  it.each([
    ['not JSON', '{oops', /^undecodable JSON/],
    ['empty', '', /^empty message value/],
    ['an envelope without id', { ...envelope, id: undefined }, /^invalid envelope$/],
    ['an unknown envelope field', { ...envelope, extra: 1 }, /^invalid envelope$/],
    [
      'a payload with a bad channel',
      { ...envelope, payload: { ...envelope.payload, channel: 'fax' } },
      /payload$/,
    ],
    [
      'an operator in the payload',
      { ...envelope, payload: { ...envelope.payload, memberId: { $ne: null } } },
      /payload$/,
    ],
  ])('treats %s as poison', (_, value, reason) => {
    expect(() => router.decode(message(value))).toThrow(PoisonMessageError);
    expect(() => router.decode(message(value))).toThrow(reason);
  });
});
