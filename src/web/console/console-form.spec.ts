import { BadRequestException } from '@nestjs/common';
import { CreateAppealDto } from '../../appeals/dto/appeal.dto';
import { CreateCaseDto } from '../../cases/dto/case.dto';
import { DomainError, NotFoundError } from '../../common/errors';
import { catalogueOf } from '../../common/i18n/messages';
import { validationPipe } from '../../common/validation-pipe';
import { apiBodyOf, fieldOf, formField, numberOf, problemsByField, problemsFor, problemSummary, refusalOf, textOf, validateForm, valuesOf } from './console-form';

const CASE = '0193a0b2-0000-7000-8000-00000000000a';
const TEMPLATE = '0193a0b2-0000-7000-8000-00000000000b';
const OFFICIAL = '0193a0b2-0000-7000-8000-00000000000c';
const APPEAL_FIELDS = ['caseId', 'title', 'templateIds', 'officialIds', 'deadline'];

/** What the JSON API answers for the same body: the messages of its validation pipe. */
async function apiMessages(metatype: new () => object, body: object): Promise<string[]> {
  try {
    await validationPipe().transform(body, { type: 'body', metatype });
    return [];
  } catch (error) {
    return ((error as BadRequestException).getResponse() as { message: string[] }).message;
  }
}

describe('apiBodyOf', () => {
  it('reads a urlencoded body as the JSON API body: repeated fields as arrays, one value as an array of one, none as []', () => {
    const body = apiBodyOf({ _csrf: 'token', caseId: CASE, title: 'Free her', templateIds: TEMPLATE, officialIds: [OFFICIAL, ' ', ''] }, { arrays: ['templateIds', 'officialIds', 'tags'] });
    expect(body).toEqual({ caseId: CASE, title: 'Free her', templateIds: [TEMPLATE], officialIds: [OFFICIAL], tags: [] });
  });

  it('leaves out an empty optional field, keeps an empty required one (so the DTO names it), and takes the last of a repeated plain field', () => {
    expect(apiBodyOf({ title: '', deadline: '', channel: 'email' }, { optional: ['deadline', 'channel'] })).toEqual({ title: '', channel: 'email' });
    expect(apiBodyOf({ title: ['first', 'second'] })).toEqual({ title: 'second' });
  });

  it('keeps an unknown field for the DTO to refuse by name, and reads a body that is not an object as empty', () => {
    expect(apiBodyOf({ nickname: 'x' })).toEqual({ nickname: 'x' });
    expect(apiBodyOf(undefined)).toEqual({});
    expect(apiBodyOf('caseId=x')).toEqual({});
  });
});

describe('validateForm', () => {
  it('answers the DTO instance, shaped by the DTO as the API would (a title trimmed)', async () => {
    const checked = await validateForm(CreateAppealDto, { caseId: CASE, title: '  Free her  ', templateIds: [TEMPLATE], officialIds: [OFFICIAL] }, APPEAL_FIELDS);
    expect(checked.problems).toBeNull();
    expect(checked.value).toBeInstanceOf(CreateAppealDto);
    expect(checked.value).toMatchObject({ title: 'Free her', templateIds: [TEMPLATE] });
  });

  it('places the API pipe\'s own messages beside their fields, every field at once; a message naming no field of the form goes under ""', async () => {
    const body = apiBodyOf({ caseId: 'nope', title: '', deadline: '2026-13-40', nickname: 'x' }, { arrays: ['templateIds', 'officialIds'], optional: ['deadline'] });
    const checked = await validateForm(CreateAppealDto, body, APPEAL_FIELDS);
    expect(checked.value).toBeNull();
    const problems = checked.problems!;
    expect(Object.keys(problems).sort()).toEqual(['', 'caseId', 'deadline', 'officialIds', 'templateIds', 'title']);
    expect(problems.caseId).toEqual(['caseId must be a UUID']);
    expect(problems.officialIds).toContain('officialIds must contain at least 1 elements');
    expect(problems['']).toEqual(['nickname: property nickname should not exist']);
    // The same messages as the JSON API answers for the same body.
    const api = await apiMessages(CreateAppealDto, body);
    expect([...api].sort()).toEqual(Object.values(problems).flat().sort());
  });

  it('places a nested problem at the deepest field the form has (a translation\'s field, else its language block)', async () => {
    const checked = await validateForm(CreateCaseDto, { name: 'A', country: 'TJ', status: 'detained', summary: 'S', translations: { ru: { name: '' } } }, ['name', 'translations', 'translations.ru.name']);
    expect(Object.keys(checked.problems ?? {})).toEqual(['translations.ru.name']);
    const shallow = await validateForm(CreateCaseDto, { name: 'A', country: 'TJ', status: 'detained', summary: 'S', translations: { ru: { name: '' } } }, ['name', 'translations']);
    expect(Object.keys(shallow.problems ?? {})).toEqual(['translations']);
  });
});

