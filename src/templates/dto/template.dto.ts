import { IsIn, IsOptional, IsString, IsUUID, Length } from 'class-validator';
import { ApiProperty } from '@nestjs/swagger';
import { ApiId, ApiTimestamp } from '../../common/api-properties';
import { LanguageCode, LfLineBreaks, LowerCase, OneLine, Trim } from '../../common/validation';
import { TEMPLATE_KINDS, TemplateKind } from '../template-engine';
import type { Template } from '../template.entity';
import type { TemplateVersion } from '../template-version.entity';

export class CreateTemplateDto {
  @Trim() @IsString() @Length(1, 200) @OneLine() name: string;
  @IsIn(TEMPLATE_KINDS, { message: `kind must be one of ${TEMPLATE_KINDS.join(', ')}` }) kind: TemplateKind;
  @LowerCase() @LanguageCode() language: string;
  @LfLineBreaks() @IsString() @Length(1, 500) subject: string;
  @LfLineBreaks() @IsString() @Length(1, 50_000) body: string;
}

/** Any of a template's texts; its kind and language stay (an appeal chose it for them). */
export class UpdateTemplateDto {
  @IsOptional() @Trim() @IsString() @Length(1, 200) @OneLine() name?: string;
  @IsOptional() @LfLineBreaks() @IsString() @Length(1, 500) subject?: string;
  @IsOptional() @LfLineBreaks() @IsString() @Length(1, 50_000) body?: string;
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
  @ApiProperty({ type: 'integer', minimum: 1, description: 'The current version: a new one whenever subject or body change' }) version: number;
  @ApiTimestamp() createdAt: Date;
  @ApiTimestamp() updatedAt: Date;
}

/** One saved text of a template; a letter keeps the version it was rendered from. */
export class TemplateVersionView {
  @ApiId() id: string;
  @ApiProperty({ type: 'integer', minimum: 1 }) version: number;
  @ApiProperty({ description: 'Handlebars' }) subject: string;
  @ApiProperty({ description: 'Handlebars' }) body: string;
  @ApiTimestamp() createdAt: Date;
}

/** A template with every version it has had, newest first. */
export class TemplateWithVersionsView extends TemplateView {
  @ApiProperty({ type: [TemplateVersionView] }) versions: TemplateVersionView[];
}

export function toTemplateView(template: Template): TemplateView {
  const { id, name, kind, language, subject, body, version, createdAt, updatedAt } = template;
  return { id, name, kind, language, subject, body, version, createdAt, updatedAt };
}

export function toTemplateVersionView(version: TemplateVersion): TemplateVersionView {
  const { id, subject, body, createdAt } = version;
  return { id, version: version.version, subject, body, createdAt };
}

/** A letter as it would be sent. */
export class RenderedLetterView {
  @ApiProperty() subject: string;
  @ApiProperty() body: string;
}
