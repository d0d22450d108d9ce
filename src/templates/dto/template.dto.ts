import { IsIn, IsOptional, IsString, IsUUID, Length } from 'class-validator';
import { LanguageCode, LowerCase, OneLine, Trim } from '../../common/validation';
import { TEMPLATE_KINDS, TemplateKind } from '../template-engine';

export class CreateTemplateDto {
  @Trim() @IsString() @Length(1, 200) @OneLine() name: string;
  @IsIn(TEMPLATE_KINDS, { message: `kind must be one of ${TEMPLATE_KINDS.join(', ')}` }) kind: TemplateKind;
  @LowerCase() @LanguageCode() language: string;
  @IsString() @Length(1, 500) subject: string;
  @IsString() @Length(1, 50_000) body: string;
}

export class PreviewTemplateDto {
  @IsUUID('all', { message: 'caseId must be a UUID' }) caseId: string;
  @IsUUID('all', { message: 'officialId must be a UUID' }) officialId: string;
  @IsOptional() @IsUUID('all', { message: 'supporterId must be a UUID' }) supporterId?: string;
}
