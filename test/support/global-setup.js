// One temporary folder for the whole test run; every test's temp dirs go below it.
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');

module.exports = async () => {
  process.env.HELPDESK_TEST_TMP = fs.mkdtempSync(path.join(os.tmpdir(), 'helpdesk-tests-'));
};
