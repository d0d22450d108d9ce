import { applyDecorators } from '@nestjs/common';
import { ApiProperty } from '@nestjs/swagger';
import { ArrayMaxSize, ArrayUnique, IsArray, IsEmail, IsInt, IsISO31661Alpha2, IsOptional, IsString, IsTimeZone, Length, Matches, Max, Min, ValidateIf } from 'class-validator';
import { ApiCount, ApiId, ApiNullable, ApiTimestamp } from '../../common/api-properties';
import { LanguageCode, LowerCase, OneLine, Trim, UpperCase } from '../../common/validation';
import type { Official } from '../official.entity';

/** A time of day, 24-hour: 09:00, 18:30. */
const TIME_OF_DAY = /^([01]\d|2[0-3]):[0-5]\d$/;
const TimeOfDay = (property: string) => Matches(TIME_OF_DAY, { message: `${property} must be a time of day such as 09:00 (24-hour)` });
/** ISO weekdays, 1 = Monday ... 7 = Sunday, each once. */
const WEEKDAYS_MESSAGE = 'officeDays must be ISO weekdays, 1 (Monday) to 7 (Sunday), each once';
const WeekDays = () =>
  applyDecorators(IsArray(), ArrayMaxSize(7), ArrayUnique({ message: WEEKDAYS_MESSAGE }), IsInt({ each: true, message: WEEKDAYS_MESSAGE }), Min(1, { each: true, message: WEEKDAYS_MESSAGE }), Max(7, { each: true, message: WEEKDAYS_MESSAGE }));
/** Office hours come in pairs: one end without the other is refused, naming the missing one. */
const OfficeHoursGiven = () => ValidateIf((o: { officeHoursStart?: unknown; officeHoursEnd?: unknown }) => o.officeHoursStart != null || o.officeHoursEnd != null);

export class CreateOfficialDto {
  @Trim() @IsString() @Length(1, 200) @OneLine() name: string;
  @Trim() @IsString() @Length(1, 200) @OneLine() title: string;
  @IsOptional() @Trim() @IsString() @Length(1, 200) @OneLine() salutation?: string;
  @IsOptional() @Trim() @IsString() @Length(1, 200) @OneLine() organisation?: string;
  @UpperCase() @IsISO31661Alpha2({ message: 'country must be an ISO 3166-1 alpha-2 code' }) country: string;
  @ValidateIf((o: CreateOfficialDto) => o.email != null || o.postalAddress == null)
  @LowerCase() @IsEmail({ allow_display_name: false, allow_ip_domain: false }, { message: 'email must be an email address (an official needs an email or a postal address)' }) @Length(3, 254)
  email?: string;
  @IsOptional() @Trim() @IsString() @Length(1, 1000) postalAddress?: string;
  @LowerCase() @LanguageCode() language: string;
  @IsOptional() @IsTimeZone({ message: 'timezone must be an IANA time zone such as Asia/Tashkent' }) timezone?: string;
  @IsOptional() @IsInt() @Min(1) @Max(1_000_000) maxLettersPerHour?: number;
  /** Office hours in the official's timezone (both or neither): letters wait outside them. */
  @OfficeHoursGiven() @IsString() @TimeOfDay('officeHoursStart') officeHoursStart?: string;
  @OfficeHoursGiven() @IsString() @TimeOfDay('officeHoursEnd') officeHoursEnd?: string;
  /** ISO weekdays the office is open (1 = Monday); unset or empty: every day. */
  @IsOptional() @WeekDays() officeDays?: number[];
}

// A required field may be left out of a change but not set to null (a 400 naming it, not the
// NOT NULL constraint); an optional one set to null is cleared.
const PresentOrAbsent = () => ValidateIf((_object: unknown, value: unknown) => value !== undefined);

