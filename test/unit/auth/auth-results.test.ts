/** The Authentication-Results parser (RFC 8601 section 2.2; examples in the shapes of its appendix B and of OpenDKIM/OpenDMARC). */
import { parseAuthResults } from '../../../src/auth/auth-results';

test('authserv-id, version, methods with results, reason, properties; comments and quoted strings', () => {
  const h = parseAuthResults(
    'mx.desk.example 1; dkim=pass (2048-bit key; (nested) comment) header.d=corp.example header.i=@corp.example header.b="AbC/d+1="; spf=fail reason="not \\"ours\\"" smtp.mailfrom=anna@corp.example; dmarc/1=pass (p=reject) header.from=corp.example',
  );
  expect(h).toEqual({
    authservId: 'mx.desk.example',
    version: 1,
    results: [
      { method: 'dkim', methodVersion: null, result: 'pass', reason: null, props: [{ ptype: 'header', property: 'd', value: 'corp.example' }, { ptype: 'header', property: 'i', value: '@corp.example' }, { ptype: 'header', property: 'b', value: 'AbC/d+1=' }] },
      { method: 'spf', methodVersion: null, result: 'fail', reason: 'not "ours"', props: [{ ptype: 'smtp', property: 'mailfrom', value: 'anna@corp.example' }] },
      { method: 'dmarc', methodVersion: 1, result: 'pass', reason: null, props: [{ ptype: 'header', property: 'from', value: 'corp.example' }] },
    ],
  });
});

test('a quoted authserv-id, a comment before it, "none", case and spacing', () => {
  expect(parseAuthResults('(our MX) "mx.desk.example"; none')).toEqual({ authservId: 'mx.desk.example', version: null, results: [] });
  expect(parseAuthResults(' mx.desk.example ;\tDKIM = Pass Header . D = corp.example ;')).toMatchObject({ results: [{ method: 'dkim', result: 'pass', props: [{ ptype: 'header', property: 'd', value: 'corp.example' }] }] });
});

test('a comment cannot hide a result, and a semicolon in a comment or quoted string is not a separator', () => {
  expect(parseAuthResults('mx.desk.example; dkim=fail (dkim=pass header.d=corp.example) header.d=corp.example')!.results).toEqual([
    { method: 'dkim', methodVersion: null, result: 'fail', reason: null, props: [{ ptype: 'header', property: 'd', value: 'corp.example' }] },
  ]);
  expect(parseAuthResults('mx.desk.example; dkim=fail reason="x; dkim=pass header.d=corp.example"')!.results).toHaveLength(1);
});

test.each([
  ['no result', 'mx.desk.example'],
  ['a method without a result', 'mx.desk.example; dkim'],
  ['an unterminated comment', 'mx.desk.example; dkim=pass (header.d=corp.example'],
  ['an unterminated quoted string', 'mx.desk.example; dkim=pass header.b="abc'],
  ['a property without a ptype', 'mx.desk.example; dkim=pass d=corp.example'],
  ['key=value in the authserv-id part', 'mx.desk.example header.d=corp.example; dkim=pass header.d=corp.example'],
  ['an empty header', ''],
])('%s is not read at all', (_why, value) => {
  expect(parseAuthResults(value)).toBeNull();
});
