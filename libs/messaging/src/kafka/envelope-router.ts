import type { KafkaMessage } from 'kafkajs';
import { AppError, EventEnvelope, EventEnvelopeContract, validatePayload } from '@crm/contracts';
import { DecodedMessage, MessageHandler, PoisonMessageError } from './reliable-consumer';

// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Constructor<T> = new (...args: any[]) => T;
type EventHandlerFn<P> = (payload: P, envelope: EventEnvelope<P>) => Promise<void>;

interface Route {
  payloadClass: Constructor<object>;
  handle: EventHandlerFn<never>;
}

/**
 * Decodes domain events (CONTRACTS.md §5) and hands each registered type, its payload
 * validated, to its handler. Types no handler is registered for are skipped.
 */
export class EnvelopeRouter implements MessageHandler<EventEnvelope> {
  private readonly routes = new Map<string, Route>();

  on<P extends object>(
    type: string,
    payloadClass: Constructor<P>,
    handle: EventHandlerFn<P>,
  ): this {
    this.routes.set(type, { payloadClass, handle: handle as EventHandlerFn<never> });
    return this;
  }

  decode(message: KafkaMessage): DecodedMessage<EventEnvelope> | null {
    const plain = parseJson(message.value);
    // Events of types nobody here handles are skipped before the (costly) validation: a
    // consumer answers for the events it uses, and a busy topic carries many it does not.
    const type = (plain as { type?: unknown } | null)?.type;
    if (typeof type === 'string' && !this.routes.has(type)) return null;
    const envelope = checked(EventEnvelopeContract, plain, 'envelope');
    const route = this.routes.get(envelope.type);
    if (!route) return null;
    const payload = checked(route.payloadClass, envelope.payload, `${envelope.type} payload`);
    return {
      id: envelope.id,
      value: { ...envelope, payload } as EventEnvelope,
      traceparent: envelope.traceparent,
    };
  }

  async apply(message: DecodedMessage<EventEnvelope>): Promise<void> {
    const route = this.routes.get(message.value.type);
    if (route) await route.handle(message.value.payload as never, message.value as never);
  }
}

export function parseJson(value: Buffer | null): unknown {
  if (!value || value.length === 0) throw new PoisonMessageError('empty message value');
  try {
    return JSON.parse(value.toString('utf8'));
  } catch (error) {
    throw new PoisonMessageError(`undecodable JSON: ${(error as Error).message}`);
  }
}

function checked<T extends object>(cls: Constructor<T>, plain: unknown, what: string): T {
  try {
    return validatePayload(cls, plain);
  } catch (error) {
    if (error instanceof AppError) throw new PoisonMessageError(`invalid ${what}`, error.details);
    throw error;
  }
}
