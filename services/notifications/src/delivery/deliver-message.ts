import { Injectable } from '@nestjs/common';
import { PinoLogger } from 'nestjs-pino';
import { failpoint } from '@crm/config';
import {
  MESSAGE_FAILED,
  MESSAGE_SENT,
  type MessageEventPayload,
  type NotificationChannel,
  Topics,
} from '@crm/contracts';
import { newEnvelope, withOutbox } from '@crm/messaging';
import { inSpan } from '@crm/observability';
import { CampaignCancellations } from '../campaigns/campaign-cancellations';
import { MembersClient } from '../members/members-client';
import type { MessageDocument } from '../messages/message.document';
import { statusFromEvents } from '../messages/message-status';
import { MessagesRepository } from '../messages/messages.repository';
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
@Injectable()
export class DeliverMessage {
  private readonly policy: RetryPolicy;

  constructor(
    private readonly store: MessagesRepository,
    private readonly providers: ProviderClient,
    private readonly members: MembersClient,
    private readonly config: NotificationsConfig,
    private readonly logger: PinoLogger,
    private readonly cancellations: CampaignCancellations,
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
        if (accepted) return this.recordSent(doc, accepted.provider, undefined);
        const uncertain = earlier
          .filter((a) => !a.outcome || a.outcome === 'unknown')
          .sort((a, b) => a.n - b.n)[0];
        if (uncertain) pinned = uncertain.provider;
      }
      const provider = providerForAttempt(this.policy, n, pinned);
      const claimed = await this.store.claimAttempt({
        _id: `attempt:${doc._id}:${n}`,
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
      if (held.outcome === 'accepted') return this.recordSent(doc, held.provider, undefined);
      if (!held.outcome || held.outcome === 'unknown') pinned = held.provider;
      await this.store.update(doc._id, { attempts: n, pinnedProvider: pinned });
      n++;
    }
  }

  private async send(doc: MessageDocument, n: number, provider: string): Promise<void> {
    const channel = doc.channel as NotificationChannel;
    // A cancelled campaign's messages not yet at a provider stay unsent.
    if (doc.campaignId && (await this.cancellations.cancelled(doc.campaignId))) {
      await this.store.finishAttempt(doc._id, n, 'refused', 'campaign-cancelled');
      return this.fail(doc, 'skipped', 'campaign-cancelled', n);
    }
    const contact = await this.members.contact(doc.memberId, channel).catch((error: unknown) => {
      if ((error as { code?: string })?.code === 'MEMBER.NOT_FOUND') return null;
      throw error;
    });
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
      channel,
      to: contact!.address!,
      body,
    });
    // The provider has it, our record does not yet: a crash here must not send it twice.
    if (outcome.kind === 'accepted') failpoint('notifications.delivery.accepted');
    await this.store.finishAttempt(
      doc._id,
      n,
      outcome.kind,
      'reason' in outcome ? outcome.reason : undefined,
    );
    if (outcome.kind === 'accepted')
      return this.recordSent(doc, provider, outcome.providerMessageId);
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
      pinnedProvider: pinned,
      reason: outcome.reason,
      dueAt: new Date(Date.now() + delay),
    });
  }

  private async recordSent(
    doc: MessageDocument,
    provider: string,
    providerMessageId: string | undefined,
  ): Promise<void> {
    const now = new Date();
    await this.store.insertOutcome(
      withOutbox(
        { _id: `sent:${doc._id}`, messageId: doc._id, kind: 'sent' as const, at: now, provider },
        this.event(MESSAGE_SENT, doc, { provider }),
      ),
    );
    const current = await this.store.find(doc._id);
    const movedOn = !!current?.lastEventAt; // the provider's own events came first
    await this.store.update(
      doc._id,
      {
        ...(movedOn ? {} : { status: 'sent' as const }),
        provider,
        ...(providerMessageId ? { providerMessageId } : {}),
        sentAt: now,
      },
      { $unset: { reason: '' } },
    );
    await this.reproject(doc._id);
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
            messageId: doc._id,
            kind: 'failed' as const,
            at: new Date(),
            reason,
          },
          this.event(MESSAGE_FAILED, doc, { reason }),
        ),
      );
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
