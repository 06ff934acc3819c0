// Removes the run's temporary folder (data dirs, configs, logs of every test).
const fs = require('node:fs');

module.exports = async () => {
  if (process.env.HELPDESK_TEST_TMP) fs.rmSync(process.env.HELPDESK_TEST_TMP, { recursive: true, force: true });
};
