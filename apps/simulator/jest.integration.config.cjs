/** Integration tests of @shoplens/simulator, against real services (see jest.integration.cjs). */
module.exports = require('../../jest.integration.cjs')(__dirname, 'simulator', 120000);
