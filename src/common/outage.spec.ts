import { QueryFailedError } from 'typeorm';
import { ConnectionWatch, outageOf, persist } from './outage';

function setup() {
  const lines: string[] = [];
  const logger = { warn: (message: string) => lines.push(`warn ${message}`), log: (message: string) => lines.push(`log ${message}`) };
  return { lines, logger: logger as unknown as ConstructorParameters<typeof ConnectionWatch>[1] };
}

describe('outageOf', () => {
  it('names Postgres for a server going away, starting up or out of reach', () => {
    const shuttingDown = new QueryFailedError('UPDATE letters', [], Object.assign(new Error('the database system is shutting down'), { code: '57P03' }));
    expect(outageOf(shuttingDown)).toBe('postgres');
    expect(outageOf(Object.assign(new Error('terminating connection due to administrator command'), { code: '57P01' }))).toBe('postgres');
    expect(outageOf(Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:5432'), { code: 'ECONNREFUSED' }))).toBe('postgres');
    expect(outageOf(new Error('Connection terminated unexpectedly'))).toBe('postgres');
  });

  it('names Redis for ioredis refusing commands while it reconnects', () => {
    expect(outageOf(Object.assign(new Error('Reached the max retries per request limit (which is 3).'), { name: 'MaxRetriesPerRequestError' }))).toBe('redis');
    expect(outageOf(new Error("Stream isn't writeable and enableOfflineQueue options is false"))).toBe('redis');
    expect(outageOf(new Error('Connection is closed.'))).toBe('redis');
  });

  it('leaves other errors alone: a constraint or a bug is no outage', () => {
    expect(outageOf(new QueryFailedError('INSERT', [], Object.assign(new Error('duplicate key'), { code: '23505' })))).toBeNull();
    expect(outageOf(new TypeError('x is undefined'))).toBeNull();
    expect(outageOf(undefined)).toBeNull();
  });
});

describe(ConnectionWatch.name, () => {
  it('logs one line when a connection goes, none for every retry, one when it is back', () => {
    const { lines, logger } = setup();
    const watch = new ConnectionWatch('Redis (delivery)', logger);
    for (let n = 0; n < 30; n += 1) watch.lost(Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:6379'), { code: 'ECONNREFUSED' }));
    expect(watch.down).toBe(true);
    watch.back();
    watch.back();
    expect(lines).toHaveLength(2);
    expect(lines[0]).toMatch(/^warn Redis \(delivery\) unreachable: ECONNREFUSED/);
    expect(lines[1]).toMatch(/^log Redis \(delivery\) reachable again after \d+\.\d s$/);
  });
});

describe('persist', () => {
  const unreachable = () => Object.assign(new Error('connect ECONNREFUSED'), { code: 'ECONNREFUSED' });

  it('repeats a write through an outage until it commits', async () => {
    let tries = 0;
    const recovered = jest.fn();
    await expect(persist(async () => (++tries < 3 ? Promise.reject(unreachable()) : 'committed'), { patienceMs: 10_000, onRecovered: recovered })).resolves.toBe('committed');
    expect(tries).toBe(3);
    expect(recovered).toHaveBeenCalledWith(3);
  });

  it('throws other errors at once, and outages once its patience or the process runs out', async () => {
    let tries = 0;
    const bug = async () => {
      tries += 1;
      throw Object.assign(new Error('bug'), { code: '42703' });
    };
    await expect(persist(bug, { patienceMs: 10_000 })).rejects.toThrow('bug');
    expect(tries).toBe(1);
    await expect(persist(async () => Promise.reject(unreachable()), { patienceMs: 10_000, keepTrying: () => false })).rejects.toThrow('ECONNREFUSED');
    await expect(persist(async () => Promise.reject(unreachable()), { patienceMs: 0 })).rejects.toThrow('ECONNREFUSED');
  });
});
