/** Integration tests of @shoplens/api, against real services (see jest.integration.cjs). */
module.exports = require('../../jest.integration.cjs')(__dirname, 'api', 300000);
