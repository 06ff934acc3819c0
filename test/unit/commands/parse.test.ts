import { parseCommands } from '../../../src/commands/parse';

const ctx = { engineers: [{ address: 'anna@vendor.test', name: 'Анна Иванова' }, { address: 'boris@vendor.test', name: 'Борис' }], lines: ['L1', 'L2'] };
const parse = (text: string, subject = 'Re: [SUP-2026-000001] x') => parseCommands(subject, text, ctx);

test('command lines at the top, then the text for the customer', () => {
  const r = parse('#status awaiting_info\n#priority P2\n\nУточните, пожалуйста, версию.\n#status resolved is not a command here');
  expect(r.commands).toEqual([
    { name: 'status', status: 'awaiting_info', source: '#status awaiting_info' },
    { name: 'priority', priority: 'high', source: '#priority P2' },
  ]);
  expect(r.refused).toEqual([]);
  expect(r.body).toBe('Уточните, пожалуйста, версию.\n#status resolved is not a command here');
  expect(r.note).toBe(false);
});

test('no commands: all of it is for the customer', () => {
  expect(parse('\n\nДобрый день! Решение: …')).toEqual({ commands: [], refused: [], body: 'Добрый день! Решение: …', note: false });
});

test('#note keeps the whole message internal', () => {
  const r = parse('#note\nКлиент звонил, ждёт до пятницы.');
  expect(r.note).toBe(true);
  expect(r.body).toBe('');
});

test('every command and its arguments', () => {
  const r = parse('#wait third_party ждём ответа вендора\n#type incident\n#assign boris@vendor.test\n#escalate l2');
  expect(r.refused).toEqual([]);
  expect(r.commands).toEqual([
    { name: 'wait', why: 'third_party', comment: 'ждём ответа вендора', source: '#wait third_party ждём ответа вендора' },
    { name: 'type', type: 'incident', source: '#type incident' },
    { name: 'assign', engineer: 'boris@vendor.test', source: '#assign boris@vendor.test' },
    { name: 'escalate', line: 'L2', source: '#escalate l2' },
  ]);
  expect(parse('#assign Анна Иванова').commands).toEqual([{ name: 'assign', engineer: 'anna@vendor.test', source: '#assign Анна Иванова' }]);
});

test('commands in the subject count too', () => {
  const r = parse('Решено обновлением до 5.3.', 'Re: [SUP-2026-000001] x #status resolved');
  expect(r.commands).toEqual([{ name: 'status', status: 'resolved', source: '#status resolved' }]);
  expect(r.body).toBe('Решено обновлением до 5.3.');
});

test.each([
  ['#status done', /status must be one of: in_progress, awaiting_info, suspended, resolved, closed/],
  ['#status new', /status must be one of/],
  ['#priority urgent', /priority must be one of: critical, high, medium, low \(or P1–P4\)/],
  ['#type bug', /type must be one of/],
  ['#wait holidays', /the reason must be one of: customer_side/],
  ['#assign mallory@evil.test', /no engineer "mallory@evil.test"/],
  ['#escalate L9', /no support line "L9"/],
  ['#statuz resolved', /unknown command #statuz/],
])('%s is refused with a reason', (line, reason) => {
  const r = parse(`${line}\nтекст`);
  expect(r.refused).toEqual([{ source: line, reason: expect.stringMatching(reason) }]);
});

test('two status changes in one message are refused', () => {
  expect(parse('#status resolved\n#wait other').refused).toEqual([{ source: '#status resolved + #wait other', reason: 'more than one status change in one message' }]);
});
