import { ArrayMaxSize, ArrayMinSize, ArrayUnique, IsArray, IsIn, IsOptional, IsString, IsUUID, Length, MaxLength } from 'class-validator';
import { OneLine, Trim } from '../../common/validation';
import { SIGNATURE_STYLES, SignatureStyle } from '../../supporters/supporter.entity';

export class CreateAppealDto {
  @IsUUID('all', { message: 'caseId must be a UUID' }) caseId: string;
  @Trim() @IsString() @Length(1, 200) @OneLine() title: string;
  @IsArray() @ArrayMinSize(1) @ArrayMaxSize(20) @ArrayUnique() @IsUUID('all', { each: true, message: 'templateIds must hold UUIDs' }) templateIds: string[];
  @IsArray() @ArrayMinSize(1) @ArrayMaxSize(200) @ArrayUnique() @IsUUID('all', { each: true, message: 'officialIds must hold UUIDs' }) officialIds: string[];
  @IsOptional() @IsIn(['email'], { message: 'channel must be email' }) channel?: 'email';
}

export class SignAppealDto {
  @IsOptional() @IsString() @MaxLength(2000) note?: string;
  @IsOptional() @IsIn(SIGNATURE_STYLES, { message: `signatureStyle must be one of ${SIGNATURE_STYLES.join(', ')}` }) signatureStyle?: SignatureStyle;
}
