import { classify } from './mail-transport.service';

describe('classify', () => {
  it('fails a 5xx at once and marks it permanent', () => {
    expect(classify({ responseCode: 550, response: '550 5.1.1 mailbox unavailable' }, true)).toEqual({ kind: 'failed', detail: '550 5.1.1 mailbox unavailable', permanent: true });
  });

  it('retries a 4xx whether or not the message went out', () => {
    expect(classify({ responseCode: 451, response: '451 try later' }, true).kind).toBe('retry');
    expect(classify({ responseCode: 421, response: '421 closing' }, false).kind).toBe('retry');
  });

  it('retries a connection error before the message was handed over', () => {
    expect(classify({ code: 'ECONNECTION', message: 'Connection closed unexpectedly' }, false)).toEqual({ kind: 'retry', detail: 'ECONNECTION: Connection closed unexpectedly', permanent: false });
  });

  it('does not know, and never resends, when no reply came after the message went out', () => {
    expect(classify({ code: 'ETIMEDOUT', message: 'Timeout' }, true).kind).toBe('unknown');
    expect(classify({ code: 'ECONNECTION', message: 'Connection closed unexpectedly' }, true).kind).toBe('unknown');
  });
});
