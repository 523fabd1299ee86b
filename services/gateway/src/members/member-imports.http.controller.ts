import { Body, Controller, Get, HttpCode, Param, Post, Query, Res } from '@nestjs/common';
import { ApiBearerAuth, ApiBody, ApiOperation, ApiResponse, ApiTags } from '@nestjs/swagger';
import type { FastifyReply } from 'fastify';
import {
  GetImportRequest,
  ImportJobView,
  MAX_IMPORT_CONTENT_LENGTH,
  StartImportRequest,
  Subjects,
  validatePayload,
} from '@crm/contracts';
import { NatsRpcClient } from '@crm/messaging';
import type { Role, StaffPrincipal } from '../auth/roles';
import { Roles, Staff } from '../auth/roles.decorator';
import { ErrorResponses } from '../docs/error-responses';
import { ApiPathParams, ApiQueryFrom } from '../docs/api-parameters';
import { BodyLimit } from '../http/route-body-limit';
import { uploadImport } from './import-upload';

/**
 * Archive imports are chain IT's work (README, CONTRACTS.md §1 has no IT role; `admin` is
 * it): one request writes up to 100,000 members across stores, merges identities and carries
 * over marketing consents. Store staff register members one at a time (POST /members).
 */
const IMPORTERS: Role[] = ['admin'];

/**
 * The file travels as a JSON string: 30 MB of text is up to 60 MB of UTF-8 when half of it is
 * Chinese. Above this the body is refused (413) before it is read into memory.
 */
export const IMPORT_BODY_LIMIT = 2 * MAX_IMPORT_CONTENT_LENGTH + 1024 * 1024;

const CSV_EXAMPLE = [
  '会员编号,姓名,手机,性别,出生日期,门店,入会日期,短信营销',
  'HZ-000123,王芳,13800138000,女,1968-04-12,S001,2019-03-02,是',
  'HZ-000124,李强,+86 139-0013-9000,男,1975-11-30,S001,2020-07-15,否',
].join('\n');

@ApiTags('member imports')
@ApiBearerAuth()
@Controller('api/v1/members/imports')
export class MemberImportsHttpController {
  constructor(private readonly rpc: NatsRpcClient) {}

  @Post()
  @HttpCode(202)
  @BodyLimit(IMPORT_BODY_LIMIT)
  @Roles(...IMPORTERS)
  @ApiOperation({
    summary: 'Import a regional archive of legacy members (admin)',
    description:
      'CSV (a header line of field names or 会员编号, 姓名, 手机, …) or a JSON array, up to ' +
      '100,000 rows. The import runs in the background: poll the `Location` for progress, ' +
      'per-row errors and identity conflicts (same phone, different person) for a person to decide.',
  })
  @ApiBody({
    type: StartImportRequest,
    examples: {
      csv: { value: { format: 'csv', sourceStoreId: 'S001', content: CSV_EXAMPLE } },
      json: {
        value: {
          format: 'json',
          sourceStoreId: 'S001',
          content: '[{"legacyId":"HZ-000123","name":"王芳","phone":"13800138000"}]',
        },
      },
    },
  })
  @ApiResponse({
    status: 202,
    type: ImportJobView,
    description: 'Queued; the job is at `Location`',
    headers: {
      Location: { description: 'The job, e.g. /api/v1/members/imports/6740a1f2c3b4d5e6f7a8b9c0' },
    },
  })
  @ErrorResponses(400, 401, 403)
  async start(
    @Body() body: unknown,
    @Staff() staff: StaffPrincipal,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<ImportJobView> {
    const request = validatePayload(StartImportRequest, body);
    const job = await uploadImport(this.rpc, request, staff);
    void reply.header('location', `/api/v1/members/imports/${job.id}`);
    return job;
  }

  @Get(':id')
  @Roles(...IMPORTERS)
  @ApiOperation({
    summary: "An import's status, counters, and a page of its row errors and conflicts",
    description:
      'Counters are exact; the first 1,000 row errors and conflicts are kept, and a status lists ' +
      'a page of each (`errorsOffset`/`errorsLimit`, `conflictsOffset`/`conflictsLimit`, at most ' +
      '200 a page), so that any job can be read, whatever its file held.',
  })
  @ApiPathParams(GetImportRequest, 'id')
  @ApiQueryFrom(GetImportRequest, [
    'errorsOffset',
    'errorsLimit',
    'conflictsOffset',
    'conflictsLimit',
  ])
  @ApiResponse({ status: 200, type: ImportJobView })
  @ErrorResponses(400, 401, 403, 404)
  get(
    @Param('id') id: string,
    @Query() query: Record<string, unknown>,
    @Staff() staff: StaffPrincipal,
  ): Promise<ImportJobView> {
    const request = validatePayload(GetImportRequest, { ...query, id });
    return this.rpc.request(Subjects.members.imports.get, request, staff);
  }
}
