/** End-to-end tests on the bundled apps, against real services (see jest.integration.cjs). */
module.exports = require('../../jest.integration.cjs')(__dirname, 'e2e', 600000);
