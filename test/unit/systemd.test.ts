import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { root } from '../support/env';

const unit = path.join(root, 'systemd', 'helpdesk.service');

test('systemd-analyze verify accepts the unit without a warning', () => {
  const r = spawnSync('systemd-analyze', ['verify', unit], { encoding: 'utf8' });
  expect(r.error).toBeUndefined();
  expect(r.stderr.trim()).toBe('');
  expect(r.status).toBe(0);
});

test('the unit restarts on failure, reloads with SIGHUP, keeps state and credentials, and is hardened', () => {
  const text = fs.readFileSync(unit, 'utf8');
  for (const line of [
    'Restart=on-failure',
    'ExecReload=/bin/kill -HUP $MAINPID',
    'StateDirectory=helpdesk',
    'LoadCredential=imap-password:',
    'NoNewPrivileges=yes',
    'ProtectSystem=strict',
    'ProtectHome=yes',
    'PrivateTmp=yes',
    // A small young generation: the peak RSS target of bench/RESULTS.md is met with it (the bench reads this line).
    'ExecStart=/usr/bin/node --max-semi-space-size=4 --optimize-for-size /opt/mail-helpdesk/bin/helpdesk.js start',
  ]) {
    expect(text).toContain(line);
  }
});
