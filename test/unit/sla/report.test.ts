import path from 'node:path';
import { replyAddress } from '../../../src/auth/token';
import { loadConfig } from '../../../src/config/load';
import { slaPolicy } from '../../../src/daemon';
import { slaReport } from '../../../src/sla/report';
import { buildMail } from '../../support/mails';
import { root } from '../../support/env';
import { ENGINEERS, TOKEN_SECRET, intakeHarness, mailbox } from '../../support/services';

const example = loadConfig(path.join(root, 'config', 'helpdesk.example.yaml'), { env: {} }, { secrets: false });
const mb = mailbox();

test('met, breached and pending per plan × severity, with counted-time percentiles', async () => {
  const sla = { ...slaPolicy(example)!, organisations: [{ name: 'Ромашка', domains: ['romashka.test'], contacts: [], plan: 'extended' }] };
  const h = intakeHarness({ engineers: ENGINEERS, sla }); // Fri 2026-11-20 12:30 MSK
  const open = (from: string, subject: string) => h.intake.process({ raw: buildMail({ from, to: 'support@example.test', subject, body: 'x' }).raw, mailbox: mb, receivedAt: h.clock.now() });
  const anna = (n: number, body: string) =>
    h.intake.process({
      raw: buildMail({ from: 'anna@vendor.test', to: replyAddress(TOKEN_SECRET, 'support@example.test', `SUP-2026-00000${n}`, 'anna@vendor.test'), subject: `Re: [SUP-2026-00000${n}] x`, body }).raw,
      mailbox: mb,
      receivedAt: h.clock.now(),
    });
  await open('ivan@romashka.test', 'A'); // 1: answered and resolved in time
  await open('olga@romashka.test', 'B'); // 2: never answered
  await open('someone@elsewhere.test', 'C'); // 3: basic (no resolution target), answered in time
  h.clock.advance(3_600_000); // 13:30 MSK
  await anna(1, 'Смотрим.');
  await anna(3, 'Смотрим.');
  h.clock.advance(3_600_000); // 14:30
  await anna(1, '#status resolved\n\nГотово.');
  h.clock.set('2026-11-23T09:30:00Z'); // Mon 12:30 MSK: B's 4 h reaction (due Fri 16:30) is breached
  const rows = slaReport(h.db, sla.plans, h.clock.now());
  expect(rows).toEqual([
    {
      plan: 'basic',
      severity: 'medium',
      requests: 1,
      reaction: { met: 1, breached: 0, pending: 0 },
      resolution: { met: 0, breached: 0, pending: 0, noTarget: 1 },
      countedMinutes: { median: 540, p90: 540 }, // Fri 12:30–18:00 (330) + Mon 09:00–12:30 (210)
    },
    {
      plan: 'extended',
      severity: 'medium',
      requests: 2,
      reaction: { met: 1, breached: 1, pending: 0 },
      resolution: { met: 1, breached: 0, pending: 1, noTarget: 0 },
      countedMinutes: { median: 120, p90: 540 }, // A: 2 h until resolved; B: 540 min so far
    },
  ]);
  h.close();
});
