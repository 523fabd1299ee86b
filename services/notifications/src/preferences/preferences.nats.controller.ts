import { MessagePattern, Payload } from '@nestjs/microservices';
import {
  GetContactPreferencesRequest,
  PutContactPreferencesCommand,
  Subjects,
  validatePayload,
} from '@crm/contracts';
import { NatsController } from '@crm/messaging';
import { ContactPreferences } from './contact-preferences.handler';

@NatsController()
export class PreferencesNatsController {
  constructor(private readonly preferences: ContactPreferences) {}

  @MessagePattern(Subjects.notifications.preferences.put)
  put(@Payload() data: unknown) {
    return this.preferences.put(validatePayload(PutContactPreferencesCommand, data));
  }

  @MessagePattern(Subjects.notifications.preferences.get)
  get(@Payload() data: unknown) {
    return this.preferences.get(validatePayload(GetContactPreferencesRequest, data));
  }
}
