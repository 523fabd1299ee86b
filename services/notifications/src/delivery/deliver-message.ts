import { randomUUID } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import { PinoLogger } from 'nestjs-pino';
import { failpoint } from '@crm/config';
import {
  MESSAGE_FAILED,
  MESSAGE_SENT,
  type MemberContactView,
  type MessageEventPayload,
  type NotificationChannel,
  Topics,
} from '@crm/contracts';
import { GroupCommit, newEnvelope, withOutbox } from '@crm/messaging';
import { inSpan } from '@crm/observability';
import { CampaignCancellations } from '../campaigns/campaign-cancellations';
import { SlotPools } from '../do-not-disturb/slot-pools';
import { MembersClient } from '../members/members-client';
import type { MessageDocument } from '../messages/message.document';
import { statusFromEvents } from '../messages/message-status';
import { attemptId, MessagesRepository } from '../messages/messages.repository';
import { NotificationsConfig } from '../notifications.config';
import { renderContent } from '../sending/message-id';
import { ProviderClient } from './provider-client';
import {
  providerForAttempt,
  retryDelayMs,
  type RetryPolicy,
  type SendOutcome,
} from './retry-policy';

/**
 * One delivery attempt of one message, made by the one replica whose insert of
 * `attempt:<message>:<n>` went in. The provider gets our message id as its idempotency key, so
 * whatever happens between its acceptance and our record (a SIGKILL, a lost answer), the next
 * attempt asks the same provider again and gets the same message back, not a second one: a
 * claim with no outcome, or an unknown outcome, pins the message to that attempt's provider.
 * Only a provider that certainly did not take the message (it refused, or could not be
 * reached) is failed over from.
 */
/** A provider took a message (or an earlier attempt shows it did): what is recorded for it. */
interface Accepted {
  doc: MessageDocument;
  provider: string;
  providerMessageId?: string;
  /** The attempt to finish as accepted, when this attempt made the send. */
  attempt?: number;
}

/** A plain first attempt made ready in a batch: its claim is in, its contact fetched. */
type Prepared =
  | { kind: 'ready'; provider: string; contact: MemberContactView | null }
  | { kind: 'cancelled' }
  | { kind: 'one-at-a-time' };

@Injectable()
export class DeliverMessage {
  private readonly policy: RetryPolicy;
  /** Accepted sends recorded together: a write of each kind per flush, not per message. */
  private readonly acceptedRecords = new GroupCommit<Accepted>((batch) =>
    this.recordAccepted(batch),
  );

  constructor(
    private readonly store: MessagesRepository,
    private readonly providers: ProviderClient,
    private readonly members: MembersClient,
    private readonly config: NotificationsConfig,
    private readonly logger: PinoLogger,
    private readonly cancellations: CampaignCancellations,
    private readonly slots: SlotPools,
  ) {
    logger.setContext('DeliverMessage');
    this.policy = {
      maxAttempts: config.DELIVERY_MAX_ATTEMPTS,
      primaryAttempts: config.DELIVERY_PRIMARY_ATTEMPTS,
      baseDelayMs: config.DELIVERY_RETRY_BASE_MS,
      primary: config.PROVIDER_PRIMARY,
      secondary: config.PROVIDER_SECONDARY,
    };
  }

  attempt(doc: MessageDocument): Promise<void> {
    return inSpan('notifications.deliver', () => this.attemptFrom(doc));
  }

  /**
   * Attempts for a batch of due messages, one promise each (in the order given). Plain first
   * attempts (no attempt yet, no provider pinned) are claimed in one insert and their contacts
   * asked in one request, save those `known` (read by the decision that queued them a moment
   * ago); each then goes to its provider on its own, and is recorded with the others accepted
   * meanwhile. Any other message, or one whose claim another replica holds, takes the
   * one-at-a-time path (`attempt`).
   */
  attemptMany(
    docs: readonly MessageDocument[],
    known: ReadonlyMap<string, MemberContactView> = new Map(),
  ): Promise<void>[] {
    const firsts = docs.filter(isPlainFirstAttempt);
    const prepared = firsts.length > 0 ? this.prepareFirsts(firsts, known) : null;
    return docs.map((doc) => {
      if (!prepared || !isPlainFirstAttempt(doc)) return this.attempt(doc);
      return prepared.then((ready) => {
        const prep = ready.get(doc._id)!;
        if (prep.kind === 'one-at-a-time') return this.attempt(doc);
        return inSpan('notifications.deliver', () =>
          prep.kind === 'cancelled'
            ? this.cancelledBeforeSending(doc, 1)
            : this.sendTo(doc, 1, prep.provider, prep.contact),
        );
      });
    });
  }

