import { Injectable } from '@nestjs/common';
import type { Connection } from 'mongoose';
import { InjectMongo, RoundClaims } from '@crm/service-kit';

/** Complaints' claims on due feedback questions, one per cause and round (RoundClaims). */
@Injectable()
export class FeedbackSendClaimsRepository extends RoundClaims {
  constructor(@InjectMongo() connection: Connection) {
    super(connection, 'feedback_send_claims');
  }
}
