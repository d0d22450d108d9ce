import { ArrayMaxSize, IsArray, IsBoolean, IsIn, IsISO31661Alpha2, IsISO8601, IsOptional, IsString, IsUrl, Length, MaxLength, ValidateIf } from 'class-validator';
import { ApiProperty } from '@nestjs/swagger';
import { ApiId, ApiNullable, ApiTimestamp } from '../../common/api-properties';
import { AddressLines, MaxLineLength, MaxLines, NoControlCharacters, OneLine, Trim, UpperCase } from '../../common/validation';
import type { CaseEvent } from '../case-event.entity';
import { Case, CASE_GENDERS, CASE_RISKS, CASE_STATUSES, CaseGender, CaseRisk, CaseStatus } from '../case.entity';
import { IsCaseTranslations, TranslationsChange } from '../case-translations';

/** A message address: the lines as printed on a card's envelope, without the country (its own field). */
export const MESSAGE_ADDRESS_MAX_LENGTH = 500;
export const MESSAGE_ADDRESS_MAX_LINES = 8;
export const MESSAGE_ADDRESS_MAX_LINE_LENGTH = 100;
const MessageAddress = () => (target: object, property: string) => {
  for (const decorate of [AddressLines(), IsString(), Length(1, MESSAGE_ADDRESS_MAX_LENGTH), MaxLines(MESSAGE_ADDRESS_MAX_LINES), MaxLineLength(MESSAGE_ADDRESS_MAX_LINE_LENGTH), NoControlCharacters()]) decorate(target, property);
};
const CountryCode = (property: string) => IsISO31661Alpha2({ message: `${property} must be an ISO 3166-1 alpha-2 code` });

export class CreateCaseDto {
  @Trim() @IsString() @Length(1, 200) @OneLine() name: string;
  @UpperCase() @IsISO31661Alpha2({ message: 'country must be an ISO 3166-1 alpha-2 code' }) country: string;
  @IsOptional() @Trim() @IsString() @Length(1, 200) @OneLine() profession?: string;
  @IsIn(CASE_STATUSES, { message: `status must be one of ${CASE_STATUSES.join(', ')}` }) status: CaseStatus;
  @Trim() @IsString() @Length(1, 10_000) summary: string;
  @IsOptional() @IsISO8601({ strict: true, strictSeparator: true }, { message: 'detainedOn must be a date (YYYY-MM-DD)' }) @Length(10, 10, { message: 'detainedOn must be a date (YYYY-MM-DD)' }) detainedOn?: string;
  @IsOptional() @Trim() @IsString() @Length(1, 2000) charges?: string;
  @IsOptional() @IsArray() @ArrayMaxSize(20) @IsString({ each: true }) @Length(1, 50, { each: true }) tags?: string[];
  @IsOptional() @IsIn(CASE_GENDERS, { message: `gender must be one of ${CASE_GENDERS.join(', ')}` }) gender?: CaseGender;
  /** `{"<language>": {name?, profession?, summary?, charges?}}`, the case's fields in other languages than English. */
  @IsOptional() @IsCaseTranslations(false) translations?: TranslationsChange;
  /** Members may write messages of solidarity (a cards print run needs `messageAddress` too). */
  @IsOptional() @IsBoolean({ message: 'acceptsMessages must be true or false' }) acceptsMessages?: boolean;
  /** Where cards go, such as a prison address with the prisoner's number: lines as printed, newline-separated, no country. Coordinators only see it. */
  @IsOptional() @MessageAddress() messageAddress?: string;
  /** The message address's country; unset: the case's country. */
  @IsOptional() @UpperCase() @CountryCode('messageCountry') messageCountry?: string;
  /** `high`: signers' full names and cities are never sent or printed for the case. Default `normal`. */
  @IsOptional() @IsIn(CASE_RISKS, { message: `risk must be one of ${CASE_RISKS.join(', ')}` }) risk?: CaseRisk;
}

// A column that cannot be empty may be left out of a change, but not set to null: null would
// reach the NOT NULL constraint as a 500 instead of a 400 naming the field.
const PresentOrAbsent = () => ValidateIf((_object: unknown, value: unknown) => value !== undefined);

export class UpdateCaseDto {
  @PresentOrAbsent() @Trim() @IsString() @Length(1, 200) @OneLine() name?: string;
  @PresentOrAbsent() @UpperCase() @IsISO31661Alpha2({ message: 'country must be an ISO 3166-1 alpha-2 code' }) country?: string;
  @IsOptional() @Trim() @IsString() @Length(1, 200) @OneLine() profession?: string;
  @PresentOrAbsent() @IsIn(CASE_STATUSES, { message: `status must be one of ${CASE_STATUSES.join(', ')}` }) status?: CaseStatus;
  @PresentOrAbsent() @Trim() @IsString() @Length(1, 10_000) summary?: string;
  @IsOptional() @IsISO8601({ strict: true, strictSeparator: true }, { message: 'detainedOn must be a date (YYYY-MM-DD)' }) @Length(10, 10, { message: 'detainedOn must be a date (YYYY-MM-DD)' }) detainedOn?: string;
  @IsOptional() @Trim() @IsString() @Length(1, 2000) charges?: string;
  @PresentOrAbsent() @IsArray() @ArrayMaxSize(20) @IsString({ each: true }) @Length(1, 50, { each: true }) tags?: string[];
  /** null clears it: the templates then use wording that needs no gender. */
  @IsOptional() @IsIn(CASE_GENDERS, { message: `gender must be one of ${CASE_GENDERS.join(', ')}` }) gender?: CaseGender | null;
  /** Merged into the stored translations: null for a language or a field clears it, null for the whole clears all. */
  @IsOptional() @IsCaseTranslations(true) translations?: TranslationsChange | null;
  @PresentOrAbsent() @IsBoolean({ message: 'acceptsMessages must be true or false' }) acceptsMessages?: boolean;
  /** null clears it. */
  @IsOptional() @MessageAddress() messageAddress?: string | null;
  /** null: back to the case's country. */
  @IsOptional() @UpperCase() @CountryCode('messageCountry') messageCountry?: string | null;
  /** Letters rendered from then on follow it (queued ones too: a letter is rendered when it is sent). */
  @PresentOrAbsent() @IsIn(CASE_RISKS, { message: `risk must be one of ${CASE_RISKS.join(', ')}` }) risk?: CaseRisk;
}