  private async prepareFirsts(
    docs: MessageDocument[],
    known: ReadonlyMap<string, MemberContactView>,
  ): Promise<Map<string, Prepared>> {
    const now = new Date();
    const provider = providerForAttempt(this.policy, 1, null);
    const lost = await this.store.claimAttempts(
      docs.map((doc) => ({
        _id: attemptId(doc._id, 1),
        messageId: doc._id,
        n: 1,
        provider,
        claimedAt: now,
      })),
    );
    const prepared = new Map<string, Prepared>();
    const claimed = docs.filter((doc, k) => {
      if (lost.has(k)) prepared.set(doc._id, { kind: 'one-at-a-time' });
      return !lost.has(k);
    });
    // The message itself is not marked: its claim is the attempt, which another replica's look
    // meets (and leaves) while this one holds it; the message is next written when it is sent.
    const toSend: MessageDocument[] = [];
    for (const doc of claimed)
      if (doc.campaignId && (await this.cancellations.cancelled(doc.campaignId)))
        prepared.set(doc._id, { kind: 'cancelled' });
      else toSend.push(doc);
    const toAsk = toSend.filter((doc) => !known.has(doc._id));
    const channels = new Set(toAsk.map((doc) => doc.channel as NotificationChannel));
    const contacts = new Map<NotificationChannel, Map<string, MemberContactView | null>>();
    for (const channel of channels)
      contacts.set(
        channel,
        await this.members.contacts(
          toAsk.filter((doc) => doc.channel === channel).map((doc) => doc.memberId),
          channel,
        ),
      );
    for (const doc of toSend)
      prepared.set(doc._id, {
        kind: 'ready',
        provider,
        contact:
          known.get(doc._id) ??
          contacts.get(doc.channel as NotificationChannel)!.get(doc.memberId) ??
          null,
      });
    return prepared;
  }

  private async attemptFrom(doc: MessageDocument): Promise<void> {
    const now = new Date();
    let n = doc.attempts + 1;
    let pinned = doc.pinnedProvider ?? null;
    // Claims this document does not know of yet: a replica died between its claim and its record.
    for (;;) {
      if (n > this.policy.maxAttempts)
        return this.deadLetter(
          doc,
          n - 1,
          pinned ? `outcome unknown at ${pinned}` : 'retries exhausted',
        );
      if (!pinned && n > 1) {
        // An earlier attempt that ended without an outcome (its process died) or with an
        // unknown one may have reached its provider: only that provider may be asked again.
        // Read from the attempts themselves, not the message's copy, which a concurrent
        // read-change-write on the local store may have lost.
        const earlier = (await this.store.attemptsOf([doc._id])).filter((a) => a.n < n);
        const accepted = earlier.find((a) => a.outcome === 'accepted');
        if (accepted) return this.recordSent(doc, accepted.provider);
        const uncertain = earlier
          .filter((a) => !a.outcome || a.outcome === 'unknown')
          .sort((a, b) => a.n - b.n)[0];
        if (uncertain) pinned = uncertain.provider;
      }
      const provider = providerForAttempt(this.policy, n, pinned);
      const claimed = await this.store.claimAttempt({
        _id: attemptId(doc._id, n),
        messageId: doc._id,
        n,
        provider,
        claimedAt: now,
      });
      if (claimed) {
        await this.store.update(doc._id, {
          status: 'queued',
          attempts: n,
          pinnedProvider: pinned,
          dueAt: new Date(now.getTime() + this.config.DELIVERY_ATTEMPT_LEASE_MS),
        });
        return this.send(doc, n, provider);
      }
      const held = await this.store.findAttempt(doc._id, n);
      if (!held) return; // claimed and gone: nothing sensible to do this pass
      const age = now.getTime() - held.claimedAt.getTime();
      if (!held.outcome && age < this.config.DELIVERY_ATTEMPT_LEASE_MS) return; // in hand elsewhere
      if (held.outcome === 'accepted') return this.recordSent(doc, held.provider);
      if (!held.outcome || held.outcome === 'unknown') pinned = held.provider;
      await this.store.update(doc._id, { attempts: n, pinnedProvider: pinned });
      n++;
    }
  }

