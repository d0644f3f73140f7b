/** Integration tests of @shoplens/collector, against real services (see jest.integration.cjs). */
module.exports = require('../../jest.integration.cjs')(__dirname, 'collector', 240000);
