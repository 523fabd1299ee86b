import { Ctx, MessagePattern, NatsContext, Payload } from '@nestjs/microservices';
import {
  AppendImportPartRequest,
  CommitImportRequest,
  CreateImportRequest,
  GetImportRequest,
  Subjects,
  validatePayload,
} from '@crm/contracts';
import { actorOf, NatsController } from '@crm/messaging';
import { GetImport } from './get-import.handler';
import { ReceiveImport } from './receive-import.handler';

@NatsController()
export class ImportsNatsController {
  constructor(
    private readonly receiveImport: ReceiveImport,
    private readonly getImport: GetImport,
  ) {}

  @MessagePattern(Subjects.members.imports.create)
  create(@Payload() data: unknown, @Ctx() ctx: NatsContext) {
    return this.receiveImport.create(validatePayload(CreateImportRequest, data), actorOf(ctx));
  }

  @MessagePattern(Subjects.members.imports.append)
  append(@Payload() data: unknown) {
    return this.receiveImport.append(validatePayload(AppendImportPartRequest, data));
  }

  @MessagePattern(Subjects.members.imports.commit)
  commit(@Payload() data: unknown) {
    return this.receiveImport.commit(validatePayload(CommitImportRequest, data));
  }

  @MessagePattern(Subjects.members.imports.get)
  get(@Payload() data: unknown) {
    return this.getImport.execute(validatePayload(GetImportRequest, data));
  }
}
