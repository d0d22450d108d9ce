import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Transform, Type } from 'class-transformer';
import { IsBoolean, IsEmail, IsIn, IsInt, IsISO31661Alpha2, IsOptional, IsString, IsUUID, Length, Matches, Max, MaxLength, Min, MinLength } from 'class-validator';
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

/** The members list's filters (the console's /console/members), a page after `after`. */
export class MemberSearchQuery {
  @IsOptional() @IsString() @MaxLength(200) q?: string;
  @Transform(unsetIfEmpty) @IsOptional() @IsIn(ROLES) role?: Role;
  @Transform(unsetIfEmpty) @IsOptional() @IsIn(['true', 'false']) active?: 'true' | 'false';
  @Transform(unsetIfEmpty) @IsOptional() @Matches(/^[a-z]{2}$/) language?: string;
  @Transform(unsetIfEmpty) @IsOptional() @IsUUID() after?: string;
  @IsOptional() @Type(() => Number) @IsInt() @Min(1) @Max(200) limit = 50;
}