/** A change to an official: any of the fields of CreateOfficialDto; null clears an optional one. */
export class UpdateOfficialDto {
  @PresentOrAbsent() @Trim() @IsString() @Length(1, 200) @OneLine() name?: string;
  @PresentOrAbsent() @Trim() @IsString() @Length(1, 200) @OneLine() title?: string;
  @IsOptional() @Trim() @IsString() @Length(1, 200) @OneLine() salutation?: string | null;
  @IsOptional() @Trim() @IsString() @Length(1, 200) @OneLine() organisation?: string | null;
  @PresentOrAbsent() @UpperCase() @IsISO31661Alpha2({ message: 'country must be an ISO 3166-1 alpha-2 code' }) country?: string;
  @IsOptional() @LowerCase() @IsEmail({ allow_display_name: false, allow_ip_domain: false }, { message: 'email must be an email address' }) @Length(3, 254) email?: string | null;
  @IsOptional() @Trim() @IsString() @Length(1, 1000) postalAddress?: string | null;
  @PresentOrAbsent() @LowerCase() @LanguageCode() language?: string;
  @IsOptional() @IsTimeZone({ message: 'timezone must be an IANA time zone such as Asia/Tashkent' }) timezone?: string | null;
  @IsOptional() @IsInt() @Min(1) @Max(1_000_000) maxLettersPerHour?: number | null;
  @IsOptional() @IsString() @TimeOfDay('officeHoursStart') officeHoursStart?: string | null;
  @IsOptional() @IsString() @TimeOfDay('officeHoursEnd') officeHoursEnd?: string | null;
  /** null or empty: every day. */
  @IsOptional() @WeekDays() officeDays?: number[] | null;
}

export class OfficialView {
  @ApiId() id: string;
  @ApiProperty() name: string;
  @ApiProperty() title: string;
  @ApiNullable({ example: 'Dear Prosecutor General' }) salutation: string | null;
  @ApiNullable() organisation: string | null;
  @ApiProperty({ description: 'ISO 3166-1 alpha-2', example: 'TJ' }) country: string;
  @ApiNullable({ format: 'email' }) email: string | null;
  @ApiNullable({ description: 'The address lines as printed, newline-separated, without the country' }) postalAddress: string | null;
  @ApiProperty({ description: 'ISO 639-1', example: 'ru' }) language: string;
  @ApiNullable({ example: 'Asia/Dushanbe' }) timezone: string | null;
  @ApiProperty({ type: 'integer', nullable: true, minimum: 1, description: 'Letters per hour across every appeal; null: no limit' }) maxLettersPerHour: number | null;
  @ApiNullable({ example: '09:00:00', description: "Office hours in the official's timezone" }) officeHoursStart: string | null;
  @ApiNullable({ example: '18:00:00' }) officeHoursEnd: string | null;
  @ApiProperty({ type: 'array', items: { type: 'integer', minimum: 1, maximum: 7 }, nullable: true, description: 'ISO weekdays the office is open (1 = Monday); null: every day' }) officeDays: number[] | null;
  @ApiTimestamp() createdAt: Date;
  @ApiTimestamp() updatedAt: Date;
  @ApiTimestamp({ nullable: true, description: 'Set when a bounce or a complaint about a letter to this official arrived, for a coordinator to look at; cleared by POST /api/officials/:id/unflag' }) flaggedAt: Date | null;
  @ApiNullable({ example: 'bounce 5.1.1' }) flagReason: string | null;
}

export function toOfficialView(official: Official): OfficialView {
  const { id, name, title, salutation, organisation, country, email, postalAddress, language, timezone, maxLettersPerHour, officeHoursStart, officeHoursEnd, officeDays, createdAt, updatedAt } = official;
  const flaggedAt = official.flaggedAt ?? null;
  const flagReason = official.flagReason ?? null;
  return { id, name, title, salutation, organisation, country, email, postalAddress, language, timezone, maxLettersPerHour, officeHoursStart, officeHoursEnd, officeDays, createdAt, updatedAt, flaggedAt, flagReason };
}

export class OfficialImportProblem {
  @ApiProperty({ type: 'integer', description: 'The CSV line, the header being line 1' }) line: number;
  @ApiProperty() message: string;
}

/** What an import did: officials created and updated, and each bad line with what was wrong. */
export class OfficialImportReport {
  @ApiCount() created: number;
  @ApiCount() updated: number;
  @ApiProperty({ type: [OfficialImportProblem] }) errors: OfficialImportProblem[];
}
