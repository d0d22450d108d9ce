import { RetentionService } from './retention.service';

function setup(batches: { letters: number[]; notes: number[]; messages: number[]; inbound?: number[] }) {
  const cutoffs: Date[] = [];
  const from = (counts: number[]) => (before: Date) => {
    cutoffs.push(before);
    return Promise.resolve(counts.shift() ?? 0);
  };
  const mocks = {
    letters: { unlinkOld: jest.fn(from(batches.letters)) },
    signatures: { clearOldNotes: jest.fn(from(batches.notes)) },
    messages: { scrubOld: jest.fn(from(batches.messages)) },
    inbound: { scrubOld: jest.fn(from(batches.inbound ?? [])) },
  };
  const sut = new RetentionService(mocks.letters as never, mocks.signatures as never, mocks.messages as never, mocks.inbound as never);
  return { sut, mocks, cutoffs };
}

describe(RetentionService.name, () => {
  it('repeats each batch until one changes nothing, and adds them up', async () => {
    const { sut, mocks } = setup({ letters: [5000, 5000, 12], notes: [3], messages: [], inbound: [7] });
    await expect(sut.scrub(30, new Date('2026-06-01T00:00:00Z'), 5000)).resolves.toEqual({ letters: 10_012, notes: 3, messages: 0, inbound: 7 });
    expect(mocks.letters.unlinkOld).toHaveBeenCalledTimes(4);
    expect(mocks.signatures.clearOldNotes).toHaveBeenCalledTimes(2);
    expect(mocks.messages.scrubOld).toHaveBeenCalledTimes(1);
    expect(mocks.inbound.scrubOld).toHaveBeenCalledTimes(2);
    expect(mocks.letters.unlinkOld).toHaveBeenCalledWith(expect.any(Date), 5000);
  });

  it('cuts off RETENTION_DAYS before now', async () => {
    const { sut, cutoffs } = setup({ letters: [], notes: [], messages: [] });
    await sut.scrub(30, new Date('2026-06-01T00:00:00Z'));
    expect(cutoffs.map((cutoff) => cutoff.toISOString())).toEqual(Array(4).fill('2026-05-02T00:00:00.000Z'));
  });
});