  private async send(doc: MessageDocument, n: number, provider: string): Promise<void> {
    // A cancelled campaign's messages not yet at a provider stay unsent.
    if (doc.campaignId && (await this.cancellations.cancelled(doc.campaignId)))
      return this.cancelledBeforeSending(doc, n);
    const contact = await this.members
      .contact(doc.memberId, doc.channel as NotificationChannel)
      .catch((error: unknown) => {
        if ((error as { code?: string })?.code === 'MEMBER.NOT_FOUND') return null;
        throw error;
      });
    return this.sendTo(doc, n, provider, contact);
  }

  private async cancelledBeforeSending(doc: MessageDocument, n: number): Promise<void> {
    await this.store.finishAttempt(doc._id, n, 'refused', 'campaign-cancelled');
    return this.fail(doc, 'skipped', 'campaign-cancelled', n);
  }

  /** The claimed attempt n, with the member's contact as asked just now (null: no such member). */
  private async sendTo(
    doc: MessageDocument,
    n: number,
    provider: string,
    contact: MemberContactView | null,
  ): Promise<void> {
    const refusal = !contact
      ? 'member-not-found'
      : contact.erased
        ? 'member-erased'
        : !contact.address
          ? 'no-address'
          : doc.purpose === 'marketing' && !contact.marketingConsent
            ? 'consent-withdrawn'
            : null;
    if (refusal) {
      await this.store.finishAttempt(doc._id, n, 'refused', refusal);
      return this.fail(doc, 'skipped', refusal, n);
    }
    const rendered = renderContent(doc.content ?? '', doc.variables);
    const body = 'text' in rendered ? rendered.text : '';
    const outcome = await this.providers.send(provider, {
      messageId: doc._id,
      channel: doc.channel as NotificationChannel,
      to: contact!.address!,
      body,
    });
    if (outcome.kind === 'accepted') {
      // The provider has it, our record does not yet: a crash here must not send it twice.
      failpoint('notifications.delivery.accepted');
      return this.acceptedRecords.add({
        doc,
        provider,
        providerMessageId: outcome.providerMessageId,
        attempt: n,
      });
    }
    await this.store.finishAttempt(doc._id, n, outcome.kind, outcome.reason);
    return this.afterFailure(doc, n, provider, outcome);
  }

  private async afterFailure(
    doc: MessageDocument,
    n: number,
    provider: string,
    outcome: Exclude<SendOutcome, { kind: 'accepted' }>,
  ): Promise<void> {
    const pinned = outcome.kind === 'unknown' ? provider : (doc.pinnedProvider ?? null);
    if (outcome.kind === 'refused' && !outcome.retryable)
      return this.fail(doc, 'failed', outcome.reason, n);
    if (n >= this.policy.maxAttempts) return this.deadLetter(doc, n, outcome.reason);
    const delay = retryDelayMs(
      this.policy,
      n,
      outcome.kind === 'refused' ? outcome.retryAfterMs : 0,
    );
    this.logger.info(
      { messageId: doc._id, attempt: n, provider, reason: outcome.reason, delay },
      'send failed; retrying',
    );
    await this.store.update(doc._id, {
      attempts: n,
      pinnedProvider: pinned,
      reason: outcome.reason,
      dueAt: new Date(Date.now() + delay),
    });
  }