export class CreateCaseEventDto {
  @IsISO8601({ strict: true, strictSeparator: true }, { message: 'occurredOn must be a date (YYYY-MM-DD)' }) @Length(10, 10, { message: 'occurredOn must be a date (YYYY-MM-DD)' }) occurredOn: string;
  @Trim() @IsString() @Length(1, 50) @OneLine() kind: string;
  @Trim() @IsString() @Length(1, 5000) description: string;
  @IsOptional() @IsUrl({ protocols: ['http', 'https'], require_protocol: true }, { message: 'sourceUrl must be an http(s) URL' }) @MaxLength(2000) sourceUrl?: string;
}

export class CaseEventView {
  @ApiId() id: string;
  @ApiId() caseId: string;
  @ApiProperty({ format: 'date', example: '2024-05-14' }) occurredOn: string;
  @ApiProperty({ example: 'arrest' }) kind: string;
  @ApiProperty() description: string;
  @ApiNullable({ format: 'uri' }) sourceUrl: string | null;
  @ApiTimestamp() createdAt: Date;
}

/** The case fields in one language. */
export class CaseTranslationView {
  @ApiProperty({ required: false }) name?: string;
  @ApiProperty({ required: false }) profession?: string;
  @ApiProperty({ required: false }) summary?: string;
  @ApiProperty({ required: false }) charges?: string;
}

export class CaseView {
  @ApiId() id: string;
  @ApiProperty() name: string;
  @ApiProperty({ description: 'ISO 3166-1 alpha-2', example: 'TJ' }) country: string;
  @ApiNullable() profession: string | null;
  @ApiProperty({ enum: CASE_STATUSES }) status: CaseStatus;
  @ApiProperty() summary: string;
  @ApiNullable({ format: 'date' }) detainedOn: string | null;
  @ApiNullable() charges: string | null;
  @ApiProperty({ type: [String] }) tags: string[];
  @ApiNullable({ enum: CASE_GENDERS, description: 'female or male; null: wording that needs none' }) gender: CaseGender | null;
  @ApiProperty({
    description: 'Per language: the case fields in that language, given by the coordinator',
    type: 'object',
    additionalProperties: {
      type: 'object',
      properties: { name: { type: 'string' }, profession: { type: 'string' }, summary: { type: 'string' }, charges: { type: 'string' } },
    },
    example: { ru: { name: 'Рухшона Хакимова', profession: 'журналист' } },
  })
  translations: Record<string, CaseTranslationView>;
  @ApiProperty({ description: 'Members may write a message of solidarity to the person (POST /api/cases/:id/messages)' }) acceptsMessages: boolean;
  @ApiProperty({ required: false, nullable: true, type: String, description: 'Coordinators and admins only (never in a member\'s answer): where cards go, the lines as printed, newline-separated, without the country' })
  messageAddress?: string | null;
  @ApiProperty({ required: false, type: String, description: "Coordinators and admins only: ISO 3166-1 alpha-2 of the message address (the case's country unless set)", example: 'TJ' })
  messageCountry?: string;
  @ApiProperty({ enum: CASE_RISKS, description: "high: letters never carry a signer's full name or city (initials or anonymous only)" }) risk: CaseRisk;
  @ApiTimestamp() createdAt: Date;
  @ApiTimestamp() updatedAt: Date;
}

/** A case with its timeline, oldest event first. */
export class CaseWithEventsView extends CaseView {
  @ApiProperty({ type: [CaseEventView] }) events: CaseEventView[];
}

export function toCaseEventView(event: CaseEvent): CaseEventView {
  const { id, caseId, occurredOn, kind, description, sourceUrl, createdAt } = event;
  return { id, caseId, occurredOn, kind, description, sourceUrl, createdAt };
}

/** Who reads a case: staff see where its cards go, members never do. */
export type CaseAudience = 'staff' | 'member';

export function toCaseView(record: Case, audience: CaseAudience): CaseView {
  const { id, name, country, profession, status, summary, detainedOn, charges, tags, gender, translations, acceptsMessages, risk, createdAt, updatedAt } = record;
  const view: CaseView = { id, name, country, profession, status, summary, detainedOn, charges, tags, gender, translations: translations ?? {}, acceptsMessages, risk, createdAt, updatedAt };
  if (audience === 'staff') Object.assign(view, { messageAddress: record.messageAddress, messageCountry: record.messageCountry ?? country });
  return view;
}
