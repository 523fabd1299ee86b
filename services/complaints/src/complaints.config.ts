import { IsString } from 'class-validator';
import { ServiceConfig } from '@crm/config';

export class ComplaintsConfig extends ServiceConfig {
  @IsString() override MONGO_DB: string = 'crm_complaints';
}
