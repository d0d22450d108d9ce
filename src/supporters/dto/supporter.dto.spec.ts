import { BadRequestException } from '@nestjs/common';
import { Transform, Type } from 'class-transformer';
import { IsIn, IsInt, IsOptional, IsString, IsUUID, Matches, Max, MaxLength, Min } from 'class-validator';
import { ROLES } from '../../common/auth/roles';
import { validationPipe } from '../../common/validation-pipe';
import { memberSearchOf } from './supporter.dto';

const unsetIfEmpty = ({ value }: { value: unknown }) => (value === '' ? undefined : value);

/** The DTO the members list's query string went through before memberSearchOf: the rules it must keep. */
class MemberSearchDto {
  @IsOptional() @IsString() @MaxLength(200) q?: string;
  @Transform(unsetIfEmpty) @IsOptional() @IsIn(ROLES) role?: string;
  @Transform(unsetIfEmpty) @IsOptional() @IsIn(['true', 'false']) active?: string;
  @Transform(unsetIfEmpty) @IsOptional() @Matches(/^[a-z]{2}$/) language?: string;
  @Transform(unsetIfEmpty) @IsOptional() @IsUUID() after?: string;
  @IsOptional() @Type(() => Number) @IsInt() @Min(1) @Max(200) limit = 50;
}

async function throughPipe(query: Record<string, unknown>): Promise<object | 'refused'> {
  try {
    const value = (await validationPipe().transform({ ...query }, { type: 'query', metatype: MemberSearchDto })) as Record<string, unknown>;
    // Only the filters it set: class-transformer leaves the fields it did not see undefined.
    return Object.fromEntries(Object.entries(value).filter(([, field]) => field !== undefined));
  } catch (error) {
    if (error instanceof BadRequestException) return 'refused';
    throw error;
  }
}

function throughParse(query: Record<string, unknown>): object | 'refused' {
  try {
    return { ...memberSearchOf(query) };
  } catch (error) {
    if (error instanceof BadRequestException) return 'refused';
    throw error;
  }
}

const UUID = '0193a0b2-0000-7000-8000-00000000000a';

const QUERIES: Record<string, unknown>[] = [
  {},
  { q: '' },
  { q: '  Anna  ' },
  { q: 'x'.repeat(200) },
  { q: 'x'.repeat(201) },
  { q: ['a', 'b'] },
  { q: { a: '1' } },
  { role: '' },
  { role: 'admin' },
  { role: 'boss' },
  { role: ['admin'] },
  { active: 'true' },
  { active: 'false' },
  { active: 'yes' },
  { active: '' },
  { language: 'ru' },
  { language: 'RU' },
  { language: 'rus' },
  { language: '' },
  { language: ['ru'] },
  { after: UUID },
  { after: UUID.toUpperCase() },
  { after: 'not-a-uuid' },
  { after: '' },
  { after: [UUID] },
  { limit: '20' },
  { limit: '200' },
  { limit: '201' },
  { limit: '0' },
  { limit: '' },
  { limit: ' 5 ' },
  { limit: '5.5' },
  { limit: '5.0' },
  { limit: '1e2' },
  { limit: '0x10' },
  { limit: 'abc' },
  { limit: ['5'] },
  { foo: '1' },
  { _csrf: 'x' },
  { constructor: 'x' },
  { q: 'a', role: 'member', active: 'true', language: 'en', after: UUID, limit: '50' },
];

describe('memberSearchOf', () => {
  it.each(QUERIES.map((query) => [JSON.stringify(query), query]))('reads %s as the DTO under the ValidationPipe did', async (_name, query) => {
    await expect(throughPipe(query as Record<string, unknown>)).resolves.toEqual(throughParse(query as Record<string, unknown>));
  });

  it('refuses with a message naming each bad field', () => {
    expect(() => memberSearchOf({ role: 'boss', after: 'x', extra: '1' })).toThrow(BadRequestException);
    try {
      memberSearchOf({ role: 'boss', after: 'x', extra: '1' });
    } catch (error) {
      const { message } = (error as BadRequestException).getResponse() as { message: string[] };
      expect(message.map((line) => line.split(' ')[0])).toEqual(['property', 'role', 'after']);
      expect(message[0]).toContain('extra');
    }
  });
});
