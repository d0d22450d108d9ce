import { JwtService } from '@nestjs/jwt';
import { MemberTokenService } from '../supporters/member-token.service';
import { MemberLinksService } from './member-links.service';

const SECRET = 'unit-test-secret-that-is-long-enough-0123';
// Supporters and cycles are named by their ids, uuids.
const S1 = '01a24289-e893-733d-9d40-7ef6b747a74b';
const C1 = '01a2423e-198d-7a5f-a9e1-dc9dfc6710df';

function setup() {
  const jwt = new JwtService({ secret: SECRET, signOptions: { algorithm: 'HS256' }, verifyOptions: { algorithms: ['HS256'] } });
  const tokens = new MemberTokenService(jwt);
  return { sut: new MemberLinksService(tokens, jwt), mocks: { jwt, tokens } };
}

describe(MemberLinksService.name, () => {
  it('reads a valid sign link', () => {
    const { sut, mocks } = setup();
    const token = mocks.tokens.issue('sign', { supporterId: S1, cycleId: C1 });
    expect(sut.resolve('sign', token)).toEqual({ kind: 'valid', claims: { supporterId: S1, cycleId: C1 } });
  });

  it('tells an expired link of ours from one that was never valid', () => {
    const { sut, mocks } = setup();
    const now = Math.floor(Date.now() / 1000);
    const expired = mocks.jwt.sign({ sub: S1, cyc: C1, iat: now - 100, exp: now - 10 }, { audience: 'qalam:sign' });
    expect(sut.resolve('sign', expired)).toEqual({ kind: 'expired' });
    const forged = new JwtService({ secret: 'another-secret-that-is-long-enough-01234' }).sign({ sub: S1, cyc: C1, iat: now - 100, exp: now - 10 }, { audience: 'qalam:sign' });
    expect(sut.resolve('sign', forged)).toEqual({ kind: 'invalid' });
    // An expired link for another purpose is not "expired" here: it never opened this page.
    const otherPurpose = mocks.jwt.sign({ sub: S1, iat: now - 100, exp: now - 10 }, { audience: 'qalam:unsubscribe' });
    expect(sut.resolve('sign', otherPurpose)).toEqual({ kind: 'invalid' });
    expect(sut.resolve('sign', 'not.a.token')).toEqual({ kind: 'invalid' });
  });

  it('refuses a link of ours that names no supporter, or a cycle, by an id, fresh or expired', () => {
    const { sut, mocks } = setup();
    const now = Math.floor(Date.now() / 1000);
    for (const claims of [{ sub: '', cyc: C1 }, { sub: 's1', cyc: C1 }, { sub: S1, cyc: 'november' }, { sub: 7, cyc: C1 }]) {
      expect(sut.resolve('sign', mocks.jwt.sign(claims, { audience: 'qalam:sign', expiresIn: 3600 }))).toEqual({ kind: 'invalid' });
      expect(sut.resolve('sign', mocks.jwt.sign({ ...claims, iat: now - 100, exp: now - 10 }, { audience: 'qalam:sign' }))).toEqual({ kind: 'invalid' });
    }
  });

  it('refuses a sign link without its cycle', () => {
    const { sut, mocks } = setup();
    expect(sut.resolve('sign', mocks.tokens.issue('sign', { supporterId: S1 }))).toEqual({ kind: 'invalid' });
  });
});
