import { afterEmailGaveUp } from './post-fallback';

describe(afterEmailGaveUp.name, () => {
  it('fails the letter with the answer as it is when the appeal goes by email only', () => {
    expect(afterEmailGaveUp('email', 'refused', '550 5.1.1 Mailbox unavailable')).toEqual({ status: 'failed', channel: null, detail: '550 5.1.1 Mailbox unavailable' });
    expect(afterEmailGaveUp('email', 'no-email', 'the official has no email address')).toEqual({ status: 'failed', channel: null, detail: 'the official has no email address' });
  });

  it('queues an email-then-post letter for post, saying why email gave up', () => {
    expect(afterEmailGaveUp('email-then-post', 'refused', '550 5.1.1 Mailbox unavailable')).toEqual({
      status: 'queued',
      channel: 'post',
      detail: 'refused by email (550 5.1.1 Mailbox unavailable); waits for post',
    });
    expect(afterEmailGaveUp('email-then-post', 'suppressed', 'the address was suppressed after a permanent refusal').detail).toBe(
      'suppressed (the address was suppressed after a permanent refusal); waits for post',
    );
    expect(afterEmailGaveUp('email-then-post', 'no-email', 'the official has no email address').detail).toBe('the official has no email address; waits for post');
    expect(afterEmailGaveUp('email-then-post', 'retries-exhausted', '451 4.7.1 Greylisted')).toEqual({
      status: 'queued',
      channel: 'post',
      detail: 'email failed until its retries ran out (451 4.7.1 Greylisted); waits for post',
    });
  });

  it('keeps the reason within the column’s reach however long the server’s answer', () => {
    const detail = afterEmailGaveUp('email-then-post', 'refused', 'x'.repeat(5000)).detail;
    expect(detail.length).toBeLessThan(600);
    expect(detail.endsWith('; waits for post')).toBe(true);
  });

  it('fails a letter on email-then-post when the official has no postal address either', () => {
    expect(afterEmailGaveUp('email-then-post', 'refused', '550 5.1.1 Mailbox unavailable', false)).toEqual({
      status: 'failed',
      channel: null,
      detail: 'refused by email (550 5.1.1 Mailbox unavailable); the official has no postal address',
    });
  });
});
