/** Integration tests of @shoplens/streamer, against real services (see jest.integration.cjs). */
module.exports = require('../../jest.integration.cjs')(__dirname, 'streamer', 300000);
