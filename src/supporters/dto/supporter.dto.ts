import { BadRequestException } from '@nestjs/common';
import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Transform } from 'class-transformer';
import { IsBoolean, IsEmail, IsIn, isIn, isInt, IsISO31661Alpha2, IsOptional, IsString, isUUID, Length, Matches, matches, max, MaxLength, maxLength, min, MinLength } from 'class-validator';
import { ApiCount, ApiId, ApiNullable, ApiTimestamp } from '../../common/api-properties';
import { ROLES, Role } from '../../common/auth/roles';
import { SIGNATURE_STYLES, SignatureStyle, Supporter } from '../supporter.entity';

const trim = ({ value }: { value: unknown }) => (typeof value === 'string' ? value.trim() : value);
const upper = ({ value }: { value: unknown }) => (typeof value === 'string' ? value.trim().toUpperCase() : value);
const lower = ({ value }: { value: unknown }) => (typeof value === 'string' ? value.trim().toLowerCase() : value);
/** A filter form's "any" choice arrives as an empty field: no filter, not a bad value. */
const unsetIfEmpty = ({ value }: { value: unknown }) => (value === '' ? undefined : value);

export class CreateSupporterDto {
  @Transform(lower) @IsEmail({}, { message: 'email must be an email address' }) @MaxLength(254)
  email: string;

  @Transform(trim) @IsString() @Length(1, 200) @Matches(/^[^\r\n\t\u0000-\u001f]*$/, { message: 'name must be one line without control characters' })
  name: string;

  @Transform(upper) @IsISO31661Alpha2({ message: 'country must be an ISO 3166-1 alpha-2 code' })
  country: string;

  @IsOptional() @Transform(trim) @IsString() @Length(1, 120) @Matches(/^[^\r\n\t\u0000-\u001f]*$/, { message: 'city must be one line without control characters' })
  city?: string;

  @IsOptional() @Transform(lower) @Matches(/^[a-z]{2}$/, { message: 'language must be a two-letter ISO 639-1 code' })
  language?: string;

  @IsOptional() @IsString() @MinLength(8) @MaxLength(200)
  password?: string;

  @IsOptional() @IsIn(ROLES, { message: `role must be one of ${ROLES.join(', ')}` })
  role?: Role;

  @IsOptional() @IsBoolean()
  autoSign?: boolean;

  @IsOptional() @IsIn(SIGNATURE_STYLES, { message: `signatureStyle must be one of ${SIGNATURE_STYLES.join(', ')}` })
  signatureStyle?: SignatureStyle;
}

/** What the API shows of a supporter: never the password hash. */
export class SupporterView {
  @ApiId() id: string;
  @ApiProperty() email: string;
  @ApiProperty() name: string;
  @ApiProperty({ description: 'ISO 3166-1 alpha-2', example: 'TJ' }) country: string;
  @ApiNullable() city: string | null;
  @ApiProperty({ description: 'ISO 639-1', example: 'en' }) language: string;
  @ApiProperty({ enum: ROLES }) role: Role;
  @ApiProperty() autoSign: boolean;
  @ApiProperty({ enum: SIGNATURE_STYLES }) signatureStyle: SignatureStyle;
  @ApiProperty() active: boolean;
  @ApiTimestamp() createdAt: Date;
}

export function toSupporterView(supporter: Supporter): SupporterView {
  const { id, email, name, country, city, language, role, autoSign, signatureStyle, active, createdAt } = supporter;
  return { id, email, name, country, city, language, role, autoSign, signatureStyle, active, createdAt };
}

export class ImportProblem {
  @ApiProperty({ type: 'integer', description: "The CSV line, the header being line 1" }) line: number;
  @ApiProperty() message: string;
}

export class ImportReport {
  @ApiCount() created: number;
  @ApiCount() updated: number;
  @ApiCount() skipped: number;
  @ApiProperty({ type: [ImportProblem] }) errors: ImportProblem[];
}

