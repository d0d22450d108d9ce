import { ArrayMaxSize, IsArray, IsIn, IsISO31661Alpha2, IsISO8601, IsOptional, IsString, IsUrl, Length, MaxLength } from 'class-validator';
import { OneLine, Trim, UpperCase } from '../../common/validation';
import { CASE_STATUSES, CaseStatus } from '../case.entity';

export class CreateCaseDto {
  @Trim() @IsString() @Length(1, 200) @OneLine() name: string;
  @UpperCase() @IsISO31661Alpha2({ message: 'country must be an ISO 3166-1 alpha-2 code' }) country: string;
  @IsOptional() @Trim() @IsString() @Length(1, 200) @OneLine() profession?: string;
  @IsIn(CASE_STATUSES, { message: `status must be one of ${CASE_STATUSES.join(', ')}` }) status: CaseStatus;
  @Trim() @IsString() @Length(1, 10_000) summary: string;
  @IsOptional() @IsISO8601({ strict: true, strictSeparator: true }, { message: 'detainedOn must be a date (YYYY-MM-DD)' }) @Length(10, 10, { message: 'detainedOn must be a date (YYYY-MM-DD)' }) detainedOn?: string;
  @IsOptional() @Trim() @IsString() @Length(1, 2000) charges?: string;
  @IsOptional() @IsArray() @ArrayMaxSize(20) @IsString({ each: true }) @Length(1, 50, { each: true }) tags?: string[];
}

export class UpdateCaseDto {
  @IsOptional() @Trim() @IsString() @Length(1, 200) @OneLine() name?: string;
  @IsOptional() @UpperCase() @IsISO31661Alpha2({ message: 'country must be an ISO 3166-1 alpha-2 code' }) country?: string;
  @IsOptional() @Trim() @IsString() @Length(1, 200) @OneLine() profession?: string;
  @IsOptional() @IsIn(CASE_STATUSES, { message: `status must be one of ${CASE_STATUSES.join(', ')}` }) status?: CaseStatus;
  @IsOptional() @Trim() @IsString() @Length(1, 10_000) summary?: string;
  @IsOptional() @IsISO8601({ strict: true, strictSeparator: true }, { message: 'detainedOn must be a date (YYYY-MM-DD)' }) @Length(10, 10, { message: 'detainedOn must be a date (YYYY-MM-DD)' }) detainedOn?: string;
  @IsOptional() @Trim() @IsString() @Length(1, 2000) charges?: string;
  @IsOptional() @IsArray() @ArrayMaxSize(20) @IsString({ each: true }) @Length(1, 50, { each: true }) tags?: string[];
}

export class CreateCaseEventDto {
  @IsISO8601({ strict: true, strictSeparator: true }, { message: 'occurredOn must be a date (YYYY-MM-DD)' }) @Length(10, 10, { message: 'occurredOn must be a date (YYYY-MM-DD)' }) occurredOn: string;
  @Trim() @IsString() @Length(1, 50) @OneLine() kind: string;
  @Trim() @IsString() @Length(1, 5000) description: string;
  @IsOptional() @IsUrl({ protocols: ['http', 'https'], require_protocol: true }, { message: 'sourceUrl must be an http(s) URL' }) @MaxLength(2000) sourceUrl?: string;
}
