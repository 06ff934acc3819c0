import { Secret } from '../../../src/config/secret';
import { replyAddress, verifyReplyToken } from '../../../src/auth/token';

const secret = new Secret('s3cret');
const N = 'SUP-2026-000042';

test('an engineer\'s reply address verifies for that engineer and that request only', () => {
  const a = replyAddress(secret, 'support@example.test', N, 'anna@vendor.test');
  expect(a).toMatch(/^support\+t\.sup-2026-000042\.[0-9a-f]{20}@example\.test$/);
  expect(verifyReplyToken(secret, ['x@y.test', a], 'anna@vendor.test')).toBe(N);
  expect(verifyReplyToken(secret, [a], 'ANNA@vendor.test')).toBe(N);
  expect(verifyReplyToken(secret, [a], 'mallory@evil.test')).toBeNull(); // forged From
  expect(verifyReplyToken(new Secret('other'), [a], 'anna@vendor.test')).toBeNull();
  expect(verifyReplyToken(secret, [a.replace('000042', '000043')], 'anna@vendor.test')).toBeNull(); // another request
  expect(verifyReplyToken(secret, [a.replace(/\.[0-9a-f]{20}@/, '.00000000000000000000@')], 'anna@vendor.test')).toBeNull();
  expect(verifyReplyToken(secret, ['support@example.test'], 'anna@vendor.test')).toBeNull();
});
