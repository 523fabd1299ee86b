import { IsString } from 'class-validator';
import { ServiceConfig } from '@crm/config';

export class CarePlansConfig extends ServiceConfig {
  @IsString() override MONGO_DB: string = 'crm_care_plans';
}
