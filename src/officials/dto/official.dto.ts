import { IsEmail, IsInt, IsISO31661Alpha2, IsOptional, IsString, IsTimeZone, Length, Max, Min, ValidateIf } from 'class-validator';
import { LanguageCode, LowerCase, OneLine, Trim, UpperCase } from '../../common/validation';

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
}
