import { parseCommands } from '../../../src/commands/parse';

const ctx = { engineers: [{ address: 'anna@vendor.test', name: 'Анна Иванова' }, { address: 'boris@vendor.test', name: 'Борис' }], lines: ['L1', 'L2'] };
const parse = (text: string, subject = 'Re: [SUP-2026-000001] x') => parseCommands(subject, text, ctx);

test('command lines at the top, then the text for the customer', () => {
  const r = parse('#status awaiting_info\n#priority P2\n\nУточните, пожалуйста, версию.\nСм. #1 в списке.\n# Шаги');
  expect(r.commands).toEqual([
    { name: 'status', status: 'awaiting_info', source: '#status awaiting_info' },
    { name: 'priority', priority: 'high', source: '#priority P2' },
  ]);
  expect(r.refused).toEqual([]);
  expect(r.body).toBe('Уточните, пожалуйста, версию.\nСм. #1 в списке.\n# Шаги'); // a "#" before what is no command word stays text
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

describe('fail closed: what looks like a command but is not one refuses the message', () => {
  test.each([
    ['# note', /malformed: a space between # and the command \(write #note\)/],
    ['#\u00a0note', /malformed: a space between # and the command/],
    ['#', /malformed: # with no command/],
    ['\u200b#note', /invisible characters \(U\+200B\)/],
    ['\u2060#note', /invisible characters \(U\+2060\)/],
    ['\u00ad#note', /invisible characters \(U\+00AD\)/],
    ['\u3164#note', /invisible characters \(U\+3164\)/],
    ['#no\u200dte', /invisible characters \(U\+200D\)/],
    ['#status resolved\u200b', /invisible characters/],
    ['\uff03note', /full-width or other compatibility characters \(U\+FF03\): type #note in plain letters/],
    ['\ufe5fnote', /compatibility characters \(U\+FE5F\)/],
    ['#\uff4e\uff4f\uff54\uff45', /compatibility characters/],
    ['#n\u043ete', /looks like #note but is written with look-alike letters \(U\+043E\)/],
    ['#\u0455tatus resolved', /looks like #status but is written with look-alike letters \(U\+0455\)/],
    ['#n\u03bfte', /looks like #note .*U\+03BF/],
    ['#no\u0301te', /looks like #note .*U\+00F3/],
    ['#1', /not a command: a line at the top of a reply that begins with # is read as one/],
  ])('%j at the top is refused, nothing relayed', (line, reason) => {
    const r = parse(`${line}\nКлиент звонил, это у них сеть.`);
    expect(r.commands).toEqual([]);
    expect(r.refused).toEqual([{ source: expect.any(String), reason: expect.stringMatching(reason) }]);
    expect(r.note).toBe(false);
  });

  test('the refusal shows the invisible character, so the engineer can see what was wrong', () => {
    expect(parse('\u200b#note\nвнутреннее').refused[0].source).toBe('<U+200B>#note');
  });

  test('the plain forms are still commands', () => {
    expect(parse('#note\nвнутреннее').note).toBe(true);
    expect(parse('  #NOTE\nвнутреннее').note).toBe(true);
    expect(parse('\u00a0#note:\nвнутреннее').note).toBe(true);
    expect(parse('\u200b\n#note\nвнутреннее').note).toBe(true); // a line of nothing visible before it is a blank line
    expect(parse('#assign Анна Иванова').refused).toEqual([]);
  });

  test.each([
    ['Добрый день,\n#note клиент сложный', '#note клиент сложный'],
    ['Добрый день,\n\n#status resolved', '#status resolved'],
    ['Добрый день,\n#VPN', '#VPN'],
    ['Добрый день,\n# note', '# note'],
    ['Добрый день,\n\u200b#n\u043ete', '<U+200B>#nоte'],
    ['#status resolved\n\nРешено.\n#note не забыть счёт', '#note не забыть счёт'],
  ])('a command word at the start of a line after the text has begun refuses the message: %j', (text, source) => {
    const r = parse(text);
    expect(r.refused).toContainEqual({ source, reason: expect.stringContaining('a command after the text has begun is not applied') });
  });

  test('the subject: a command in look-alike letters, invisible characters or with a space is refused; a plain one is read', () => {
    expect(parse('текст', 'Re: [SUP-2026-000001] x #n\u043ete').refused).toEqual([{ source: 'Re: [SUP-2026-000001] x #nоte', reason: expect.stringContaining('not written plainly') }]);
    expect(parse('текст', 'Re: [SUP-2026-000001] x #\u200bnote').refused).toHaveLength(1);
    expect(parse('текст', 'Re: [SUP-2026-000001] x \uff03note').refused).toHaveLength(1);
    expect(parse('текст', 'Re: [SUP-2026-000001] x # status resolved').refused).toHaveLength(1);
    expect(parse('текст', 'Re: [SUP-2026-000001] Заказ #123, # 5 и #статус').refused).toEqual([]);
    expect(parse('текст', 'Re: [SUP-2026-000001] x #note').note).toBe(true);
  });
});

describe('more look-alikes found by review: a blank-drawn character first, "#"-like signs, a line drawn in another order', () => {
  test.each([
    ['\u2800#note внутреннее', 'U+2800'],
    ['♯note внутреннее', 'U+266F'],
    ['⌗note внутреннее', 'U+2317'],
    ['\u202Eetoн#', 'U+202E'],
  ])('%j refuses the message (%s named), nothing for the customer', (line, code) => {
    const p = parse(`${line}\n\nКлиенту нельзя это видеть.`);
    expect(p.refused.length).toBeGreaterThan(0);
    expect(JSON.stringify(p.refused)).toContain(code);
  });

  test('further down, after the text, the same lines refuse too', () => {
    for (const line of ['\u2800#note x', '♯note x', 'текст \u202Eeton#']) expect(parse(`Добрый день.\n${line}`).refused.length).toBeGreaterThan(0);
  });

  test('text with a sharp sign that is no command stays text', () => {
    expect(parse('Тональность C♯ minor.').refused).toEqual([]);
  });
});
