import { RetentionRepository } from './retention.repository';
import { RetentionService } from './retention.service';

function setup(batches: { letters: number[]; notes: number[]; messages: number[] }) {
  const cutoffs: Date[] = [];
  const from = (counts: number[]) => (before: Date) => {
    cutoffs.push(before);
    return Promise.resolve(counts.shift() ?? 0);
  };
  const mocks = {
    retention: { unlinkLetters: jest.fn(from(batches.letters)), clearNotes: jest.fn(from(batches.notes)), scrubMessages: jest.fn(from(batches.messages)) },
  };
  const sut = new RetentionService(mocks.retention as unknown as RetentionRepository);
  return { sut, mocks, cutoffs };
}

describe(RetentionService.name, () => {
  it('repeats each batch until one changes nothing, and adds them up', async () => {
    const { sut, mocks } = setup({ letters: [5000, 5000, 12], notes: [3], messages: [] });
    await expect(sut.scrub(30, new Date('2026-06-01T00:00:00Z'), 5000)).resolves.toEqual({ letters: 10_012, notes: 3, messages: 0 });
    expect(mocks.retention.unlinkLetters).toHaveBeenCalledTimes(4);
    expect(mocks.retention.clearNotes).toHaveBeenCalledTimes(2);
    expect(mocks.retention.scrubMessages).toHaveBeenCalledTimes(1);
    expect(mocks.retention.unlinkLetters).toHaveBeenCalledWith(expect.any(Date), 5000);
  });

  it('cuts off RETENTION_DAYS before now', async () => {
    const { sut, cutoffs } = setup({ letters: [], notes: [], messages: [] });
    await sut.scrub(30, new Date('2026-06-01T00:00:00Z'));
    expect(cutoffs.map((cutoff) => cutoff.toISOString())).toEqual(Array(3).fill('2026-05-02T00:00:00.000Z'));
  });
});
