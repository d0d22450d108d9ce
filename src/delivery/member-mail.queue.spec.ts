import type { QalamConfig } from '../config/config';
import { JobName } from './jobs';
import { MemberMailQueue, memberMailJobId } from './member-mail.queue';

function setup() {
  const addBulk = jest.fn(async (_jobs: { name: string; data: unknown; opts: { jobId: string } }[]) => []);
  const sut = new MemberMailQueue({ addBulk, on: jest.fn() } as unknown as ConstructorParameters<typeof MemberMailQueue>[0], { retryDelayMs: 1000 } as QalamConfig, { watch: { lost: jest.fn() } } as unknown as ConstructorParameters<typeof MemberMailQueue>[2]);
  return { sut, mocks: { addBulk } };
}

const ids = (count: number) => Array.from({ length: count }, (_, n) => `00000000-0000-4000-8000-${n.toString().padStart(12, '0')}`);
const CYCLE = '11111111-1111-4111-8111-111111111111';

describe(MemberMailQueue.name, () => {
  it('queues members in batches of ids only, with ids BullMQ accepts', async () => {
    const { sut, mocks } = setup();
    await expect(sut.enqueue('invitation', CYCLE, ids(250))).resolves.toBe(3);
    const jobs = mocks.addBulk.mock.calls.flatMap(([batch]) => batch);
    expect(jobs.map((job) => (job.data as { supporterIds: string[] }).supporterIds.length)).toEqual([100, 100, 50]);
    for (const job of jobs) {
      expect(job.name).toBe(JobName.SendMemberMail);
      expect(Object.keys(job.data as object).sort()).toEqual(['cycleId', 'kind', 'supporterIds']);
      expect(job.opts.jobId).toMatch(/^member-invitation-[0-9a-f-]+-[A-Za-z0-9_-]{22}$/);
      expect(job.opts.jobId).not.toContain(':');
    }
    expect(new Set(jobs.map((job) => job.opts.jobId)).size).toBe(3);
  });

  it('names the same members of the same cycle the same job, so a repeat adds nothing new', () => {
    const members = ids(3);
    expect(memberMailJobId({ kind: 'reminder', cycleId: CYCLE, supporterIds: members })).toBe(memberMailJobId({ kind: 'reminder', cycleId: CYCLE, supporterIds: [...members] }));
    expect(memberMailJobId({ kind: 'reminder', cycleId: CYCLE, supporterIds: members })).not.toBe(memberMailJobId({ kind: 'invitation', cycleId: CYCLE, supporterIds: members }));
    expect(memberMailJobId({ kind: 'confirmation', cycleId: null, supporterIds: members.slice(0, 1) })).toMatch(/^member-confirmation-none-/);
  });
});
