import { Secret } from '../../../src/config/secret';
import { forwardAddress, replyAddress, verifyForwardAddress, verifyReplyToken } from '../../../src/auth/token';

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

test('an engineer\'s forwarding address verifies for that engineer at that mailbox only, and is no reply token (nor is a reply token one)', () => {
  const f = forwardAddress(secret, 'support@example.test', 'anna@vendor.test');
  expect(f).toMatch(/^support\+f\.[0-9a-f]{20}@example\.test$/);
  const mailbox = ['support@example.test'];
  expect(verifyForwardAddress(secret, ['x@y.test', f], 'anna@vendor.test', mailbox)).toBe(true);
  expect(verifyForwardAddress(secret, [f.toUpperCase()], 'Anna@Vendor.test', mailbox)).toBe(true);
  expect(verifyForwardAddress(secret, [f], 'boris@vendor.test', mailbox)).toBe(false); // another engineer
  expect(verifyForwardAddress(new Secret('other'), [f], 'anna@vendor.test', mailbox)).toBe(false);
  expect(verifyForwardAddress(secret, [f], 'anna@vendor.test', ['sales@example.test'])).toBe(false); // not this mailbox's address
  const sales = forwardAddress(secret, 'sales@example.test', 'anna@vendor.test');
  expect(verifyForwardAddress(secret, [sales.replace('sales@', 'support@')], 'anna@vendor.test', mailbox)).toBe(false); // signed for another mailbox
  // Neither form is read as the other, nor does either's signature verify in the other's place.
  expect(verifyReplyToken(secret, [f], 'anna@vendor.test')).toBeNull();
  const fMac = /\+f\.([0-9a-f]{20})@/.exec(f)![1];
  expect(verifyReplyToken(secret, [`support+t.sup-2026-000042.${fMac}@example.test`], 'anna@vendor.test')).toBeNull();
  const tMac = /\.([0-9a-f]{20})@/.exec(replyAddress(secret, 'support@example.test', N, 'anna@vendor.test'))![1];
  expect(verifyForwardAddress(secret, [`support+f.${tMac}@example.test`], 'anna@vendor.test', mailbox)).toBe(false);
  expect(verifyForwardAddress(secret, [replyAddress(secret, 'support@example.test', N, 'anna@vendor.test')], 'anna@vendor.test', mailbox)).toBe(false);
});
