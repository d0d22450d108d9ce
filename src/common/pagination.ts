import { Type as ClassType } from '@nestjs/common';
import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { IsInt, IsOptional, Max, Min } from 'class-validator';

export class PageQuery {
  // Bounded so that the row offset, (page - 1) * limit, stays far inside Postgres' bigint.
  @ApiPropertyOptional({ type: 'integer', minimum: 1, maximum: 1_000_000, default: 1 })
  @IsOptional() @Type(() => Number) @IsInt() @Min(1) @Max(1_000_000) page = 1;
  @ApiPropertyOptional({ type: 'integer', minimum: 1, maximum: 500, default: 50 })
  @IsOptional() @Type(() => Number) @IsInt() @Min(1) @Max(500) limit = 50;
}

export interface Page<T> {
  items: T[];
  total: number;
  page: number;
  limit: number;
}

const pages = new Map<ClassType, ClassType>();

/** A documented page of `item`s, named `<Item>Page` in the OpenAPI document (one class per item). */
export function PageOf<T>(item: ClassType<T>): ClassType<Page<T>> {
  const known = pages.get(item) as ClassType<Page<T>> | undefined;
  if (known) return known;
  class PageOfItems implements Page<T> {
    @ApiProperty({ type: [item] }) items: T[];
    @ApiProperty({ type: 'integer', description: 'Records in the whole list' }) total: number;
    @ApiProperty({ type: 'integer', minimum: 1 }) page: number;
    @ApiProperty({ type: 'integer', minimum: 1, maximum: 500 }) limit: number;
  }
  Object.defineProperty(PageOfItems, 'name', { value: `${item.name.replace(/(Response|View)$/, '')}Page` });
  pages.set(item, PageOfItems);
  return PageOfItems;
}
