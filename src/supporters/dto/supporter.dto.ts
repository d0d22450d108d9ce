import { Transform } from 'class-transformer';
import { IsBoolean, IsEmail, IsIn, IsISO31661Alpha2, IsOptional, IsString, Length, Matches, MaxLength, MinLength } from 'class-validator';
import { ROLES, Role, SIGNATURE_STYLES, SignatureStyle, Supporter } from '../supporter.entity';

const trim = ({ value }: { value: unknown }) => (typeof value === 'string' ? value.trim() : value);
const upper = ({ value }: { value: unknown }) => (typeof value === 'string' ? value.trim().toUpperCase() : value);
const lower = ({ value }: { value: unknown }) => (typeof value === 'string' ? value.trim().toLowerCase() : value);

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
export interface SupporterView {
  id: string;
  email: string;
  name: string;
  country: string;
  city: string | null;
  language: string;
  role: Role;
  autoSign: boolean;
  signatureStyle: SignatureStyle;
  active: boolean;
  createdAt: Date;
}

export function toSupporterView(supporter: Supporter): SupporterView {
  const { id, email, name, country, city, language, role, autoSign, signatureStyle, active, createdAt } = supporter;
  return { id, email, name, country, city, language, role, autoSign, signatureStyle, active, createdAt };
}

export interface ImportReport {
  created: number;
  updated: number;
  skipped: number;
  errors: { line: number; message: string }[];
}
