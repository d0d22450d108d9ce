import { IsIn, IsOptional, IsString, IsUUID, Length } from 'class-validator';
import { ApiProperty } from '@nestjs/swagger';
import { ApiId, ApiTimestamp } from '../../common/api-properties';
import { LanguageCode, LowerCase, OneLine, Trim } from '../../common/validation';
import { TEMPLATE_KINDS, TemplateKind } from '../template-engine';
import type { Template } from '../template.entity';

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

export class TemplateView {
  @ApiId() id: string;
  @ApiProperty() name: string;
  @ApiProperty({ enum: TEMPLATE_KINDS }) kind: TemplateKind;
  @ApiProperty({ description: 'ISO 639-1', example: 'en' }) language: string;
  @ApiProperty({ description: 'Handlebars' }) subject: string;
  @ApiProperty({ description: 'Handlebars' }) body: string;
  @ApiTimestamp() createdAt: Date;
  @ApiTimestamp() updatedAt: Date;
}

export function toTemplateView(template: Template): TemplateView {
  const { id, name, kind, language, subject, body, createdAt, updatedAt } = template;
  return { id, name, kind, language, subject, body, createdAt, updatedAt };
}

/** A letter as it would be sent. */
export class RenderedLetterView {
  @ApiProperty() subject: string;
  @ApiProperty() body: string;
}
