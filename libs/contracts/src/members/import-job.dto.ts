import { OmitType } from '@nestjs/swagger';
import { IsInt, IsNotEmpty, IsString, Matches, Max, MaxLength, Min } from 'class-validator';
import { Type } from 'class-transformer';
import { IsOptionalNonNull } from '../optional';
import {
  MAX_IMPORT_ISSUES_PAGE,
  MAX_LISTED_IMPORT_ISSUES,
  StartImportRequest,
} from './import-member-row.dto';

/**
 * An import file travels from the gateway to the members service in parts: NATS carries at
 * most 1 MB a message by default, and a file may be 30 MB. A part is at most this many bytes
 * of JSON-encoded UTF-8, which leaves room for the request envelope and its headers.
 */
export const MAX_IMPORT_PART_BYTES = 512 * 1024;
/** 30 MB of CJK text is ~90 MB of UTF-8, ~180 parts; anything near this bound is a bug. */
export const MAX_IMPORT_PARTS = 1_000;

const JOB_ID = /^[0-9a-f]{24}$/;
const JOB_ID_MESSAGE = 'must be an import job id';

/** `members.v1.imports.create`: opens a job in status `receiving`; the file follows in parts. */
export class CreateImportRequest extends OmitType(StartImportRequest, ['content'] as const) {}

/** `members.v1.imports.append`: one part of the file. Sending a part again changes nothing. */
export class AppendImportPartRequest {
  @Matches(JOB_ID, { message: `jobId ${JOB_ID_MESSAGE}` })
  jobId!: string;

  /** 0-based position of the part in the file. */
  @IsInt()
  @Min(0)
  @Max(MAX_IMPORT_PARTS - 1)
  seq!: number;

  @IsString()
  @IsNotEmpty()
  @MaxLength(MAX_IMPORT_PART_BYTES)
  data!: string;
}

export interface AppendImportPartReply {
  jobId: string;
  seq: number;
}

/** `members.v1.imports.commit`: every part is in; the job is queued to run. */
export class CommitImportRequest {
  @Matches(JOB_ID, { message: `jobId ${JOB_ID_MESSAGE}` })
  jobId!: string;

  @IsInt()
  @Min(1)
  @Max(MAX_IMPORT_PARTS)
  parts!: number;
}

/**
 * `GET /api/v1/members/imports/{id}` and `members.v1.imports.get`: the status with one page of
 * its row errors and one of its conflicts, so that any job's status fits one NATS reply.
 */
export class GetImportRequest {
  @IsString()
  @Matches(JOB_ID, { message: `id ${JOB_ID_MESSAGE}` })
  id!: string;

  @IsOptionalNonNull()
  @Type(() => Number)
  @IsInt()
  @Min(0)
  @Max(MAX_LISTED_IMPORT_ISSUES)
  errorsOffset?: number;

  @IsOptionalNonNull()
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(MAX_IMPORT_ISSUES_PAGE)
  errorsLimit?: number;

  @IsOptionalNonNull()
  @Type(() => Number)
  @IsInt()
  @Min(0)
  @Max(MAX_LISTED_IMPORT_ISSUES)
  conflictsOffset?: number;

  @IsOptionalNonNull()
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(MAX_IMPORT_ISSUES_PAGE)
  conflictsLimit?: number;
}
