/** Integration tests of @shoplens/stack, against real services (see jest.integration.cjs). */
module.exports = require('../../jest.integration.cjs')(__dirname, 'stack', 120000);
