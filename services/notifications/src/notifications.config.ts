import { IsString } from 'class-validator';
import { ServiceConfig } from '@crm/config';

export class NotificationsConfig extends ServiceConfig {
  @IsString() override MONGO_DB: string = 'crm_notifications';
}
