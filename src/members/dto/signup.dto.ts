import { ApiProperty } from '@nestjs/swagger';
import { Equals, IsEmail, IsISO31661Alpha2, IsOptional, IsString, Length, Matches, MaxLength } from 'class-validator';
import { LanguageCode, LowerCase, OneLine, Trim, UpperCase } from '../../common/validation';

/** The public signup form: explicit consent, with the version of the text the person agreed to. */
export class SignupDto {
  @LowerCase() @IsEmail({}, { message: 'email must be an email address' }) @MaxLength(254)
  email: string;

  @Trim() @IsString() @Length(1, 200) @OneLine()
  name: string;

  @UpperCase() @IsISO31661Alpha2({ message: 'country must be an ISO 3166-1 alpha-2 code' })
  country: string;

  @IsOptional() @Trim() @IsString() @Length(1, 120) @OneLine()
  city?: string;

  @IsOptional() @LowerCase() @LanguageCode()
  language?: string;

  /** Literally true: letters go out in a member's name only with their explicit consent. */
  @Equals(true, { message: 'consent must be true: letters are signed in your name only with your explicit consent' })
  consent: true;

  @Trim() @IsString() @Length(1, 40) @Matches(/^[A-Za-z0-9._-]+$/, { message: 'consentVersion must name the version of the consent text (letters, digits, . _ -)' })
  consentVersion: string;
}

export type SignupInput = Pick<SignupDto, 'email' | 'name' | 'country' | 'city' | 'language' | 'consent' | 'consentVersion'>;

export class SignupAccepted {
  @ApiProperty({ example: 'Thank you. Check your inbox: we sent you a link to confirm that you want to join.' }) message: string;
}

export class ConfirmedView {
  @ApiProperty({ enum: [true] }) confirmed: true;
}

export class UnsubscribedView {
  @ApiProperty({ enum: [true] }) unsubscribed: true;
}
