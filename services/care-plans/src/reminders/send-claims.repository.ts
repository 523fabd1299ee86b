import { Injectable } from '@nestjs/common';
import type { Connection } from 'mongoose';
import { InjectMongo, RoundClaims } from '@crm/service-kit';

/** Care's claims on due plan messages and reminders, one per cause and round (RoundClaims). */
@Injectable()
export class SendClaimsRepository extends RoundClaims {
  constructor(@InjectMongo() connection: Connection) {
    super(connection, 'send_claims');
  }
}