/** One of a supporter's own letters, with what it was for and to whom. */
export class MyLetterView {
  @ApiId() id: string;
  @ApiProperty({ example: 'sent' }) status: string;
  @ApiId() appealId: string;
  @ApiProperty() appealTitle: string;
  @ApiId() caseId: string;
  @ApiProperty() caseName: string;
  @ApiId() officialId: string;
  @ApiProperty() officialName: string;
  @ApiProperty() officialTitle: string;
  @ApiTimestamp({ nullable: true }) sentAt: Date | null;
  @ApiTimestamp() createdAt: Date;
  @ApiNullable({ enum: ['held', 'approved', 'rejected'], description: "The note's moderation: held (the letter waits for a coordinator), approved, rejected (the letter went without the note); null when not moderated" })
  noteStatus: 'held' | 'approved' | 'rejected' | null;
}

/** PATCH /api/supporters/:id: deactivate (or reactivate) a supporter, or set their role (admins only). */
export class UpdateSupporterDto {
  @ApiPropertyOptional({ description: 'false deactivates: no more mail, and a staff account is signed out' })
  @IsOptional() @IsBoolean()
  active?: boolean;

  @ApiPropertyOptional({ enum: ROLES, description: 'Admins only' })
  @IsOptional() @IsIn(ROLES, { message: `role must be one of ${ROLES.join(', ')}` })
  role?: Role;
}

/** The members list's filters (the console's /console/members), a page of `limit` after `after`. */
export interface MemberSearchQuery {
  q?: string;
  role?: Role;
  active?: 'true' | 'false';
  language?: string;
  after?: string;
  limit: number;
}

const MEMBER_SEARCH_FIELDS: ReadonlySet<string> = new Set(['q', 'role', 'active', 'language', 'after', 'limit']);

/**
 * The members list's query string as its filters, with the rules a DTO under the global
 * ValidationPipe would apply (class-validator's own checks, an unknown field refused, a
 * filter form's "any" choice, an empty field, being no filter), without the class-transformer
 * and metadata walk a DTO costs on every page. Throws a 400 naming each bad field.
 */
export function memberSearchOf(query: Record<string, unknown>): MemberSearchQuery {
  const problems: string[] = [];
  const search: MemberSearchQuery = { limit: 50 };
  // class-transformer drops `__proto__` and `constructor` before the whitelist sees them: so here.
  for (const field of Object.keys(query)) if (!MEMBER_SEARCH_FIELDS.has(field) && field !== '__proto__' && field !== 'constructor') problems.push(`property ${field} should not exist`);
  const { q, limit } = query;
  const role = unsetIfEmpty({ value: query.role });
  const active = unsetIfEmpty({ value: query.active });
  const language = unsetIfEmpty({ value: query.language });
  const after = unsetIfEmpty({ value: query.after });
  if (q !== undefined) {
    if (typeof q === 'string' && maxLength(q, 200)) search.q = q;
    else problems.push('q must be a string of at most 200 characters');
  }
  if (role !== undefined) {
    if (isIn(role, ROLES)) search.role = role as Role;
    else problems.push(`role must be one of ${ROLES.join(', ')}`);
  }
  if (active !== undefined) {
    if (isIn(active, ['true', 'false'])) search.active = active as 'true' | 'false';
    else problems.push('active must be true or false');
  }
  if (language !== undefined) {
    if (typeof language === 'string' && matches(language, /^[a-z]{2}$/)) search.language = language;
    else problems.push('language must be a two-letter code');
  }
  if (after !== undefined) {
    if (typeof after === 'string' && isUUID(after)) search.after = after;
    else problems.push('after must be a UUID');
  }
  if (limit !== undefined) {
    // As @Type(() => Number): a text's Number(), then a whole number from 1 to 200.
    const number = typeof limit === 'string' ? Number(limit) : NaN;
    if (isInt(number) && min(number, 1) && max(number, 200)) search.limit = number;
    else problems.push('limit must be a whole number from 1 to 200');
  }
  if (problems.length > 0) throw new BadRequestException(problems);
  return search;
}
