import { ApiProperty, ApiPropertyOptions } from '@nestjs/swagger';

// Shorthands for the response DTOs' documented fields: timestamps leave as ISO 8601 strings.
export const ApiId = (options: ApiPropertyOptions = {}) => ApiProperty({ type: String, format: 'uuid', ...options } as ApiPropertyOptions);
export const ApiTimestamp = (options: ApiPropertyOptions = {}) => ApiProperty({ type: String, format: 'date-time', ...options } as ApiPropertyOptions);
export const ApiCount = (options: ApiPropertyOptions = {}) => ApiProperty({ type: 'integer', minimum: 0, ...options } as ApiPropertyOptions);
/** A field that is always present, null when unset. */
export const ApiNullable = (options: ApiPropertyOptions = {}) => ApiProperty({ type: String, nullable: true, ...options } as ApiPropertyOptions);