  private recordSent(doc: MessageDocument, provider: string): Promise<void> {
    return this.acceptedRecords.add({ doc, provider });
  }

  /**
   * Records a flush of accepted sends: one outcome document carrying the flush's `message.sent`
   * events (their ids name the messages, so a flush recorded again after a crash is absorbed by
   * consumers, and the relay clears one document per flush), then the messages marked sent
   * unless a provider event got there first (a receipt can beat our record; it is applied with
   * its own read-back, ApplyProviderEvent). The attempt is not marked accepted: the message's
   * own `sent`, `attempts` and `provider` say it, and until they are written the attempt reads
   * as one whose provider may have the message, which pins a retry to that provider under the
   * same idempotency key.
   */
  private async recordAccepted(batch: Accepted[]): Promise<void> {
    const now = new Date();
    await this.store.insertOutcome(
      withOutbox(
        {
          _id: `sent:${randomUUID()}`,
          messageIds: batch.map(({ doc }) => doc._id),
          kind: 'sent' as const,
          at: now,
        },
        ...batch.map(({ doc, provider }) => this.event(MESSAGE_SENT, doc, { provider })),
      ),
    );
    await this.store.markSent(
      batch.map(({ doc, provider, providerMessageId, attempt }) => ({
        id: doc._id,
        provider,
        ...(providerMessageId ? { providerMessageId } : {}),
        ...(attempt !== undefined ? { attempts: attempt } : {}),
        sentAt: now,
      })),
    );
  }

  /**
   * Applies the provider's events again (if any): they decide over our own `sent`. Another
   * writer's read-change-write of the same document (the local store's updates are not atomic)
   * may undo this write, so it is read back and repeated a few times; the list view derives the
   * status from the events as well, so it is right either way.
   */
  async reproject(messageId: string): Promise<void> {
    for (let round = 0; round < 3; round++) {
      const projected = statusFromEvents(await this.store.eventsOf([messageId]));
      if (!projected) return;
      const current = await this.store.find(messageId);
      if (current?.status === projected.status) return;
      await this.store.update(messageId, { status: projected.status, lastEventAt: projected.at });
    }
  }

  private deadLetter(doc: MessageDocument, attempts: number, reason: string): Promise<void> {
    return this.fail(
      doc,
      'failed',
      `dead-lettered after ${attempts} attempts: ${reason}`,
      attempts,
    );
  }

  private async fail(
    doc: MessageDocument,
    status: 'failed' | 'skipped',
    reason: string,
    attempts: number,
  ): Promise<void> {
    this.logger.warn({ messageId: doc._id, reason, attempts }, `message ${status}`);
    if (status === 'failed')
      await this.store.insertOutcome(
        withOutbox(
          {
            _id: `failed:${doc._id}`,
            messageIds: [doc._id],
            kind: 'failed' as const,
            at: new Date(),
            reason,
          },
          this.event(MESSAGE_FAILED, doc, { reason }),
        ),
      );
    // Skipped here, it never reached the member: its cap and budget slots are given back (a
    // failure's are, by its event). Before the status, so a crash between retries both.
    if (status === 'skipped') await this.slots.release(doc._id);
    await this.store.update(doc._id, { status, reason, attempts });
  }

  private event(type: string, doc: MessageDocument, extra: Partial<MessageEventPayload>) {
    return {
      topic: Topics.notificationsEvents,
      envelope: newEnvelope<MessageEventPayload>({
        type,
        source: 'notifications',
        key: doc.memberId,
        // The same fact has the same id however often a replica records it.
        id: `${type}:${doc._id}`,
        payload: {
          messageId: doc._id,
          memberId: doc.memberId,
          channel: doc.channel as NotificationChannel,
          purpose: doc.purpose,
          cause: doc.cause,
          at: new Date().toISOString(),
          ...extra,
        },
      }),
    };
  }
}

/** A message none of whose attempts was claimed yet and whose provider is not pinned. */
function isPlainFirstAttempt(doc: MessageDocument): boolean {
  return doc.attempts === 0 && !doc.pinnedProvider && doc.channel !== null;
}
