/** Integration tests of @shoplens/ingestor, against real services (see jest.integration.cjs). */
module.exports = require('../../jest.integration.cjs')(__dirname, 'ingestor', 240000);