describe('problemsByField', () => {
  it('groups messages by the longest field their path names, the rest under ""', () => {
    expect(fieldOf('translations.ru.name', ['translations', 'translations.ru.name'])).toBe('translations.ru.name');
    expect(fieldOf('translations.tg.name', ['translations', 'translations.ru.name'])).toBe('translations');
    expect(fieldOf('title', ['caseId'])).toBe('');
    const problems = problemsByField(['templateIds: no such template', 'title must be shorter', 'something went wrong'], APPEAL_FIELDS);
    expect(problems).toEqual({ templateIds: ['templateIds: no such template'], title: ['title must be shorter'], '': ['something went wrong'] });
    expect(problemsFor(problems, 'caseId')).toEqual([]);
  });
});

describe('refusalOf', () => {
  it('shows on the form what the API answers 400, by field; anything else is not the form\'s', () => {
    expect(refusalOf(new DomainError('appeal_invalid', ['templateIds: no such template', 'officialIds: no such official']), APPEAL_FIELDS)).toEqual({
      templateIds: ['templateIds: no such template'],
      officialIds: ['officialIds: no such official'],
    });
    expect(refusalOf(new DomainError('case_unknown', 'caseId: no such case'), APPEAL_FIELDS)).toEqual({ caseId: ['caseId: no such case'] });
    expect(refusalOf(new NotFoundError('Case'), APPEAL_FIELDS)).toBeNull();
    expect(refusalOf(new DomainError('appeal_status', 'Cannot launch an appeal that is open'), APPEAL_FIELDS)).toBeNull();
    expect(refusalOf(new DomainError('supporter_admin_only', 'only an admin may do this'), APPEAL_FIELDS)).toBeNull();
    expect(refusalOf(new Error('boom'), APPEAL_FIELDS)).toBeNull();
  });
});

describe('problemSummary', () => {
  it('lists the problems naming no field first, unlinked, then each field\'s, linked to its id', () => {
    const summary = problemSummary(
      [
        { id: 'appeal-caseId', problems: ['caseId must be a UUID'] },
        { id: 'appeal-title', problems: [] },
        { id: 'appeal-deadline', problems: ['deadline must be a date (YYYY-MM-DD)'] },
      ],
      ['nickname: property nickname should not exist'],
    );
    expect(summary).toEqual([
      { href: '', text: 'nickname: property nickname should not exist' },
      { href: '#appeal-caseId', text: 'caseId must be a UUID' },
      { href: '#appeal-deadline', text: 'deadline must be a date (YYYY-MM-DD)' },
    ]);
  });
});

describe('formField', () => {
  const messages = catalogueOf('en');

  it('describes a field for console-field.hbs: optional marked in the label, its hint and problems named by aria-describedby, each problem once', () => {
    const field = formField({ name: 'translations[ru][name]', label: 'Name', hint: 'As written in Russian', problems: ['too long', 'too long'] }, messages);
    expect(field).toMatchObject({ id: 'translations-ru-name', label: 'Name (optional)', problems: ['too long'], describedBy: 'translations-ru-name-hint translations-ru-name-problem', type: 'text', maxlength: 200 });
    expect(formField({ name: 'name', label: 'Name', required: true }, messages)).toMatchObject({ label: 'Name', describedBy: '', problems: [] });
  });

  it('draws a repeated field with at least its minimum of inputs, and checks the chosen boxes', () => {
    const tags = formField({ name: 'tags', label: 'Tag', kind: 'repeated', values: ['poet'], minimum: 3 }, messages);
    expect(tags.values.map((value) => [value.id, value.value])).toEqual([['tags', 'poet'], ['tags-2', ''], ['tags-3', '']]);
    const days = formField({ name: 'officeDays', label: 'Days', kind: 'checkboxes', values: ['2'], options: [{ value: '1', label: 'Monday' }, { value: '2', label: 'Tuesday' }] }, messages);
    expect(days.options.map((option) => option.selected)).toEqual([false, true]);
  });
});

describe('textOf, valuesOf, numberOf', () => {
  it('read one text, a repeated field, and a whole number as the API wants them', () => {
    expect(textOf({ a: ['x', 'y'] }, 'a')).toBe('y');
    expect(textOf({}, 'a')).toBe('');
    expect(valuesOf({ a: [' x ', '', 'y'] }, 'a')).toEqual(['x', 'y']);
    expect(valuesOf({ a: 'x' }, 'a')).toEqual(['x']);
    expect(numberOf(' 20 ')).toBe(20);
    expect(numberOf('twenty')).toBe('twenty');
  });
});
