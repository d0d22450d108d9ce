import { HttpStatus } from '@nestjs/common';
import { DOMAIN_ERROR_CODES, ERROR_CODES, SYSTEM_ERROR_CODES } from './error-codes';
import { ERROR_STATUS, reasonOf, statusOf } from './error-status';
import { DomainError, NotFoundError, isDomainError } from './errors';

describe('the code-to-status map', () => {
  it('maps every code to an error status with a reason, and nothing else', () => {
    const mapped = Object.keys(ERROR_STATUS).sort();
    expect(mapped).toEqual([...ERROR_CODES].sort());
    for (const code of ERROR_CODES) {
      const status = statusOf(code);
      expect({ code, isError: status >= 400 && status < 600, reason: reasonOf(status) }).toEqual({ code, isError: true, reason: expect.not.stringMatching(/^Error$/) });
    }
  });

  it('lists each code once, domain and system codes apart', () => {
    expect(new Set(ERROR_CODES).size).toBe(ERROR_CODES.length);
    expect(DOMAIN_ERROR_CODES.filter((code) => (SYSTEM_ERROR_CODES as readonly string[]).includes(code))).toEqual([]);
  });

  it('answers no domain code with a 5xx: a refusal of the domain is the client\'s to fix', () => {
    expect(DOMAIN_ERROR_CODES.filter((code) => statusOf(code) >= 500)).toEqual([]);
  });

  it('keeps the statuses the contract gives', () => {
    expect({
      not_found: statusOf('not_found'),
      link_invalid: statusOf('link_invalid'),
      appeal_status: statusOf('appeal_status'),
      appeal_invalid: statusOf('appeal_invalid'),
      link_expired: statusOf('link_expired'),
      database_unavailable: statusOf('database_unavailable'),
      queue_unavailable: statusOf('queue_unavailable'),
      internal: statusOf('internal'),
    }).toEqual({
      not_found: HttpStatus.NOT_FOUND,
      link_invalid: HttpStatus.NOT_FOUND,
      appeal_status: HttpStatus.CONFLICT,
      appeal_invalid: HttpStatus.BAD_REQUEST,
      link_expired: HttpStatus.GONE,
      database_unavailable: HttpStatus.SERVICE_UNAVAILABLE,
      queue_unavailable: HttpStatus.SERVICE_UNAVAILABLE,
      internal: HttpStatus.INTERNAL_SERVER_ERROR,
    });
  });
});

describe('domain errors', () => {
  it('carry a code and messages, and no status', () => {
    const error = new DomainError('appeal_invalid', ['title: required', 'caseId: no such case']);
    expect({ code: error.code, message: error.message, messages: error.messages, name: error.name, status: (error as unknown as { status?: unknown }).status }).toEqual({
      code: 'appeal_invalid',
      message: 'title: required; caseId: no such case',
      messages: ['title: required', 'caseId: no such case'],
      name: 'DomainError',
      status: undefined,
    });
    const missing = new NotFoundError('Appeal');
    expect({ code: missing.code, message: missing.message, messages: missing.messages, name: missing.name }).toEqual({ code: 'not_found', message: 'Appeal not found', messages: ['Appeal not found'], name: 'NotFoundError' });
  });

  it('are told apart by code', () => {
    expect([isDomainError(new NotFoundError('Appeal'), 'not_found', 'appeal_not_open'), isDomainError(new DomainError('appeal_status', 'x'), 'appeal_not_open'), isDomainError(new Error('x')), isDomainError(new DomainError('csv_empty', 'x'))]).toEqual([true, false, false, true]);
  });
});
