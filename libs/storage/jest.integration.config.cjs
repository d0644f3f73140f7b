/** Integration tests of @shoplens/storage, against real services (see jest.integration.cjs). */
module.exports = require('../../jest.integration.cjs')(__dirname, 'storage', 120000);
