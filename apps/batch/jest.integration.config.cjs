/** Integration tests of @shoplens/batch, against real services (see jest.integration.cjs). */
module.exports = require('../../jest.integration.cjs')(__dirname, 'batch', 300000);
